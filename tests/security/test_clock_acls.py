"""Only the scheduler moves time: at the real secured broker, a ``DayStarted`` written by
any other actor is refused, and the scheduler itself may use only its own transactional id."""

from __future__ import annotations

from datetime import date

import pytest
from aiokafka.errors import TopicAuthorizationFailedError, TransactionalIdAuthorizationFailed
from msa_contracts.envelope import encode
from msa_contracts.events import DayStarted
from msa_contracts.events.clock import tick_id
from msa_kit.city_day import city_midnight
from msa_kit.kafka_security import KafkaSecurity
from msa_ops.deploy.acls import actors
from msa_ops.deploy.naming import kafka_user
from msa_ops.infra.secure_kafka import SecureKafka
from msa_scheduler.adapters.kafka import KafkaTickLog

from tests.security.clients import CAT, producer

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

CLOCK = "msa.clock"
DAY = date(2031, 1, 1)  # later than any day another test publishes here
TICK = DayStarted(day=DAY, at=city_midnight(DAY))
NOT_THE_SCHEDULER = [a for a in actors(CAT) if a != "scheduler"]


def _security(kafka: SecureKafka, user: str) -> KafkaSecurity:
    return KafkaSecurity("SASL_PLAINTEXT", "SCRAM-SHA-512", user, kafka.passwords[user])


@pytest.mark.parametrize("actor", NOT_THE_SCHEDULER)
async def test_a_tick_from_anyone_but_the_scheduler_is_refused(
    secure_kafka: SecureKafka, actor: str
) -> None:
    record = encode(TICK, event_id=tick_id(DAY), source=f"/{actor}", time=TICK.at)
    async with producer(secure_kafka, kafka_user(actor)) as client:
        with pytest.raises(TopicAuthorizationFailedError):
            await client.send_and_wait(CLOCK, record.value, key=record.key,
                                       headers=list(record.headers))  # fmt: skip


async def test_the_scheduler_publishes_its_tick_transactionally_and_reads_it_back(
    secure_kafka: SecureKafka,
) -> None:
    log = KafkaTickLog(secure_kafka.address, CLOCK, transactional_id="msa-scheduler",
                       security=_security(secure_kafka, "msa-scheduler"))  # fmt: skip
    await log.start()
    try:
        await log.publish(TICK)
        assert await log.last_day() == DAY
    finally:
        await log.stop()


async def test_the_scheduler_may_not_use_another_transactional_id(
    secure_kafka: SecureKafka,
) -> None:
    log = KafkaTickLog(secure_kafka.address, CLOCK, transactional_id="msa-scheduler-2",
                       security=_security(secure_kafka, "msa-scheduler"))  # fmt: skip
    try:
        with pytest.raises(TransactionalIdAuthorizationFailed):
            await log.start()  # the broker refuses the id when the producer asks for it
            await log.publish(TICK)
    finally:
        await log.stop()

"""Access control proven at a real broker: SASL/SCRAM logins and Kafka's StandardAuthorizer
with the ACLs of the generated Strimzi KafkaUsers, exercised by real aiokafka clients.

Here: the broker's ACLs are those of the committed KafkaUser manifests, and the cases of a
provider (caritas) and two services (billing, intake) one by one. test_catalogue_matrix.py
checks every actor against every topic and group; test_authentication.py the logins.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml
from aiokafka.errors import GroupAuthorizationFailedError, TopicAuthorizationFailedError
from msa_contracts.topics import ACCESS_PARTS, ACCESS_REQUESTS
from msa_ops.deploy.layout import KAFKA_USERS
from msa_ops.deploy.naming import kafka_user
from msa_ops.infra.secure_acls import bindings
from msa_ops.infra.secure_kafka import SecureKafka

from tests.security.clients import CAT, consume, produce, producer, pt, send, trim, user_of

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

ROOT = Path(__file__).resolve().parents[2]
CARITAS, DIAKONIE = "caritas", "diakonie"
TopicDenied = TopicAuthorizationFailedError
GroupDenied = GroupAuthorizationFailedError
CARITAS_USER = user_of(CARITAS)


def test_the_named_providers_are_in_the_catalogue() -> None:
    assert {CARITAS, DIAKONIE} <= set(CAT.providers)


def test_broker_holds_exactly_the_acls_of_the_committed_kafka_users(
    secure_kafka: SecureKafka,
) -> None:
    """Kafka's own AclCommand lists the broker's ACLs; they equal the bindings of the
    committed kafka-users.yaml (the Strimzi KafkaUsers) and nothing else."""
    committed = bindings(yaml.safe_load_all((ROOT / KAFKA_USERS).read_text()))
    listed = secure_kafka.list_acls()
    assert listed == committed == secure_kafka.acls
    assert {b.host for b in listed} == {"*"}


# --- a provider: caritas ----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["reports", "hours"])
async def test_provider_writes_its_inbound_topics(secure_kafka: SecureKafka, kind: str) -> None:
    await produce(secure_kafka, CARITAS_USER, pt(CARITAS, kind))


@pytest.mark.parametrize(
    "topic",
    [
        pt(DIAKONIE, "reports"),
        pt(DIAKONIE, "hours"),
        "msa.casework.cases",
        pt(CARITAS, "assignments"),
        pt(CARITAS, "feedback"),
        "msa.allocation.notices",
    ],
)
async def test_provider_cannot_write_other_topics(secure_kafka: SecureKafka, topic: str) -> None:
    with pytest.raises(TopicDenied):
        await produce(secure_kafka, CARITAS_USER, topic)


@pytest.mark.parametrize(("kind", "writer"), [("assignments", "casework"), ("feedback", "billing")])
async def test_provider_reads_its_assignments_and_feedback(
    secure_kafka: SecureKafka, kind: str, writer: str
) -> None:
    """What the owning service writes, the provider reads in a group of its own."""
    topic = pt(CARITAS, kind)
    value = await produce(secure_kafka, kafka_user(writer), topic)
    assert value in await consume(secure_kafka, CARITAS_USER, topic, "provider-caritas-app", value)


@pytest.mark.parametrize(
    "topic",
    [
        pt(DIAKONIE, "feedback"),
        pt(DIAKONIE, "assignments"),
        pt(CARITAS, "reports"),
        "msa.casework.cases",
        "msa.intake.persons",
    ],
)
async def test_provider_cannot_read_other_topics(secure_kafka: SecureKafka, topic: str) -> None:
    with pytest.raises(TopicDenied):
        await consume(secure_kafka, CARITAS_USER, topic, "provider-caritas-app")


@pytest.mark.parametrize("group", ["msa-billing", "provider-diakonie-x", "provider-caritas"])
async def test_provider_cannot_use_foreign_groups(secure_kafka: SecureKafka, group: str) -> None:
    with pytest.raises(GroupDenied):
        await consume(secure_kafka, CARITAS_USER, pt(CARITAS, "assignments"), group)


@pytest.mark.parametrize(("a", "b"), list(itertools.permutations(CAT.providers, 2)))
async def test_no_provider_reaches_another_providers_topics(
    secure_kafka: SecureKafka, a: str, b: str
) -> None:
    async with producer(secure_kafka, user_of(a)) as client:
        for kind in ("reports", "hours"):
            with pytest.raises(TopicDenied):
                await send(client, pt(b, kind))
    for kind in ("assignments", "feedback"):
        with pytest.raises(TopicDenied):
            await consume(secure_kafka, user_of(a), pt(b, kind), f"{user_of(a)}-app")
    with pytest.raises(GroupDenied):
        await consume(secure_kafka, user_of(a), pt(a, "feedback"), f"{user_of(b)}-app")


# --- services: billing and intake -------------------------------------------------------


@pytest.mark.parametrize(
    ("topic", "writer"),
    [(pt(CARITAS, "hours"), CARITAS_USER), ("msa.casework.cases", "msa-casework")],
)
async def test_billing_reads_its_inputs_in_its_group(
    secure_kafka: SecureKafka, topic: str, writer: str
) -> None:
    value = await produce(secure_kafka, writer, topic)
    assert value in await consume(secure_kafka, "msa-billing", topic, "msa-billing", value)


@pytest.mark.parametrize("topic", ["msa.billing.ledger", pt(CARITAS, "feedback")])
async def test_billing_writes_ledger_and_feedback_idempotently(
    secure_kafka: SecureKafka, topic: str
) -> None:
    await produce(secure_kafka, "msa-billing", topic, enable_idempotence=True)


@pytest.mark.parametrize(
    "topic", ["msa.casework.cases", "msa.intake.persons", pt(CARITAS, "hours")]
)
async def test_billing_cannot_write_others_topics(secure_kafka: SecureKafka, topic: str) -> None:
    with pytest.raises(TopicDenied):
        await produce(secure_kafka, "msa-billing", topic)


async def test_billing_cannot_read_allocation_notices(secure_kafka: SecureKafka) -> None:
    with pytest.raises(TopicDenied):
        await consume(secure_kafka, "msa-billing", "msa.allocation.notices", "msa-billing")


async def test_billing_cannot_use_caseworks_group(secure_kafka: SecureKafka) -> None:
    with pytest.raises(GroupDenied):
        await consume(secure_kafka, "msa-billing", "msa.casework.cases", "msa-casework")


async def test_intake_reads_allocation_notices_and_writes_persons(
    secure_kafka: SecureKafka,
) -> None:
    value = await produce(secure_kafka, "msa-allocation-system", "msa.allocation.notices")
    got = await consume(secure_kafka, "msa-intake", "msa.allocation.notices", "msa-intake", value)
    assert value in got
    await produce(secure_kafka, "msa-intake", "msa.intake.persons", enable_idempotence=True)


async def test_intake_trims_allocation_notices_and_no_one_else_trims_anything(
    secure_kafka: SecureKafka,
) -> None:
    await produce(secure_kafka, "msa-allocation-system", "msa.allocation.notices")
    assert await trim(secure_kafka, "msa-intake", "msa.allocation.notices") > 0
    await produce(secure_kafka, "msa-intake", "msa.intake.persons", enable_idempotence=True)
    with pytest.raises(TopicDenied):  # may write the notices, not delete them
        await trim(secure_kafka, "msa-allocation-system", "msa.allocation.notices")
    with pytest.raises(TopicDenied):  # its own output topic is a history, never trimmed
        await trim(secure_kafka, "msa-intake", "msa.intake.persons")
    # a record on the topic again, for the read proofs that follow
    await produce(secure_kafka, "msa-allocation-system", "msa.allocation.notices")


BILLING_ONLY = sorted(
    {t.name for t in (*CAT.produced_by("billing"), *CAT.consumed_by("billing"))}
    - {t.name for t in (*CAT.produced_by("intake"), *CAT.consumed_by("intake"))}
)


@pytest.mark.parametrize("topic", BILLING_ONLY)
async def test_intake_touches_nothing_of_billings(secure_kafka: SecureKafka, topic: str) -> None:
    with pytest.raises(TopicDenied):
        await produce(secure_kafka, "msa-intake", topic)
    with pytest.raises(TopicDenied):
        await consume(secure_kafka, "msa-intake", topic, "msa-intake")


async def test_intake_cannot_use_billings_group(secure_kafka: SecureKafka) -> None:
    with pytest.raises(GroupDenied):
        await consume(secure_kafka, "msa-intake", "msa.allocation.notices", "msa-billing")


# --- access requests (DSGVO Art. 15): only intake asks, only intake reads the answers ----


@pytest.mark.parametrize("service", ["casework", "billing", "reporting"])
async def test_a_service_reads_access_requests_and_answers_to_intake_alone(
    secure_kafka: SecureKafka, service: str
) -> None:
    user = kafka_user(service)
    asked = await produce(secure_kafka, "msa-intake", ACCESS_REQUESTS, enable_idempotence=True)
    assert asked in await consume(secure_kafka, user, ACCESS_REQUESTS, user, asked)
    answer = await produce(secure_kafka, user, ACCESS_PARTS, enable_idempotence=True)
    assert answer in await consume(secure_kafka, "msa-intake", ACCESS_PARTS, "msa-intake", answer)
    with pytest.raises(TopicDenied):  # not even its own answer, nor another service's
        await consume(secure_kafka, user, ACCESS_PARTS, user)
    with pytest.raises(TopicDenied):
        await produce(secure_kafka, user, ACCESS_REQUESTS)


@pytest.mark.parametrize("topic", [ACCESS_REQUESTS, ACCESS_PARTS])
async def test_no_provider_sees_or_writes_access_requests_and_answers(
    secure_kafka: SecureKafka, topic: str
) -> None:
    with pytest.raises(TopicDenied):
        await consume(secure_kafka, CARITAS_USER, topic, "provider-caritas-app")
    with pytest.raises(TopicDenied):
        await produce(secure_kafka, CARITAS_USER, topic)

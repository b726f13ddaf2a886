"""Every inbound topic of every service, fuzzed at the processing boundary: the kit's
Processor with the service's real subscription on the real store. Each record ends as
processed, a duplicate, or rejected/dead-lettered with a machine-readable code; nothing
escapes, nothing hangs, and provider topics answer every rejection to the provider."""

from __future__ import annotations

import asyncio
import re

import pytest
from hypothesis import HealthCheck, given, settings
from msa_contracts.topics import catalogue, dead_letter_topic
from msa_kit.outbox import OUTBOX

from tests.hostile.records import RecordParts, hostile_records
from tests.hostile.samples import samples
from tests.hostile.services import SERVICES, Assembled

pytestmark = pytest.mark.integration
CODE = re.compile(r"^[a-z][a-z0-9-]{1,48}$")
SAMPLES = samples()
CATALOGUE = catalogue(["caritas", "diakonie", "awo", "drk"])
INBOUND = sorted((s, t.name) for s in SERVICES for t in CATALOGUE.consumed_by(s))
ANSWER_TOPICS = {"casework": "assignments", "billing": "feedback"}


def test_every_inbound_topic_of_the_catalogue_is_fuzzed(services: dict[str, Assembled]) -> None:
    subscribed = sorted((name, topic) for name, s in services.items() for topic in s.topics)
    assert subscribed == INBOUND


async def _letter(service: Assembled, topic: str, offset: int) -> dict[str, str]:
    docs = service.runtime.db[OUTBOX].find({"topic": dead_letter_topic(service.name)})
    async for doc in docs.sort([("order", -1)]).limit(5):
        meta = {k: bytes(v).decode(errors="replace") for k, v in doc["headers"]}
        if meta.get("dlq_topic") == topic and meta.get("dlq_offset") == str(offset):
            return meta
    raise AssertionError(f"no dead letter for {topic}@{offset}")


async def _answers(service: Assembled, topic: str) -> int:
    provider = CATALOGUE.provider_of(topic)
    if provider is None or service.name not in ANSWER_TOPICS:
        return 0
    answer = CATALOGUE.provider_topic(provider, ANSWER_TOPICS[service.name])
    return await service.runtime.db[OUTBOX].count_documents({"topic": answer})


async def check_record(service: Assembled, topic: str, record: RecordParts) -> str:
    """Process one record and check its ending; returns the outcome (or the dlq code)."""
    key, value, headers = record
    answers_before = await _answers(service, topic)
    outcome = await asyncio.wait_for(service.process(topic, key, value, headers), 30)
    if outcome in {"processed", "duplicate"}:
        return outcome
    assert outcome in {"rejected", "dead-lettered"}, outcome
    letter = await _letter(service, topic, service.offsets[topic])
    assert CODE.match(letter["dlq_code"]), letter["dlq_code"]
    assert letter["dlq_reason"], "a dead letter says why"
    if outcome == "rejected" and CATALOGUE.provider_of(topic) and service.name in ANSWER_TOPICS:
        assert await _answers(service, topic) == answers_before + 1, "no answer to the provider"
    return letter["dlq_code"]


@pytest.mark.parametrize(("service_name", "topic"), INBOUND, ids=[f"{s}:{t}" for s, t in INBOUND])
async def test_hostile_records_end_in_a_clear_outcome(
    services: dict[str, Assembled], service_name: str, topic: str
) -> None:
    service = services[service_name]
    allowed = frozenset(CATALOGUE.topic(topic).event_types)
    seen: dict[str, int] = {}

    examples = 5 if CATALOGUE.provider_of(topic) else 12  # provider topics share a subscription

    @settings(max_examples=examples, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.function_scoped_fixture])  # fmt: skip
    @given(record=hostile_records(allowed, SAMPLES))
    def run(record: RecordParts) -> None:
        ending = asyncio.run_coroutine_threadsafe(
            check_record(service, topic, record), loop).result(timeout=60)  # fmt: skip
        seen[ending] = seen.get(ending, 0) + 1

    loop = asyncio.get_running_loop()
    await asyncio.to_thread(run)
    assert "handler-failed" not in seen, f"a handler crashed on hostile input: {seen}"
    print(f"{service_name} {topic}: {seen}")

"""A simulated month through intake and casework as real processes (issue: intake and
casework): every arrival once as a case, assignments by the rules, answers as expected,
and no personal data in clear anywhere."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import timedelta
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from msa_contracts.events import (
    ArrivalRegistered,
    CaseAssigned,
    CaseClosed,
    CaseOpened,
    CaseReassigned,
    GoalAchieved,
    IntegrationPlanAgreed,
    PersonErased,
)
from msa_contracts.namespace import Namespace
from msa_contracts.reference import ReferenceData
from msa_kit.auth import Role
from msa_ops.keys import LocalKeys
from msa_ops.sim.run import simulate
from msa_ops.sim.scenario import ScenarioConfig
from msa_ops.sim.summary import summarise
from msa_ops.sim.truth import Observed, Truth
from msa_ops.stack import Stack

from tests.hostile.scan import scan_databases, scan_logs, scan_topics

pytestmark = pytest.mark.integration
CONFIG = ScenarioConfig(seed=4242, persons=36, days=30, arrival_days=18)


@pytest.fixture(scope="module")
async def month(
    infra: Any, stack: Stack, keys: LocalKeys, reference: ReferenceData
) -> tuple[Truth, Observed]:
    return await simulate(infra.kafka_bootstrap, keys, reference, CONFIG, progress=print)


def unique(observed: Observed, kind: type) -> list[Any]:
    seen: dict[str, Any] = {}
    for _, env in observed.envelopes:
        if isinstance(env.event, kind):
            seen.setdefault(env.id, env.event)
    return list(seen.values())


async def test_every_arrival_becomes_exactly_one_case(month: tuple[Truth, Observed]) -> None:
    truth, observed = month
    arrivals = unique(observed, ArrivalRegistered)
    opened = unique(observed, CaseOpened)
    assert truth.replays > 0, "the scenario should replay some notices"
    assert len(arrivals) == truth.persons == len({a.person_ref for a in arrivals})
    assert Counter(c.person_ref for c in opened) == Counter(a.person_ref for a in arrivals)


async def test_cases_are_assigned_by_region_and_capacity_or_wait(
    month: tuple[Truth, Observed], reference: ReferenceData
) -> None:
    _, observed = month
    summary = summarise(observed, reference)
    contracts = {p.id: p for p in reference.providers}
    for event in unique(observed, CaseAssigned):
        assert event.region in contracts[event.provider_id].regions
    for provider, load in summary.by_provider.items():
        assert load <= contracts[provider].capacity, f"{provider} over capacity"
    assert summary.waiting > 0, "small capacities should leave someone waiting"
    assert summary.waiting + sum(summary.by_provider.values()) == summary.cases_opened
    for region, waiting in summary.waiting_by_region.items():
        serving = [p for p in reference.providers if region in {r.value for r in p.regions}]
        full = all(summary.by_provider[p.id] == p.capacity for p in serving)
        assert full, f"{waiting} wait in {region} although a provider there has capacity"


async def test_every_provider_report_is_answered_as_the_ground_truth_expects(
    month: tuple[Truth, Observed],
) -> None:
    truth, observed = month
    answers = observed.answers()
    wrong = {ce: (a.event.name(), a.expect, answers.get(ce))
             for ce, a in truth.reports.items() if answers.get(ce) != a.expect}  # fmt: skip
    assert not wrong
    assert any(a.expect == "rejected" for a in truth.reports.values())
    agreed = unique(observed, IntegrationPlanAgreed)
    assert len(agreed) == truth.expected("IntegrationPlanSubmitted")
    achieved = Counter(g.measure_id for g in unique(observed, GoalAchieved))
    assert achieved == truth.expected_measures("achieved")
    assert sum(achieved.values()) > 0


async def test_no_personal_data_in_clear_on_any_topic_or_in_any_database(
    infra: Any, month: tuple[Truth, Observed], stack: Stack
) -> None:
    truth, _ = month
    wanted = [n.encode() for n in truth.names if n]
    assert wanted, "the month should have named people"
    run = stack["intake"].env["MONGODB_DATABASE"].removesuffix("_intake")
    assert await scan_topics(infra.kafka_bootstrap, wanted) == []
    assert await scan_databases(infra.mongodb_uri, run, wanted) == []
    assert scan_logs([p.log_path for p in stack.processes.values()], wanted) == []


async def test_relocation_departure_and_erasure_reach_casework(
    month: tuple[Truth, Observed], stack: Stack, keys: LocalKeys, reference: ReferenceData
) -> None:
    _, observed = month
    assigned = unique(observed, CaseAssigned)
    serves_sued = {p.id for p in reference.providers if "sued" in {r.value for r in p.regions}}
    mover = next(e for e in assigned if e.region.value != "sued"
                 and e.provider_id not in serves_sued)  # fmt: skip
    leaver, erased = [e for e in assigned if e.case_id != mover.case_id][:2]
    token = keys.token(Role.CASEWORKER, subject="e2e")
    headers = {"Authorization": f"Bearer {token}"}
    day = CONFIG.start + timedelta(days=CONFIG.days)
    async with httpx.AsyncClient(base_url=stack["intake"].url, headers=headers) as http:
        r = await http.post(f"/persons/{mover.person_ref}/relocations", json={
            "to_district": "prohlis", "moved_on": day.isoformat(),
            "accommodation_type": "apartment"})  # fmt: skip
        assert r.status_code == 201, r.text
        r = await http.post(
            f"/persons/{leaver.person_ref}/departure",
            json={"departed_on": day.isoformat(), "reason": "moved-away"},
        )
        assert r.status_code == 201, r.text
        r = await http.delete(f"/persons/{erased.person_ref}", params={"reason": "request"})
        assert r.status_code == 200, r.text
        gone = await http.get(f"/persons/{erased.person_ref}", params={"purpose": "casework"})
        assert gone.status_code == 410

    await assert_reactions(stack, mover, leaver, erased)


async def assert_reactions(stack: Stack, mover: Any, leaver: Any, erased: Any) -> None:
    infra_bootstrap = stack["casework"].env["KAFKA_BOOTSTRAP_SERVERS"]
    wire = Namespace.from_env()
    consumer = AIOKafkaConsumer(wire.topic("msa.casework.cases"), wire.topic("msa.intake.persons"),
                                bootstrap_servers=infra_bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False)  # fmt: skip
    await consumer.start()
    from msa_contracts.envelope import decode

    seen: list[Any] = []
    try:
        for _ in range(150):
            batch = await consumer.getmany(timeout_ms=200)
            seen += [decode(r.headers, r.value).event for recs in batch.values() for r in recs]
            reassigned = [e for e in seen if isinstance(e, CaseReassigned)
                          and e.case_id == mover.case_id]  # fmt: skip
            closed = {e.case_id: e.reason for e in seen if isinstance(e, CaseClosed)}
            if reassigned and leaver.case_id in closed and erased.case_id in closed:
                break
            await asyncio.sleep(0)
    finally:
        await consumer.stop()
    assert reassigned and reassigned[-1].from_provider_id == mover.provider_id
    assert closed[leaver.case_id] == "departed"
    assert closed[erased.case_id] == "erased"
    assert any(isinstance(e, PersonErased) and e.person_ref == erased.person_ref for e in seen)


async def test_services_answer_health_readiness_and_metrics_and_log_json(
    month: tuple[Truth, Observed], stack: Stack
) -> None:
    async with httpx.AsyncClient() as http:
        for process in stack.processes.values():
            assert (await http.get(f"{process.url}/healthz")).status_code == 200
            ready = await http.get(f"{process.url}/readyz")
            assert ready.status_code == 200
            assert ready.json()["checks"] == {"mongodb": True, "kafka": True}
            metrics = (await http.get(f"{process.url}/metrics")).text
            assert "msa_messages_total" in metrics
    for process in stack.processes.values():
        lines = [json.loads(line) for line in process.log_path.read_text().splitlines()
                 if line.startswith("{")]  # fmt: skip
        batches = [entry for entry in lines if entry.get("event") == "batch handled"]
        assert batches, f"{process.name} logged no handled batch"
        assert all({"topic", "partition", "first_offset", "last_offset", "records",
                    "duration_ms"} <= set(entry) for entry in batches)  # fmt: skip
        assert not [entry for entry in lines if entry.get("event") == "processed"]  # DEBUG

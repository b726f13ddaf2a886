"""Providers' reports on their own topics, answered on their assignment topics."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from msa_casework.domain.opening import case_id_for
from msa_contracts import topics
from msa_contracts.envelope import Record, encode
from msa_contracts.events import (
    CaseAssigned,
    FachleistungApproved,
    FachleistungRejected,
    IntegrationPlanAgreed,
    ModuleChanged,
    ProviderReportRejected,
)
from msa_contracts.values import Module

from tests.casework.builders import arrival, fachleistung, plan, progress
from tests.casework.harness import NOW
from tests.casework.integration.conftest import Running
from tests.kit.support import header

pytestmark = pytest.mark.integration
CARITAS = topics.assignments("caritas")


async def assigned_to_caritas(running: Running) -> str:
    event = arrival()
    case_id = case_id_for(event.person_ref)
    await running.publish.send(topics.PERSONS, event)
    await running.tap.wait_for(case_id, CaseAssigned, topic=CARITAS)
    return event.person_ref


async def test_a_plan_from_the_assigned_provider_is_agreed(running: Running) -> None:
    ref = await assigned_to_caritas(running)

    await running.publish.send(topics.reports("caritas"), plan(ref))

    (agreed,) = await running.tap.wait_for(case_id_for(ref), IntegrationPlanAgreed, topic=CARITAS)
    await running.tap.wait_for(case_id_for(ref), IntegrationPlanAgreed, topic=topics.CASES)
    assert (agreed.provider_id, agreed.review_due_on) == ("caritas", date(2026, 8, 1))


async def test_reports_from_a_provider_not_assigned_are_rejected_and_change_nothing(
    running: Running,
) -> None:
    ref = await assigned_to_caritas(running)
    case_id = case_id_for(ref)

    await running.publish.send(topics.reports("awo"), plan(ref))
    await running.publish.send(topics.reports("awo"), progress(ref, "g1", "achieved",
                                                                date(2026, 3, 1)))  # fmt: skip

    rejected = await running.tap.wait_for(
        case_id, ProviderReportRejected, topic=topics.assignments("awo"), count=2
    )
    assert [r.reasons[0].code for r in rejected] == ["case-not-assigned"] * 2
    assert {r.report_type for r in rejected} == {
        "de.dresden.msa.IntegrationPlanSubmitted.v1", "de.dresden.msa.GoalProgressReported.v1",
    }  # fmt: skip
    stored = await running.casework.store.reader().case(case_id)
    assert stored is not None and stored.plan is None and stored.provider_id == "caritas"
    assert running.tap.names(case_id, CARITAS) == ["CaseAssigned"]


async def test_a_fachleistung_request_above_the_threshold_is_approved(running: Running) -> None:
    ref = await assigned_to_caritas(running)

    await running.publish.send(topics.reports("caritas"), fachleistung(ref, 60))

    (approved,) = await running.tap.wait_for(case_id_for(ref), FachleistungApproved, topic=CARITAS)
    (changed,) = await running.tap.wait_for(case_id_for(ref), ModuleChanged, topic=topics.CASES)
    assert approved.budget_minutes == 3600 and approved.valid_until == date(2027, 2, 28)
    assert changed.module is Module.FACHLEISTUNG


async def test_a_fachleistung_request_below_the_threshold_is_rejected(running: Running) -> None:
    ref = await assigned_to_caritas(running)

    await running.publish.send(topics.reports("caritas"), fachleistung(ref, 20))

    (rejected,) = await running.tap.wait_for(case_id_for(ref), FachleistungRejected, topic=CARITAS)
    assert rejected.reasons[0].code == "below-threshold"


async def test_an_undecodable_report_is_answered_and_dead_lettered(running: Running) -> None:
    ref = await assigned_to_caritas(running)
    good = encode(plan(ref), event_id="broken-plan-1", source="/tests", time=NOW)
    broken = Record(good.key, good.value.replace(b'"plan-1"', b"42"), good.headers)

    await running.publish.send_record(topics.reports("caritas"), broken)

    (rejected,) = await running.tap.wait_for(case_id_for(ref), ProviderReportRejected,
                                             topic=CARITAS)  # fmt: skip
    assert rejected.reasons[0].code == "schema-violation"
    assert rejected.report_event_id == "broken-plan-1"
    # The dead letter and the answer leave in one outbox batch but reach two different
    # consumers; give the dead-letter tap its moment instead of racing it.
    for _ in range(100):
        letters = running.dead_letters.undecodable
        if any(header(r, "dlq_code") == "schema-violation" for r in letters):
            break
        await asyncio.sleep(0.1)
    assert any(header(r, "dlq_code") == "schema-violation" for r in letters)

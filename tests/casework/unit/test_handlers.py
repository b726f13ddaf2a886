"""Handlers through the real composition root, with the in-memory store: what they store
and what they emit on which topic. Capacities: caritas 2 (Mitte, Süd), diakonie 2 (Nord,
Mitte), awo 1 (West, Süd), drk 2 (Nord, West)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from msa_casework.domain.case import CaseStatus
from msa_casework.domain.opening import case_id_for
from msa_contracts import topics
from msa_contracts.envelope import Record
from msa_contracts.events import (
    CaseAssessed,
    CaseAssigned,
    CaseClosed,
    CaseOpened,
    CaseReassigned,
    CaseWaitlisted,
    IntegrationPlanAgreed,
    MentorMatched,
    ModuleChanged,
    PlanReviewDue,
    ProviderReportRejected,
)
from msa_contracts.values import District, Module, ResidenceStatus
from msa_kit.processing import NotYet

from tests.casework.builders import (
    arrival,
    departed,
    erased,
    fachleistung,
    plan,
    progress,
    relocated,
    status_changed,
    tick,
)
from tests.casework.harness import Harness, names, only, record_of

CARITAS = topics.assignments("caritas")


async def test_an_arrival_opens_assesses_and_assigns_the_case_on_both_topics(cw: Harness) -> None:
    event = arrival(district=District.ALTSTADT, languages=["fa"])

    emitted = await cw.send(event)

    assert names(emitted, topics.CASES) == ["CaseOpened", "CaseAssessed", "CaseAssigned"]
    assert names(emitted, CARITAS) == ["CaseAssigned"]
    opened = only(emitted, CaseOpened)
    assert opened.case_id == case_id_for(event.person_ref)
    assert (opened.module, opened.module_until) == (Module.WILLKOMMEN, date(2027, 1, 15))
    assigned = only(emitted, CaseAssigned, CARITAS)
    assert [r.code for r in assigned.reasons][:3] == [
        "region-contracted", "language-match", "capacity-remaining",
    ]  # fmt: skip
    assert only(emitted, CaseAssessed).integration_course == "entitled"
    assert cw.store.data.caseload["open_cases"] == {"caritas": 1}


async def test_a_repeated_arrival_of_the_same_person_changes_nothing(cw: Harness) -> None:
    event = arrival()
    await cw.send(event)
    assert await cw.send(event) == []
    assert cw.store.data.caseload["open_cases"] == {"caritas": 1}


async def test_full_capacity_waitlists_and_closing_a_case_serves_the_oldest_first(
    cw: Harness,
) -> None:
    holders = [arrival(district=District.LEUBEN) for _ in range(3)]  # caritas 2 + awo 1
    for event in holders:
        await cw.send(event)
    younger = arrival(district=District.PROHLIS, allocated_on=date(2026, 1, 20))
    older = arrival(district=District.LEUBEN, allocated_on=date(2026, 1, 16))
    waitlisted = [only(await cw.send(e), CaseWaitlisted) for e in (younger, older)]
    assert [w.reasons[0].code for w in waitlisted] == ["no-capacity", "no-capacity"]

    emitted = await cw.send(departed(holders[0].person_ref, date(2026, 2, 1)))

    assert names(emitted, topics.CASES) == ["CaseClosed", "CaseAssigned"]
    served = only(emitted, CaseAssigned)
    assert (served.case_id, served.assigned_on) == (
        case_id_for(older.person_ref), date(2026, 2, 1),
    )  # fmt: skip
    assert (await cw.case(case_id_for(younger.person_ref))).status is CaseStatus.WAITLISTED


async def test_relocation_to_another_region_reassigns_the_case(cw: Harness) -> None:
    event = arrival(district=District.PIESCHEN, languages=["uk"])
    await cw.send(event)  # diakonie: Nord, speaks uk

    emitted = await cw.send(
        relocated(event.person_ref, District.PIESCHEN, District.COTTA, date(2026, 4, 1))
    )

    reassigned = only(emitted, CaseReassigned)
    assert (reassigned.from_provider_id, reassigned.to_provider_id) == ("diakonie", "drk")
    assert reassigned.reasons[0].code == "relocated"
    assert names(emitted, topics.CASES) == ["CaseReassigned", "CaseAssigned"]
    assert names(emitted, topics.assignments("diakonie")) == ["CaseReassigned"]
    assert names(emitted, topics.assignments("drk")) == ["CaseReassigned", "CaseAssigned"]
    case = await cw.case(reassigned.case_id)
    assert [(p.provider_id, p.until) for p in case.assignments] == [
        ("diakonie", date(2026, 4, 1)), ("drk", None),
    ]  # fmt: skip
    assert cw.store.data.caseload["open_cases"] == {"diakonie": 0, "drk": 1}


async def test_relocation_within_the_region_changes_only_the_district(cw: Harness) -> None:
    event = arrival(district=District.PIESCHEN, languages=["uk"])
    await cw.send(event)

    emitted = await cw.send(
        relocated(event.person_ref, District.PIESCHEN, District.NEUSTADT, date(2026, 4, 1))
    )

    assert emitted == []
    case = await cw.case(case_id_for(event.person_ref))
    assert (case.district, case.provider_id) == (District.NEUSTADT, "diakonie")


async def test_relocation_into_a_region_the_provider_also_serves_may_keep_it(
    cw: Harness,
) -> None:
    event = arrival(district=District.PIESCHEN, languages=["uk"])
    await cw.send(event)  # diakonie also serves Mitte, and still speaks uk there

    emitted = await cw.send(
        relocated(event.person_ref, District.PIESCHEN, District.PLAUEN, date(2026, 4, 1))
    )

    assert names(emitted, topics.assignments("diakonie")) == ["CaseAssigned"]
    assert only(emitted, CaseAssigned).region == "mitte"
    case = await cw.case(case_id_for(event.person_ref))
    assert [(p.provider_id, p.region) for p in case.assignments] == [
        ("diakonie", "nord"), ("diakonie", "mitte"),
    ]  # fmt: skip
    assert cw.store.data.caseload["open_cases"] == {"diakonie": 1}


async def test_relocating_into_a_full_region_reassigns_to_the_waiting_list(cw: Harness) -> None:
    for _ in range(3):
        await cw.send(arrival(district=District.COTTA))  # awo 1 + drk 2: West is full
    mover = arrival(district=District.ALTSTADT)
    await cw.send(mover)

    emitted = await cw.send(
        relocated(mover.person_ref, District.ALTSTADT, District.COTTA, date(2026, 5, 1))
    )

    assert names(emitted, topics.CASES) == ["CaseReassigned", "CaseWaitlisted"]
    assert only(emitted, CaseReassigned).to_provider_id is None


async def test_a_status_change_reassesses_the_case(cw: Harness) -> None:
    event = arrival(status=ResidenceStatus.GESTATTUNG)
    await cw.send(event)

    change = status_changed(
        event.person_ref, ResidenceStatus.AE_25_2, date(2026, 6, 1), ResidenceStatus.GESTATTUNG
    )
    emitted = await cw.send(change)

    assessed = only(emitted, CaseAssessed)
    assert (assessed.integration_course, assessed.perspective) == ("entitled", "lasting")
    assert assessed.integration_course_rule == "§44 Abs. 1 Nr. 1 c AufenthG"


async def test_departure_closes_the_case_and_frees_the_place(cw: Harness) -> None:
    event = arrival()
    await cw.send(event)

    emitted = await cw.send(departed(event.person_ref, date(2026, 5, 1)))

    closed = only(emitted, CaseClosed, CARITAS)
    assert (closed.reason, closed.closed_on) == ("departed", date(2026, 5, 1))
    assert cw.store.data.caseload["open_cases"] == {"caritas": 0}
    assert event.person_ref not in cw.store.data.persons


async def test_erasure_closes_the_case_and_deletes_the_needs_data(cw: Harness) -> None:
    event = arrival()
    await cw.send(event)

    emitted = await cw.send(erased(event.person_ref, date(2026, 5, 2)))

    assert only(emitted, CaseClosed).reason == "erased"
    case = await cw.case(case_id_for(event.person_ref))
    assert case.needs is None and case.status is CaseStatus.CLOSED
    assert await cw.send(erased(event.person_ref, date(2026, 5, 3))) == []


async def test_a_newcomer_is_matched_with_an_earlier_arrival_as_mentor(cw: Harness) -> None:
    mentor = arrival(district=District.PLAUEN, allocated_on=date(2025, 3, 1))
    await cw.send(mentor)

    emitted = await cw.send(arrival(district=District.PLAUEN))

    matched = only(emitted, MentorMatched)
    assert (matched.mentor_ref, matched.measure_id, matched.language) == (
        mentor.person_ref, "M52", "ar",
    )  # fmt: skip
    assert names(emitted, CARITAS) == ["CaseAssigned", "MentorMatched"]


async def test_a_plan_from_the_assigned_provider_is_agreed_on_both_topics(cw: Harness) -> None:
    event = arrival()
    await cw.send(event)

    emitted = await cw.send(plan(event.person_ref), provider="caritas")

    assert names(emitted) == ["IntegrationPlanAgreed", "IntegrationPlanAgreed"]
    assert only(emitted, IntegrationPlanAgreed, CARITAS).provider_id == "caritas"


async def test_reports_from_a_provider_not_assigned_are_rejected_and_change_nothing(
    cw: Harness,
) -> None:
    event = arrival()
    await cw.send(event)
    await cw.send(plan(event.person_ref), provider="caritas")
    before = await cw.case(case_id_for(event.person_ref))

    emitted = await cw.send(plan(event.person_ref, plan_id="plan-x"), provider="awo")
    emitted += await cw.send(progress(event.person_ref, "g1", "achieved", date(2026, 3, 1)),
                             provider="awo")  # fmt: skip

    assert [o.topic for o in emitted] == [topics.assignments("awo")] * 2
    rejections = [o.event for o in emitted]
    assert all(isinstance(r, ProviderReportRejected) for r in rejections)
    assert [r.reasons[0].code for r in rejections] == ["case-not-assigned"] * 2  # type: ignore[attr-defined]
    assert await cw.case(case_id_for(event.person_ref)) == before


async def test_reports_for_a_closed_case_are_rejected_as_case_closed(cw: Harness) -> None:
    event = arrival()
    await cw.send(event)
    await cw.send(departed(event.person_ref, date(2026, 2, 1)))

    emitted = await cw.send(fachleistung(event.person_ref, 50), provider="caritas")

    assert only(emitted, ProviderReportRejected, CARITAS).reasons[0].code == "case-closed"


async def test_an_undecodable_report_is_answered_on_the_providers_assignment_topic(
    cw: Harness,
) -> None:
    good = record_of(plan("P-00000000000000aa"))
    broken = Record(good.key, good.value.replace(b'"plan-1"', b"42"), good.headers)

    emitted = await cw.deliver(topics.reports("drk"), broken)

    rejection = only(emitted, ProviderReportRejected, topics.assignments("drk"))
    assert rejection.reasons[0].code == "schema-violation"
    assert rejection.case_id == case_id_for("P-00000000000000aa")
    assert rejection.report_type == "de.dresden.msa.IntegrationPlanSubmitted.v1"


async def test_a_report_dated_after_the_latest_day_is_rejected(cw: Harness) -> None:
    event = arrival()
    await cw.send(event)
    await cw.send(tick(date(2026, 2, 1)))

    emitted = await cw.send(fachleistung(event.person_ref, 50, date(2026, 2, 10)),
                            provider="caritas")  # fmt: skip

    assert only(emitted, ProviderReportRejected, CARITAS).reasons[0].code == "date-in-future"


async def test_a_report_sent_after_caseworks_latest_day_waits_for_the_clock(
    cw: Harness,
) -> None:
    event = arrival()
    await cw.send(event)
    await cw.send(tick(date(2026, 2, 1)))
    request = fachleistung(event.person_ref, 50, date(2026, 2, 10))
    sent = datetime(2026, 2, 10, 9, tzinfo=UTC)  # casework has not read that day's tick yet

    with pytest.raises(NotYet):
        await cw.send(request, provider="caritas", sent=sent)
    await cw.send(tick(date(2026, 2, 10)))
    emitted = await cw.send(request, provider="caritas", sent=sent)

    assert "FachleistungApproved" in names(emitted, CARITAS)
    assert "ProviderReportRejected" not in names(emitted, CARITAS)


async def test_a_report_that_waited_long_enough_is_judged_by_the_latest_day_known(
    cw: Harness,
) -> None:
    event = arrival()
    await cw.send(event)
    await cw.send(tick(date(2026, 2, 1)))
    sent = datetime(2026, 2, 10, 9, tzinfo=UTC)

    emitted = await cw.send(fachleistung(event.person_ref, 50, date(2026, 2, 10)),
                            provider="caritas", sent=sent, patient=False)  # fmt: skip

    assert only(emitted, ProviderReportRejected, CARITAS).reasons[0].code == "date-in-future"


async def test_ticks_move_the_module_after_twelve_months_and_announce_reviews(
    cw: Harness,
) -> None:
    event = arrival(allocated_on=date(2026, 1, 15))
    await cw.send(event)
    await cw.send(plan(event.person_ref, agreed_on=date(2026, 2, 1)), provider="caritas")

    assert await cw.send(tick(date(2026, 7, 31))) == []
    review = only(await cw.send(tick(date(2026, 8, 1))), PlanReviewDue, CARITAS)
    changed = only(await cw.send(tick(date(2027, 1, 15))), ModuleChanged, CARITAS)

    assert (review.reason, review.due_on) == ("six-months", date(2026, 8, 1))
    assert (changed.module, changed.since) == (Module.INTEGRATIONSBUERO, date(2027, 1, 15))
    assert await cw.send(tick(date(2027, 1, 16))) == []


async def test_a_tick_for_a_day_before_the_day_reached_changes_nothing(cw: Harness) -> None:
    event = arrival(allocated_on=date(2026, 1, 15))
    await cw.send(event)
    await cw.send(plan(event.person_ref, agreed_on=date(2026, 2, 1)), provider="caritas")
    await cw.send(tick(date(2026, 9, 1)))

    stale = await cw.send(tick(date(2026, 8, 1)))  # the review day, but the clock is past it

    assert stale == []
    assert await cw.store.unit(None).days.latest() == date(2026, 9, 1)

"""The fold: stored events into what reporting knows about persons, cases and outcomes.

Each aggregate (a person, a case) is folded in log order; outcomes are kept once per
natural key (the first in canonical order wins), so a fact published twice counts once.
Nothing here joins across aggregates: that happens when figures are computed, by business
date, which keeps the result independent of how partitions were interleaved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from msa_contracts import events as ev

from msa_reporting.domain import ledger
from msa_reporting.domain.stored import Stored
from msa_reporting.domain.world import WAITING, CaseFile, Occurrence, World

Fold = Callable[[World, Any], None]


def fold(stored: Iterable[Stored]) -> World:
    """Fold events, given in canonical order, into a world."""
    world = World()
    for item in stored:
        apply(world, item.event)
    return world


def apply(world: World, event: ev.Event) -> None:
    """Fold one event into ``world``. Folding each partition in offset order gives the same
    world as the canonical order: every aggregate's events share one partition."""
    step = _STEPS.get(type(event))
    if step is not None:
        step(world, event)


def _arrival(w: World, e: ev.ArrivalRegistered) -> None:
    person = w.person(e.person_ref)
    person.districts.add(w.shared(e.allocated_on), e.district.value)
    person.statuses.add(w.shared(e.status_valid_from), e.residence_status.value)
    w.once("arrivals", e.person_ref, Occurrence(e.allocated_on, person_ref=e.person_ref))


def _status(w: World, e: ev.ResidenceStatusChanged) -> None:
    w.person(e.person_ref).statuses.add(w.shared(e.valid_from), e.status.value)


def _relocated(w: World, e: ev.PersonRelocated) -> None:
    w.person(e.person_ref).districts.add(w.shared(e.moved_on), e.to_district.value)


def _opened(w: World, e: ev.CaseOpened) -> None:
    case, s = w.case(e.case_id), w.shared
    case.person_ref, case.opened_on, case.district = (
        s(e.person_ref),
        s(e.opened_on),
        e.district.value,
    )


def _assigned(w: World, e: ev.CaseAssigned) -> None:
    case = w.case(e.case_id)
    case.person_ref = case.person_ref or w.shared(e.person_ref)
    case.holders.add(w.shared(e.assigned_on), w.shared(e.provider_id))
    if case.waiting_since is not None:
        days = (e.assigned_on - case.waiting_since).days
        waited = Occurrence(e.assigned_on, e.case_id, value=days)
        w.once("waits", f"{e.case_id}/{case.spells}", waited)
        case.waiting_since = None


def _waitlisted(w: World, e: ev.CaseWaitlisted) -> None:
    _wait(w.case(e.case_id), w.shared(e.waitlisted_on))


def _reassigned(w: World, e: ev.CaseReassigned) -> None:
    case = w.case(e.case_id)
    if e.to_provider_id is None:
        _wait(case, w.shared(e.reassigned_on))
    else:
        case.holders.add(w.shared(e.reassigned_on), w.shared(e.to_provider_id))


def _wait(case: CaseFile, on: date) -> None:
    case.holders.add(on, WAITING)
    if case.waiting_since is None:
        case.waiting_since, case.spells = on, case.spells + 1


def _closed(w: World, e: ev.CaseClosed) -> None:
    case = w.case(e.case_id)
    case.closed_on = case.closed_on or e.closed_on


def _plan(w: World, e: ev.IntegrationPlanAgreed) -> None:
    w.once("plans_agreed", e.plan_id, Occurrence(e.agreed_on, e.case_id, provider=e.provider_id))
    for g in e.goals:
        goal = Occurrence(e.agreed_on, e.case_id, provider=e.provider_id, domain=g.domain.value,
                          measure=g.measure_id)  # fmt: skip
        w.once("goals_set", f"{e.case_id}/{g.goal_id}", goal)


def _achieved(w: World, e: ev.GoalAchieved) -> None:
    days = (e.achieved_on - e.plan_agreed_on).days
    goal = Occurrence(e.achieved_on, e.case_id, value=1, provider=e.provider_id,
                      domain=e.domain.value, measure=e.measure_id)  # fmt: skip
    w.once("goals_achieved", f"{e.case_id}/{e.goal_id}", goal)
    w.once("goal_days", f"{e.case_id}/{e.goal_id}", _with_value(goal, days))


def _dropped(w: World, e: ev.GoalDropped) -> None:
    goal = Occurrence(e.dropped_on, e.case_id, provider=e.provider_id, domain=e.domain.value,
                      measure=e.measure_id)  # fmt: skip
    w.once("goals_dropped", f"{e.case_id}/{e.goal_id}", goal)


def _approved(w: World, e: ev.FachleistungApproved) -> None:
    w.once("approvals", e.approval_id, Occurrence(e.valid_from, e.case_id, provider=e.provider_id))


def _mentor(w: World, e: ev.MentorMatched) -> None:
    key = f"{e.case_id}/{e.mentor_ref}/{e.matched_on.isoformat()}"
    w.once("mentors_matched", key, Occurrence(e.matched_on, e.case_id, measure=e.measure_id))


def _referral(w: World, e: ev.ReferralRecorded) -> None:
    referral = Occurrence(e.referred_on, e.case_id, provider=e.provider_id, measure=e.measure_id)
    w.once("referrals", e.referral_id, referral)


def _tick(w: World, e: ev.DayStarted) -> None:
    w.clock = e.day if w.clock is None else max(w.clock, e.day)


def _with_value(o: Occurrence, value: int) -> Occurrence:
    return Occurrence(o.on, o.case_id, o.person_ref, value, o.provider, o.domain, o.measure)


_STEPS: dict[type[ev.Event], Fold] = {
    ev.ArrivalRegistered: _arrival, ev.ResidenceStatusChanged: _status,
    ev.PersonRelocated: _relocated, ev.CaseOpened: _opened, ev.CaseAssigned: _assigned,
    ev.CaseWaitlisted: _waitlisted, ev.CaseReassigned: _reassigned, ev.CaseClosed: _closed,
    ev.IntegrationPlanAgreed: _plan, ev.GoalAchieved: _achieved, ev.GoalDropped: _dropped,
    ev.FachleistungApproved: _approved, ev.MentorMatched: _mentor, ev.ReferralRecorded: _referral,
    ev.HoursAccepted: ledger.hours, ev.InvoiceIssued: ledger.invoice,
    ev.InvoiceCorrected: ledger.invoice,
    ev.DayStarted: _tick,
}  # fmt: skip

"""Reporting's figures as they should be, computed from the simulator's ground truth alone
(independently of reporting's code), and how to compare them with reporting's tables.

How the expected figures are derived:

* ``arrivals``: the allocation notices the simulator sent (``Truth.arrivals``), once per
  notice, by ``allocated_on``; district as announced, region from the reference data,
  status group from ``residence.yaml``.
* ``plans_agreed`` / ``goals_set``: plan submissions the simulator expects accepted, by
  ``agreed_with_person_on``, provider = the submitting provider; goals with their measure
  (field from the reference data) and domain.
* ``goals_achieved`` / ``goals_dropped``: goal progress reports expected accepted with
  outcome achieved/dropped, by ``reported_on``, measure and domain from the agreed plan.
  ``goal_days``: lower median of ``reported_on − agreed_with_person_on`` of achieved goals.
* ``referrals``: referrals expected accepted, by ``referred_on``, measure and provider.
* ``approvals``: Fachleistung requests expected accepted, by ``requested_on`` (the simulator
  sends at most one request per case, so the approval starts on that day).
* ``hours_direct`` / ``_indirect`` / ``_missed``: ``Truth.hours`` accepted entries (billable
  minutes by activity), by service date, provider and domain.
* ``amount_invoiced``: the amounts of accepted entries the simulator expects on an invoice,
  by the entry's service month (the line's ``service_month``) and provider.
* ``mentors_matched``: the simulator matches no mentors, so every cell is zero.

Person attributes of case facts (region, district, status group): the simulator cannot know
which pseudonymous case belongs to which notice (intake seals the identity), so the case →
person link is taken from casework's ``CaseOpened`` and intake's ``ArrivalRegistered`` as
observed. The placement figures (``open_cases``, ``waiting``, ``waiting_days``) come from
the simulator's placement model: see ``msa_ops.sim.placement_figures``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from statistics import median_low
from typing import Any, Protocol

from msa_contracts.events import (
    ArrivalRegistered,
    CaseOpened,
    FachleistungRequested,
    GoalProgressReported,
    IntegrationPlanSubmitted,
    ReferralMade,
)
from msa_contracts.reference import ReferenceData

from msa_ops.sim.agents import Action
from msa_ops.sim.truth import Observed, Truth

TOTAL, CUMULATIVE = "total", "cumulative"
Cell = tuple[str, str, str]


def month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass
class Expected:
    """Sums (or samples, for medians) per (dimension, row, period), plus the total row."""

    sums: dict[Cell, int] = field(default_factory=lambda: defaultdict(int))
    samples: dict[Cell, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, on: date, value: int, attrs: dict[str, str]) -> None:
        for period in (month(on), CUMULATIVE):
            for dimension, row in [(TOTAL, TOTAL), *attrs.items()]:
                self.sums[(dimension, row, period)] += value
                self.samples[(dimension, row, period)].append(value)

    def values(self) -> dict[Cell, int]:
        return {k: v for k, v in self.sums.items() if v}

    def medians(self) -> dict[Cell, int]:
        return {k: median_low(v) for k, v in self.samples.items()}


@dataclass
class Knowledge:
    """What the test knows, joined: reference maps, the case → person link, the reports."""

    reference: ReferenceData
    truth: Truth
    observed: Observed
    region: dict[str, str] = field(init=False)
    group: dict[str, str] = field(init=False)
    field_of: dict[str, str] = field(init=False)
    person_of_case: dict[str, dict[str, str]] = field(init=False)

    def __post_init__(self) -> None:
        self.region = {d.id.value: d.region.value for d in self.reference.districts}
        self.group = {s.id.value: s.group for s in self.reference.statuses}
        self.field_of = {m.id: m.field for m in self.reference.measures}
        status = {e.person_ref: e.residence_status.value for e in self.arrivals_seen()}
        self.person_of_case = {}
        for e in self.observed.of(CaseOpened):
            assert isinstance(e, CaseOpened)
            self.person_of_case[e.case_id] = self.place(e.district.value) | {
                "status_group": self.group[status[e.person_ref]]
            }

    def arrivals_seen(self) -> list[ArrivalRegistered]:
        return [e for e in self.observed.of(ArrivalRegistered)
                if isinstance(e, ArrivalRegistered)]  # fmt: skip

    def place(self, district: str) -> dict[str, str]:
        return {"region": self.region[district], "district": district}

    def person(self, case_id: str) -> dict[str, str]:
        return self.person_of_case[case_id]

    def accepted(self, kind: type) -> list[Action]:
        return [a for a in self.truth.reports.values()
                if isinstance(a.event, kind) and a.expect == "accepted"]  # fmt: skip

    def plans(self) -> dict[str, tuple[Action, IntegrationPlanSubmitted]]:
        found = {}
        for a in self.accepted(IntegrationPlanSubmitted):
            assert isinstance(a.event, IntegrationPlanSubmitted)
            found[a.event.plan_id] = (a, a.event)
        return found

    def measure(self, measure_id: str) -> dict[str, str]:
        return {"measure": measure_id, "field": self.field_of[measure_id]}


def expected_figures(w: Knowledge) -> tuple[dict[str, dict[Cell, int]], dict[str, Expected]]:
    """Flows per figure, and the raw aggregates (for medians)."""
    x: dict[str, Expected] = defaultdict(Expected)
    for n in w.truth.arrivals.values():
        group = w.group[n.residence_status.value]
        x["arrivals"].add(n.allocated_on, 1, w.place(n.district.value) | {"status_group": group})
    plans = w.plans()
    for action, plan in plans.values():
        attrs = w.person(plan.case_id) | {"provider": action.provider}
        x["plans_agreed"].add(plan.agreed_with_person_on, 1, attrs)
        for g in plan.goals:
            goal = attrs | w.measure(g.measure_id) | {"domain": g.domain.value}
            x["goals_set"].add(plan.agreed_with_person_on, 1, goal)
    for a in w.accepted(GoalProgressReported):
        report = a.event
        assert isinstance(report, GoalProgressReported)
        if a.goal_outcome not in ("achieved", "dropped") or report.plan_id not in plans:
            continue
        plan = plans[report.plan_id][1]
        g = next(g for g in plan.goals if g.goal_id == report.goal_id)
        attrs = w.person(report.case_id) | w.measure(g.measure_id) | {"domain": g.domain.value}
        x[f"goals_{a.goal_outcome}"].add(report.reported_on, 1, attrs | {"provider": a.provider})
        if a.goal_outcome == "achieved":
            days = (report.reported_on - plan.agreed_with_person_on).days
            place = {k: v for k, v in attrs.items() if k != "status_group"}  # not a breakdown
            x["goal_days"].add(report.reported_on, days, place)
    for a in w.accepted(ReferralMade):
        r = a.event
        assert isinstance(r, ReferralMade)
        attrs = w.person(r.case_id) | w.measure(r.measure_id) | {"provider": a.provider}
        x["referrals"].add(r.referred_on, 1, attrs)
    for a in w.accepted(FachleistungRequested):
        q = a.event
        assert isinstance(q, FachleistungRequested)
        x["approvals"].add(q.requested_on, 1, w.person(q.case_id) | {"provider": a.provider})
    figure = {"direct": "hours_direct", "indirect": "hours_indirect",
              "missed-appointment": "hours_missed"}  # fmt: skip
    for h in w.truth.hours.accepted():
        e = h.event
        attrs = w.person(e.case_id) | {"provider": h.provider}
        x[figure[e.activity]].add(e.service_date, h.minutes_billable,
                                  attrs | {"domain": e.domain.value})  # fmt: skip
        if h.invoice_period is not None:
            first = e.service_date.replace(day=1)
            x["amount_invoiced"].add(first, h.amount_cents, attrs)
    return {f: e.values() for f, e in x.items()}, x


FLOWS = ("arrivals", "plans_agreed", "goals_set", "goals_achieved", "goals_dropped",
         "referrals", "approvals", "hours_direct", "hours_indirect", "hours_missed",
         "amount_invoiced", "mentors_matched")  # fmt: skip


class Table(Protocol):
    """What is read of a reporting figure table: its values per cell."""

    @property
    def values(self) -> Mapping[Cell, int | None]: ...


def nonzero(table: Table) -> dict[Cell, int]:
    return {k: v for k, v in table.values.items() if v}


def differences(got: dict[Cell, int], want: dict[Cell, int]) -> dict[Cell, tuple[Any, Any]]:
    return {k: (got.get(k), want.get(k)) for k in got.keys() | want.keys()
            if got.get(k) != want.get(k)}  # fmt: skip


def figure_mismatches(
    reference: ReferenceData, truth: Truth, observed: Observed, tables: Mapping[str, Table]
) -> dict[str, dict[Cell, tuple[Any, Any]]]:
    """Per figure, the cells where reporting's true tables differ from the ground truth (the
    flows, and the medians of ``goal_days``); empty when everything matches."""
    want, raw = expected_figures(Knowledge(reference, truth, observed))
    found: dict[str, dict[Cell, tuple[Any, Any]]] = {}
    for figure in FLOWS:
        table = tables.get(figure)
        got = nonzero(table) if table is not None else {}
        diff = differences(got, want.get(figure, {}))
        if diff:
            found[figure] = diff
    if "goal_days" in tables:
        medians = {k: v for k, v in tables["goal_days"].values.items() if v is not None}
        diff = differences(medians, raw["goal_days"].medians())
        if diff:
            found["goal_days"] = diff
    return found

"""Acceptance: a simulated quarter through intake, casework, billing and reporting as real
processes on the real broker and MongoDB-wire server. Every figure reporting computes
(before suppression) equals the one computed here from the simulator's ground truth, and no
published cell reveals a group under the threshold.

How the expected figures are derived (independently of reporting's code):

* ``arrivals``: the allocation notices the simulator sent (``Truth.arrivals``), once per
  notice, by ``allocated_on``; district as announced, region from the reference data,
  status group from ``residence.yaml``.
* ``plans_agreed`` / ``goals_set``: plan submissions the simulator expects accepted, by
  ``agreed_with_person_on``, provider = the submitting provider; goals with their measure
  (field from the reference data) and domain.
* ``goals_achieved`` / ``goals_dropped``: goal progress reports expected accepted with
  outcome achieved/dropped, by ``reported_on``, measure and domain from the agreed plan;
  the cumulative measure rows are also checked against ``Truth.expected_measures``.
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
observed; that these observed arrivals are exactly the notices sent (date, district,
status) is asserted first.

Placement figures come from the simulator's independent placement model
(``msa_ops.sim.placement``), fed with the arrivals and departures in the order the paced
scenario made casework decide them (``Truth.moves``), and keyed by notice, so they need no
case → person link:

* ``open_cases`` (stock): cases opened on or before the month's last day (or the as-of day,
  the quarter's last day, for the running month) and not closed by it; district and status
  of the arrival, provider = the model's holder that day, ``-`` while waiting.
* ``waiting`` (stock): those of them whose holder that day is the waiting list.
* ``waiting_days`` (median): per wait ended by an assignment, days from joining the waiting
  list to the assignment, by the assignment day.

Stocks have no cumulative period (a stock is counted on a day; it does not add up).
"""

from __future__ import annotations

import asyncio
import calendar
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median_low
from typing import Any

import pytest
from msa_contracts.events import (
    ArrivalRegistered,
    CaseAssigned,
    CaseClosed,
    CaseOpened,
    CaseWaitlisted,
    FachleistungRequested,
    GoalProgressReported,
    IntegrationPlanSubmitted,
    ReferralMade,
)
from msa_contracts.reference import ReferenceData
from msa_ops.keys import LocalKeys
from msa_ops.sim.agents import Action
from msa_ops.sim.placement import PlacementModel
from msa_ops.sim.run import simulate
from msa_ops.sim.scenario import ScenarioConfig
from msa_ops.sim.truth import Observed, Truth
from msa_ops.stack import Stack
from msa_reporting.domain.table import FigureTable, PublishedTable
from msa_reporting.readout import published_figures, true_figures

from tests.reporting.e2e.conftest import HOLD_DAYS

pytestmark = [pytest.mark.integration, pytest.mark.timeout(2400)]
CONFIG = ScenarioConfig(seed=2027, persons=25, days=90, arrival_days=30, hours=True,
                        hold_days=HOLD_DAYS, start=date(2026, 3, 2), departures=0.3,
                        wait_s=180.0)  # fmt: skip
LAST_DAY = CONFIG.start + timedelta(days=CONFIG.days - 1)
THRESHOLD = 5
TOTAL, CUMULATIVE = "total", "cumulative"
Cell = tuple[str, str, str]
Tables = dict[str, FigureTable]


# --- the run -----------------------------------------------------------------------------


@dataclass
class Quarter:
    truth: Truth
    observed: Observed
    figures: Tables
    published: dict[str, PublishedTable]
    seconds: dict[str, float]


async def settled(uri: str, database: str, pause_s: float = 2.0, limit_s: float = 120.0) -> Tables:
    """Reporting's true tables once two consecutive readings ``pause_s`` apart are equal."""
    deadline = time.monotonic() + limit_s
    previous = await true_figures(uri, database)
    while time.monotonic() < deadline:
        await asyncio.sleep(pause_s)
        current = await true_figures(uri, database)
        if current and current == previous:
            return current
        previous = current
    raise AssertionError(f"reporting did not settle within {limit_s}s")


@pytest.fixture(scope="module")
async def quarter(
    infra: Any, stack: Stack, keys: LocalKeys, reference: ReferenceData, run_id: str
) -> Quarter:
    began = time.monotonic()
    truth, observed = await simulate(infra.kafka_bootstrap, keys, reference, CONFIG,
                                     intake_url=stack["intake"].url)  # fmt: skip
    simulated = time.monotonic()
    database = f"{run_id}_reporting"
    figures = await settled(infra.mongodb_uri, database)
    published = await published_figures(infra.mongodb_uri, database)
    seconds = {"simulate": simulated - began, "settle": time.monotonic() - simulated}
    model = truth.placement(reference)
    waits = [(b - a).days for s in model.stays.values() for a, b in s.waits]
    print(f"quarter: {truth.persons} persons, {len(truth.reports)} reports, "
          f"{len(truth.hours.entries)} hour records; {seconds}; placement: "
          f"{sum(m[1] == 'depart' for m in truth.moves)} departures, "
          f"{sum(bool(s.holders[0][1] is None) for s in model.stays.values())} wait-listed "
          f"on arrival, completed waits (days) {sorted(waits)}")  # fmt: skip
    return Quarter(truth, observed, figures, published, seconds)


# --- the expected figures, from the ground truth ------------------------------------------


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
class World:
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


def expected_figures(w: World) -> tuple[dict[str, dict[Cell, int]], dict[str, Expected]]:
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


def stock_day(period: str) -> date:
    year, mon = (int(p) for p in period.split("-"))
    return min(date(year, mon, calendar.monthrange(year, mon)[1]), LAST_DAY)


def expected_placements(w: World, periods: tuple[str, ...]) -> dict[str, Expected]:
    """``open_cases`` and ``waiting`` per month (no cumulative), ``waiting_days`` samples."""
    model = w.truth.placement(w.reference)
    x: dict[str, Expected] = defaultdict(Expected)
    for period in (p for p in periods if p != CUMULATIVE):
        day = stock_day(period)
        for stay in model.open_cases(day):
            attrs = person_on(w, model, stay.key, day)
            holder = stay.holder_on(day) or "-"
            for figure, extra in (("open_cases", {"provider": holder}), ("waiting", {})):
                if figure == "open_cases" or holder == "-":
                    for dimension, row in [(TOTAL, TOTAL), *(attrs | extra).items()]:
                        x[figure].sums[(dimension, row, period)] += 1
    for stay in model.stays.values():
        for joined, assigned in stay.waits:
            attrs = person_on(w, model, stay.key, assigned)
            x["waiting_days"].add(assigned, (assigned - joined).days, attrs)
    return x


def person_on(w: World, model: PlacementModel, notice: str, day: date) -> dict[str, str]:
    status = w.truth.arrivals[notice].residence_status.value
    return w.place(model.stays[notice].district_on(day)) | {"status_group": w.group[status]}


FLOWS = ("arrivals", "plans_agreed", "goals_set", "goals_achieved", "goals_dropped",
         "referrals", "approvals", "hours_direct", "hours_indirect", "hours_missed",
         "amount_invoiced", "mentors_matched")  # fmt: skip


def nonzero(table: FigureTable) -> dict[Cell, int]:
    return {k: v for k, v in table.values.items() if v}


def differences(got: dict[Cell, int], want: dict[Cell, int]) -> dict[Cell, tuple[Any, Any]]:
    return {k: (got.get(k), want.get(k)) for k in got.keys() | want.keys()
            if got.get(k) != want.get(k)}  # fmt: skip


# --- the tests ---------------------------------------------------------------------------


async def test_the_simulation_ran_as_the_ground_truth_expects(quarter: Quarter) -> None:
    truth, observed = quarter.truth, quarter.observed
    answers = observed.answers()
    wrong = {ce: (a.event.name(), a.expect, answers.get(ce)) for ce, a in truth.reports.items()
             if answers.get(ce) != a.expect}  # fmt: skip
    assert not wrong
    seen = {e.person_ref: e for e in observed.of(ArrivalRegistered)
            if isinstance(e, ArrivalRegistered)}  # fmt: skip
    announced = Counter((a.allocated_on, a.district, a.residence_status)
                        for a in truth.arrivals.values())  # fmt: skip
    assert Counter((e.allocated_on, e.district, e.residence_status)
                   for e in seen.values()) == announced  # fmt: skip
    assert len(truth.arrivals) == truth.persons == CONFIG.persons


@pytest.mark.parametrize("figure", FLOWS)
async def test_every_flow_figure_equals_the_ground_truth(
    quarter: Quarter, reference: ReferenceData, figure: str
) -> None:
    want, _ = expected_figures(World(reference, quarter.truth, quarter.observed))
    expected = want.get(figure, {})
    if figure != "mentors_matched":
        assert expected, f"the quarter should produce {figure}"
    table = quarter.figures[figure]
    assert not differences(nonzero(table), expected)


async def test_goal_outcomes_per_measure_equal_the_simulators_expectation(
    quarter: Quarter,
) -> None:
    for outcome in ("achieved", "dropped"):
        table = quarter.figures[f"goals_{outcome}"]
        got = {row: v for (d, row, p), v in table.values.items()
               if d == "measure" and p == CUMULATIVE and v}  # fmt: skip
        assert got == dict(quarter.truth.expected_measures(outcome))


@pytest.mark.parametrize("figure", ["open_cases", "waiting"])
async def test_every_stock_figure_equals_the_placement_model(
    quarter: Quarter, reference: ReferenceData, figure: str
) -> None:
    table = quarter.figures[figure]
    assert CUMULATIVE not in table.periods, "a stock is not summed over months"
    x = expected_placements(World(reference, quarter.truth, quarter.observed), table.periods)
    assert x[figure].values(), f"the quarter should produce {figure}"
    assert not differences(nonzero(table), x[figure].values())


async def test_waiting_days_medians_equal_the_placement_model(
    quarter: Quarter, reference: ReferenceData
) -> None:
    table = quarter.figures["waiting_days"]
    x = expected_placements(World(reference, quarter.truth, quarter.observed), table.periods)
    want = x["waiting_days"].medians()
    assert want, "departures should free places that waiting cases then get"
    got = {k: v for k, v in table.values.items() if v is not None}
    assert not differences(got, want)


async def test_the_paced_placements_match_casework_case_by_case(
    quarter: Quarter, reference: ReferenceData
) -> None:
    """Each case's first decision (provider or waiting list) and its closing, as modelled."""
    model = quarter.truth.placement(reference)
    first: dict[str, str] = {}
    for _, envelope in quarter.observed.envelopes:  # in the order casework published them
        e = envelope.event
        if isinstance(e, CaseAssigned):
            first.setdefault(e.case_id, f"{e.assigned_on} {e.provider_id}")
        elif isinstance(e, CaseWaitlisted):
            first.setdefault(e.case_id, f"{e.waitlisted_on} -")
    closed = {e.case_id: e.closed_on for e in quarter.observed.of(CaseClosed)
              if isinstance(e, CaseClosed)}  # fmt: skip
    assert len(quarter.truth.cases) == CONFIG.persons
    for notice, case_id in quarter.truth.cases.items():
        stay = model.stays[notice]
        since, holder = stay.holders[0]
        assert first[case_id] == f"{since} {holder or '-'}", notice
        assert closed.get(case_id) == stay.closed_on, notice
    assert any(s.closed_on for s in model.stays.values()), "some persons should depart"


async def test_goal_days_medians_equal_the_ground_truth(
    quarter: Quarter, reference: ReferenceData
) -> None:
    _, raw = expected_figures(World(reference, quarter.truth, quarter.observed))
    want = raw["goal_days"].medians()
    table = quarter.figures["goal_days"]
    got = {k: v for k, v in table.values.items() if v is not None}
    assert want
    assert not differences(got, want)


async def test_invoiced_amounts_per_provider_and_service_month(quarter: Quarter) -> None:
    """The README's key for ``amount_invoiced``: the line's service month, not the period."""
    table = quarter.figures["amount_invoiced"]
    got = {(row, p): v for (d, row, p), v in table.values.items()
           if d == "provider" and p != CUMULATIVE and v}  # fmt: skip
    want: dict[tuple[str, str], int] = defaultdict(int)
    for h in quarter.truth.hours.accepted():
        if h.invoice_period is not None:
            want[(h.provider, h.month)] += h.amount_cents
    late = [h for h in quarter.truth.hours.accepted()
            if h.invoice_period is not None and h.invoice_period != h.month]  # fmt: skip
    assert late, "some entries should be invoiced in a later period (corrections)"
    assert got == {k: v for k, v in want.items() if v}
    assert sum(quarter.truth.hours.invoices.values()) == table.values[(TOTAL, TOTAL, CUMULATIVE)]


async def test_no_published_cell_reveals_a_small_group(quarter: Quarter) -> None:
    suppressed = 0
    for figure, true in quarter.figures.items():
        published = quarter.published[figure]
        assert published.threshold == THRESHOLD
        assert published.values.keys() == true.values.keys(), figure
        for key, value in published.values.items():
            units = true.units.get(key, 0)
            if key in published.suppressed:
                assert value is None, (figure, key)
                suppressed += 1
                continue
            assert value == true.values[key], (figure, key, value, true.values[key])
            if value is not None:
                assert units == 0 or units >= THRESHOLD, (figure, key, value, units)
    assert suppressed > 0, "a quarter of 25 persons must need suppression"


async def test_the_quarter_spans_the_expected_months(quarter: Quarter) -> None:
    last = CONFIG.start + timedelta(days=CONFIG.days - 1)
    months = {month(CONFIG.start), month(last)}
    assert months <= set(quarter.figures["arrivals"].periods)

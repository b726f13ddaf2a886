"""Acceptance: a simulated quarter through intake, casework, billing and reporting as real
processes on the real broker and MongoDB-wire server. Every figure reporting computes
(before suppression) equals the one computed here from the simulator's ground truth, and no
published cell reveals a group under the threshold.

The expected figures are derived from the ground truth alone: the flows in
``msa_ops.sim.figures`` (the harness in ``tests/faults`` reconciles with the same code), the
placement figures (open cases, waiting list, waiting time) from the simulator's independent
placement model in ``msa_ops.sim.placement_figures``; their docstrings say how.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from msa_contracts.events import (
    ArrivalRegistered,
    CaseAssigned,
    CaseClosed,
    CaseWaitlisted,
)
from msa_contracts.reference import ReferenceData
from msa_ops.faults.settle import settled_tables
from msa_ops.keys import LocalKeys
from msa_ops.sim.figures import (
    CUMULATIVE,
    FLOWS,
    TOTAL,
    Knowledge,
    differences,
    expected_figures,
    month,
    nonzero,
)
from msa_ops.sim.placement_figures import expected_placements
from msa_ops.sim.run import simulate
from msa_ops.sim.scenario import ScenarioConfig
from msa_ops.sim.truth import Observed, Truth
from msa_ops.stack import Stack
from msa_reporting.domain.table import FigureTable, PublishedTable
from msa_reporting.readout import published_figures

from tests.reporting.e2e.conftest import HOLD_DAYS

pytestmark = [pytest.mark.integration, pytest.mark.timeout(2400)]
CONFIG = ScenarioConfig(seed=2027, persons=25, days=90, arrival_days=30, hours=True,
                        hold_days=HOLD_DAYS, start=date(2026, 3, 2), departures=0.3,
                        wait_s=180.0)  # fmt: skip
LAST_DAY = CONFIG.start + timedelta(days=CONFIG.days - 1)
THRESHOLD = 5
Tables = dict[str, FigureTable]


# --- the run -----------------------------------------------------------------------------


@dataclass
class Quarter:
    truth: Truth
    observed: Observed
    figures: Tables
    published: dict[str, PublishedTable]
    seconds: dict[str, float]


@pytest.fixture(scope="module")
async def quarter(
    infra: Any, stack: Stack, keys: LocalKeys, reference: ReferenceData, run_id: str
) -> Quarter:
    began = time.monotonic()
    truth, observed = await simulate(infra.kafka_bootstrap, keys, reference, CONFIG,
                                     intake_url=stack["intake"].url)  # fmt: skip
    simulated = time.monotonic()
    database = f"{run_id}_reporting"
    figures: Tables = await settled_tables(infra.mongodb_uri, database, limit_s=120.0)
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
    want, _ = expected_figures(Knowledge(reference, quarter.truth, quarter.observed))
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
    world = Knowledge(reference, quarter.truth, quarter.observed)
    x = expected_placements(world, table.periods, LAST_DAY)
    assert x[figure].values(), f"the quarter should produce {figure}"
    assert not differences(nonzero(table), x[figure].values())


async def test_waiting_days_medians_equal_the_placement_model(
    quarter: Quarter, reference: ReferenceData
) -> None:
    table = quarter.figures["waiting_days"]
    world = Knowledge(reference, quarter.truth, quarter.observed)
    x = expected_placements(world, table.periods, LAST_DAY)
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
    _, raw = expected_figures(Knowledge(reference, quarter.truth, quarter.observed))
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

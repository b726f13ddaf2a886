"""A simulated quarter through intake, casework and billing as real processes: every hour
entry is answered as the simulator's independent ground truth expects, the month runs issue
invoices whose amounts per provider equal the expected amounts to the cent, and every
accepted entry appears on exactly one invoice line."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from msa_contracts.reference import ReferenceData
from msa_kit.auth import Role
from msa_ops.keys import LocalKeys
from msa_ops.sim.billing_checks import (
    entries_on_lines,
    expected_on_lines,
    invoice_totals,
    issued_invoices,
    wrong_hour_answers,
)
from msa_ops.sim.run import simulate
from msa_ops.sim.scenario import ScenarioConfig
from msa_ops.sim.truth import Observed, Truth
from msa_ops.stack import Stack

from tests.billing.e2e.conftest import HOLD_DAYS

pytestmark = pytest.mark.integration
CONFIG = ScenarioConfig(seed=2026, persons=28, days=90, arrival_days=30, hours=True,
                        hold_days=HOLD_DAYS, start=date(2026, 3, 2))  # fmt: skip
LAST_DAY = CONFIG.start + timedelta(days=CONFIG.days - 1)


@pytest.fixture(scope="module")
async def quarter(
    infra: Any, stack: Stack, keys: LocalKeys, reference: ReferenceData
) -> tuple[Truth, Observed]:
    truth, observed = await simulate(infra.kafka_bootstrap, keys, reference, CONFIG,
                                     progress=print)  # fmt: skip
    outcomes = Counter(x.outcome for x in truth.hours.entries.values() if x.answered)
    print(f"hour records: {len(truth.hours.entries)}, answers expected: {dict(outcomes)}, "
          f"invoices expected: {truth.hours.invoices}")  # fmt: skip
    return truth, observed


async def test_every_hour_entry_is_answered_as_the_ground_truth_expects(
    quarter: tuple[Truth, Observed],
) -> None:
    truth, observed = quarter
    assert not wrong_hour_answers(truth, observed, LAST_DAY)
    answers = observed.hour_answers()
    resent = [key.split("#")[0] for key, x in truth.hours.entries.items() if "#resent" in key]
    assert resent and all(len(answers[ce]) == 1 for ce in resent)
    kinds = Counter(x.outcome for x in truth.hours.entries.values() if x.answered)
    for code in ("accepted", "case-not-assigned", "budget-exhausted", "future-date",
                 "entry-id-conflict"):  # fmt: skip
        assert kinds[code] > 0, f"the quarter should produce {code}: {kinds}"


async def test_invoice_amounts_per_provider_equal_the_expected_amounts_to_the_cent(
    quarter: tuple[Truth, Observed],
) -> None:
    truth, observed = quarter
    issued = issued_invoices(observed)
    assert {i.period for i in issued} == {"2026-03", "2026-04"}
    got, expected = invoice_totals(truth, issued)
    assert got == expected
    assert sum(expected.values()) == sum(
        x.amount_cents for x in truth.hours.accepted() if x.invoice_period
    )
    assert any(line.correction for i in issued for line in i.lines), "late entries expected"
    numbers = sorted(i.invoice_number for i in issued)
    assert numbers == [f"RE-2026-{n:06d}" for n in range(1, len(numbers) + 1)]


async def test_every_accepted_entry_appears_on_exactly_one_invoice_line(
    quarter: tuple[Truth, Observed], stack: Stack, keys: LocalKeys
) -> None:
    truth, observed = quarter
    token = keys.token(Role.FINANCE, subject="e2e")
    on_lines = await entries_on_lines(stack["billing"].url, token, issued_invoices(observed))
    assert on_lines == expected_on_lines(truth)
    assert set(on_lines.values()) == {1}

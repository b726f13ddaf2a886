"""A simulated quarter through intake, casework and billing as real processes: every hour
entry is answered as the simulator's independent ground truth expects, the month runs issue
invoices whose amounts per provider equal the expected amounts to the cent, and every
accepted entry appears on exactly one invoice line."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from msa_contracts.events import HoursAccepted, HoursRejected, InvoiceIssued
from msa_contracts.reference import ReferenceData
from msa_kit.auth import Role
from msa_ops.keys import LocalKeys
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


def invoices(observed: Observed) -> list[InvoiceIssued]:
    found = {env.id: env.event for t, env in observed.envelopes
             if t == "msa.billing.ledger" and isinstance(env.event, InvoiceIssued)}  # fmt: skip
    return list(found.values())


async def test_every_hour_entry_is_answered_as_the_ground_truth_expects(
    quarter: tuple[Truth, Observed],
) -> None:
    truth, observed = quarter
    answers = observed.hour_answers()
    wrong = {}
    for ce_id, x in truth.hours.entries.items():
        if not x.answered or (x.answer_by is not None and x.answer_by > LAST_DAY):
            continue
        got = answers.get(ce_id, [])
        outcome = [a.reason.code if isinstance(a, HoursRejected) else "accepted" for a in got]
        billed = [(a.minutes_billable, a.amount_cents) for a in got
                  if isinstance(a, HoursAccepted)]  # fmt: skip
        expected = [(x.minutes_billable, x.amount_cents)] if x.outcome == "accepted" else []
        if outcome != [x.outcome] or billed != expected:
            wrong[ce_id] = (x.provider, x.event.entry_id, x.outcome, outcome)
    assert not wrong
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
    issued = invoices(observed)
    assert {i.period for i in issued} == {"2026-03", "2026-04"}
    got: dict[str, int] = defaultdict(int)
    for invoice in issued:
        got[invoice.provider_id] += invoice.total_cents
    expected: dict[str, int] = defaultdict(int)
    for (provider, _period), cents in truth.hours.invoices.items():
        expected[provider] += cents
    assert dict(got) == dict(expected)
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
    headers = {"Authorization": f"Bearer {keys.token(Role.FINANCE, subject='e2e')}"}
    on_lines: Counter[tuple[str, str]] = Counter()
    async with httpx.AsyncClient(base_url=stack["billing"].url, headers=headers) as http:
        for invoice in invoices(observed):
            for number, _line in enumerate(invoice.lines, start=1):
                answer = await http.get(
                    f"/invoices/{invoice.invoice_number}/lines/{number}/entries"
                )
                assert answer.status_code == 200, answer.text
                on_lines.update((e["provider_id"], e["entry_id"]) for e in answer.json()["items"])
    invoiced = Counter((x.provider, x.event.entry_id) for x in truth.hours.accepted()
                       if x.invoice_period)  # fmt: skip
    assert on_lines == invoiced
    assert set(on_lines.values()) == {1}

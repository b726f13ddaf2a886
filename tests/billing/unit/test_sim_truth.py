"""The simulator's ground truth uses its own small implementation of the tariff: it must
agree with billing's on every input, and its planning must be deterministic per seed."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from msa_billing.domain.rules import Tariff
from msa_contracts.reference import ReferenceData, load_reference
from msa_ops.sim.hours import CaseFacts, amount, billable, plan_case_day, rate_on

REFERENCE = load_reference()
PROVIDERS = ["awo", "caritas", "diakonie", "drk"]


@given(st.integers(1, 24 * 60), st.sampled_from(["direct", "indirect", "missed-appointment"]),
       st.integers(1, 20_000))  # fmt: skip
def test_the_simulators_tariff_agrees_with_billings(m: int, activity: str, rate: int) -> None:
    tariff = Tariff.of(REFERENCE.billing)
    minutes = billable(m, activity, REFERENCE)
    assert minutes == tariff.billable_minutes(m, activity)  # type: ignore[arg-type]
    assert amount(minutes, rate) == tariff.amount_cents(minutes, rate)


@given(st.dates(min_value=date(2023, 1, 1), max_value=date(2030, 1, 1)),
       st.sampled_from(PROVIDERS))  # fmt: skip
def test_the_simulators_rate_agrees_with_the_contract(day: date, provider: str) -> None:
    contract = REFERENCE.provider(provider)
    assert contract is not None
    assert rate_on(REFERENCE, provider, day) == contract.rate_on(day)


def test_planning_is_deterministic_per_case_day_and_seed(reference: ReferenceData) -> None:
    facts = CaseFacts(holders=[(date(2026, 3, 2), "caritas")])
    days = [date(2026, 3, d) for d in range(3, 31)]

    first = [plan_case_day("C-00000000000000aa", facts, d, PROVIDERS, 7) for d in days]
    again = [plan_case_day("C-00000000000000aa", facts, d, PROVIDERS, 7) for d in days]
    other = [plan_case_day("C-00000000000000aa", facts, d, PROVIDERS, 8) for d in days]

    assert first == again != other
    drafts = [d for day in first for d in day]
    assert any(d.provider == "caritas" for d in drafts)
    assert all(d.event.service_date >= date(2026, 3, 2) for d in drafts if d.kind == "late")

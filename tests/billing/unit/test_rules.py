"""The tariff: rounding, activity factors and amounts, at the edges and as properties."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from msa_billing.domain.rules import Tariff
from msa_contracts.reference import ReferenceData

ACTIVITIES = ("direct", "indirect", "missed-appointment")
minutes = st.integers(min_value=1, max_value=24 * 60)
rates = st.integers(min_value=1, max_value=50_000)


@pytest.fixture(scope="module")
def tariff(reference: ReferenceData) -> Tariff:
    return Tariff.of(reference.billing)


@pytest.mark.parametrize(("logged", "rounded"), [
    (1, 1), (5, 5), (6, 6), (7, 10), (10, 10), (11, 20), (16, 20), (20, 20), (21, 30),
    (59, 60), (60, 60), (61, 70),
])  # fmt: skip
def test_the_first_six_minutes_count_to_the_minute_then_ten_minute_steps(
    tariff: Tariff, logged: int, rounded: int
) -> None:
    assert tariff.rounded_minutes(logged) == rounded


@pytest.mark.parametrize(("logged", "activity", "billable"), [
    (60, "direct", 60), (60, "indirect", 72), (60, "missed-appointment", 48),
    (6, "indirect", 7),             # 6 x 1.2 = 7.2 -> 7
    (5, "indirect", 6),             # 5 x 1.2 = 6.0
    (7, "missed-appointment", 8),   # rounded 10 x 0.8 = 8
    (3, "missed-appointment", 2),   # 3 x 0.8 = 2.4 -> 2
    (4, "indirect", 5),             # 4.8 -> 5
])  # fmt: skip
def test_factors_apply_to_the_rounded_minutes_and_round_half_up(
    tariff: Tariff, logged: int, activity: str, billable: int
) -> None:
    assert tariff.billable_minutes(logged, activity) == billable  # type: ignore[arg-type]


def test_billable_minutes_round_half_up_at_exactly_half(reference: ReferenceData) -> None:
    halves = Tariff(6, 10, {"direct": Decimal("1"), "indirect": Decimal("1.25"),
                            "missed-appointment": Decimal("0.5")})  # fmt: skip
    assert halves.billable_minutes(2, "indirect") == 3  # 2.5 -> 3
    assert halves.billable_minutes(5, "missed-appointment") == 3  # 2.5 -> 3


@pytest.mark.parametrize(("billable", "rate", "cents"), [
    (60, 6800, 6800), (1, 6800, 113),  # 113.33 -> 113
    (1, 6830, 114),                    # 113.8333 -> 114
    (1, 6810, 114),                    # 113.5 exactly -> up
    (1, 6750, 113),                    # 112.5 exactly -> up
    (3, 10, 1),                        # 0.5 cent -> 1
    (0, 6800, 0),
])  # fmt: skip
def test_amounts_are_rounded_half_up_to_whole_cents(
    tariff: Tariff, billable: int, rate: int, cents: int
) -> None:
    assert tariff.amount_cents(billable, rate) == cents


def test_half_even_is_honoured_when_the_reference_data_says_so(tariff: Tariff) -> None:
    even = Tariff(6, 10, tariff.factors, amount_rounding="half-even")
    assert even.amount_cents(1, 6750) == 112  # 112.5 -> 112 (even)
    assert even.amount_cents(3, 10) == 0  # 0.5 -> 0


@given(minutes, minutes)
def test_rounding_is_monotonic(a: int, b: int) -> None:
    t = Tariff(6, 10, {})
    low, high = sorted((a, b))
    assert t.rounded_minutes(low) <= t.rounded_minutes(high)


@given(minutes)
def test_rounding_is_exact_up_to_six_and_in_steps_of_ten_above(m: int) -> None:
    rounded = Tariff(6, 10, {}).rounded_minutes(m)
    if m <= 6:
        assert rounded == m
    else:
        assert rounded % 10 == 0 and m <= rounded < m + 10


@given(minutes, st.sampled_from(ACTIVITIES), rates)
def test_amounts_are_never_negative_and_within_half_a_cent(
    reference: ReferenceData, m: int, activity: str, rate: int
) -> None:
    t = Tariff.of(reference.billing)
    billable = t.billable_minutes(m, activity)  # type: ignore[arg-type]
    cents = t.amount_cents(billable, rate)
    assert cents >= 0
    assert abs(Decimal(cents) - Decimal(billable * rate) / 60) <= Decimal("0.5")


@given(minutes)
def test_indirect_counts_more_and_missed_less_than_direct(reference: ReferenceData, m: int) -> None:
    t = Tariff.of(reference.billing)
    direct = t.billable_minutes(m, "direct")
    assert direct == t.rounded_minutes(m)
    missed = t.billable_minutes(m, "missed-appointment")
    assert t.billable_minutes(m, "indirect") >= direct >= missed


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)))
def test_the_rate_in_force_on_the_service_date_is_used(reference: ReferenceData, day: date) -> None:
    caritas = reference.provider("caritas")
    assert caritas is not None
    expected = 7150 if day >= date(2026, 7, 1) else 6800
    assert caritas.rate_on(day) == expected


def test_no_rate_before_the_first_contract_rate(reference: ReferenceData) -> None:
    caritas = reference.provider("caritas")
    assert caritas is not None and caritas.rate_on(date(2023, 12, 31)) is None

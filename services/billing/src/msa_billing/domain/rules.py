"""The Fachleistungsstunden tariff: rounding, activity factors and amounts.

For ``m`` logged minutes of activity ``a`` at ``r`` cents per hour (values from billing.yaml):

* ``rounded = m`` if ``m <= 6`` (the first minutes count to the minute), else
  ``ceil(m / 10) * 10`` (then up in 10-minute steps);
* ``minutes_billable = round_half_up(rounded * factor[a])`` (direct 1, indirect 1.2,
  missed appointment 0.8 of the planned duration);
* ``amount_cents = round_half_up(minutes_billable * r / 60)``.

Decimal arithmetic throughout; every amount is rounded once, per entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Literal

from msa_contracts.reference import BillingRules

Activity = Literal["direct", "indirect", "missed-appointment"]
ROUNDING = {"half-up": ROUND_HALF_UP, "half-even": ROUND_HALF_EVEN}
MINUTES_PER_HOUR = Decimal(60)


@dataclass(frozen=True)
class Tariff:
    """The rounding and factor rules of billing.yaml."""

    exact_first_minutes: int
    step_minutes: int
    factors: Mapping[Activity, Decimal]
    amount_rounding: Literal["half-up", "half-even"] = "half-up"

    @classmethod
    def of(cls, rules: BillingRules) -> Tariff:
        return cls(
            exact_first_minutes=rules.rounding.exact_first_minutes,
            step_minutes=rules.rounding.step_minutes,
            factors=dict(rules.factors),
            amount_rounding=rules.amount_rounding,
        )

    def rounded_minutes(self, minutes: int) -> int:
        """The first minutes to the minute, then up to the next full step."""
        if minutes < 0:
            raise ValueError("minutes must not be negative")
        if minutes <= self.exact_first_minutes:
            return minutes
        return -(-minutes // self.step_minutes) * self.step_minutes

    def billable_minutes(self, minutes: int, activity: Activity) -> int:
        """Rounded minutes times the activity's factor, rounded half up to whole minutes."""
        weighted = Decimal(self.rounded_minutes(minutes)) * self.factors[activity]
        return int(weighted.to_integral_value(rounding=ROUND_HALF_UP))

    def amount_cents(self, minutes_billable: int, rate_cents_per_hour: int) -> int:
        """What ``minutes_billable`` cost at the hourly rate, in whole cents."""
        if minutes_billable < 0 or rate_cents_per_hour < 0:
            raise ValueError("minutes and rate must not be negative")
        exact = Decimal(minutes_billable) * Decimal(rate_cents_per_hour) / MINUTES_PER_HOUR
        return int(exact.to_integral_value(rounding=ROUNDING[self.amount_rounding]))

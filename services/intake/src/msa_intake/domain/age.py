"""Age bands: the only trace of the date of birth other services see."""

from __future__ import annotations

from datetime import date

from msa_contracts.values import AgeBand

from msa_intake.domain.errors import Implausible, rejection

# (lowest age in completed years, band), highest first
BANDS: tuple[tuple[int, AgeBand], ...] = (
    (65, AgeBand.SENIOR),
    (50, AgeBand.OLDER),
    (27, AgeBand.ADULT),
    (18, AgeBand.YOUNG_ADULT),
    (6, AgeBand.CHILD),
    (0, AgeBand.UNDER_6),
)
MAX_AGE = 130


def age_on(date_of_birth: date, day: date) -> int:
    """Completed years on ``day`` (someone born on 29 February turns a year older on 1 March
    in common years)."""
    had_birthday = (day.month, day.day) >= (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (0 if had_birthday else 1)


def age_band(date_of_birth: date, on: date) -> AgeBand:
    """The band of the age in completed years on ``on`` (the allocation date)."""
    age = age_on(date_of_birth, on)
    if age < 0:
        raise rejection(
            Implausible, "born-after-allocation",
            "the date of birth lies after the allocation date", "date_of_birth",
        )  # fmt: skip
    if age > MAX_AGE:
        raise rejection(
            Implausible, "implausible-age", f"an age above {MAX_AGE} years", "date_of_birth"
        )
    return next(band for lowest, band in BANDS if age >= lowest)

"""Mentor choice: earlier arrival, same district, shared language, free mentee slot."""

from __future__ import annotations

from datetime import date

from msa_casework.domain.mentoring import choose_mentor
from msa_casework.domain.persons import Person
from msa_contracts.reference import load_reference
from msa_contracts.values import AgeBand, District

ON = date(2026, 9, 1)
RULE = load_reference().mentoring  # six months, two mentees


def person(
    ref: str,
    arrived_on: date = date(2025, 1, 1),
    *,
    district: District = District.PROHLIS,
    languages: tuple[str, ...] = ("ar",),
    age_band: AgeBand = AgeBand.ADULT,
    mentees: int = 0,
    unaccompanied_minor: bool = False,
) -> Person:
    return Person(
        person_ref=ref, arrived_on=arrived_on, district=district, languages=list(languages),
        age_band=age_band, mentees=[f"C-{i:016x}" for i in range(mentees)],
        unaccompanied_minor=unaccompanied_minor,
    )  # fmt: skip


NEWCOMER = person("P-0000000000000new", ON, languages=("ar", "fa"))


def test_the_earliest_eligible_arrival_becomes_the_mentor() -> None:
    early, later = person("P-00000000000000bb", date(2024, 5, 1)), person("P-00000000000000aa")
    choice = choose_mentor(NEWCOMER, ON, [later, early], RULE)
    assert choice is not None and choice.mentor is early and choice.language == "ar"


def test_equal_arrivals_are_decided_by_the_lowest_ref() -> None:
    b, a = person("P-00000000000000bb"), person("P-00000000000000aa")
    choice = choose_mentor(NEWCOMER, ON, [b, a], RULE)
    assert choice is not None and choice.mentor is a


def test_a_mentor_arrived_at_least_six_months_before() -> None:
    exactly = person("P-00000000000000aa", date(2026, 3, 1))
    too_recent = person("P-000000000000000b", date(2026, 3, 2))
    assert choose_mentor(NEWCOMER, ON, [too_recent], RULE) is None
    assert choose_mentor(NEWCOMER, ON, [too_recent, exactly], RULE).mentor is exactly  # type: ignore[union-attr]


def test_a_mentor_lives_in_the_same_district_and_shares_a_language() -> None:
    elsewhere = person("P-00000000000000aa", district=District.LEUBEN)
    other_tongue = person("P-00000000000000bb", languages=("uk",))
    assert choose_mentor(NEWCOMER, ON, [elsewhere, other_tongue], RULE) is None


def test_the_shared_language_is_the_first_of_the_newcomers_languages() -> None:
    both = person("P-00000000000000aa", languages=("fa", "ar"))
    assert choose_mentor(NEWCOMER, ON, [both], RULE).language == "ar"  # type: ignore[union-attr]


def test_a_mentor_with_the_maximum_of_mentees_is_not_chosen() -> None:
    busy, free = person("P-00000000000000aa", mentees=2), person("P-00000000000000bb", mentees=1)
    assert choose_mentor(NEWCOMER, ON, [busy, free], RULE).mentor is free  # type: ignore[union-attr]


def test_unaccompanied_minors_are_not_matched() -> None:
    minor = person("P-0000000000000umf", ON, unaccompanied_minor=True, age_band=AgeBand.CHILD)
    assert choose_mentor(minor, ON, [person("P-00000000000000aa")], RULE) is None


def test_minors_do_not_mentor() -> None:
    child = person("P-00000000000000aa", age_band=AgeBand.CHILD)
    assert choose_mentor(NEWCOMER, ON, [child], RULE) is None

"""Pure rules: age bands from the birth date at allocation, and the blind index."""

from __future__ import annotations

from datetime import date

import pytest
from msa_contracts.values import AgeBand
from msa_intake.domain.age import age_band, age_on
from msa_intake.domain.errors import Implausible
from msa_intake.domain.identity import blind_index, normalise_name, normalised_identity

from tests.intake.support import identity

PEPPER = b"p" * 32
ON = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (date(2026, 3, 1), AgeBand.UNDER_6),
        (date(2020, 3, 2), AgeBand.UNDER_6),  # 5 until tomorrow
        (date(2020, 3, 1), AgeBand.CHILD),  # 6 today
        (date(2008, 3, 2), AgeBand.CHILD),
        (date(2008, 3, 1), AgeBand.YOUNG_ADULT),
        (date(1999, 3, 2), AgeBand.YOUNG_ADULT),
        (date(1999, 3, 1), AgeBand.ADULT),
        (date(1976, 3, 2), AgeBand.ADULT),
        (date(1976, 3, 1), AgeBand.OLDER),
        (date(1961, 3, 2), AgeBand.OLDER),
        (date(1961, 3, 1), AgeBand.SENIOR),
    ],
)
def test_the_age_band_changes_exactly_on_the_birthday(born: date, band: AgeBand) -> None:
    assert age_band(born, ON) is band


def test_someone_born_on_29_february_is_a_year_older_from_1_march_in_common_years() -> None:
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18
    assert age_on(date(2008, 2, 29), date(2028, 2, 29)) == 20


def test_a_birth_date_after_the_allocation_date_is_implausible() -> None:
    with pytest.raises(Implausible) as err:
        age_band(date(2026, 3, 2), ON)
    assert err.value.code == "born-after-allocation" and err.value.field == "date_of_birth"


def test_an_age_above_130_years_is_implausible() -> None:
    with pytest.raises(Implausible):
        age_band(date(1890, 1, 1), ON)


def test_names_are_casefolded_nfkc_normalised_and_whitespace_collapsed() -> None:
    assert normalise_name("  ＭÜLLER\t\u00a0Anna  ") == "müller anna"
    assert normalise_name("STRASSE") == normalise_name("Straße")
    assert normalise_name("ﬁrdaus") == "firdaus"  # compatibility ligature


def test_the_same_person_written_differently_gets_the_same_blind_index() -> None:
    one = identity(1, family_name="Al-Hassan", given_names="Amira  Noor")
    other = identity(1, family_name="AL-HASSAN ", given_names=" amira noor", phone=None)
    assert blind_index(PEPPER, one) == blind_index(PEPPER, other)


@pytest.mark.parametrize(
    "change",
    [
        {"date_of_birth": date(1987, 11, 2)},
        {"nationality": "IRN"},
        {"family_name": "Zabardastov1"},
        {"given_names": "Quetzalli"},
    ],
)
def test_another_birth_date_nationality_or_name_gives_another_blind_index(
    change: dict[str, object],
) -> None:
    assert blind_index(PEPPER, identity(1)) != blind_index(PEPPER, identity(1, **change))


def test_family_and_given_names_cannot_be_shifted_into_each_other() -> None:
    a = identity(1, family_name="Ali Reza", given_names="Karimi")
    b = identity(1, family_name="Ali", given_names="Reza Karimi")
    assert blind_index(PEPPER, a) != blind_index(PEPPER, b)


def test_contact_data_does_not_take_part_in_recognition() -> None:
    changed = identity(1, phone="+49 1", email="other@example.org")
    assert blind_index(PEPPER, identity(1)) == blind_index(PEPPER, changed)


def test_the_blind_index_depends_on_the_pepper_and_reveals_nothing() -> None:
    index = blind_index(PEPPER, identity(1))
    assert index != blind_index(b"q" * 32, identity(1))
    assert len(index) == 64 and "zabardastova" not in index
    assert "1987-11-01" in normalised_identity(identity(1))  # the input, never stored


def test_a_short_pepper_is_refused() -> None:
    with pytest.raises(ValueError, match="pepper"):
        blind_index(b"short", identity(1))

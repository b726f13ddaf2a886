"""Pure decisions about a person: registration, time-versioned status, moves, departure,
erasure. Each returns the new state and the contract event."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from msa_contracts.events import ArrivalRegistered, PersonErased, ResidenceStatusChanged
from msa_contracts.values import AccommodationType, AgeBand, District, ResidenceStatus
from msa_intake.domain.arrival import Arrival
from msa_intake.domain.errors import Conflicting, Implausible, PersonGone
from msa_intake.domain.person import Person
from msa_intake.domain.registration import register

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
LATER = datetime(2026, 6, 1, 9, tzinfo=UTC)
S = ResidenceStatus
ARRIVAL = Arrival(
    allocated_on=date(2026, 3, 1), household_size=2, languages=["uk"],
    residence_status=S.AE_24, status_valid_from=date(2026, 2, 1), district=District.COTTA,
    accommodation_type=AccommodationType.SHARED, vulnerabilities=["pregnancy"],
)  # fmt: skip


def person() -> Person:
    return register("P-00000000000000aa", ARRIVAL, date(1990, 5, 5), "front-desk", NOW)[0]


def test_registration_yields_the_needs_data_and_an_age_band_but_no_birth_date() -> None:
    new, event = register("P-00000000000000aa", ARRIVAL, date(1990, 5, 5), "front-desk", NOW)
    assert isinstance(event, ArrivalRegistered)
    assert event.age_band is AgeBand.ADULT and event.registered_via == "front-desk"
    assert (event.household_size, event.languages, event.district) == (2, ["uk"], District.COTTA)
    assert event.residence_status is S.AE_24 and event.status_valid_from == date(2026, 2, 1)
    assert "1990" not in event.model_dump_json()
    assert [p.status for p in new.statuses] == [S.AE_24] and new.residing_since == date(2026, 3, 1)


def test_status_history_stays_ordered_by_validity_even_when_recorded_late() -> None:
    later, first = person().change_status(S.AE_25_2, date(2026, 9, 1), NOW)
    both, second = later.change_status(S.AE_25_5, date(2026, 5, 1), LATER)
    assert [(p.status, p.valid_from) for p in both.statuses] == [
        (S.AE_24, date(2026, 2, 1)),
        (S.AE_25_5, date(2026, 5, 1)),
        (S.AE_25_2, date(2026, 9, 1)),
    ]
    assert first == ResidenceStatusChanged(
        person_ref=later.ref, status=S.AE_25_2, valid_from=date(2026, 9, 1),
        previous_status=S.AE_24,
    )  # fmt: skip
    assert second.previous_status is S.AE_24  # what was in force the day before
    assert both.status_on(date(2026, 6, 1)) is S.AE_25_5
    assert both.status_on(date(2026, 1, 31)) is None


def test_a_status_equal_to_the_one_in_force_is_rejected() -> None:
    with pytest.raises(Conflicting) as err:
        person().change_status(S.AE_24, date(2026, 4, 1), NOW)
    assert err.value.code == "status-unchanged"


def test_a_second_status_for_the_same_day_is_rejected() -> None:
    changed, _ = person().change_status(S.AE_25_2, date(2026, 4, 1), NOW)
    with pytest.raises(Conflicting) as err:
        changed.change_status(S.AE_25_5, date(2026, 4, 1), NOW)
    assert err.value.code == "status-already-recorded"


def test_a_status_before_the_first_recorded_one_is_implausible() -> None:
    with pytest.raises(Implausible) as err:
        person().change_status(S.AE_25_2, date(2026, 1, 1), NOW)
    assert err.value.field == "valid_from"


def test_a_relocation_moves_the_person_and_names_both_districts() -> None:
    moved, event = person().relocate(
        District.PIESCHEN, date(2026, 4, 1), AccommodationType.APARTMENT
    )
    assert (event.from_district, event.to_district) == (District.COTTA, District.PIESCHEN)
    assert moved.district is District.PIESCHEN and moved.residing_since == date(2026, 4, 1)


def test_moving_into_an_apartment_in_the_same_district_is_a_relocation() -> None:
    _, event = person().relocate(District.COTTA, date(2026, 4, 1), AccommodationType.APARTMENT)
    assert event.accommodation_type is AccommodationType.APARTMENT


def test_a_relocation_to_where_the_person_lives_is_rejected() -> None:
    with pytest.raises(Conflicting):
        person().relocate(District.COTTA, date(2026, 4, 1), AccommodationType.SHARED)


def test_a_relocation_before_the_current_residence_began_is_implausible() -> None:
    with pytest.raises(Implausible):
        person().relocate(District.PIESCHEN, date(2026, 2, 1), AccommodationType.APARTMENT)


def test_after_departure_no_status_change_move_or_second_departure_is_accepted() -> None:
    gone, event = person().depart(date(2026, 8, 1), "moved-away")
    assert event.reason == "moved-away" and gone.departure is not None
    for attempt in (
        lambda: gone.change_status(S.AE_25_2, date(2026, 9, 1), NOW),
        lambda: gone.relocate(District.PLAUEN, date(2026, 9, 1), AccommodationType.APARTMENT),
        lambda: gone.depart(date(2026, 9, 1), "other"),
    ):
        with pytest.raises(Conflicting) as err:
            attempt()
        assert err.value.code == "person-departed"


def test_a_departure_before_allocation_is_implausible() -> None:
    with pytest.raises(Implausible):
        person().depart(date(2026, 2, 1), "returned")


def test_an_erased_person_can_be_neither_changed_nor_erased_again() -> None:
    erased, event = person().depart(date(2026, 8, 1), "returned")[0].erase(LATER)
    assert event == PersonErased(person_ref=erased.ref, erased_at=LATER)
    with pytest.raises(PersonGone):
        erased.erase(LATER)
    with pytest.raises(PersonGone):
        erased.change_status(S.AE_25_2, date(2026, 9, 1), NOW)

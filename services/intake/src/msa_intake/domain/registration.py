"""Registering an arrival: a new pseudonymous person and the fact that announces them."""

from __future__ import annotations

from datetime import date, datetime

from msa_contracts.events import ArrivalRegistered

from msa_intake.domain.age import age_band
from msa_intake.domain.arrival import Arrival, Door
from msa_intake.domain.person import Person, StatusPeriod


def register(
    ref: str, arrival: Arrival, date_of_birth: date, via: Door, now: datetime
) -> tuple[Person, ArrivalRegistered]:
    """A new person from an arrival; the date of birth only yields the age band. The
    vulnerabilities stay out of both (the caller seals them with the identity)."""
    band = age_band(date_of_birth, arrival.allocated_on)
    first = StatusPeriod(
        status=arrival.residence_status, valid_from=arrival.status_valid_from, recorded_at=now
    )
    person = Person(
        ref=ref, allocated_on=arrival.allocated_on, registered_at=now, registered_via=via,
        age_band=band, household_size=arrival.household_size, statuses=(first,),
        district=arrival.district, accommodation_type=arrival.accommodation_type,
        residing_since=arrival.allocated_on,
    )  # fmt: skip
    event = ArrivalRegistered(
        person_ref=ref, registered_at=now, registered_via=via, age_band=band,
        unaccompanied_minor=arrival.unaccompanied_minor,
        **arrival.model_dump(exclude={"vulnerabilities"}),
    )  # fmt: skip
    return person, event

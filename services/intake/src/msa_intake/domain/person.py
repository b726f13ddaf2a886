"""A registered person as intake knows them, pseudonymously, and the decisions about them.

Identity fields and vulnerabilities are not part of this model: they live encrypted beside
it under the person's key (see the vault).
Every decision returns the new state and the contract event that announces it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from msa_contracts.events import (
    PersonDeparted,
    PersonErased,
    PersonRelocated,
    ResidenceStatusChanged,
)
from msa_contracts.values import (
    AccommodationType,
    AgeBand,
    District,
    ResidenceStatus,
)
from pydantic import BaseModel, ConfigDict

from msa_intake.domain.arrival import Door
from msa_intake.domain.errors import Conflicting, Implausible, PersonGone, rejection

DepartureReason = Literal["moved-away", "returned", "deceased", "other"]


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StatusPeriod(_Value):
    """A residence status in force from ``valid_from`` until the next period begins."""

    status: ResidenceStatus
    valid_from: date
    recorded_at: datetime


class Departure(_Value):
    departed_on: date
    reason: DepartureReason


class Person(_Value):
    ref: str
    allocated_on: date
    registered_at: datetime
    registered_via: Door
    age_band: AgeBand
    household_size: int
    statuses: tuple[StatusPeriod, ...]  # ordered by valid_from, never empty
    district: District
    accommodation_type: AccommodationType
    residing_since: date
    departure: Departure | None = None
    erased_at: datetime | None = None

    def status_on(self, day: date) -> ResidenceStatus | None:
        """The status in force on ``day``, None before the first recorded one."""
        valid = [p for p in self.statuses if p.valid_from <= day]
        return valid[-1].status if valid else None

    def ensure_present(self) -> None:
        if self.erased_at is not None:
            raise PersonGone(f"{self.ref} was erased")

    def ensure_active(self) -> None:
        self.ensure_present()
        if self.departure is not None:
            raise rejection(Conflicting, "person-departed", f"{self.ref} has departed")

    def change_status(
        self, status: ResidenceStatus, valid_from: date, now: datetime
    ) -> tuple[Person, ResidenceStatusChanged]:
        """Record a status from ``valid_from`` on; the history stays ordered by validity."""
        self.ensure_active()
        if valid_from < self.statuses[0].valid_from:
            raise rejection(
                Implausible,
                "before-first-status",
                "valid_from lies before the first recorded status",
                "valid_from",
            )
        if any(p.valid_from == valid_from for p in self.statuses):
            raise rejection(
                Conflicting,
                "status-already-recorded",
                f"a status valid from {valid_from} is recorded already",
                "valid_from",
            )
        previous = self.status_on(valid_from - timedelta(days=1))
        if previous is None or previous == status:
            raise rejection(
                Conflicting,
                "status-unchanged",
                f"the status on {valid_from} is {status} already",
                "status",
            )
        period = StatusPeriod(status=status, valid_from=valid_from, recorded_at=now)
        history = tuple(sorted((*self.statuses, period), key=lambda p: p.valid_from))
        event = ResidenceStatusChanged(
            person_ref=self.ref, status=status, valid_from=valid_from, previous_status=previous
        )
        return self.model_copy(update={"statuses": history}), event

    def relocate(
        self, to: District, moved_on: date, accommodation: AccommodationType
    ) -> tuple[Person, PersonRelocated]:
        """Move to another district or another kind of accommodation."""
        self.ensure_active()
        if moved_on < self.residing_since:
            raise rejection(
                Implausible,
                "before-current-residence",
                f"moved_on lies before {self.residing_since}",
                "moved_on",
            )
        if (to, accommodation) == (self.district, self.accommodation_type):
            raise rejection(
                Conflicting, "residence-unchanged", "the person lives there already", "to_district"
            )
        event = PersonRelocated(
            person_ref=self.ref, from_district=self.district, to_district=to,
            moved_on=moved_on, accommodation_type=accommodation,
        )  # fmt: skip
        update = {"district": to, "accommodation_type": accommodation, "residing_since": moved_on}
        return self.model_copy(update=update), event

    def depart(self, on: date, reason: DepartureReason) -> tuple[Person, PersonDeparted]:
        self.ensure_active()
        if on < self.allocated_on:
            raise rejection(
                Implausible,
                "before-allocation",
                "departed_on lies before the allocation date",
                "departed_on",
            )
        departure = Departure(departed_on=on, reason=reason)
        event = PersonDeparted(person_ref=self.ref, departed_on=on, reason=reason)
        return self.model_copy(update={"departure": departure}), event

    def erased_again(self, at: datetime) -> Person:
        """The person as an erasure recorded elsewhere (the persons topic) leaves them, for
        a store restored from before it: marked erased at ``at``; already erased, unchanged."""
        return self if self.erased_at is not None else self.model_copy(update={"erased_at": at})

    def erase(self, now: datetime) -> tuple[Person, PersonErased]:
        """Forget the person: the caller destroys their key; the pseudonymous rest remains."""
        self.ensure_present()
        event = PersonErased(person_ref=self.ref, erased_at=now)
        return self.model_copy(update={"erased_at": now}), event

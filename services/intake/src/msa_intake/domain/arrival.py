"""What intake learns about an arrival besides the identity: the needs-data."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from msa_contracts.events import PersonAllocated, PersonAllocatedV1, SpecialCategories
from msa_contracts.values import (
    AccommodationType,
    District,
    Language,
    ResidenceStatus,
    Vulnerability,
)
from pydantic import BaseModel, ConfigDict, Field

Door = Literal["allocation-notice", "front-desk"]


class Arrival(BaseModel):
    """The needs-data of a registration, from either door (notice or front desk)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    allocated_on: date
    household_size: Annotated[int, Field(ge=1, le=30)]
    languages: Annotated[list[Language], Field(min_length=1, max_length=10)]
    residence_status: ResidenceStatus
    status_valid_from: date
    district: District
    accommodation_type: AccommodationType
    #: special categories among them (health, pregnancy, trauma, violence): sealed under the
    #: person's key like the identity, never published
    vulnerabilities: Annotated[list[Vulnerability], Field(max_length=8)] = []

    @property
    def unaccompanied_minor(self) -> bool:
        return Vulnerability.UNACCOMPANIED_MINOR in self.vulnerabilities

    @classmethod
    def from_notice(
        cls, notice: PersonAllocated | PersonAllocatedV1, opened: SpecialCategories
    ) -> Arrival:
        """The needs-data of a notice; ``opened`` are its sealed special categories (a
        version-1 notice has them in clear instead)."""
        arrival = cls.model_validate(notice.model_dump(include=set(cls.model_fields)))
        if opened.vulnerabilities:
            return arrival.model_copy(update={"vulnerabilities": list(opened.vulnerabilities)})
        return arrival

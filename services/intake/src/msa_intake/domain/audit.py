"""Every disclosure or erasure of personal data, and every refused access request, is an
auditable fact."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, StringConstraints

Purpose = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
AuditAction = Literal[
    "read", "identity-match", "erase", "access-request", "access-report", "access-refused"
]
PersonalField = Literal[
    "family_name",
    "given_names",
    "date_of_birth",
    "nationality",
    "phone",
    "email",
    "languages",
    "vulnerabilities",
]
PERSONAL_FIELDS: tuple[PersonalField, ...] = get_args(PersonalField)


class AuditEntry(BaseModel):
    """Who (subject, role) did what to whose personal data, when, which fields, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    at: datetime
    subject: str
    role: str
    person_ref: str
    action: AuditAction
    fields: tuple[PersonalField, ...]
    purpose: Purpose
    #: why a request was refused (``access-refused``): a problem code such as ``no-purpose``
    refusal: str | None = None

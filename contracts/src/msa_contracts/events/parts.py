"""Value objects nested in several events."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from msa_contracts.events.base import Part
from msa_contracts.values import ExternalId, GoalDomain, MeasureId, ShortText

ReferralService = Literal["debt", "family", "addiction", "migration-counselling", "health", "other"]
REASON_CODE = re.compile(r"^[a-z][a-z0-9-]{1,48}$")
ReasonCode = Annotated[
    str,
    StringConstraints(pattern=REASON_CODE.pattern),
    Field(description="Machine-readable reason, kebab-case, e.g. 'case-not-assigned'."),
]


class Reason(Part):
    """Why something was decided or rejected: a stable code plus a message for humans."""

    code: ReasonCode
    message: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    field: Annotated[str, StringConstraints(max_length=100)] | None = None


def reason(code: str, message: str, field: str | None = None) -> Reason:
    """A reason with its message cut to the contract's length."""
    return Reason(code=code, message=message[:500], field=field)


class Goal(Part):
    """One specific, checkable goal of an integration plan."""

    goal_id: ExternalId
    domain: GoalDomain
    measure_id: MeasureId
    indicator: ShortText
    target_date: date
    responsible: Literal["person", "provider", "office", "other"]

"""An hour entry as billing keeps it.

An entry is keyed by its provider (the topic it came on) and the provider's entry id. It is
``held`` while it waits for an assignment or approval billing has not seen yet, and ends
``accepted`` (with what it bills) or ``rejected`` (with the reason).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from msa_contracts.events import HoursLogged, Reason
from msa_contracts.values import GoalDomain, Module
from pydantic import BaseModel, Field

from msa_billing.domain.facts import Cause
from msa_billing.domain.months import month_of
from msa_billing.domain.rules import Activity

Status = Literal["held", "accepted", "rejected"]


class Billed(BaseModel):
    """What an accepted entry bills, by the rules in force on its service date."""

    module: Module
    approval_id: str | None
    rate_cents_per_hour: int = Field(gt=0)
    minutes_billable: int = Field(ge=0)
    amount_cents: int = Field(ge=0)


class Entry(BaseModel):
    provider_id: str
    entry_id: str
    case_id: str
    service_date: date
    minutes: int
    activity: Activity
    domain: GoalDomain
    worker_ref: str
    status: Status = "held"
    causes: list[Cause] = Field(description="every record that carried this entry unchanged")
    received_at: datetime
    sent_on: date | None = Field(
        default=None, description="the day the provider sent it (its CloudEvents time)"
    )
    held_since: date | None = Field(default=None, description="the hold counts from this day")
    reason: Reason | None = None
    billed: Billed | None = None
    decided_at: datetime | None = None
    invoice_number: str | None = None
    invoice_line: int | None = None

    @classmethod
    def received(
        cls, provider_id: str, logged: HoursLogged, cause: Cause, at: datetime, sent_on: date
    ) -> Entry:
        """``sent_on``: the city's day the provider sent it (from its CloudEvents time)."""
        fields = {"provider_id": provider_id, "causes": [cause], "received_at": at,
                  "sent_on": sent_on}  # fmt: skip
        return cls.model_validate(fields | _content(logged))

    @property
    def key(self) -> str:
        return f"{self.provider_id}/{self.entry_id}"

    @property
    def service_month(self) -> str:
        return month_of(self.service_date)

    def same_as(self, logged: HoursLogged) -> bool:
        """The record carries this very entry (same id and content)."""
        mine = self.model_dump(include=set(_content(logged)))
        return mine == _content(logged)


def _content(logged: HoursLogged) -> dict[str, object]:
    return logged.model_dump(mode="python")

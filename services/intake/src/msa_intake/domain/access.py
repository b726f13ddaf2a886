"""A person's right of access (DSGVO Art. 15): the request, and the pure assembly of the
answer from intake's own part and the parts the services delivered.

A service's part counts only if all its chunks arrived by the request's ``answer_by``; a
part that arrives later does not change a result that was final at the deadline. Until every
service has answered or the deadline has passed the request is pending; then it is
``complete`` or ``timed-out``, the services that did not answer named in ``missing``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from msa_contracts.events.access import ACCESS_SERVICES, AccessService
from pydantic import BaseModel, ConfigDict

from msa_intake.domain.audit import Purpose

AccessStatus = Literal["pending", "complete", "timed-out"]
PartStatus = Literal["answered", "missing", "pending"]


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Requester(_Value):
    subject: str
    role: str


class AccessRequest(_Value):
    """What intake keeps of a request (besides its key, which only the adapters handle)."""

    request_id: str
    person_ref: str
    requested_at: datetime
    answer_by: datetime
    requested_by: Requester
    purpose: Purpose
    services: tuple[AccessService, ...] = ACCESS_SERVICES


class Delivery(_Value):
    """A service's chunks as intake received them: how many there are, and when each came."""

    service: AccessService
    chunks: int
    received: Mapping[int, datetime]

    def complete_at(self) -> datetime | None:
        """When the last chunk arrived, if all have."""
        if set(self.received) != set(range(self.chunks)):
            return None
        return max(self.received.values())


class ServicePart(_Value):
    service: str
    status: PartStatus
    answered_at: datetime | None = None
    data: Any = None


class AccessReport(_Value):
    """The answer to a request; ``parts`` only once it is final (complete or timed out)."""

    request_id: str
    person_ref: str
    status: AccessStatus
    requested_at: datetime
    answer_by: datetime
    requested_by: Requester
    purpose: str
    compiled_at: datetime | None = None
    missing: tuple[str, ...] = ()
    parts: tuple[ServicePart, ...] = ()

    @property
    def final(self) -> bool:
        return self.status != "pending"


def answered_in_time(request: AccessRequest, deliveries: Sequence[Delivery]) -> dict[str, datetime]:
    """Each service whose whole part arrived by the deadline, with when it did."""
    done: dict[str, datetime] = {}
    for d in deliveries:
        at = d.complete_at()
        if d.service in request.services and at is not None and at <= request.answer_by:
            done[d.service] = at
    return done


def assemble(
    request: AccessRequest,
    answered: Mapping[str, datetime],
    data: Mapping[str, Any],
    intake_part: Any,
    now: datetime,
) -> AccessReport:
    """The report at ``now``: ``answered`` from ``answered_in_time``, ``data`` the opened parts
    of those services, ``intake_part`` intake's own (the record and its read audit)."""
    waiting = [s for s in request.services if s not in answered]
    header = {
        "request_id": request.request_id, "person_ref": request.person_ref,
        "requested_at": request.requested_at, "answer_by": request.answer_by,
        "requested_by": request.requested_by, "purpose": request.purpose,
    }  # fmt: skip
    if waiting and now < request.answer_by:
        return AccessReport(status="pending", **header)
    parts = [ServicePart(service="intake", status="answered", answered_at=now, data=intake_part)]
    for service in request.services:
        if service in answered:
            at = answered[service]
            parts.append(ServicePart(service=service, status="answered", answered_at=at,
                                     data=data.get(service)))  # fmt: skip
        else:
            parts.append(ServicePart(service=service, status="missing"))
    return AccessReport(
        status="timed-out" if waiting else "complete", compiled_at=now,
        missing=tuple(waiting), parts=tuple(parts), **header,
    )  # fmt: skip

"""The access requests of intake's HTTP API (DSGVO Art. 15): ``POST
/persons/{ref}/access-requests`` asks every service for its part; ``GET
.../access-requests/{id}`` answers with the status and, once final, the result as JSON (also
for Art. 20 portability) or as a printable German page (``Accept: text/html`` or ``.html``).

Only caseworkers and the front desk may ask. Every refusal (another role, no purpose, an
unknown or erased person) is audited before it is answered."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Request, Response, status
from fastapi.responses import HTMLResponse
from msa_kit.auth import Principal, Role, require

from msa_intake import access_requests as access
from msa_intake.access_requests import AccessDeps
from msa_intake.domain import commands as cmd
from msa_intake.domain.access import AccessReport
from msa_intake.domain.errors import PersonGone, PersonNotFound
from msa_intake.entrypoints import http_models as m
from msa_intake.entrypoints.access_page import render
from msa_intake.ports import Units

MAY_ASK = (Role.CASEWORKER, Role.FRONT_DESK)
Anyone = Annotated[Principal, Depends(require(*Role))]
Ref = Annotated[str, Path(pattern=m.PERSON_REF)]
RequestId = Annotated[str, Path(pattern=m.ACCESS_REQUEST_ID)]


def _actor(principal: Principal) -> cmd.Actor:
    return cmd.Actor(principal.subject, principal.role.value)


def access_router(units: Units, deps: AccessDeps) -> APIRouter:
    api = APIRouter(tags=["access requests"])

    async def refuse(ref: str, who: Principal, purpose: str | None, code: str) -> None:
        c = cmd.RefuseAccess(ref, _actor(who), purpose, code)
        await units.run(lambda unit: access.refuse_access(unit, c))

    async def admitted(ref: str, who: Principal, purpose: str | None) -> None:
        if who.role not in MAY_ASK:
            await refuse(ref, who, purpose, "role-not-allowed")
            allowed = ", ".join(r.value for r in MAY_ASK)
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail={
                "code": "role-not-allowed",
                "message": f"Auskunftsersuchen stellen und lesen dürfen nur: {allowed}",
            })  # fmt: skip

    @api.post("/persons/{ref}/access-requests", status_code=status.HTTP_202_ACCEPTED)
    async def request(
        ref: Ref, who: Anyone, response: Response,
        body: Annotated[m.AccessRequestIn | None, Body()] = None,
    ) -> m.AccessRequestOut:  # fmt: skip
        """Ask every service for what it holds about the person; answer with the request's
        id and deadline (the result follows at ``GET Location``)."""
        purpose = body.purpose if body else None
        await admitted(ref, who, purpose)
        if purpose is None or len(purpose.strip()) < 3:
            await refuse(ref, who, purpose, "purpose-required")
            raise HTTPException(422, detail={
                "code": "purpose-required",
                "message": "Bitte den Zweck des Auskunftsersuchens angeben (mindestens 3 Zeichen)",
                "details": [{"loc": ["body", "purpose"], "type": "missing"}],
            })  # fmt: skip
        key = await asyncio.to_thread(access.new_key, deps)
        c = cmd.RequestAccess(ref, _actor(who), purpose.strip())
        try:
            made = await units.run(lambda unit: access.request_access(unit, c, key, deps))
        except (PersonNotFound, PersonGone) as exc:
            await refuse(ref, who, purpose, exc.code)
            raise
        response.headers["Location"] = f"/persons/{ref}/access-requests/{made.request_id}"
        return m.AccessRequestOut(
            request_id=made.request_id, status="pending", requested_at=made.requested_at,
            answer_by=made.answer_by,
        )  # fmt: skip

    async def report(ref: str, request_id: str, who: Principal) -> AccessReport:
        await admitted(ref, who, None)
        c = cmd.ReadAccess(ref, request_id, _actor(who))
        return await units.run(lambda unit: access.access_report(unit, c, deps))

    @api.get("/persons/{ref}/access-requests/{request_id}.html", response_class=HTMLResponse)
    async def page(ref: Ref, request_id: RequestId, who: Anyone) -> HTMLResponse:
        """The answer as a printable German page."""
        return HTMLResponse(render(await report(ref, request_id, who)))

    @api.get("/persons/{ref}/access-requests/{request_id}", response_model=None)
    async def result(
        ref: Ref, request_id: RequestId, who: Anyone, http: Request
    ) -> AccessReport | HTMLResponse:
        """The status, and once complete or timed out the result (JSON, or the page with
        ``Accept: text/html``)."""
        found = await report(ref, request_id, who)
        if _wants_html(http.headers.get("accept", "")):
            return HTMLResponse(render(found))
        return found

    return api


def _wants_html(accept: str) -> bool:
    kinds = [part.split(";")[0].strip() for part in accept.split(",")]
    return "text/html" in kinds and kinds.index("text/html") < _index(kinds, "application/json")


def _index(kinds: list[str], kind: str) -> int:
    return kinds.index(kind) if kind in kinds else len(kinds)

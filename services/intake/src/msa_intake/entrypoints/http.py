"""Intake's HTTP API for the office. Providers read one thing only: the vulnerabilities of
the persons whose cases they hold (intake follows casework's assignments), audited like
every read; everything else they learn pseudonymously from casework's topics."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status
from msa_kit.auth import Principal, Role, require

from msa_intake import handlers
from msa_intake.domain import commands as cmd
from msa_intake.domain.arrival import Arrival
from msa_intake.domain.audit import PERSONAL_FIELDS, PersonalField, Purpose
from msa_intake.domain.errors import AlreadyRegistered
from msa_intake.entrypoints import http_models as m
from msa_intake.handlers import Deps
from msa_intake.ports import Units

Desk = Annotated[Principal, Depends(require(Role.FRONT_DESK))]
Office = Annotated[Principal, Depends(require(Role.FRONT_DESK, Role.CASEWORKER))]
Auditor = Annotated[Principal, Depends(require(Role.AUDITOR))]
CaseHolder = Annotated[Principal, Depends(require(Role.CASEWORKER, Role.PROVIDER))]
Ref = Annotated[str, Path(pattern=m.PERSON_REF)]
CREATED = status.HTTP_201_CREATED


def actor(principal: Principal) -> cmd.Actor:
    return cmd.Actor(principal.subject, principal.role.value)


def router(units: Units, deps: Deps) -> APIRouter:
    api = APIRouter(tags=["persons"])

    @api.post("/persons", status_code=CREATED)
    async def register(body: m.RegistrationIn, who: Desk, response: Response) -> m.Registered:
        """Register an arrival at the front desk; 409 with the reference if already known."""
        arrival = Arrival.model_validate(body.model_dump(exclude={"identity"}))
        c = cmd.RegisterArrival(body.identity, arrival, "front-desk", actor(who))
        result = await units.run(lambda unit: handlers.register_arrival(unit, c, deps))
        if result.person is None:
            raise AlreadyRegistered(result.person_ref)
        response.headers["Location"] = f"/persons/{result.person_ref}"
        p = result.person
        return m.Registered(person_ref=p.ref, age_band=p.age_band, registered_at=p.registered_at)

    @api.get("/persons/{ref}")
    async def read(
        ref: Ref,
        who: Office,
        purpose: Annotated[Purpose, Query(description="why the data is needed (audited)")],
        fields: Annotated[list[PersonalField] | None, Query()] = None,
    ) -> m.PersonOut:
        """The person's decrypted personal data (all fields, or those named); audited."""
        c = cmd.Disclose(ref, actor(who), purpose, tuple(fields or PERSONAL_FIELDS))
        found = await units.run(lambda unit: handlers.disclose(unit, c, deps))
        return m.PersonOut.of(found.person, found.personal_data)

    @api.get("/persons/{ref}/vulnerabilities")
    async def vulnerabilities(
        ref: Ref,
        who: CaseHolder,
        purpose: Annotated[Purpose, Query(description="why the data is needed (audited)")],
    ) -> m.VulnerabilitiesOut:
        """The person's vulnerabilities (special categories, Art. 9 DSGVO), decrypted for the
        caseworker or for the provider holding the person's case (to any other provider:
        404, as for an unknown person); audited before they are returned."""
        holder = (who.provider_id or "") if who.role is Role.PROVIDER else None
        c = cmd.DiscloseVulnerabilities(ref, actor(who), purpose, holder)
        found = await units.run(lambda unit: handlers.disclose_vulnerabilities(unit, c, deps))
        listed = found.personal_data.get("vulnerabilities") or []
        return m.VulnerabilitiesOut(person_ref=found.person.ref, vulnerabilities=listed)

    @api.post("/persons/{ref}/status-changes", status_code=CREATED)
    async def change_status(ref: Ref, body: m.StatusChangeIn, _: Office) -> m.PersonOut:
        c = cmd.ChangeStatus(ref, body.status, body.valid_from)
        return m.PersonOut.of(await units.run(lambda unit: handlers.change_status(unit, c)))

    @api.post("/persons/{ref}/relocations", status_code=CREATED)
    async def relocate(ref: Ref, body: m.RelocationIn, _: Office) -> m.PersonOut:
        c = cmd.Relocate(ref, body.to_district, body.moved_on, body.accommodation_type)
        return m.PersonOut.of(await units.run(lambda unit: handlers.relocate(unit, c)))

    @api.post("/persons/{ref}/departure", status_code=CREATED)
    async def depart(ref: Ref, body: m.DepartureIn, _: Office) -> m.PersonOut:
        c = cmd.Depart(ref, body.departed_on, body.reason)
        return m.PersonOut.of(await units.run(lambda unit: handlers.depart(unit, c)))

    @api.delete("/persons/{ref}")
    async def erase(ref: Ref, who: Office, reason: Annotated[m.Reason, Query()]) -> m.ErasedOut:
        """Erase the person (crypto-shredding); afterwards reads answer 410 Gone."""
        c = cmd.Erase(ref, actor(who), reason)
        event = await units.run(lambda unit: handlers.erase(unit, c))
        return m.ErasedOut(person_ref=event.person_ref, erased_at=event.erased_at)

    @api.get("/audit", tags=["audit"])
    async def audit(
        _: Auditor,
        person_ref: Annotated[str | None, Query(pattern=m.PERSON_REF)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> m.AuditOut:
        """Audit entries, newest first (read-only: no endpoint changes them)."""
        entries = await units.run(lambda unit: handlers.audit_trail(unit, person_ref, limit))
        return m.AuditOut(entries=list(entries))

    return api

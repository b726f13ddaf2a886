"""The office's read API. Caseworkers and auditors see every case; a provider sees only the
cases assigned to it (another provider's case is 'not found', so its existence does not
leak); other roles are not admitted. Errors are ``{"code", "message", "details"}``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from msa_contracts.values import Region
from msa_kit.auth import Principal, Role, require

from msa_casework.domain.case import CaseStatus
from msa_casework.entrypoints.views import CaseDetail, CasePage, CaseSummary, WaitingList
from msa_casework.ports import CaseFilter, CaseReader

OFFICE = (Role.CASEWORKER, Role.AUDITOR)
OfficeOrProvider = Annotated[Principal, Depends(require(*OFFICE, Role.PROVIDER))]
OfficeOnly = Annotated[Principal, Depends(require(*OFFICE))]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "missing, invalid or expired token"},
    403: {"description": "role not admitted, or another provider's cases"},
}


def _problem(status: int, code: str, message: str) -> HTTPException:
    return HTTPException(status, detail={"code": code, "message": message})


def cases_router(reader: CaseReader) -> APIRouter:
    router = APIRouter(tags=["cases"], responses=ERRORS)

    @router.get("/cases/{case_id}", responses={404: {"description": "no such case for you"}})
    async def get_case(case_id: str, who: OfficeOrProvider) -> CaseDetail:
        """A case with its plan, goals, approvals, module and assignment history."""
        case = await reader.case(case_id)
        if case is None or not who.owns(case.provider_id):
            raise _problem(404, "case-not-found", f"Kein Fall {case_id}")
        return CaseDetail.of(case)

    @router.get("/cases")
    async def list_cases(
        who: OfficeOrProvider,
        provider_id: str | None = None,
        region: Region | None = None,
        status: CaseStatus | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> CasePage:
        """Cases by provider, region and status; a provider's list is its own cases."""
        if who.role is Role.PROVIDER:
            if provider_id not in (None, who.provider_id):
                raise _problem(403, "not-your-cases", "Ein Träger sieht nur seine eigenen Fälle")
            provider_id = who.provider_id
        where = CaseFilter(provider_id=provider_id, region=region, status=status)
        items = await reader.cases(where, limit=limit, offset=offset)
        total = await reader.count(where)
        return CasePage(total=total, limit=limit, offset=offset,
                        items=[CaseSummary.of(c) for c in items])  # fmt: skip

    @router.get("/waiting-list")
    async def waiting_list(who: OfficeOnly, region: Region | None = None) -> WaitingList:
        """Cases waiting for a place, in the order they will be served per region."""
        return WaitingList.of(await reader.waiting(region))

    return router

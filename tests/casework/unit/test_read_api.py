"""The read API's role matrix and filters, over the in-memory store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
from msa_casework.domain.opening import case_id_for
from msa_contracts.reference import ReferenceData
from msa_contracts.values import District
from msa_kit.auth import Role

from tests.auth import Issuer
from tests.casework.builders import arrival, fachleistung, plan
from tests.casework.harness import Harness, harness

OFFICE = [Role.CASEWORKER, Role.AUDITOR]
NOT_ADMITTED = [Role.FRONT_DESK, Role.FINANCE, Role.STATISTICIAN]


@pytest.fixture
async def api(
    reference: ReferenceData, issuer: Issuer
) -> AsyncIterator[tuple[Harness, httpx.AsyncClient]]:
    async with harness(reference, auth_public_key_files=str(issuer.public_key_file)) as cw:
        transport = httpx.ASGITransport(app=cw.casework.http_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://casework") as client:
            yield cw, client


async def seed(cw: Harness) -> tuple[str, str, str]:
    """A caritas case with plan and approval, a diakonie case, and a waiting case in Süd."""
    mine = arrival(district=District.ALTSTADT)
    await cw.send(mine)
    await cw.send(plan(mine.person_ref), provider="caritas")
    await cw.send(fachleistung(mine.person_ref, 40), provider="caritas")
    theirs = arrival(district=District.PIESCHEN, languages=["uk"])
    await cw.send(theirs)
    for _ in range(2):
        await cw.send(arrival(district=District.LEUBEN))
    waiting = arrival(district=District.PROHLIS, allocated_on=date(2026, 2, 1))
    await cw.send(waiting)
    return tuple(case_id_for(e.person_ref) for e in (mine, theirs, waiting))  # type: ignore[return-value]


@pytest.mark.parametrize("role", OFFICE)
async def test_caseworkers_and_auditors_see_every_case_in_full(
    api: tuple[Harness, httpx.AsyncClient], issuer: Issuer, role: Role
) -> None:
    cw, client = api
    mine, theirs, _ = await seed(cw)

    response = await client.get(f"/cases/{mine}", headers=issuer.headers(role))

    assert response.status_code == 200
    body = response.json()
    assert body["plan"]["goals"][0]["status"] == "open"
    assert body["approvals"][0]["budget_minutes"] == 2400
    assert [m["module"] for m in body["modules"]] == ["willkommensleistung", "fachleistung"]
    assert body["assignments"][0]["provider_id"] == "caritas"
    other = await client.get(f"/cases/{theirs}", headers=issuer.headers(role))
    assert other.status_code == 200


@pytest.mark.parametrize("role", NOT_ADMITTED)
async def test_front_desk_finance_and_statisticians_are_not_admitted(
    api: tuple[Harness, httpx.AsyncClient], issuer: Issuer, role: Role
) -> None:
    cw, client = api
    mine, _, _ = await seed(cw)
    for path in (f"/cases/{mine}", "/cases", "/waiting-list"):
        response = await client.get(path, headers=issuer.headers(role))
        assert response.status_code == 403
        assert response.json()["code"] == "role-not-allowed"


async def test_without_a_token_the_answer_is_401(api: tuple[Harness, httpx.AsyncClient]) -> None:
    _, client = api
    response = await client.get("/cases")
    assert response.status_code == 401
    assert response.json()["code"] == "missing-token"


async def test_a_provider_sees_its_own_case_and_not_another_providers(
    api: tuple[Harness, httpx.AsyncClient], issuer: Issuer
) -> None:
    cw, client = api
    mine, theirs, waiting = await seed(cw)
    caritas = issuer.headers(Role.PROVIDER, "caritas")

    assert (await client.get(f"/cases/{mine}", headers=caritas)).status_code == 200
    for hidden in (theirs, waiting, "C-0000000000000000"):
        response = await client.get(f"/cases/{hidden}", headers=caritas)
        assert response.status_code == 404
        assert response.json()["code"] == "case-not-found"


async def test_a_providers_list_holds_only_its_own_cases(
    api: tuple[Harness, httpx.AsyncClient], issuer: Issuer
) -> None:
    cw, client = api
    mine, _, _ = await seed(cw)
    caritas = issuer.headers(Role.PROVIDER, "caritas")

    own = (await client.get("/cases", headers=caritas)).json()
    foreign = await client.get("/cases", params={"provider_id": "diakonie"}, headers=caritas)

    assert own["total"] == 2 and mine in [c["case_id"] for c in own["items"]]
    assert {c["provider_id"] for c in own["items"]} == {"caritas"}
    assert foreign.status_code == 403
    assert foreign.json()["code"] == "not-your-cases"


async def test_the_office_filters_cases_by_provider_region_and_status(
    api: tuple[Harness, httpx.AsyncClient], issuer: Issuer
) -> None:
    cw, client = api
    _, theirs, waiting = await seed(cw)
    office = issuer.headers(Role.CASEWORKER)

    async def ids(**params: str) -> list[str]:
        response = await client.get("/cases", params=params, headers=office)
        return [c["case_id"] for c in response.json()["items"]]

    assert await ids(provider_id="diakonie") == [theirs]
    assert await ids(region="sued", status="waitlisted") == [waiting]
    assert len(await ids()) == 5
    bad = await client.get("/cases", params={"status": "lost"}, headers=office)
    assert bad.status_code == 422


async def test_the_waiting_list_is_for_the_office_only_and_in_serving_order(
    api: tuple[Harness, httpx.AsyncClient], issuer: Issuer
) -> None:
    cw, client = api
    _, _, waiting = await seed(cw)
    await cw.send(arrival(district=District.LEUBEN, allocated_on=date(2026, 1, 20)))

    listed = (await client.get("/waiting-list", headers=issuer.headers(Role.AUDITOR))).json()
    provider = await client.get("/waiting-list", headers=issuer.headers(Role.PROVIDER, "awo"))

    assert [(i["position"], i["waiting_since"]) for i in listed["items"]] == [
        (1, "2026-01-20"), (2, "2026-02-01"),
    ]  # fmt: skip
    assert listed["items"][1]["case_id"] == waiting
    assert provider.status_code == 403

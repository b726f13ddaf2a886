"""The read API over the real store: each role, and a provider sees only its own case."""

from __future__ import annotations

import pytest
from msa_casework.domain.opening import case_id_for
from msa_contracts import topics
from msa_contracts.events import CaseAssigned
from msa_kit.auth import Role

from tests.casework.builders import arrival
from tests.casework.integration.conftest import Running

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def case_id(running: Running) -> str:
    event = arrival()
    case_id = case_id_for(event.person_ref)
    await running.publish.send(topics.PERSONS, event)
    await running.tap.wait_for(case_id, CaseAssigned, topic=topics.assignments("caritas"))
    return case_id


@pytest.mark.parametrize(
    ("role", "provider", "status"),
    [
        (Role.CASEWORKER, None, 200),
        (Role.AUDITOR, None, 200),
        (Role.PROVIDER, "caritas", 200),
        (Role.PROVIDER, "diakonie", 404),
        (Role.FRONT_DESK, None, 403),
        (Role.FINANCE, None, 403),
        (Role.STATISTICIAN, None, 403),
    ],
)
async def test_who_may_read_a_case(
    running: Running, case_id: str, role: Role, provider: str | None, status: int
) -> None:
    response = await running.http.get(
        f"/cases/{case_id}", headers=running.issuer.headers(role, provider)
    )
    assert response.status_code == status
    if status == 200:
        assert response.json()["assignments"][0]["provider_id"] == "caritas"
    else:
        assert response.json()["code"] in ("case-not-found", "role-not-allowed")


async def test_a_providers_list_shows_its_own_cases_only(running: Running, case_id: str) -> None:
    mine = running.issuer.headers(Role.PROVIDER, "caritas")
    other = running.issuer.headers(Role.PROVIDER, "drk")

    own = (await running.http.get("/cases", params={"limit": 500}, headers=mine)).json()
    theirs = (await running.http.get("/cases", params={"limit": 500}, headers=other)).json()

    assert case_id in [c["case_id"] for c in own["items"]]
    assert case_id not in [c["case_id"] for c in theirs["items"]]
    assert {c["provider_id"] for c in own["items"]} == {"caritas"}

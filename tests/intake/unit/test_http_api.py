"""The HTTP API's answers (in-memory ports; the runtime is not started): machine-readable
errors with the right status codes, and the registration flow."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
from msa_intake.bootstrap import Intake
from msa_kit.auth import Role

from tests.intake.fakes import FakeUnits
from tests.intake.support import Issuer, identity, registration_body

REF = "P-0000000000000001"


@pytest.fixture
async def client(intake: Intake, issuer: Issuer) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=intake.http_app())
    headers = issuer.headers(Role.FRONT_DESK)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://intake", headers=headers
    ) as c:
        yield c


async def test_a_front_desk_registration_answers_201_with_the_reference_and_location(
    client: httpx.AsyncClient, units: FakeUnits
) -> None:
    r = await client.post("/persons", json=registration_body(identity(1)))
    assert r.status_code == 201, r.text
    assert r.json()["person_ref"] == REF and r.json()["age_band"] == "27-49"
    assert r.headers["location"] == f"/persons/{REF}"
    assert [type(e).__name__ for e in units.published] == ["ArrivalRegistered"]


async def test_registering_a_known_identity_answers_409_with_the_existing_reference(
    client: httpx.AsyncClient, units: FakeUnits
) -> None:
    await client.post("/persons", json=registration_body(identity(1)))
    again = registration_body(identity(1, given_names="QUETZALLI  ilse1"), district="cotta")
    r = await client.post("/persons", json=again)
    assert r.status_code == 409
    assert r.json() == {
        "code": "already-registered",
        "message": f"this person is registered already as {REF}",
        "details": [{"person_ref": REF}],
    }
    assert len(units.published) == 1


async def test_invalid_registrations_answer_422_with_field_locations_but_no_input_echo(
    client: httpx.AsyncClient,
) -> None:
    body = registration_body(identity(1), district="atlantis", household_size=0)
    body["identity"]["nationality"] = "Afghanistan"
    body["surprise"] = 1
    r = await client.post("/persons", json=body)
    assert r.status_code == 422
    problem = r.json()
    assert problem["code"] == "validation-failed"
    locations = {tuple(d["loc"]) for d in problem["details"]}
    assert {("body", "district"), ("body", "household_size"),
            ("body", "identity", "nationality"), ("body", "surprise")} <= locations  # fmt: skip
    assert "Zabardastova" not in r.text and "Afghanistan" not in r.text


async def test_a_birth_date_after_allocation_answers_422_naming_the_field(
    client: httpx.AsyncClient,
) -> None:
    unborn = identity(1, date_of_birth=date(2026, 5, 1))
    r = await client.post("/persons", json=registration_body(unborn))
    assert r.status_code == 422
    assert r.json()["code"] == "born-after-allocation"
    assert r.json()["details"][0]["loc"] == ["body", "date_of_birth"]


async def test_reading_personal_data_requires_a_purpose(client: httpx.AsyncClient) -> None:
    await client.post("/persons", json=registration_body(identity(1)))
    r = await client.get(f"/persons/{REF}")
    assert r.status_code == 422
    assert r.json()["details"][0]["loc"] == ["query", "purpose"]


async def test_reading_returns_the_requested_fields_and_the_pseudonymous_record(
    client: httpx.AsyncClient, units: FakeUnits
) -> None:
    await client.post("/persons", json=registration_body(identity(1)))
    r = await client.get(
        f"/persons/{REF}", params={"purpose": "letter", "fields": ["family_name", "languages"]}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["personal_data"]["family_name"] == "Zabardastova1"
    assert body["personal_data"]["languages"] == ["ar"] and body["personal_data"]["phone"] is None
    assert body["person"]["statuses"][0]["status"] == "ae-25-2"
    assert [e.fields for e in units.state.audit] == [("family_name", "languages")]


async def test_unknown_persons_answer_404_and_malformed_references_422(
    client: httpx.AsyncClient,
) -> None:
    r = await client.get("/persons/P-00000000000000ff", params={"purpose": "check"})
    assert (r.status_code, r.json()["code"]) == (404, "person-not-found")
    r = await client.get("/persons/Mustermann", params={"purpose": "check"})
    assert r.status_code == 422


async def test_after_erasure_reads_and_changes_answer_410_gone(client: httpx.AsyncClient) -> None:
    await client.post("/persons", json=registration_body(identity(1)))
    r = await client.delete(f"/persons/{REF}", params={"reason": "art. 17 request"})
    assert r.status_code == 200 and r.json()["person_ref"] == REF
    for answer in (
        await client.get(f"/persons/{REF}", params={"purpose": "check"}),
        await client.delete(f"/persons/{REF}", params={"reason": "again"}),
        await client.post(f"/persons/{REF}/departure",
                          json={"departed_on": "2026-05-01", "reason": "other"}),
    ):  # fmt: skip
        assert (answer.status_code, answer.json()["code"]) == (410, "person-erased")


async def test_a_status_change_to_the_status_in_force_answers_409(
    client: httpx.AsyncClient,
) -> None:
    await client.post("/persons", json=registration_body(identity(1)))
    r = await client.post(
        f"/persons/{REF}/status-changes", json={"status": "ae-25-2", "valid_from": "2026-04-01"}
    )
    assert (r.status_code, r.json()["code"]) == (409, "status-unchanged")


async def test_auth_failures_use_the_same_error_format(
    client: httpx.AsyncClient, issuer: Issuer
) -> None:
    r = await client.get("/audit", headers={"Authorization": ""})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert set(r.json()) == {"code", "message", "details"} and r.json()["code"] == "missing-token"
    r = await client.get("/audit")  # as front desk
    assert (r.status_code, r.json()["code"]) == (403, "role-not-allowed")

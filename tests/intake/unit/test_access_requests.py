"""Access requests through intake's real ``build()`` and HTTP API with in-memory ports: the
request, the services' sealed answers (made by the kit's one responder), the result as JSON
and as a German page, the timeout, and every refusal audited."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import httpx
import pytest
from msa_contracts.envelope import Envelope
from msa_contracts.events import AccessPartDelivered, AccessRequested
from msa_intake import access_requests
from msa_intake.bootstrap import Intake, build
from msa_intake.keys import LocalKeyPaths
from msa_kit.access_requests import answer_access
from msa_kit.auth import Role
from msa_kit.processing import Context
from msa_kit.records import RawRecord

from tests.intake.fakes import FakeUnits
from tests.intake.support import Issuer, identity, registration_body, settings

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
TIMEOUT_S = 60.0


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def units(clock: Clock) -> FakeUnits:
    return FakeUnits(clock=clock)


@pytest.fixture
async def intake(
    intake_keys: LocalKeyPaths, issuer: Issuer, units: FakeUnits, clock: Clock
) -> Intake:
    count = iter(range(1, 100))
    return build(
        settings(intake_keys, issuer, intake_access_timeout_s=TIMEOUT_S), units=units,
        clock=clock, new_request=lambda: f"AR-{next(count):016x}",
    )  # fmt: skip


@pytest.fixture
async def client(intake: Intake, issuer: Issuer) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=intake.http_app())
    headers = issuer.headers(Role.CASEWORKER, subject="cw-7")
    async with httpx.AsyncClient(
        transport=transport, base_url="http://intake", headers=headers
    ) as c:
        yield c


async def registered(client: httpx.AsyncClient, issuer: Issuer) -> str:
    desk = issuer.headers(Role.FRONT_DESK)
    r = await client.post("/persons", json=registration_body(identity(3)), headers=desk)
    assert r.status_code == 201, r.text
    return str(r.json()["person_ref"])


def request_context(event: AccessRequested, now: datetime) -> Context:
    envelope = Envelope(
        event=event, id=str(uuid.uuid4()), type=event.ce_type(), source="/msa/intake",
        time=now, subject=event.subject(), correlation_id="c-1", causation_id=None,
    )  # fmt: skip
    raw = RawRecord("msa.intake.access-requests", 0, 0, event.subject().encode(), b"{}", ())
    return Context(envelope, raw, cast(Any, None), now, None)


async def answer(units: FakeUnits, service: Any, part: dict[str, Any], now: datetime) -> None:
    """What ``service`` sends for the last request, taken in by intake's consumer use case."""
    asked = [e for e in units.published if isinstance(e, AccessRequested)][-1]
    ctx = request_context(asked, now)

    async def collect(_ctx: Context, _request: AccessRequested) -> dict[str, Any]:
        return part

    await answer_access(service, collect)(ctx)
    for out in ctx.emitted:
        assert out.topic == "msa.intake.access-parts"
        delivered = cast(AccessPartDelivered, out.event)

        async def take(unit: Any, d: AccessPartDelivered = delivered) -> None:
            await access_requests.part_delivered(unit, d)

        await units.run(take)


CASEWORK = {"cases": [{"case_id": "C-000001", "opened_on": "2026-03-01", "closed_on": None}]}
BILLING = {"entries": [{"entry_id": "E-1", "service_date": "2026-03-10", "minutes": 45}]}
REPORTING = {"statement": "nur Aggregate", "events": []}


async def test_a_request_is_answered_with_every_services_part_as_json_and_german_page(
    client: httpx.AsyncClient, issuer: Issuer, units: FakeUnits, clock: Clock
) -> None:
    ref = await registered(client, issuer)
    r = await client.post(f"/persons/{ref}/access-requests", json={"purpose": "Art. 15 Anfrage"})
    assert r.status_code == 202, r.text
    location = r.headers["location"]
    asked = [e for e in units.published if isinstance(e, AccessRequested)]
    assert len(asked) == 1 and asked[0].person_ref == ref
    assert asked[0].answer_by == START + timedelta(seconds=TIMEOUT_S)
    assert (await client.get(location)).json()["status"] == "pending"

    clock.now = START + timedelta(seconds=5)
    for service, part in (("casework", CASEWORK), ("billing", BILLING), ("reporting", REPORTING)):
        await answer(units, service, part, clock.now)
    result = (await client.get(location)).json()
    assert result["status"] == "complete" and result["missing"] == []
    parts = {p["service"]: p for p in result["parts"]}
    assert parts["casework"]["data"] == CASEWORK and parts["billing"]["data"] == BILLING
    own = parts["intake"]["data"]
    assert own["personal_data"]["family_name"] == "Zabardastova3"
    assert {e["action"] for e in own["audit"]} >= {"access-request"}

    page = await client.get(location, headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    for shown in ("Zabardastova3", "Fallnummer", "C-000001", "01.03.2026", "10.03.2026",
                  "Abrechnung", "Berichtswesen", "vollständig"):  # fmt: skip
        assert shown in text, shown
    assert "ohne-bezeichnung" not in text
    assert (await client.get(f"{location}.html")).text.count("<h2>") == 4


async def test_a_service_that_does_not_answer_in_time_is_named_as_missing(
    client: httpx.AsyncClient, issuer: Issuer, units: FakeUnits, clock: Clock
) -> None:
    ref = await registered(client, issuer)
    r = await client.post(f"/persons/{ref}/access-requests", json={"purpose": "Auskunft"})
    await answer(units, "casework", CASEWORK, clock.now)
    await answer(units, "reporting", REPORTING, clock.now)
    assert (await client.get(r.headers["location"])).json()["status"] == "pending"
    clock.now = START + timedelta(seconds=TIMEOUT_S)
    result = (await client.get(r.headers["location"])).json()
    assert result["status"] == "timed-out" and result["missing"] == ["billing"]
    page = (await client.get(r.headers["location"] + ".html")).text
    assert "Nicht geantwortet haben: Abrechnung" in page
    clock.now += timedelta(seconds=1)
    await answer(units, "billing", BILLING, clock.now)  # too late
    assert (await client.get(r.headers["location"])).json()["missing"] == ["billing"]


async def test_a_repeated_chunk_is_kept_once(
    client: httpx.AsyncClient, issuer: Issuer, units: FakeUnits
) -> None:
    ref = await registered(client, issuer)
    await client.post(f"/persons/{ref}/access-requests", json={"purpose": "Auskunft"})
    await answer(units, "casework", CASEWORK, START)
    await answer(units, "casework", {"cases": []}, START)  # a second answer does not replace
    assert len(units.state.chunks) == 1
    assert next(iter(units.state.chunks.values())).chunks == 1


@pytest.mark.parametrize(
    ("body", "role", "status", "code"),
    [
        ({}, Role.CASEWORKER, 422, "purpose-required"),
        ({"purpose": "  "}, Role.FRONT_DESK, 422, "purpose-required"),
        (None, Role.CASEWORKER, 422, "purpose-required"),
        ({"purpose": "Auskunft"}, Role.PROVIDER, 403, "role-not-allowed"),
        ({"purpose": "Auskunft"}, Role.FINANCE, 403, "role-not-allowed"),
        ({"purpose": "Auskunft"}, Role.STATISTICIAN, 403, "role-not-allowed"),
    ],
)
async def test_a_refused_request_answers_a_problem_and_is_audited(
    client: httpx.AsyncClient, issuer: Issuer, units: FakeUnits,
    body: dict[str, str] | None, role: Role, status: int, code: str,
) -> None:  # fmt: skip
    ref = await registered(client, issuer)
    headers = issuer.headers(role, subject="asker-1")
    r = await client.post(f"/persons/{ref}/access-requests", json=body, headers=headers)
    assert r.status_code == status, r.text
    assert r.json()["code"] == code and r.json()["message"]
    refused = [e for e in units.state.audit if e.action == "access-refused"]
    assert [(e.subject, e.role, e.person_ref, e.refusal) for e in refused] == [
        ("asker-1", role.value, ref, code)
    ]
    assert not [e for e in units.published if isinstance(e, AccessRequested)]


async def test_a_request_for_an_unknown_or_erased_person_is_refused_and_audited(
    client: httpx.AsyncClient, issuer: Issuer, units: FakeUnits
) -> None:
    unknown = "P-00000000000000ff"
    r = await client.post(f"/persons/{unknown}/access-requests", json={"purpose": "Auskunft"})
    assert (r.status_code, r.json()["code"]) == (404, "person-not-found")
    ref = await registered(client, issuer)
    gone = await client.delete(f"/persons/{ref}", params={"reason": "Antrag auf Löschung"})
    assert gone.status_code == 200, gone.text
    r = await client.post(f"/persons/{ref}/access-requests", json={"purpose": "Auskunft"})
    assert (r.status_code, r.json()["code"]) == (410, "person-erased")
    refused = [(e.person_ref, e.refusal) for e in units.state.audit if e.action == "access-refused"]
    assert refused == [(unknown, "person-not-found"), (ref, "person-erased")]


async def test_after_an_erasure_the_answer_cannot_be_read_any_more(
    client: httpx.AsyncClient, issuer: Issuer, units: FakeUnits
) -> None:
    ref = await registered(client, issuer)
    r = await client.post(f"/persons/{ref}/access-requests", json={"purpose": "Auskunft"})
    for service, part in (("casework", CASEWORK), ("billing", BILLING), ("reporting", REPORTING)):
        await answer(units, service, part, START)
    await client.delete(f"/persons/{ref}", params={"reason": "Antrag auf Löschung"})
    assert (await client.get(r.headers["location"])).status_code == 410

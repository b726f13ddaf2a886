"""Vulnerabilities (special categories, Art. 9 DSGVO) never leave intake in an event: they
are sealed under the person's key, and the provider holding the case reads them through
the audited API; to every other provider the person does not exist."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
from msa_contracts.events import (
    ArrivalRegistered,
    CaseAssigned,
    CaseClosed,
    CaseReassigned,
    Event,
    PersonAllocatedV1,
    reason,
)
from msa_contracts.topics import CASES
from msa_intake.bootstrap import Intake
from msa_intake.keys import LocalKeyPaths
from msa_kit.auth import Role
from msa_kit.processing import Unprocessable

from tests.intake.fakes import FakeUnits
from tests.intake.support import Issuer, context, identity, notice, registration_body

REF = "P-0000000000000001"
CASE = "C-00000000000000c1"
HEALTH = ["pregnancy", "trauma", "unaccompanied-minor"]


@pytest.fixture
async def client(intake: Intake) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=intake.http_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as c:
        yield c


async def case_event(intake: Intake, event: Event) -> None:
    """Hand a case event to intake's case-feed subscription as the kit would."""
    [subscription] = [c.subscription for c in intake.consumers if CASES in c.topics]
    await subscription.handler(context(event, topic=CASES))


def assigned(provider: str, case_id: str = CASE, person_ref: str = REF) -> CaseAssigned:
    return CaseAssigned.model_validate({
        "case_id": case_id, "person_ref": person_ref, "provider_id": provider, "region": "sued",
        "district": "prohlis", "assigned_on": date(2026, 3, 2), "module": "willkommensleistung",
        "reasons": [reason("region-match", "Region passt")], "age_band": "27-49",
        "household_size": 1, "languages": ["ar"], "residence_status": "ae-25-2",
    }, strict=False)  # fmt: skip


async def register(client: httpx.AsyncClient, issuer: Issuer) -> str:
    body = registration_body(identity(1), vulnerabilities=HEALTH)
    made = await client.post("/persons", json=body, headers=issuer.headers(Role.FRONT_DESK))
    assert made.status_code == 201, made.text
    return str(made.json()["person_ref"])


async def read(
    client: httpx.AsyncClient, issuer: Issuer, role: Role, provider: str = "caritas"
) -> httpx.Response:
    return await client.get(
        f"/persons/{REF}/vulnerabilities", params={"purpose": "Hilfeplanung"},
        headers=issuer.headers(role, provider=provider),
    )  # fmt: skip


async def test_registration_seals_vulnerabilities_and_publishes_only_the_minor_flag(
    client: httpx.AsyncClient, issuer: Issuer, units: FakeUnits
) -> None:
    ref = await register(client, issuer)
    [event] = units.published
    assert isinstance(event, ArrivalRegistered) and event.unaccompanied_minor is True
    assert b"pregnancy" not in event.model_dump_json().encode()
    assert b"trauma" not in event.model_dump_json().encode()
    assert "vulnerabilities" not in units.state.persons[ref].model_dump()
    sealed = units.state.sealed[ref]["vulnerabilities"]
    assert b"pregnancy" not in sealed and b"trauma" not in sealed


async def test_a_notice_seals_its_vulnerabilities_too(
    intake: Intake, units: FakeUnits, intake_keys: LocalKeyPaths
) -> None:
    ctx = context(notice(intake_keys, identity(2), vulnerabilities=["serious-illness"]))
    await intake.consumers[0].subscription.handler(ctx)
    [out] = ctx.emitted
    assert isinstance(out.event, ArrivalRegistered) and out.event.unaccompanied_minor is False
    assert b"serious-illness" not in out.event.model_dump_json().encode()
    [ref] = units.state.persons
    assert b"serious-illness" not in units.state.sealed[ref]["vulnerabilities"]


async def test_the_provider_holding_the_case_reads_them_and_the_read_is_audited(
    intake: Intake, client: httpx.AsyncClient, issuer: Issuer, units: FakeUnits
) -> None:
    await register(client, issuer)
    await case_event(intake, assigned("caritas"))
    r = await read(client, issuer, Role.PROVIDER)
    assert r.status_code == 200, r.text
    assert r.json() == {"person_ref": REF, "vulnerabilities": HEALTH}
    entry = units.state.audit[-1]
    assert (entry.role, entry.action, entry.fields) == ("provider", "read", ("vulnerabilities",))
    assert (entry.person_ref, entry.purpose) == (REF, "Hilfeplanung")


async def test_another_provider_gets_the_same_answer_as_for_an_unknown_person(
    intake: Intake, client: httpx.AsyncClient, issuer: Issuer, units: FakeUnits
) -> None:
    await register(client, issuer)
    await case_event(intake, assigned("caritas"))
    audited = len(units.state.audit)
    other = await read(client, issuer, Role.PROVIDER, provider="diakonie")
    unknown = await client.get(
        "/persons/P-ffffffffffffffff/vulnerabilities", params={"purpose": "Hilfeplanung"},
        headers=issuer.headers(Role.PROVIDER, provider="diakonie"),
    )  # fmt: skip
    assert other.status_code == unknown.status_code == 404
    assert other.json()["code"] == unknown.json()["code"] == "person-not-found"
    assert len(units.state.audit) == audited, "nothing was disclosed, so nothing is audited"


async def test_a_reassignment_moves_the_access_and_closing_the_case_ends_it(
    intake: Intake, client: httpx.AsyncClient, issuer: Issuer
) -> None:
    await register(client, issuer)
    await case_event(intake, assigned("caritas"))
    moved = CaseReassigned(case_id=CASE, from_provider_id="caritas", to_provider_id="awo",
                           reassigned_on=date(2026, 4, 1),
                           reasons=[reason("relocated", "Umzug")])  # fmt: skip
    await case_event(intake, moved)
    assert (await read(client, issuer, Role.PROVIDER)).status_code == 404
    assert (await read(client, issuer, Role.PROVIDER, provider="awo")).status_code == 200
    await case_event(intake, CaseClosed(case_id=CASE, closed_on=date(2026, 5, 1), reason="other"))
    assert (await read(client, issuer, Role.PROVIDER, provider="awo")).status_code == 404


async def test_a_waiting_case_has_no_holder(
    intake: Intake, client: httpx.AsyncClient, issuer: Issuer
) -> None:
    await register(client, issuer)
    await case_event(intake, assigned("caritas"))
    waiting = CaseReassigned(case_id=CASE, from_provider_id="caritas", to_provider_id=None,
                             reassigned_on=date(2026, 4, 1),
                             reasons=[reason("capacity", "kein Platz")])  # fmt: skip
    await case_event(intake, waiting)
    assert (await read(client, issuer, Role.PROVIDER)).status_code == 404


async def test_caseworkers_read_them_and_other_roles_are_refused(
    client: httpx.AsyncClient, issuer: Issuer
) -> None:
    await register(client, issuer)
    assert (await read(client, issuer, Role.CASEWORKER)).json()["vulnerabilities"] == HEALTH
    for role in (Role.FRONT_DESK, Role.FINANCE, Role.STATISTICIAN, Role.AUDITOR):
        refused = await read(client, issuer, role)
        assert refused.status_code == 403 and refused.json()["code"] == "role-not-allowed"


async def test_a_read_without_purpose_is_refused(client: httpx.AsyncClient, issuer: Issuer) -> None:
    await register(client, issuer)
    r = await client.get(f"/persons/{REF}/vulnerabilities",
                         headers=issuer.headers(Role.CASEWORKER))  # fmt: skip
    assert r.status_code == 422


async def test_after_erasure_nobody_reads_them_any_more(
    intake: Intake, client: httpx.AsyncClient, issuer: Issuer, units: FakeUnits
) -> None:
    await register(client, issuer)
    await case_event(intake, assigned("caritas"))
    office = issuer.headers(Role.CASEWORKER)
    gone = await client.delete(f"/persons/{REF}", params={"reason": "request"}, headers=office)
    assert gone.status_code == 200
    assert (await read(client, issuer, Role.CASEWORKER)).status_code == 410
    assert (await read(client, issuer, Role.PROVIDER)).status_code == 410
    assert REF not in units.state.keys


async def test_the_full_read_includes_them_and_the_pseudonymous_record_does_not(
    client: httpx.AsyncClient, issuer: Issuer
) -> None:
    await register(client, issuer)
    office = issuer.headers(Role.CASEWORKER)
    full = await client.get(f"/persons/{REF}", params={"purpose": "Beratung"}, headers=office)
    assert full.json()["personal_data"]["vulnerabilities"] == HEALTH
    changed = await client.post(f"/persons/{REF}/status-changes", headers=office,
                                json={"status": "niederlassungserlaubnis",
                                      "valid_from": "2026-06-01"})  # fmt: skip
    assert changed.status_code == 201, changed.text
    assert "vulnerabilities" not in changed.json()["person"]
    assert changed.json()["personal_data"] is None


async def test_a_version_1_notice_with_clear_vulnerabilities_is_still_registered_and_sealed(
    intake: Intake, units: FakeUnits, intake_keys: LocalKeyPaths
) -> None:
    v2 = notice(intake_keys, identity(3))
    body = v2.model_dump(mode="json", exclude={"special_categories"})
    old = PersonAllocatedV1.model_validate(body | {"vulnerabilities": ["trauma"]}, strict=False)
    ctx = context(old)
    await intake.consumers[0].subscription.handler(ctx)
    [out] = ctx.emitted
    assert isinstance(out.event, ArrivalRegistered)
    assert b"trauma" not in out.event.model_dump_json().encode()
    [ref] = units.state.persons
    opened = intake.deps.vault.open(units.state.keys[ref], ref, units.state.sealed[ref],
                                    ["vulnerabilities"])  # fmt: skip
    assert opened == {"vulnerabilities": ["trauma"]}


async def test_a_notice_whose_special_categories_do_not_open_is_rejected(
    intake: Intake, units: FakeUnits, intake_keys: LocalKeyPaths
) -> None:
    good = notice(intake_keys, identity(4))
    assert good.special_categories is not None
    broken = good.special_categories.model_copy(update={"ciphertext": "AAAA"})
    with pytest.raises(Unprocessable) as info:
        await intake.consumers[0].subscription.handler(
            context(good.model_copy(update={"special_categories": broken}))
        )
    assert info.value.code == "identity-unreadable" and units.state.persons == {}

"""The role matrix of every HTTP endpoint of the four services, enumerated from the apps:
each role is admitted or refused with 403, every kind of bad token gets 401, and a provider
sees only its own cases and invoices, with another provider's indistinguishable from none.

The whole matrix runs twice: with the services reading PEM files and with them configured
for an OIDC provider (this test's own, serving discovery and a JWKS over HTTP)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from msa_contracts.reference import ReferenceData
from msa_kit.auth import Role
from msa_kit.oidc import OidcVerifier
from msa_ops.keys import ISSUER, LocalKeys

from tests.hostile.matrix import ROWS, Row, Tokens, fill
from tests.hostile.seed import BillingSeed, seed_billing, seed_casework
from tests.hostile.services import Assembled, assembled
from tests.idp import LocalIdp, SigningKey, running_idp

pytestmark = pytest.mark.integration
Clients = dict[str, httpx.AsyncClient]
KEYS = sorted(ROWS)
IDS = [" ".join(key) for key in KEYS]


@pytest.fixture(scope="module", params=["pem-files", "oidc-jwks"])
def source(request: pytest.FixtureRequest) -> str:
    """Where the services get the token issuer's keys: the same matrix runs on both."""
    return str(request.param)


@pytest.fixture(scope="module")
def idp() -> Iterator[LocalIdp]:
    with running_idp() as provider:
        provider.publish(SigningKey.new("matrix-es256", "ES256"))
        yield provider


@pytest.fixture(scope="module")
async def services(
    source: str,
    services: dict[str, Assembled],
    idp: LocalIdp,
    infra: Any,
    hostile_keys: LocalKeys,
    hostile_reference: ReferenceData,
) -> AsyncIterator[dict[str, Assembled]]:
    """PEM mode: the session's services; OIDC mode: the same four configured with the test
    provider's issuer URL (discovery and JWKS over HTTP)."""
    if source == "pem-files":
        yield services
        return
    env = {**infra.env(), **hostile_keys.service_env(), **idp.service_env()}
    async with assembled(env, hostile_reference) as running:
        assert all(isinstance(s.app.state.verifier, OidcVerifier) for s in running.values())
        yield running


@pytest.fixture(scope="module")
def tokens(source: str, hostile_keys: LocalKeys, idp: LocalIdp) -> Tokens:
    if source == "pem-files":
        return Tokens(hostile_keys.auth_private.read_text(), ISSUER)
    key = idp.published["matrix-es256"]
    return Tokens(key.private_pem, idp.issuer, key.kid)


@pytest.fixture(scope="module")
async def clients(services: dict[str, Assembled]) -> AsyncIterator[Clients]:
    opened = {
        name: httpx.AsyncClient(transport=httpx.ASGITransport(app=s.app), base_url=f"http://{name}")
        for name, s in services.items()
    }  # fmt: skip
    try:
        yield opened
    finally:
        for client in opened.values():
            await client.aclose()


def _forger_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()  # fmt: skip


async def _call(client: httpx.AsyncClient, endpoint: str, row: Row, auth: bytes | None
                ) -> httpx.Response:  # fmt: skip
    method, path = endpoint.split(" ", 1)
    headers = {b"Authorization": auth} if auth is not None else {}
    return await client.request(method, fill(path, row.path), params=row.params, json=row.body,
                                headers=headers)  # fmt: skip


def test_every_endpoint_of_every_service_has_a_row(services: dict[str, Assembled]) -> None:
    enumerated = {(name, str(e)) for name, s in services.items() for e in s.endpoints()}
    assert enumerated - set(ROWS) == set(), "endpoints without a row in the role matrix"
    assert set(ROWS) - enumerated == set(), "rows for endpoints that no longer exist"


@pytest.mark.parametrize(("service", "endpoint"), KEYS, ids=IDS)
async def test_each_role_is_admitted_or_refused(
    clients: Clients, tokens: Tokens, service: str, endpoint: str
) -> None:
    row = ROWS[(service, endpoint)]
    for role in Role:
        bearer = b"Bearer " + tokens.valid(role).encode()
        answer = await _call(clients[service], endpoint, row, bearer)
        if row.allowed is None or role in row.allowed:
            assert answer.status_code < 500 and answer.status_code not in {401, 403}, (
                role,
                answer.status_code,
                answer.text[:300],
            )
        else:
            assert answer.status_code == 403, (role, answer.status_code, answer.text[:300])
            assert answer.json()["code"] == "role-not-allowed"


@pytest.mark.parametrize(("service", "endpoint"), KEYS, ids=IDS)
async def test_missing_and_bad_tokens_get_401_everywhere(
    clients: Clients, tokens: Tokens, service: str, endpoint: str
) -> None:
    row = ROWS[(service, endpoint)]
    if row.allowed is None:
        answer = await _call(clients[service], endpoint, row, None)
        assert answer.status_code in {200, 307}, "a public endpoint answers without a token"
        return
    role = min(row.allowed)
    broken = tokens.broken(role, _forger_pem())
    bad = {"missing": None, "not-bearer": b"Basic dXNlcjpwYXNz"} | {
        name: b"Bearer " + token.encode() for name, token in broken.items()
    }
    for case, auth in bad.items():
        answer = await _call(clients[service], endpoint, row, auth)
        assert answer.status_code == 401, (case, answer.status_code, answer.text[:300])
        assert answer.headers["www-authenticate"] == "Bearer", case
        assert answer.json()["code"] in {"missing-token", "invalid-token", "token-expired"}, case


def _same_refusal(other: httpx.Response, none: httpx.Response, other_id: str, no_id: str) -> None:
    """Another provider's resource is answered exactly like one that does not exist."""
    assert other.status_code == none.status_code == 404, (other.text, none.text)
    assert other.text.replace(other_id, "<id>") == none.text.replace(no_id, "<id>")


async def test_a_provider_reads_only_its_own_cases(
    services: dict[str, Assembled], clients: Clients, tokens: Tokens
) -> None:
    held = await seed_casework(services["casework"])
    mine = held["caritas"]
    theirs = next(case for provider, case in held.items() if provider != "caritas")
    caritas = {"Authorization": f"Bearer {tokens.valid(Role.PROVIDER, 'caritas')}"}
    http = clients["casework"]

    own = await http.get(f"/cases/{mine}", headers=caritas)
    other = await http.get(f"/cases/{theirs}", headers=caritas)
    none = await http.get("/cases/C-0000000000000000", headers=caritas)
    listed = await http.get("/cases", headers=caritas)
    other_list = await http.get("/cases", params={"provider_id": "diakonie"}, headers=caritas)

    assert own.status_code == 200
    _same_refusal(other, none, theirs, "C-0000000000000000")
    assert {c["provider_id"] for c in listed.json()["items"]} == {"caritas"}
    assert other_list.status_code in {403, 404}


async def test_a_provider_reads_only_its_own_invoices_and_budgets(
    services: dict[str, Assembled], clients: Clients, tokens: Tokens
) -> None:
    seed: BillingSeed = await seed_billing(services["billing"])
    caritas = {"Authorization": f"Bearer {tokens.valid(Role.PROVIDER, 'caritas')}"}
    http = clients["billing"]
    no_invoice, no_case = "RE-2026-999998", "C-0000000000000000"

    for suffix in ("", "/proof.csv", "/proof.html", "/lines/1/entries"):
        own = await http.get(f"/invoices/{seed.own_invoice}{suffix}", headers=caritas)
        other = await http.get(f"/invoices/{seed.their_invoice}{suffix}", headers=caritas)
        none = await http.get(f"/invoices/{no_invoice}{suffix}", headers=caritas)
        assert own.status_code == 200, (suffix, own.text[:300])
        _same_refusal(other, none, seed.their_invoice, no_invoice)
    own_budget = await http.get(f"/cases/{seed.mine}/budget", headers=caritas)
    other_budget = await http.get(f"/cases/{seed.theirs}/budget", headers=caritas)
    none_budget = await http.get(f"/cases/{no_case}/budget", headers=caritas)
    other_month = await http.get("/providers/diakonie/invoices/2026-03", headers=caritas)
    none_month = await http.get("/providers/nobody/invoices/2026-03", headers=caritas)
    listed = await http.get("/invoices", headers=caritas)

    assert own_budget.status_code == 200
    _same_refusal(other_budget, none_budget, seed.theirs, no_case)
    _same_refusal(other_month, none_month, "diakonie", "nobody")
    assert [i["provider_id"] for i in listed.json()["items"]] == ["caritas"]

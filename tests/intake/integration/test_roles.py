"""Who may call which intake endpoint: every role, and every kind of bad token."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import pytest
from msa_kit.auth import Role

from tests.intake.integration.helpers import Running
from tests.intake.support import ISSUER, Issuer

pytestmark = pytest.mark.integration
NOBODY = "P-ffffffffffffffff"  # admitted callers find no one (404), an empty body (422)
OFFICE = {Role.FRONT_DESK, Role.CASEWORKER}
ENDPOINTS: list[tuple[str, str, dict[str, Any], set[Role]]] = [
    ("POST", "/persons", {"json": {}}, {Role.FRONT_DESK}),
    ("GET", f"/persons/{NOBODY}", {"params": {"purpose": "check"}}, OFFICE),
    ("POST", f"/persons/{NOBODY}/status-changes",
     {"json": {"status": "ae-25-2", "valid_from": "2026-04-01"}}, OFFICE),
    ("POST", f"/persons/{NOBODY}/relocations", {"json": {
        "to_district": "cotta", "moved_on": "2026-04-01", "accommodation_type": "apartment"}},
     OFFICE),
    ("POST", f"/persons/{NOBODY}/departure",
     {"json": {"departed_on": "2026-04-01", "reason": "other"}}, OFFICE),
    ("DELETE", f"/persons/{NOBODY}", {"params": {"reason": "request"}}, OFFICE),
    ("GET", "/audit", {}, {Role.AUDITOR}),
]  # fmt: skip
IDS = [f"{m} {p.replace(NOBODY, '{ref}')}" for m, p, _, _ in ENDPOINTS]


def unsigned(role: Role) -> str:
    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "msa", "sub": "x", "role": role.value, "iat": now,
              "exp": now + 600}  # fmt: skip
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


@pytest.mark.parametrize(("method", "path", "kwargs", "allowed"), ENDPOINTS, ids=IDS)
async def test_each_role_is_admitted_or_refused_with_403(
    running: Running, issuer: Issuer, method: str, path: str, kwargs: dict[str, Any],
    allowed: set[Role],
) -> None:  # fmt: skip
    for role in Role:
        r = await running.http.request(method, path, headers=issuer.headers(role), **kwargs)
        if role in allowed:
            assert r.status_code in {200, 404, 422}, (role, r.status_code, r.text)
        else:
            assert (r.status_code, r.json()["code"]) == (403, "role-not-allowed"), role


@pytest.mark.parametrize(("method", "path", "kwargs", "allowed"), ENDPOINTS, ids=IDS)
async def test_missing_expired_forged_and_unsigned_tokens_are_refused_with_401(
    running: Running, issuer: Issuer, tmp_path: Path, method: str, path: str,
    kwargs: dict[str, Any], allowed: set[Role],
) -> None:  # fmt: skip
    role = next(iter(allowed))
    forger = Issuer.create(tmp_path, "forger")
    cases = {
        "missing-token": {"Authorization": ""},
        "token-expired": issuer.headers(role, expired=True),
        "invalid-token": forger.headers(role),
        "unsigned": {"Authorization": f"Bearer {unsigned(role)}"},
    }
    for case, headers in cases.items():
        r = await running.http.request(method, path, headers=headers, **kwargs)
        assert r.status_code == 401, (case, r.text)
        assert r.json()["code"] == ("invalid-token" if case == "unsigned" else case)
        assert r.headers["www-authenticate"] == "Bearer"

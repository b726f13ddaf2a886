"""Who may call what: one row per endpoint of the four services, and tokens of every kind.

``ROWS`` is checked against the endpoints enumerated from the apps, so an endpoint without a
row fails the matrix test. ``None`` as allowed roles marks a public endpoint.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from msa_kit.auth import AUDIENCE, Role

OFFICE = frozenset({Role.FRONT_DESK, Role.CASEWORKER})
NOBODY = "P-ffffffffffffffff"
NO_CASE = "C-ffffffffffffffff"
NO_INVOICE = "RE-2026-999999"
NO_REQUEST = "AR-ffffffffffffffff"


@dataclass(frozen=True)
class Row:
    """Allowed roles (``None``: public) and a harmless request: path values, query, body."""

    allowed: frozenset[Role] | None
    path: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None


def _roles(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


ROWS: dict[tuple[str, str], Row] = {
    ("intake", "POST /persons"): Row(_roles(Role.FRONT_DESK), body={}),
    ("intake", "GET /persons/{ref}"): Row(OFFICE, {"ref": NOBODY}, {"purpose": "check"}),
    ("intake", "GET /persons/{ref}/vulnerabilities"): Row(
        _roles(Role.CASEWORKER, Role.PROVIDER), {"ref": NOBODY}, {"purpose": "check"}),
    ("intake", "POST /persons/{ref}/status-changes"): Row(
        OFFICE, {"ref": NOBODY}, body={"status": "ae-25-2", "valid_from": "2026-04-01"}),
    ("intake", "POST /persons/{ref}/relocations"): Row(OFFICE, {"ref": NOBODY}, body={
        "to_district": "cotta", "moved_on": "2026-04-01", "accommodation_type": "apartment"}),
    ("intake", "POST /persons/{ref}/departure"): Row(
        OFFICE, {"ref": NOBODY}, body={"departed_on": "2026-04-01", "reason": "other"}),
    ("intake", "DELETE /persons/{ref}"): Row(OFFICE, {"ref": NOBODY}, {"reason": "request"}),
    ("intake", "POST /persons/{ref}/access-requests"): Row(
        OFFICE, {"ref": NOBODY}, body={"purpose": "check"}),
    ("intake", "GET /persons/{ref}/access-requests/{request_id}"): Row(
        OFFICE, {"ref": NOBODY, "request_id": NO_REQUEST}),
    ("intake", "GET /persons/{ref}/access-requests/{request_id}.html"): Row(
        OFFICE, {"ref": NOBODY, "request_id": NO_REQUEST}),
    ("intake", "GET /audit"): Row(_roles(Role.AUDITOR)),
    ("casework", "GET /cases"): Row(_roles(Role.CASEWORKER, Role.AUDITOR, Role.PROVIDER)),
    ("casework", "GET /cases/{case_id}"): Row(
        _roles(Role.CASEWORKER, Role.AUDITOR, Role.PROVIDER), {"case_id": NO_CASE}),
    ("casework", "GET /waiting-list"): Row(_roles(Role.CASEWORKER, Role.AUDITOR)),
    ("billing", "POST /invoice-runs"): Row(_roles(Role.FINANCE), body={"period": "1999-01"}),
    ("billing", "GET /invoices"): Row(_roles(Role.FINANCE, Role.AUDITOR, Role.PROVIDER)),
    ("billing", "GET /invoices/{number}"): Row(
        _roles(Role.FINANCE, Role.AUDITOR, Role.PROVIDER), {"number": NO_INVOICE}),
    ("billing", "GET /invoices/{number}/lines/{line}/entries"): Row(
        _roles(Role.FINANCE, Role.AUDITOR, Role.PROVIDER), {"number": NO_INVOICE, "line": "1"}),
    ("billing", "GET /invoices/{number}/proof.csv"): Row(
        _roles(Role.FINANCE, Role.AUDITOR, Role.PROVIDER), {"number": NO_INVOICE}),
    ("billing", "GET /invoices/{number}/proof.html"): Row(
        _roles(Role.FINANCE, Role.AUDITOR, Role.PROVIDER), {"number": NO_INVOICE}),
    ("billing", "GET /providers/{provider_id}/invoices/{period}"): Row(
        _roles(Role.FINANCE, Role.AUDITOR, Role.PROVIDER),
        {"provider_id": "caritas", "period": "1999-01"}),
    ("billing", "GET /cases/{case_id}/budget"): Row(
        _roles(Role.FINANCE, Role.AUDITOR, Role.CASEWORKER, Role.PROVIDER), {"case_id": NO_CASE}),
    ("reporting", "GET /"): Row(None),
    ("reporting", "GET /dashboard"): Row(None),
    ("reporting", "GET /api/v1/figures"): Row(
        _roles(Role.STATISTICIAN, Role.CASEWORKER, Role.AUDITOR, Role.FINANCE)),
    ("reporting", "GET /api/v1/measures"): Row(
        _roles(Role.STATISTICIAN, Role.CASEWORKER, Role.AUDITOR, Role.FINANCE)),
    ("reporting", "GET /api/v1/export.csv"): Row(
        _roles(Role.STATISTICIAN, Role.CASEWORKER, Role.AUDITOR, Role.FINANCE)),
    ("reporting", "GET /api/v1/tables/{figure}/{dimension}"): Row(
        _roles(Role.STATISTICIAN, Role.CASEWORKER, Role.AUDITOR, Role.FINANCE),
        {"figure": "no-such-figure", "dimension": "city"}),
    ("reporting", "GET /api/v1/tables/{figure}/{dimension}.csv"): Row(
        _roles(Role.STATISTICIAN, Role.CASEWORKER, Role.AUDITOR, Role.FINANCE),
        {"figure": "no-such-figure", "dimension": "city"}),
}  # fmt: skip


def fill(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return path


@dataclass(frozen=True)
class Tokens:
    """Tokens signed with the trusted key (``private_pem``) or deliberately broken; with a
    ``kid`` (an OIDC provider's key id) every signed token names it in its header."""

    private_pem: str
    issuer: str
    kid: str | None = None

    def claims(self, role: Role, provider: str | None = None, **changes: Any) -> dict[str, Any]:
        now = int(time.time())
        base: dict[str, Any] = {"iss": self.issuer, "aud": AUDIENCE, "sub": "hostile-test",
                                "role": role.value, "iat": now - 5, "exp": now + 600}  # fmt: skip
        if provider:
            base["provider_id"] = provider
        return {k: v for k, v in (base | changes).items() if v is not None}

    def signed(self, claims: dict[str, Any], key: str | None = None) -> str:
        headers = {"kid": self.kid} if self.kid else None
        return jwt.encode(claims, key or self.private_pem, algorithm="ES256", headers=headers)

    def valid(self, role: Role, provider: str | None = None) -> str:
        default = "caritas" if role is Role.PROVIDER else None
        return self.signed(self.claims(role, provider or default))

    def broken(self, role: Role, forger_pem: str) -> dict[str, str]:
        """Every way a bearer token can be wrong, by name."""
        now = int(time.time())
        good = self.claims(role, "caritas" if role is Role.PROVIDER else None)
        return {
            "forged-signature": self.signed(good, forger_pem),
            "expired": self.signed(good | {"iat": now - 7200, "exp": now - 3600}),
            "not-yet-valid": self.signed(good | {"nbf": now + 3600}),
            "issued-in-future": self.signed(good | {"iat": now + 3600, "exp": now + 7200}),
            "unsigned-alg-none": _unsigned(good),
            "wrong-issuer": self.signed(good | {"iss": "someone-else"}),
            "wrong-audience": self.signed(good | {"aud": "another-app"}),
            "no-expiry": self.signed({k: v for k, v in good.items() if k != "exp"}),
            "unknown-role": self.signed(good | {"role": "admin"}),
            "provider-without-id": self.signed(
                self.claims(Role.PROVIDER) if role is Role.PROVIDER else good | {"role": "x"}),
            "tampered-payload": _tamper(self.signed(good)),
            "hs256-with-public-key": jwt.encode(good, "not-the-key-" * 4, algorithm="HS256"),
            "garbage": "not.a.token",
            "empty": "",
            "non-ascii": "tökén",
        }  # fmt: skip


def _b64(obj: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


def _unsigned(claims: dict[str, Any]) -> str:
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."


def _tamper(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return f"{header}.{_b64(claims | {'role': Role.AUDITOR.value})}.{signature}"

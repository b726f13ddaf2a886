"""OIDC tokens against a real JWKS served over HTTP by the test's own provider: RS256 and
ES256 accepted, keys rotated by kid, and every kind of bad token refused with the house 401."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives import serialization

from tests.idp import LocalIdp, SigningKey, running_idp
from tests.kit.oidc_support import assert_refused, call, secured_app, verifier


@pytest.fixture
def idp() -> Iterator[LocalIdp]:
    with running_idp() as provider:
        yield provider


@pytest.mark.parametrize("algorithm", ["RS256", "ES256"])
async def test_tokens_signed_rs256_or_es256_by_the_provider_are_accepted(
    idp: LocalIdp, algorithm: str
) -> None:
    key = idp.publish(SigningKey.new("k1", algorithm))
    answer = await call(secured_app(verifier(idp.issuer)), idp.token(key, sub="anna"))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"sub": "anna", "role": "finance", "provider": None}


async def test_keys_are_fetched_once_and_served_from_the_cache(idp: LocalIdp) -> None:
    key = idp.publish(SigningKey.new("k1"))
    api = secured_app(verifier(idp.issuer))
    for _ in range(3):
        assert (await call(api, idp.token(key))).status_code == 200
    assert idp.jwks_requests == 1


async def test_a_key_rotated_in_is_accepted_and_the_withdrawn_key_refused(idp: LocalIdp) -> None:
    old = idp.publish(SigningKey.new("2026-01"))
    api = secured_app(verifier(idp.issuer))
    assert (await call(api, idp.token(old))).status_code == 200

    new = idp.publish(SigningKey.new("2026-02", "ES256"))
    idp.withdraw(old.kid)
    assert (await call(api, idp.token(new))).status_code == 200  # unknown kid: set fetched again
    assert_refused(await call(api, idp.token(old)))  # gone from the set as fetched


async def test_while_both_keys_are_published_tokens_of_either_are_accepted(
    idp: LocalIdp,
) -> None:
    old = idp.publish(SigningKey.new("2026-01"))
    api = secured_app(verifier(idp.issuer))
    assert (await call(api, idp.token(old))).status_code == 200
    new = idp.publish(SigningKey.new("2026-02"))
    assert (await call(api, idp.token(new))).status_code == 200
    assert (await call(api, idp.token(old))).status_code == 200


async def test_refreshes_for_unknown_kids_are_throttled(idp: LocalIdp) -> None:
    key = idp.publish(SigningKey.new("k1"))
    api = secured_app(verifier(idp.issuer, refresh_cooldown_s=60.0))
    assert (await call(api, idp.token(key))).status_code == 200
    for n in range(5):
        assert_refused(await call(api, idp.token(SigningKey.new(f"unknown-{n}"))))
    assert idp.jwks_requests == 1, "a flood of made-up kids must not hammer the provider"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _hs256_with_public_key(idp: LocalIdp, key: SigningKey) -> str:
    """The classic confusion attack: HMAC with the provider's public key as the secret."""
    public = key.private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": key.kid}).encode())
    body = _b64(json.dumps(idp.claims()).encode())
    mac = hmac.new(public, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(mac)}"


def _unsigned(idp: LocalIdp, key: SigningKey) -> str:
    head = _b64(json.dumps({"alg": "none", "typ": "JWT", "kid": key.kid}).encode())
    return f"{head}.{_b64(json.dumps(idp.claims()).encode())}."


async def test_bad_tokens_are_refused_with_the_house_401(idp: LocalIdp) -> None:
    key = idp.publish(SigningKey.new("k1"))
    stranger = SigningKey.new("k1")  # same kid, other key: a forgery
    now = int(time.time())
    bad = {
        "unknown kid": idp.token(SigningKey.new("nobody-knows")),
        "no kid": idp.token(key).replace(idp.token(key).split(".")[0], _b64(
            json.dumps({"alg": "RS256", "typ": "JWT"}).encode())),
        "forged": idp.token(stranger),
        "wrong issuer": idp.token(key, iss="https://other.example/realms/city"),
        "wrong audience": idp.token(key, aud="another-app"),
        "alg none": _unsigned(idp, key),
        "hs256 with the public key": _hs256_with_public_key(idp, key),
        "no expiry": idp.token(key, exp=None),
        "no subject": idp.token(key, sub=None),
    }  # fmt: skip
    api = secured_app(verifier(idp.issuer))
    for case, token in bad.items():
        answer = await call(api, token)
        assert answer.status_code == 401, (case, answer.text)
        assert_refused(answer)
    expired = idp.token(key, iat=now - 7200, exp=now - 3600)
    assert_refused(await call(api, expired), "token-expired")


async def test_a_small_clock_skew_is_tolerated_and_configurable(idp: LocalIdp) -> None:
    key = idp.publish(SigningKey.new("k1"))
    just_expired = idp.token(key, exp=int(time.time()) - 10)
    assert (await call(secured_app(verifier(idp.issuer)), just_expired)).status_code == 200
    strict = secured_app(verifier(idp.issuer, leeway_s=0.0))
    assert_refused(await call(strict, just_expired), "token-expired")


async def test_the_audience_is_configurable(idp: LocalIdp) -> None:
    key = idp.publish(SigningKey.new("k1"))
    api = secured_app(verifier(idp.issuer, audience="api://msa-city"))
    assert (await call(api, idp.token(key, aud="api://msa-city"))).status_code == 200
    assert_refused(await call(api, idp.token(key)))  # aud "msa"

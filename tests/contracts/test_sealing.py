"""The sealed-box format of SealedIdentity: what an allocation system seals, intake opens."""

from __future__ import annotations

import base64
import json
from datetime import date

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from msa_contracts.events import IdentityPayload, SealedIdentity
from msa_contracts.sealing import (
    SealError,
    load_private_key,
    open_sealed,
    public_key_id,
    seal_identity,
)

PAYLOAD = IdentityPayload(
    family_name="Al-Hassan", given_names="Amira Noor", date_of_birth=date(1991, 4, 2),
    nationality="SYR", phone="+49 351 000000",
)  # fmt: skip


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def test_a_sealed_identity_opens_with_the_private_key_of_its_key_id(key: rsa.RSAPrivateKey) -> None:
    sealed = seal_identity(pem(key), "intake-1", PAYLOAD)
    assert sealed.alg == "RSA-OAEP-256+A256GCM"
    assert open_sealed({"intake-1": key}, sealed) == PAYLOAD


def test_the_sealed_form_reveals_no_identity_and_is_fresh_each_time(
    key: rsa.RSAPrivateKey,
) -> None:
    first, second = (seal_identity(pem(key), "intake-1", PAYLOAD) for _ in range(2))
    text = first.model_dump_json()
    assert "Al-Hassan" not in text and "1991" not in text and "SYR" not in text
    assert first.ciphertext != second.ciphertext and first.nonce != second.nonce
    assert len(base64.b64decode(first.nonce)) == 12


def test_the_sealed_identity_is_valid_inside_a_notice_after_a_json_round_trip(
    key: rsa.RSAPrivateKey,
) -> None:
    sealed = seal_identity(pem(key), "intake-1", PAYLOAD)
    again = SealedIdentity.model_validate_json(sealed.model_dump_json())
    assert open_sealed({"intake-1": key}, again) == PAYLOAD


def test_public_key_id_is_stable_and_differs_between_keys(key: rsa.RSAPrivateKey) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert public_key_id(pem(key)) == public_key_id(pem(key).decode())
    assert public_key_id(pem(key)) != public_key_id(pem(other))
    assert public_key_id(pem(key)).startswith("intake-")


def test_an_unknown_key_id_is_refused(key: rsa.RSAPrivateKey) -> None:
    sealed = seal_identity(pem(key), "intake-old", PAYLOAD)
    with pytest.raises(SealError) as err:
        open_sealed({"intake-1": key}, sealed)
    assert err.value.code == "unknown-key"


def test_an_identity_sealed_to_another_key_fails_decryption(key: rsa.RSAPrivateKey) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    sealed = seal_identity(pem(other), "intake-1", PAYLOAD)
    with pytest.raises(SealError) as err:
        open_sealed({"intake-1": key}, sealed)
    assert err.value.code == "decryption-failed"


def test_a_tampered_ciphertext_fails_authentication(key: rsa.RSAPrivateKey) -> None:
    sealed = seal_identity(pem(key), "intake-1", PAYLOAD)
    raw = bytearray(base64.b64decode(sealed.ciphertext))
    raw[0] ^= 1
    tampered = sealed.model_copy(update={"ciphertext": base64.b64encode(raw).decode()})
    with pytest.raises(SealError) as err:
        open_sealed({"intake-1": key}, tampered)
    assert err.value.code == "decryption-failed"


@pytest.mark.parametrize("field", ["nonce", "encrypted_key", "ciphertext"])
def test_malformed_fields_are_refused_with_a_code(key: rsa.RSAPrivateKey, field: str) -> None:
    sealed = seal_identity(pem(key), "intake-1", PAYLOAD)
    broken = sealed.model_copy(update={field: "AAAA"})
    with pytest.raises(SealError) as err:
        open_sealed({"intake-1": key}, broken)
    assert err.value.code in {"malformed", "decryption-failed"}


def test_url_safe_unpadded_base64_is_accepted(key: rsa.RSAPrivateKey) -> None:
    sealed = seal_identity(pem(key), "intake-1", PAYLOAD)

    def urlsafe(text: str) -> str:
        return base64.urlsafe_b64encode(base64.b64decode(text)).decode().rstrip("=")

    variant = sealed.model_copy(
        update={f: urlsafe(getattr(sealed, f)) for f in ("encrypted_key", "nonce", "ciphertext")}
    )
    assert open_sealed({"intake-1": key}, variant) == PAYLOAD


def test_an_invalid_payload_is_refused_without_echoing_personal_data(
    key: rsa.RSAPrivateKey,
) -> None:
    bad = IdentityPayload.model_construct(**(PAYLOAD.model_dump() | {"nationality": "Syria"}))
    body = json.loads(bad.model_dump_json())
    sealed = seal_identity(pem(key), "intake-1", bad)
    with pytest.raises(SealError) as err:
        open_sealed({"intake-1": key}, sealed)
    assert err.value.code == "invalid-payload"
    assert "nationality" in str(err.value)
    assert all(str(v) not in str(err.value) for v in body.values() if v)


def test_load_private_key_reads_an_unencrypted_pem(key: rsa.RSAPrivateKey) -> None:
    text = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()  # fmt: skip
    loaded = load_private_key(text)
    assert loaded.private_numbers() == key.private_numbers()

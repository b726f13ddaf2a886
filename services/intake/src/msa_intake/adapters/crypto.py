"""Field-level encryption of personal data under per-person keys, the master key that wraps
those keys, and opening the sealed identities of allocation notices."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from msa_contracts.events import IdentityPayload, RecipientKey, SealedIdentity, SpecialCategories
from msa_contracts.sealing import SealError, open_payload, open_sealed

from msa_intake.domain.errors import IdentityUnreadable
from msa_intake.ports import Sealed

NONCE_BYTES = 12
KEY_BYTES = 32


class Undecryptable(Exception):
    """Ciphertext that does not decrypt under the given key (wrong key, or tampered)."""


def _seal(key: bytes, plaintext: bytes, aad: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad.encode())


def _open(key: bytes, blob: bytes, aad: str) -> bytes:
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad.encode())
    except InvalidTag as exc:
        raise Undecryptable(aad) from exc


class Vault:
    """Each personal field is AES-256-GCM encrypted on its own under the person's data key;
    the associated data binds a ciphertext to its person and field, so none can be moved."""

    def seal(
        self,
        key: bytes,
        ref: str,
        identity: IdentityPayload,
        languages: Iterable[str],
        vulnerabilities: Iterable[str] = (),
    ) -> Sealed:
        values: dict[str, Any] = identity.model_dump(mode="json") | {"languages": list(languages)}
        return self.seal_fields(key, ref, values | {"vulnerabilities": list(vulnerabilities)})

    def seal_fields(self, key: bytes, ref: str, values: Mapping[str, Any]) -> Sealed:
        """Each value (JSON) under its own ciphertext; None values are left out."""
        return {
            name: _seal(key, json.dumps(value).encode(), f"{ref}/{name}")
            for name, value in values.items()
            if value is not None
        }

    def open(
        self, key: bytes, ref: str, sealed: Mapping[str, bytes], fields: Iterable[str]
    ) -> dict[str, Any]:
        """The requested fields in clear (absent ones as None)."""
        return {
            name: json.loads(_open(key, sealed[name], f"{ref}/{name}")) if name in sealed else None
            for name in fields
        }


class KeyWrapper:
    """Wraps per-person data keys with the master key (AES-256-GCM, bound to the person)."""

    def __init__(self, master_key: bytes) -> None:
        if len(master_key) != KEY_BYTES:
            raise ValueError(f"the master key must be {KEY_BYTES} bytes")
        self._master = master_key
        self.key_id = hashlib.sha256(b"msa-intake-kek" + master_key).hexdigest()[:16]

    def new_data_key(self) -> bytes:
        return AESGCM.generate_key(bit_length=KEY_BYTES * 8)

    def wrap(self, ref: str, data_key: bytes) -> bytes:
        return _seal(self._master, data_key, f"data-key/{ref}")

    def unwrap(self, ref: str, wrapped: bytes) -> bytes:
        return _open(self._master, wrapped, f"data-key/{ref}")


class IdentityOpener:
    """Opens notices' sealed identities with intake's private keys (by key id, for rotation)."""

    def __init__(self, private_keys: Mapping[str, rsa.RSAPrivateKey]) -> None:
        self._keys = dict(private_keys)

    def __call__(self, sealed: SealedIdentity) -> IdentityPayload:
        try:
            return open_sealed(self._keys, sealed)
        except SealError as exc:
            raise IdentityUnreadable(f"{exc.code}: {exc.message}") from None

    def special_categories(self, sealed: SealedIdentity | None) -> SpecialCategories:
        """A notice's sealed vulnerabilities (none when it carries no box)."""
        if sealed is None:
            return SpecialCategories()
        try:
            return open_payload(self._keys, sealed, SpecialCategories)
        except SealError as exc:
            raise IdentityUnreadable(f"special categories: {exc.code}: {exc.message}") from None


class RequestKeys:
    """One RSA key pair per access request. The services seal their parts to its public
    key; intake keeps the private key only sealed under the person's data key, so erasing the
    person also makes every part on the topic (and in intake's store) unreadable."""

    def __init__(self, bits: int = 3072) -> None:
        self._bits = bits

    def new(self, request_id: str) -> tuple[rsa.RSAPrivateKey, RecipientKey]:
        private = rsa.generate_private_key(public_exponent=65537, key_size=self._bits)
        pem = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return private, RecipientKey(key_id=request_id, public_key_pem=pem.decode("ascii"))

    def wrap(self, person_key: bytes, ref: str, request_id: str, key: rsa.RSAPrivateKey) -> bytes:
        der = key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )  # fmt: skip
        return _seal(person_key, der, f"{ref}/access/{request_id}")

    def unwrap(
        self, person_key: bytes, ref: str, request_id: str, wrapped: bytes
    ) -> rsa.RSAPrivateKey:
        der = _open(person_key, wrapped, f"{ref}/access/{request_id}")
        key = serialization.load_der_private_key(der, None)
        assert isinstance(key, rsa.RSAPrivateKey), "intake wraps RSA keys only"
        return key

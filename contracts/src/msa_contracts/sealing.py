"""The sealed-box format of ``SealedIdentity``: how an allocation system seals an identity to
intake's public key, and how intake opens it.

RSA-OAEP (SHA-256, MGF1-SHA-256, no label) wraps a fresh 32-byte AES-256-GCM key; the
plaintext is the UTF-8 JSON of ``IdentityPayload``, encrypted with a 12-byte nonce and no
associated data; every binary field is standard base64. ``key_id`` names the recipient key
(``public_key_id`` derives it from the public key, so both sides agree without a registry).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Mapping
from typing import TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import ValidationError

from msa_contracts.events.intake import IdentityPayload, SealedIdentity, SpecialCategories

P = TypeVar("P", IdentityPayload, SpecialCategories)
NONCE_BYTES = 12
KEY_BYTES = 32
_OAEP = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


class SealError(ValueError):
    """A sealed identity that cannot be opened; ``code`` is machine-readable.

    Messages never contain the payload or key material.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def public_key_id(public_key_pem: str | bytes, prefix: str = "intake") -> str:
    """A stable key id for ``public_key_pem``: ``<prefix>-`` and 16 hex digits of the SHA-256
    of its DER SubjectPublicKeyInfo."""
    der = _public_key(public_key_pem).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return f"{prefix}-{hashlib.sha256(der).hexdigest()[:16]}"


def seal_identity(
    public_key_pem: str | bytes, key_id: str, payload: IdentityPayload | SpecialCategories
) -> SealedIdentity:
    """Seal ``payload`` so that only the holder of the private key of ``key_id`` can read it
    (an identity, or a notice's special categories: the same sealed-box format)."""
    encrypted_key, nonce, ciphertext = seal_bytes(
        public_key_pem, payload.model_dump_json().encode()
    )
    return SealedIdentity(
        key_id=key_id, encrypted_key=encrypted_key, nonce=nonce, ciphertext=ciphertext
    )


def seal_bytes(public_key_pem: str | bytes, plaintext: bytes) -> tuple[str, str, str]:
    """The sealed-box of ``plaintext`` to ``public_key_pem``: the wrapped data key, the nonce
    and the ciphertext, each base64."""
    data_key = AESGCM.generate_key(bit_length=KEY_BYTES * 8)
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(data_key).encrypt(nonce, plaintext, None)
    wrapped = _public_key(public_key_pem).encrypt(data_key, _OAEP)
    return _b64(wrapped), _b64(nonce), _b64(ciphertext)


def open_sealed(
    private_keys: Mapping[str, rsa.RSAPrivateKey], sealed: SealedIdentity
) -> IdentityPayload:
    """Open ``sealed`` with the private key its ``key_id`` names; raise ``SealError``."""
    return open_payload(private_keys, sealed, IdentityPayload)


def open_payload(
    private_keys: Mapping[str, rsa.RSAPrivateKey], sealed: SealedIdentity, model: type[P]
) -> P:
    """Open ``sealed`` as a ``model`` (``IdentityPayload``, ``SpecialCategories``)."""
    key = private_keys.get(sealed.key_id)
    if key is None:
        raise SealError("unknown-key", f"no private key with id {sealed.key_id!r}")
    plaintext = open_bytes(key, sealed.encrypted_key, sealed.nonce, sealed.ciphertext)
    try:
        return model.model_validate_json(plaintext)
    except ValidationError as exc:  # name locations and error types only, never the values
        where = [(".".join(map(str, e["loc"])) or "$", e["type"]) for e in exc.errors()]
        problems = ", ".join(f"{loc}: {kind}" for loc, kind in where)
        what = "identity" if model is IdentityPayload else "sealed payload"
        raise SealError("invalid-payload", f"the {what} is not valid ({problems})") from None


def open_bytes(
    key: rsa.RSAPrivateKey, encrypted_key: str, nonce_b64: str, ciphertext: str
) -> bytes:
    """The plaintext of a sealed-box (the base64 fields of ``seal_bytes``); raise ``SealError``."""
    nonce = _unb64(nonce_b64, "nonce")
    if len(nonce) != NONCE_BYTES:
        raise SealError("malformed", f"nonce must be {NONCE_BYTES} bytes, got {len(nonce)}")
    try:
        data_key = key.decrypt(_unb64(encrypted_key, "encrypted_key"), _OAEP)
    except ValueError as exc:
        raise SealError("decryption-failed", "the data key does not unwrap with this key") from exc
    if len(data_key) != KEY_BYTES:
        raise SealError("malformed", f"the data key must be {KEY_BYTES} bytes")
    try:
        return AESGCM(data_key).decrypt(nonce, _unb64(ciphertext, "ciphertext"), None)
    except InvalidTag as exc:
        raise SealError("decryption-failed", "the ciphertext fails authentication") from exc


def load_private_key(pem: str | bytes) -> rsa.RSAPrivateKey:
    """An unencrypted PEM RSA private key."""
    key = serialization.load_pem_private_key(pem.encode() if isinstance(pem, str) else pem, None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("the private key is not an RSA key")
    return key


def _public_key(pem: str | bytes) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("the public key is not an RSA key")
    return key


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, name: str) -> bytes:
    """Standard or URL-safe base64, padded or not (the contract admits both alphabets)."""
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SealError("malformed", f"{name} is not valid base64") from exc

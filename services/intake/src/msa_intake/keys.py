"""Intake's secrets: the RSA private key(s) that open notices' sealed identities, the master
key that wraps per-person data keys, and the pepper of the blind index.

In production they come from a secret store mounted as files; ``generate_local_keys`` makes
a set for local runs.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from msa_contracts.sealing import load_private_key, public_key_id

from msa_intake.domain.identity import MIN_PEPPER_BYTES
from msa_intake.settings import IntakeSettings

RSA_BITS = 3072


class KeyConfigError(ValueError):
    """A key file is missing or not what it should be."""


@dataclass(frozen=True)
class IntakeKeys:
    private_keys: dict[str, rsa.RSAPrivateKey]  # key id -> key
    master_key: bytes
    pepper: bytes

    @classmethod
    def from_settings(cls, settings: IntakeSettings) -> IntakeKeys:
        names = [p.strip() for p in settings.intake_private_key_file.split(",") if p.strip()]
        if not names:
            raise KeyConfigError("INTAKE_PRIVATE_KEY_FILE is not set")
        private_keys = {}
        for name in names:
            key = load_private_key(_read(Path(name), "INTAKE_PRIVATE_KEY_FILE"))
            private_keys[public_key_id(_public_pem(key))] = key
        return cls(
            private_keys,
            _secret(settings.intake_master_key_file, "INTAKE_MASTER_KEY_FILE", exact=32),
            _secret(settings.intake_pepper_file, "INTAKE_PEPPER_FILE", minimum=MIN_PEPPER_BYTES),
        )


@dataclass(frozen=True)
class LocalKeyPaths:
    """Where ``generate_local_keys`` put the files; ``key_id`` names the public key."""

    private_key: Path
    public_key: Path
    master_key: Path
    pepper: Path
    key_id: str

    def env(self) -> dict[str, str]:
        """The environment that points intake at these files."""
        return {
            "INTAKE_PRIVATE_KEY_FILE": str(self.private_key),
            "INTAKE_MASTER_KEY_FILE": str(self.master_key),
            "INTAKE_PEPPER_FILE": str(self.pepper),
        }


def generate_local_keys(directory: Path | str) -> LocalKeyPaths:
    """Create intake's keys in ``directory`` (mode 0600), reusing any that exist already.

    ``intake-private.pem`` (RSA, PKCS#8), ``intake-public.pem`` for the allocation system,
    ``master.key`` and ``pepper.key`` (32 random bytes each, base64).
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    private = folder / "intake-private.pem"
    if not private.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
        _write(private, key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ))  # fmt: skip
    public_pem = _public_pem(load_private_key(private.read_bytes()))
    public = folder / "intake-public.pem"
    if not public.exists() or public.read_bytes() != public_pem:
        _write(public, public_pem, mode=0o644)
    paths = [folder / "master.key", folder / "pepper.key"]
    for path in paths:
        if not path.exists():
            _write(path, base64.b64encode(secrets.token_bytes(32)) + b"\n")
    return LocalKeyPaths(private, public, paths[0], paths[1], public_key_id(public_pem))


def _public_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Atomically, so that a half-written key is never reused."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, path)


def _read(path: Path, setting: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise KeyConfigError(f"{setting}: cannot read {path}: {exc.strerror}") from exc


def _secret(name: str, setting: str, *, exact: int = 0, minimum: int = 0) -> bytes:
    if not name:
        raise KeyConfigError(f"{setting} is not set")
    try:
        value = base64.b64decode(_read(Path(name), setting).strip(), validate=True)
    except binascii.Error as exc:
        raise KeyConfigError(f"{setting}: {name} is not base64") from exc
    if (exact and len(value) != exact) or len(value) < minimum:
        raise KeyConfigError(f"{setting}: {name} holds {len(value)} bytes, not the required size")
    return value

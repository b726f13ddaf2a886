"""A token issuer for tests: an ES256 key pair whose public half the service trusts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from msa_kit.auth import Role, issue_token

ISSUER = "msa-local"


@dataclass(frozen=True)
class Issuer:
    private_pem: str
    public_key_file: Path

    @classmethod
    def create(cls, directory: Path) -> Issuer:
        key = ec.generate_private_key(ec.SECP256R1())
        private = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()  # fmt: skip
        public = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        path = directory / "issuer.pub.pem"
        path.write_bytes(public)
        return cls(private, path)

    def headers(self, role: Role, provider_id: str | None = None) -> dict[str, str]:
        token = issue_token(
            self.private_pem, issuer=ISSUER, subject=f"test-{role.value}", role=role,
            now=datetime.now(UTC), provider_id=provider_id,
        )  # fmt: skip
        return {"Authorization": f"Bearer {token}"}

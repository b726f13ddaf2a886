"""Keys for local runs: the token issuer's ES256 pair and intake's key files, under var/keys.

Production uses the city's identity provider and a secret store; these files exist so that a
laptop or CI run is complete and realistic (signed tokens, sealed identities).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from msa_kit.auth import Role, issue_token

ISSUER = "msa-local"


@dataclass(frozen=True)
class LocalKeys:
    directory: Path
    auth_private: Path
    auth_public: Path
    intake_env: dict[str, str]
    intake_public: Path
    intake_key_id: str

    def service_env(self) -> dict[str, str]:
        """Environment every service needs for these keys."""
        return {
            "AUTH_ISSUER": ISSUER,
            "AUTH_PUBLIC_KEY_FILES": str(self.auth_public),
            **self.intake_env,
        }

    def token(self, role: Role, *, subject: str = "local-user", provider: str | None = None) -> str:
        return issue_token(
            self.auth_private.read_text(),
            issuer=ISSUER,
            subject=subject,
            role=role,
            now=datetime.now(UTC),
            provider_id=provider,
        )


def ensure_local_keys(directory: Path) -> LocalKeys:
    """Create (once) and return the local keys in ``directory``."""
    from msa_intake.keys import generate_local_keys  # intake owns its key formats

    directory.mkdir(parents=True, exist_ok=True)
    private, public = directory / "auth-es256.pem", directory / "auth-es256.pub.pem"
    if not private.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        private.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        private.chmod(0o600)
        public.write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM,
                serialization.PublicFormat.SubjectPublicKeyInfo,
            )
        )
    intake = generate_local_keys(directory / "intake")
    return LocalKeys(directory, private, public, intake.env(), intake.public_key, intake.key_id)

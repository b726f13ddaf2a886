"""Keys for local runs: the token issuer's ES256 pair and intake's key files, under var/keys.

Production uses the city's identity provider and a secret store; these files exist so that a
laptop or CI run is complete and realistic (signed tokens, sealed identities).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from msa_kit.auth import Role, issue_token
from msa_kit.local_issuer import ensure_issuer_keys

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

    issuer = ensure_issuer_keys(directory, "auth-es256.pem", "auth-es256.pub.pem")
    intake = generate_local_keys(directory / "intake")
    return LocalKeys(directory, issuer.private, issuer.public, intake.env(), intake.public_key,
                     intake.key_id)  # fmt: skip

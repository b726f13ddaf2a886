"""A local token issuer for laptops, CI and Docker Compose: an ES256 key pair made once, and
tokens signed with it. Production verifies the city's identity provider instead.

``python -m msa_kit.local_issuer keys DIR`` creates ``DIR/issuer-private.pem`` and
``DIR/issuer.pem`` unless they exist; ``python -m msa_kit.local_issuer token DIR ROLE
[PROVIDER]`` prints a bearer token (8 hours) for ``Authorization: Bearer ...``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from msa_kit.auth import Role, issue_token

PRIVATE, PUBLIC = "issuer-private.pem", "issuer.pem"


@dataclass(frozen=True)
class IssuerKeys:
    private: Path
    public: Path

    def token(self, issuer: str, role: Role, *, subject: str, provider: str | None = None) -> str:
        return issue_token(self.private.read_text(), issuer=issuer, subject=subject, role=role,
                           now=datetime.now(UTC), provider_id=provider)  # fmt: skip


def ensure_issuer_keys(
    directory: Path, private_name: str = PRIVATE, public_name: str = PUBLIC
) -> IssuerKeys:
    """The key pair in ``directory``, created on first use (the private key mode 0600)."""
    directory.mkdir(parents=True, exist_ok=True)
    keys = IssuerKeys(directory / private_name, directory / public_name)
    if keys.private.exists():
        return keys
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())  # fmt: skip
    fd = os.open(keys.private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    keys.public.write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))  # fmt: skip
    return keys


def main(argv: list[str]) -> int:
    usage = "usage: python -m msa_kit.local_issuer keys DIR | token DIR ROLE [PROVIDER]"
    if len(argv) >= 2 and argv[0] == "keys":
        keys = ensure_issuer_keys(Path(argv[1]))
        print(f"issuer keys in {keys.private.parent}", file=sys.stderr)
        return 0
    if len(argv) in (3, 4) and argv[0] == "token":
        try:
            role = Role(argv[2])
        except ValueError:
            print(f"unknown role {argv[2]!r}; one of {[r.value for r in Role]}", file=sys.stderr)
            return 2
        issuer = os.environ.get("AUTH_ISSUER", "msa-local")
        provider = argv[3] if len(argv) == 4 else None
        print(ensure_issuer_keys(Path(argv[1])).token(issuer, role, subject="compose-user",
                                                      provider=provider))  # fmt: skip
        return 0
    print(usage, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Recognising a person again without keeping their identity in clear: the blind index."""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata

from msa_contracts.events import IdentityPayload

MIN_PEPPER_BYTES = 16


def normalise_name(name: str) -> str:
    """NFKC, case-folded, whitespace collapsed: 'ＭÜLLER  Anna' and 'müller anna' agree."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return " ".join(folded.split())


def normalised_identity(identity: IdentityPayload) -> str:
    """The canonical form the blind index is computed over (names, birth date, nationality).

    Contact data is left out on purpose: a new phone number is still the same person.
    """
    return json.dumps(
        [
            normalise_name(identity.family_name),
            normalise_name(identity.given_names),
            identity.date_of_birth.isoformat(),
            identity.nationality.upper(),
        ],
        ensure_ascii=False,
    )


def blind_index(pepper: bytes, identity: IdentityPayload) -> str:
    """HMAC-SHA256 under a secret pepper: equal for the same person, useless without it."""
    if len(pepper) < MIN_PEPPER_BYTES:
        raise ValueError(f"the pepper must have at least {MIN_PEPPER_BYTES} bytes")
    message = normalised_identity(identity).encode("utf-8")
    return hmac.new(pepper, message, hashlib.sha256).hexdigest()

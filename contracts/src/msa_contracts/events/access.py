"""A person's right of access (DSGVO Art. 15): intake asks, every service answers its part.

``AccessRequested`` names a key pair made for this one request: the services seal their
part to its public key, and only intake, which keeps the private key wrapped under the
person's data key, can open it. So an answer on the topic is readable by nobody else, and by
nobody at all once the person is erased. A part larger than one record travels in chunks,
each sealed on its own (see ``msa_contracts.access_parts``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from msa_contracts.events.base import Event, Part
from msa_contracts.values import ExternalId, PersonRef

#: The services that hold a part of what the system knows about a person, besides intake.
AccessService = Literal["casework", "billing", "reporting"]
ACCESS_SERVICES: tuple[AccessService, ...] = ("casework", "billing", "reporting")
RequestId = Annotated[str, StringConstraints(pattern=r"^AR-[0-9a-f]{16}$")]
B64 = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9+/]+={0,2}$", max_length=720_000)]
Pem = Annotated[str, StringConstraints(min_length=100, max_length=4000)]


class RecipientKey(Part):
    """The request's own RSA public key (PEM, SubjectPublicKeyInfo) and its id."""

    key_id: ExternalId
    public_key_pem: Pem


class SealedChunk(Part):
    """One chunk of a part, sealed like ``SealedIdentity``: RSA-OAEP(SHA-256) wraps a fresh
    AES-256-GCM key; the plaintext is a slice of the part's zlib-compressed UTF-8 JSON."""

    alg: Literal["RSA-OAEP-256+A256GCM"] = "RSA-OAEP-256+A256GCM"
    key_id: ExternalId
    encrypted_key: B64
    nonce: B64
    ciphertext: B64


class AccessRequested(Event):
    """A person asked what the system holds about them; every service answers by
    ``answer_by`` (a service that has not answered then is named as missing)."""

    request_id: RequestId
    person_ref: PersonRef
    requested_at: datetime
    answer_by: datetime
    recipient: RecipientKey

    def subject(self) -> str:
        return self.request_id


class AccessPartDelivered(Event):
    """One chunk of a service's part of an access request (``chunk`` of ``chunks``,
    counted from 0), sealed to the request's key."""

    request_id: RequestId
    service: AccessService
    chunk: Annotated[int, Field(ge=0, le=9_999)]
    chunks: Annotated[int, Field(ge=1, le=10_000)]
    sealed: SealedChunk

    def subject(self) -> str:
        return self.request_id

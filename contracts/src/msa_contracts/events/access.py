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
    """A person asked what the system holds about them (DSGVO Art. 15). Every service that
    holds part of it (casework, billing, reporting) answers with ``AccessPartDelivered`` by
    ``answer_by``; a service that has not answered by then is named as missing in the
    result. ``recipient`` is a key pair made for this one request: the answers are sealed to
    it. Only intake may write this topic (ACL), so a key in it is intake's."""

    request_id: RequestId
    person_ref: PersonRef
    requested_at: datetime
    answer_by: datetime
    recipient: RecipientKey

    def subject(self) -> str:
        return self.request_id


class AccessPartDelivered(Event):
    """One chunk of a service's part of an access request (``chunk`` of ``chunks``,
    counted from 0), sealed to the request's key.

    A part is everything the service holds about the person, so it travels as it must not
    stay readable: (1) on its own topic, which only intake reads and the three services
    write (ACLs), so no other consumer ever holds a copy; (2) sealed to the request's own
    RSA key, whose private half intake keeps only encrypted under the person's data key, so
    no broker operator, backup or mirror can read a part, and erasing the person makes every
    copy unreadable at once (crypto-shredding, like intake's own fields); (3) kept one day
    only, as a second line. A part is the service's stored documents as JSON, compressed
    and cut into chunks of at most 256 KiB (about 350 KiB sealed), each sealed on its own,
    so no record comes near the 1 MiB limit whatever the part's size. The service emits the
    chunks in the transaction of the request's inbox record, so a request delivered twice
    is answered once; intake keeps the first copy of each chunk (``request_id``,
    ``service``, ``chunk``) and counts a part only when all its chunks arrived by
    ``answer_by``."""

    request_id: RequestId
    service: AccessService
    chunk: Annotated[int, Field(ge=0, le=9_999)]
    chunks: Annotated[int, Field(ge=1, le=10_000)]
    sealed: SealedChunk

    def subject(self) -> str:
        return self.request_id

"""The kit's one responder to access requests: the service's part, sealed to the request's
key, in chunks on the parts topic, emitted with the request's record."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from msa_contracts.access_parts import open_part
from msa_contracts.envelope import Envelope
from msa_contracts.events import AccessPartDelivered, AccessRequested, RecipientKey
from msa_contracts.topics import ACCESS_PARTS
from msa_kit.access_requests import answer_access
from msa_kit.processing import Context
from msa_kit.records import RawRecord

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def asked() -> Context:
    pem = KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    event = AccessRequested(
        request_id="AR-00000000000000aa", person_ref="P-00000000000000aa", requested_at=NOW,
        answer_by=NOW + timedelta(minutes=2),
        recipient=RecipientKey(key_id="AR-00000000000000aa", public_key_pem=pem.decode()),
    )  # fmt: skip
    envelope = Envelope(
        event=event, id=str(uuid.uuid4()), type=event.ce_type(), source="/t", time=NOW,
        subject=event.subject(), correlation_id="c", causation_id=None,
    )  # fmt: skip
    raw = RawRecord("msa.intake.access-requests", 0, 0, b"AR-00000000000000aa", b"{}", ())
    return Context(envelope, raw, cast(Any, None), NOW, None)


async def test_a_large_part_goes_sealed_in_chunks_that_open_to_the_stored_documents() -> None:
    stored = {"entries": [{"entry_id": f"e-{n}", "service_date": date(2026, 3, 4),
                           "received_at": NOW, "blob": os.urandom(64).hex()}
                          for n in range(8_000)]}  # fmt: skip

    async def collect(_ctx: Context, request: AccessRequested) -> dict[str, Any]:
        assert request.person_ref == "P-00000000000000aa"
        return stored

    ctx = asked()
    await answer_access("billing", collect)(ctx)
    assert {out.topic for out in ctx.emitted} == {ACCESS_PARTS}
    chunks = [cast(AccessPartDelivered, out.event) for out in ctx.emitted]
    assert len(chunks) > 1 and {c.chunks for c in chunks} == {len(chunks)}
    assert [c.chunk for c in chunks] == list(range(len(chunks)))
    assert {c.service for c in chunks} == {"billing"}
    assert "e-7999" not in "".join(c.model_dump_json() for c in chunks)
    opened = open_part(KEY, [c.sealed for c in chunks])
    assert opened["entries"][7999]["entry_id"] == "e-7999"
    assert opened["entries"][0]["service_date"] == "2026-03-04"
    assert opened["entries"][0]["received_at"] == NOW.isoformat()


async def test_an_empty_part_is_still_one_answer() -> None:
    async def collect(_ctx: Context, _request: AccessRequested) -> dict[str, Any]:
        return {}

    ctx = asked()
    await answer_access("reporting", collect)(ctx)
    [only] = [cast(AccessPartDelivered, out.event) for out in ctx.emitted]
    assert (only.chunk, only.chunks) == (0, 1) and open_part(KEY, [only.sealed]) == {}

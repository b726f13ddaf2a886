"""How a service's part of an access request travels: its JSON, zlib-compressed, cut into
chunks of at most ``CHUNK_BYTES`` that are each sealed to the request's key
(``AccessPartDelivered.sealed``), so that no record comes near the broker's size limit and
each chunk opens on its own."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from msa_contracts.events.access import RecipientKey, SealedChunk
from msa_contracts.sealing import SealError, open_bytes, seal_bytes

#: Compressed bytes per chunk: sealed and base64 a chunk stays far below 1 MiB.
CHUNK_BYTES = 256 * 1024
#: What a part may decompress to at most (a guard against a zip bomb from a broken sender).
MAX_PART_BYTES = 512 * 1024 * 1024


def seal_part(
    part: Any, recipient: RecipientKey, chunk_bytes: int = CHUNK_BYTES
) -> list[SealedChunk]:
    """``part`` (JSON-serialisable) as sealed chunks, in order; at least one."""
    packed = zlib.compress(json.dumps(part, ensure_ascii=False, sort_keys=True).encode(), 6)
    slices = [packed[i : i + chunk_bytes] for i in range(0, len(packed), chunk_bytes)] or [b""]
    return [_seal(recipient, piece) for piece in slices]


def open_part(key: rsa.RSAPrivateKey, chunks: Sequence[SealedChunk]) -> Any:
    """The part the chunks (in order, all of them) carry; ``SealError`` if they do not open."""
    packed = b"".join(open_bytes(key, c.encrypted_key, c.nonce, c.ciphertext) for c in chunks)
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(packed, MAX_PART_BYTES)
    except zlib.error as exc:
        raise SealError("malformed", "the part is not zlib-compressed") from exc
    if inflater.unconsumed_tail or not inflater.eof:
        raise SealError("malformed", "the part is incomplete or larger than allowed")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise SealError("malformed", "the part is not JSON") from exc


def _seal(recipient: RecipientKey, piece: bytes) -> SealedChunk:
    encrypted_key, nonce, ciphertext = seal_bytes(recipient.public_key_pem, piece)
    return SealedChunk(
        key_id=recipient.key_id, encrypted_key=encrypted_key, nonce=nonce, ciphertext=ciphertext
    )


def chunk_order(chunks: Iterable[tuple[int, SealedChunk]]) -> list[SealedChunk]:
    """Chunks received in any order, sorted by their number."""
    return [c for _, c in sorted(chunks, key=lambda pair: pair[0])]

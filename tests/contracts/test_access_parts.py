"""Access parts travel sealed to the request's key, in chunks that each open on their own."""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from msa_contracts.access_parts import open_part, seal_part
from msa_contracts.events import RecipientKey
from msa_contracts.sealing import SealError


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def recipient(key: rsa.RSAPrivateKey) -> RecipientKey:
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return RecipientKey(key_id="AR-0000000000000001", public_key_pem=pem.decode())


def test_a_small_part_is_one_chunk_that_opens_to_the_part(key: rsa.RSAPrivateKey) -> None:
    part = {"cases": [{"case_id": "C-1", "opened_on": "2026-03-01"}], "name": "Zäzilie"}
    chunks = seal_part(part, recipient(key))
    assert len(chunks) == 1
    assert "Zäzilie" not in chunks[0].model_dump_json()
    assert open_part(key, chunks) == part


def test_a_large_part_is_cut_into_chunks_below_the_record_limit(key: rsa.RSAPrivateKey) -> None:
    part = {"entries": [os.urandom(16).hex() for _ in range(60_000)]}
    chunks = seal_part(part, recipient(key), chunk_bytes=200_000)
    assert len(chunks) > 4
    assert all(len(c.model_dump_json()) < 1_048_576 for c in chunks)
    assert open_part(key, chunks) == part


def test_a_missing_or_foreign_chunk_does_not_open(key: rsa.RSAPrivateKey) -> None:
    part = {"entries": [os.urandom(16).hex() for _ in range(20_000)]}
    chunks = seal_part(part, recipient(key), chunk_bytes=100_000)
    with pytest.raises(SealError):
        open_part(key, chunks[:-1])
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(SealError):
        open_part(other, chunks)

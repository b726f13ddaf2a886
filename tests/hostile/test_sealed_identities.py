"""Hostile plaintext inside a correctly sealed identity: the allocation system's notices pass
every envelope check, so intake's handler meets whatever the sealed JSON holds. Each notice
ends processed or rejected with a code, and no dead letter or log line repeats the values."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import uuid
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msa_contracts.envelope import encode
from msa_contracts.events import PersonAllocated
from msa_ops.keys import LocalKeys

from tests.hostile.records import ODD_DATES, OPERATORS
from tests.hostile.seed import NOW
from tests.hostile.services import Assembled
from tests.hostile.test_inbound_fuzzing import check_record

pytestmark = pytest.mark.integration
OAEP = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
MARK = "Zyxwqvtestperson"  # in every generated name, so a leak is easy to find
names = st.one_of(
    st.text(min_size=1, max_size=30).map(lambda t: f"{MARK}{t}"), st.just(MARK),
    st.just(MARK + "x" * 300), st.just(MARK + "'); db.persons.drop(); //"),
    st.sampled_from(OPERATORS).map(lambda op: {"$name": MARK, "op": op}),
)  # fmt: skip
plaintexts = st.fixed_dictionaries({
    "family_name": names, "given_names": names,
    "date_of_birth": st.sampled_from([*ODD_DATES, "2030-01-01", "1800-01-01"])
    | st.dates().map(str),
    "nationality": st.sampled_from(["AFG", "SYR", "UKR", "xx", "", "SYRIA", None]),
}, optional={"phone": names, "email": names, "extra": st.integers() | st.text(max_size=20)}).map(
    lambda d: json.dumps(d, default=str).encode()
) | st.sampled_from([b"", b"not json " + MARK.encode(), b"\xff\xfe" + MARK.encode()])  # fmt: skip


def seal(public_pem: bytes, key_id: str, plaintext: bytes) -> dict[str, str]:
    public = serialization.load_pem_public_key(public_pem)
    assert isinstance(public, rsa.RSAPublicKey)
    data_key, nonce = AESGCM.generate_key(bit_length=256), os.urandom(12)
    return {
        "key_id": key_id,
        "encrypted_key": base64.b64encode(public.encrypt(data_key, OAEP)).decode(),
        "nonce": base64.b64encode(nonce).decode(),
        "ciphertext": base64.b64encode(AESGCM(data_key).encrypt(nonce, plaintext, None)).decode(),
    }


def notice_record(keys: LocalKeys, plaintext: bytes) -> tuple[bytes, bytes, list[Any]]:
    body = {
        "notice_id": f"N-{uuid.uuid4().hex[:12]}", "allocated_on": "2026-03-01",
        "identity": seal(keys.intake_public.read_bytes(), keys.intake_key_id, plaintext),
        "household_size": 2, "languages": ["ar"], "residence_status": "ae-25-2",
        "status_valid_from": "2026-02-20", "district": "prohlis",
        "accommodation_type": "apartment",
    }  # fmt: skip
    event = PersonAllocated.model_validate_json(json.dumps(body))
    record = encode(event, event_id=str(uuid.uuid4()), source="/allocation", time=NOW)
    return record.key, record.value, list(record.headers)


async def test_hostile_sealed_identities_end_clearly_and_leak_nowhere(
    services: dict[str, Assembled], hostile_keys: LocalKeys, capfd: pytest.CaptureFixture[str]
) -> None:
    intake = services["intake"]
    loop = asyncio.get_running_loop()
    seen: dict[str, int] = {}

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(plaintext=plaintexts)
    def run(plaintext: bytes) -> None:
        record = notice_record(hostile_keys, plaintext)
        done = asyncio.run_coroutine_threadsafe(
            check_record(intake, "msa.allocation.notices", record), loop)  # fmt: skip
        ending = done.result(timeout=60)
        seen[ending] = seen.get(ending, 0) + 1

    await asyncio.to_thread(run)
    letters = [d async for d in intake.runtime.db["outbox"].find({"type": "dead-letter"})]
    reasons = [dict(d["headers"]).get("dlq_reason", b"") for d in letters]
    captured = capfd.readouterr()
    assert "handler-failed" not in seen, seen
    assert seen.get("processed", 0) + sum(v for k, v in seen.items() if k != "processed") == sum(
        seen.values()
    )
    assert not [r for r in reasons if MARK.encode() in bytes(r)], "a dead letter reason leaks"
    assert "dead-lettered" in captured.out + captured.err, "the logs were not captured"
    assert MARK not in captured.out + captured.err, "a log line repeats a sealed value"
    print(seen)

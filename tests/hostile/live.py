"""The four services as real processes on the real broker and store, after a short simulated
scenario: what the live proofs (hostile burst, spoofing, erasure, logs) share."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.structs import ConsumerRecord
from msa_contracts.envelope import encode
from msa_contracts.events import Event
from msa_contracts.namespace import Namespace
from msa_ops.keys import LocalKeys
from msa_ops.reading import read_to_end
from msa_ops.sim.truth import Observed, Truth
from msa_ops.stack import Stack

from tests.hostile.seed import NOW

Headers = list[tuple[str, bytes]]


def wire() -> Namespace:
    """The session's topic namespace: the tests name logical topics, the wire has these."""
    return Namespace.from_env()


@dataclass
class Live:
    stack: Stack
    run: str
    truth: Truth
    observed: Observed
    keys: LocalKeys
    bootstrap: str
    mongodb_uri: str


@dataclass(frozen=True)
class Sent:
    topic: str
    partition: int
    offset: int
    headers: Headers

    def header(self, name: str) -> str | None:
        raw = next((v for k, v in self.headers if k == name), None)
        try:
            return raw.decode() if raw else None
        except UnicodeDecodeError:
            return None

    @property
    def answer_id(self) -> str:
        """The id a rejection names as its cause (the kit's rejectors' rule)."""
        return self.header("ce_id") or f"offset-{self.partition}-{self.offset}"


async def send(producer: AIOKafkaProducer, topic: str, key: bytes | None, value: bytes | None,
               headers: Headers) -> Sent:  # fmt: skip
    meta = await producer.send_and_wait(wire().topic(topic), value, key=key, headers=headers)
    return Sent(topic, meta.partition, meta.offset, headers)


async def send_event(producer: AIOKafkaProducer, topic: str, event: Event, **attrs: str) -> Sent:
    record = encode(event, event_id=str(uuid.uuid4()), source=attrs.get("source", "/tests"),
                    time=NOW)  # fmt: skip
    return await send(producer, topic, record.key, record.value, list(record.headers))


async def read_all(bootstrap: str, topics: list[str]) -> list[ConsumerRecord[bytes, bytes]]:
    """Everything on ``topics`` now: every partition read to its current end (records named
    by their logical topics)."""
    ns = wire()
    records = await read_to_end(bootstrap, [ns.topic(t) for t in topics])
    return [dataclasses.replace(r, topic=ns.logical(r.topic)) for r in records]


def headers_of(record: ConsumerRecord[bytes, bytes]) -> dict[str, str]:
    return {k: (v or b"").decode(errors="replace") for k, v in record.headers}


async def eventually(check: Any, timeout_s: float = 60.0, every_s: float = 1.0) -> Any:
    """Poll ``check()`` (async) until it returns something truthy; return that."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        result = await check()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(every_s)


def body(event: Event, **changes: Any) -> bytes:
    return json.dumps(json.loads(event.model_dump_json()) | changes).encode()


def hostile(valid_key: bytes, valid_value: bytes, valid_headers: Headers) -> Iterator[
        tuple[str, bytes | None, bytes | None, Headers]]:  # fmt: skip
    """Records that no service may accept, each derived from one valid record."""
    attrs = dict(valid_headers)

    def but(**changes: bytes | None) -> Headers:
        merged = attrs | {k.replace("_", "-") if k == "content_type" else k: v
                          for k, v in changes.items()}  # fmt: skip
        fresh = merged | {"ce_id": str(uuid.uuid4()).encode()} if "ce_id" not in changes else merged
        return [(k, v) for k, v in fresh.items() if v is not None]

    yield "no-headers", valid_key, valid_value, []
    yield "bad-utf8-type", valid_key, valid_value, but(ce_type=b"\xff\xfe")
    yield "specversion", valid_key, valid_value, but(ce_specversion=b"0.3")
    yield "content-type", valid_key, valid_value, but(content_type=b"text/plain")
    yield "unknown-type", valid_key, valid_value, but(ce_type=b"de.dresden.msa.Nope.v1")
    yield (
        "future-version",
        valid_key,
        valid_value,
        but(ce_type=attrs["ce_type"].rsplit(b".v", 1)[0] + b".v99"),
    )
    yield "bad-time", valid_key, valid_value, but(ce_time=b"yesterday")
    yield "invalid-json", valid_key, b'{"case_id": ', but()
    yield "invalid-utf8", valid_key, valid_value[:-1] + b'\xff"}', but()
    yield "empty", valid_key, None, but()
    yield "operator", valid_key, _poison(valid_value, {"$gt": ""}), but()
    yield "huge", valid_key, _poison(valid_value, "Ω" * 300_000), but()
    yield "far-date", valid_key, _dates(valid_value, "10000-01-01"), but()
    yield "extra-field", valid_key, _poison(valid_value, None, extra=True), but()


def _poison(value: bytes, replacement: Any, extra: bool = False) -> bytes:
    doc = json.loads(value)
    if extra:
        doc["$where"] = "sleep(1000)"
    else:
        first = next(k for k, v in doc.items() if isinstance(v, str))
        doc[first] = replacement
    return json.dumps(doc, ensure_ascii=False).encode()


def _dates(value: bytes, odd: str) -> bytes:
    doc = json.loads(value)
    for k, v in doc.items():
        if isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[7] == "-":
            doc[k] = odd
    return json.dumps(doc).encode()

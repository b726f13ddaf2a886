"""A Kafka record as received, bytes untouched, independent of the client library."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RawRecord:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]
    timestamp: int = 0

    @classmethod
    def from_consumer_record(cls, rec: Any) -> RawRecord:
        """From an aiokafka ``ConsumerRecord`` (header values may be None)."""
        return cls(
            topic=rec.topic,
            partition=rec.partition,
            offset=rec.offset,
            key=rec.key,
            value=rec.value,
            headers=tuple((str(k), v if v is not None else b"") for k, v in rec.headers or ()),
            timestamp=int(getattr(rec, "timestamp", 0) or 0),
        )

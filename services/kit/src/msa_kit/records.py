"""A Kafka record as received, bytes untouched, independent of the client library."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from msa_contracts.namespace import NO_NAMESPACE, Namespace


@dataclass(frozen=True)
class RawRecord:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]
    timestamp: int = 0

    def header(self, name: str) -> str | None:
        """A header's value as text (name case-insensitive, bytes that are no UTF-8
        replaced), or None when it is missing or empty."""
        value = next((v for k, v in self.headers if k.lower() == name), None)
        return _text(value) or None

    @property
    def key_text(self) -> str:
        """The key as text ("" when there is none)."""
        return _text(self.key)

    @classmethod
    def from_consumer_record(cls, rec: Any, namespace: Namespace = NO_NAMESPACE) -> RawRecord:
        """From an aiokafka ``ConsumerRecord`` (header values may be None); ``topic`` is the
        logical name, as handlers, the inbox and ``provider_of`` know it."""
        return cls(
            topic=namespace.logical(rec.topic),
            partition=rec.partition,
            offset=rec.offset,
            key=rec.key,
            value=rec.value,
            headers=tuple((str(k), v if v is not None else b"") for k, v in rec.headers or ()),
            timestamp=int(getattr(rec, "timestamp", 0) or 0),
        )


def _text(raw: bytes | None) -> str:
    return raw.decode("utf-8", errors="replace") if raw else ""

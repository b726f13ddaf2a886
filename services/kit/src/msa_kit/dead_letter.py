"""Dead letters: the original record, untouched, plus why and where it failed.

The reason travels in ``dlq_*`` headers beside the original headers, so any Kafka client
can read it; the record key and value are the original bytes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from msa_contracts.envelope import InvalidMessage
from msa_contracts.topics import dead_letter_topic

from msa_kit.metrics import DEAD_LETTERS
from msa_kit.outbox import RawOutgoing
from msa_kit.records import RawRecord

MAX_REASON = 1000


@dataclass(frozen=True)
class DeadLetter:
    record: RawRecord
    service: str
    code: str
    reason: str
    attempts: int

    @classmethod
    def invalid(cls, record: RawRecord, invalid: InvalidMessage, service: str) -> DeadLetter:
        details = "; ".join(f"{d['loc']}: {d['msg']}" for d in invalid.details)
        reason = invalid.message + (f" ({details})" if details else "")
        return cls(record, service, invalid.code, reason[:MAX_REASON], attempts=1)

    @classmethod
    def unprocessable(cls, record: RawRecord, code: str, reason: str, service: str) -> DeadLetter:
        return cls(record, service, code, reason[:MAX_REASON], attempts=1)

    @classmethod
    def failed(cls, record: RawRecord, exc: Exception, attempts: int, service: str) -> DeadLetter:
        reason = f"{type(exc).__name__}: {exc}"[:MAX_REASON]
        return cls(record, service, "handler-failed", reason, attempts)


def count_dead_letter(letter: DeadLetter) -> None:
    """Count a dead letter once its transaction committed (by source topic and code)."""
    DEAD_LETTERS.labels(letter.record.topic, letter.code).inc()


def dead_letter_outgoing(letter: DeadLetter, now: datetime) -> RawOutgoing:
    """The dead-letter record for the service's dead-letter topic."""
    rec = letter.record
    meta = {
        "dlq_code": letter.code,
        "dlq_reason": letter.reason,
        "dlq_service": letter.service,
        "dlq_topic": rec.topic,
        "dlq_partition": str(rec.partition),
        "dlq_offset": str(rec.offset),
        "dlq_attempts": str(letter.attempts),
        "dlq_failed_at": now.isoformat(),
    }
    letter_id = f"dlq-{uuid.uuid4()}"
    meta["dlq_id"] = letter_id  # consumers of the dead-letter topic drop relay duplicates by it
    original = [(k, v) for k, v in rec.headers if not k.startswith("dlq_")]
    return RawOutgoing(
        topic=dead_letter_topic(letter.service),
        key=rec.key or b"",
        value=rec.value or b"",
        headers=tuple(original + [(k, v.encode()) for k, v in meta.items()]),
        event_id=letter_id,
        type="dead-letter",
    )

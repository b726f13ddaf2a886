"""What a service answers a provider about a record that is no valid event (the kit also
dead-letters it): the reason is the envelope's, the ids what the record carried."""

from __future__ import annotations

from msa_contracts.envelope import InvalidMessage
from msa_contracts.events import REASON_CODE, Reason, reason

from msa_kit.records import RawRecord

INVALID = "invalid-message"


def rejected_id(record: RawRecord) -> str:
    """The id a rejection names as its cause: the record's ``ce_id``, else its position."""
    return (record.header("ce_id") or f"offset-{record.partition}-{record.offset}")[:128]


def rejection_reason(invalid: InvalidMessage) -> Reason:
    """The envelope's code (``invalid-message`` where it is no valid reason code), its
    message and the first field concerned."""
    detail = invalid.details[0]["loc"] if invalid.details else None
    code = invalid.code if REASON_CODE.match(invalid.code) else INVALID
    return reason(code, invalid.message or code, detail[:100] if detail else None)

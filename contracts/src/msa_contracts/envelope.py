"""CloudEvents 1.0 over Kafka, binary content mode.

Attributes travel as ``ce_``-prefixed record headers, the event itself is the JSON record
value, and the record key is the aggregate id (``ce_subject``) so that all events of one
case stay in order on one partition. Correlation and causation ids are the CloudEvents
extensions ``correlationid`` and ``causationid``; W3C trace context is the distributed-tracing
extension, ``traceparent`` and ``tracestate`` (optional, passed on, never required).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError

from msa_contracts.events import Event
from msa_contracts.registry import DEFAULT_REGISTRY, Registry

SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"
MAX_VALUE_BYTES = 1_048_576
REQUIRED_HEADERS = ("ce_id", "ce_type", "ce_source", "ce_specversion", "ce_time", "content-type")

Headers = Sequence[tuple[str, bytes]]


@dataclass(frozen=True)
class Record:
    """What goes to Kafka: key, JSON value and headers."""

    key: bytes
    value: bytes
    headers: tuple[tuple[str, bytes], ...]


@dataclass(frozen=True, slots=True)  # slots: built once per consumed record, at half the cost
class Envelope:
    """A decoded, validated event with its CloudEvents attributes."""

    event: Event
    id: str
    type: str
    source: str
    time: datetime
    subject: str
    correlation_id: str
    causation_id: str | None


class InvalidMessage(Exception):
    """A record that is not a valid event; ``code`` is machine-readable."""

    def __init__(self, code: str, message: str, details: list[dict[str, str]] | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details or []

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "details": self.details}


def encode(
    event: Event,
    *,
    event_id: str,
    source: str,
    time: datetime,
    correlation_id: str | None = None,
    causation_id: str | None = None,
    traceparent: str | None = None,
    tracestate: str | None = None,
) -> Record:
    """Turn an event into a Kafka record in CloudEvents binary mode."""
    if time.tzinfo is None:
        raise ValueError("event time must be timezone-aware")
    subject = event.subject()
    headers = [
        ("ce_specversion", SPECVERSION),
        ("ce_id", event_id),
        ("ce_type", event.ce_type()),
        ("ce_source", source),
        ("ce_time", time.astimezone(UTC).isoformat().replace("+00:00", "Z")),
        ("ce_subject", subject),
        ("content-type", CONTENT_TYPE),
        ("ce_correlationid", correlation_id or event_id),
    ]
    if causation_id:
        headers.append(("ce_causationid", causation_id))
    if traceparent:
        headers.append(("ce_traceparent", traceparent))
        if tracestate:
            headers.append(("ce_tracestate", tracestate))
    return Record(
        key=subject.encode(),
        value=event.model_dump_json().encode(),
        headers=tuple((k, v.encode()) for k, v in headers),
    )


def decode(
    headers: Headers,
    value: bytes | None,
    *,
    allowed_types: Collection[str] | None = None,
    registry: Registry = DEFAULT_REGISTRY,
) -> Envelope:
    """Validate a Kafka record and return its envelope, or raise ``InvalidMessage``."""
    attrs = _headers(headers)
    missing = [h for h in REQUIRED_HEADERS if not attrs.get(h)]
    if missing:
        raise InvalidMessage("missing-header", f"required headers missing: {', '.join(missing)}")
    if attrs["ce_specversion"] != SPECVERSION:
        raise InvalidMessage("unsupported-specversion", "ce_specversion must be '1.0'")
    if attrs["content-type"].split(";")[0].strip() != CONTENT_TYPE:
        raise InvalidMessage("unsupported-content-type", "content-type must be application/json")
    ce_type = attrs["ce_type"]
    resolved = registry.resolve(ce_type)
    # an old version is allowed where the current version it is upcast to is
    current = resolved[0].ce_type() if resolved else None
    if allowed_types is not None and ce_type not in allowed_types and current not in allowed_types:
        raise InvalidMessage("type-not-allowed", f"{ce_type!r} is not accepted on this topic")
    if resolved is None:
        raise InvalidMessage("unknown-type", f"unknown event type or version {ce_type!r}")
    model, upcasters = resolved
    event = _validate(model, upcasters, value)
    subject = event.subject()
    if attrs.get("ce_subject") and attrs["ce_subject"] != subject:
        raise InvalidMessage("subject-mismatch", f"ce_subject must equal {subject!r}")
    return Envelope(
        event=event,
        id=_bounded(attrs, "ce_id", 128),
        type=model.ce_type(),
        source=_bounded(attrs, "ce_source", 256),
        time=_parse_time(attrs["ce_time"]),
        subject=subject,
        correlation_id=_optional(attrs, "ce_correlationid", 128) or attrs["ce_id"],
        causation_id=_optional(attrs, "ce_causationid", 128),
    )


def _headers(headers: Headers) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for name, raw in headers:
        try:
            attrs[name.lower()] = raw.decode("utf-8") if raw is not None else ""
        except (UnicodeDecodeError, AttributeError) as exc:
            raise InvalidMessage("bad-header", f"header {name!r} is not UTF-8 text") from exc
    return attrs


def _validate(model: type[Event], upcasters: list, value: bytes | None) -> Event:  # type: ignore[type-arg]
    if not value:
        raise InvalidMessage("invalid-json", "record value is empty")
    if len(value) > MAX_VALUE_BYTES:
        raise InvalidMessage("payload-too-large", f"record value exceeds {MAX_VALUE_BYTES} bytes")
    try:
        if not upcasters:
            return model.model_validate_json(value)
        body = json.loads(value)
        try:
            for step in upcasters:
                body = step(body)
        except Exception as exc:  # an old body the upcaster cannot read is invalid input
            raise InvalidMessage("upcast-failed", f"cannot upcast to {model.ce_type()}") from exc
        return model.model_validate_json(json.dumps(body))
    except ValidationError as exc:
        details = [
            {"loc": ".".join(str(p) for p in err["loc"]) or "$", "msg": err["msg"]}
            for err in exc.errors(include_url=False, include_input=False)[:20]
        ]
        if any(err["type"] == "json_invalid" for err in exc.errors()):
            raise InvalidMessage("invalid-json", "record value is not valid JSON", details) from exc
        raise InvalidMessage("schema-violation", f"{model.name()} is invalid", details) from exc
    except (ValueError, TypeError) as exc:
        raise InvalidMessage("invalid-json", "record value is not valid JSON") from exc


def _bounded(attrs: dict[str, str], name: str, limit: int) -> str:
    value = attrs[name]
    if len(value) > limit:
        raise InvalidMessage("bad-header", f"{name} is longer than {limit} characters")
    return value


def _optional(attrs: dict[str, str], name: str, limit: int) -> str | None:
    """An optional id: bounded like ``ce_id``, since it is copied into every event it causes."""
    return _bounded(attrs, name, limit) if attrs.get(name) else None


def _parse_time(raw: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidMessage("bad-header", "ce_time must be an RFC 3339 timestamp") from exc
    if parsed.tzinfo is None:
        raise InvalidMessage("bad-header", "ce_time must carry a time zone offset")
    return parsed

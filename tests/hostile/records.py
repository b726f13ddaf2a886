"""Hostile Kafka records for any inbound topic (hypothesis strategies).

A record starts from CloudEvents headers of a type the topic accepts (or one it must not:
unknown, other versions, another topic's) and a body shaped like that type's model, then
gets broken: headers dropped, duplicated, made invalid UTF-8, huge or malformed; fields
missing, extra, of the wrong type, huge, dated far in the past or future, or MongoDB
operators in place of values; or the body is arbitrary bytes, invalid JSON, empty or huge.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st
from msa_contracts.envelope import MAX_VALUE_BYTES
from msa_contracts.events import ALL_EVENTS, Event
from msa_contracts.registry import Registry

REGISTRY = Registry()
RecordParts = tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]
OPERATORS: list[Any] = [
    {"$gt": ""}, {"$ne": None}, {"$where": "sleep(5000) || true"}, {"$regex": ".*"},
    {"$in": ["caritas", "diakonie"]}, {"$exists": True}, "$gt", {"$expr": {"$eq": [1, 1]}},
]  # fmt: skip
ODD_DATES = [
    "0001-01-01", "9999-12-31", "1900-02-29", "2026-13-40", "-0001-01-01",
    "0001-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00", "2026-03-01T25:61:61",
]  # fmt: skip
HUGE = "Ω" * 200_000
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
    st.text(max_size=40), st.sampled_from(ODD_DATES), st.just(HUGE),
    st.integers(min_value=2**63, max_value=2**70),
)  # fmt: skip
json_values = st.recursive(
    json_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.text(max_size=10), inner, max_size=4), max_leaves=12,
)  # fmt: skip


def hostile_value() -> st.SearchStrategy[Any]:
    return st.one_of(json_values, st.sampled_from(OPERATORS), st.sampled_from(ODD_DATES))


@st.composite
def event_types(draw: st.DrawFn, allowed: frozenset[str]) -> str:
    """Mostly types the topic accepts; also other topics' types, other versions, nonsense."""
    others = sorted(cls.ce_type() for cls in ALL_EVENTS if cls.ce_type() not in allowed)
    versions = [t.rsplit(".v", 1)[0] + v for t in sorted(allowed) for v in (".v0", ".v99", "")]
    kind = draw(st.integers(0, 9))
    if kind < 7:
        return draw(st.sampled_from(sorted(allowed)))
    if kind == 7:
        return draw(st.sampled_from(others or ["x"]))
    if kind == 8:
        return draw(st.sampled_from(versions))
    return draw(st.text(max_size=30))


def _model(ce_type: str) -> type[Event] | None:
    resolved = REGISTRY.resolve(ce_type)
    return resolved[0] if resolved else None


@st.composite
def bodies(draw: st.DrawFn, ce_type: str, sample: dict[str, Any] | None) -> bytes | None:
    model = _model(ce_type)
    fields = sorted(model.model_fields) if model else []
    shaped: dict[str, Any] = dict(sample) if sample else {f: None for f in fields}
    changes = st.lists(st.sampled_from(fields or ["x"]), min_size=0, max_size=3, unique=True)
    for name in draw(changes) if draw(st.integers(0, 5)) else []:
        action = draw(st.sampled_from(["drop", "replace", "replace"]))
        if action == "drop":
            shaped.pop(name, None)
        else:
            shaped[name] = draw(hostile_value())
    if draw(st.integers(0, 4)) == 0:
        shaped |= draw(st.dictionaries(st.text(max_size=12), json_values, max_size=2))
    choice = draw(st.sampled_from(["shaped"] * 8 + ["bytes", "json", "empty", "huge", "utf8"]))
    if choice == "bytes":
        return draw(st.binary(max_size=200))
    if choice == "json":
        return json.dumps(draw(json_values)).encode()
    if choice == "empty":
        return draw(st.sampled_from([None, b"", b"null", b"{}", b"[]"]))
    if choice == "huge":
        return b'{"x": "' + b"a" * (MAX_VALUE_BYTES + 10) + b'"}'
    if choice == "utf8":
        return json.dumps(shaped).encode()[:-2] + b'\xff\xfe"}'
    return json.dumps(shaped, default=str).encode()


def base_headers(ce_type: str, event_id: str, subject: str) -> dict[str, bytes]:
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    return {
        "ce_specversion": b"1.0", "ce_id": event_id.encode(), "ce_type": ce_type.encode(),
        "ce_source": b"/hostile", "ce_time": now.encode(), "ce_subject": subject.encode(),
        "content-type": b"application/json", "ce_correlationid": event_id.encode(),
    }  # fmt: skip


BAD_HEADER_VALUES = [b"", b"\xff\xfe\xfd", b"\x00", b"2.0", b"text/plain", b"x" * 100_000,
                     b"not-a-time", b"2026-03-01T10:00:00", b"9999-12-31T23:59:59Z"]  # fmt: skip


@st.composite
def headers(draw: st.DrawFn, ce_type: str, subject: str) -> list[tuple[str, bytes]]:
    event_id = draw(st.uuids()).hex
    attrs = base_headers(ce_type, event_id, subject)
    names = sorted(attrs)
    broken = draw(st.integers(0, 2)) == 0
    for name in draw(st.lists(st.sampled_from(names), max_size=3, unique=True)) if broken else []:
        if draw(st.booleans()):
            del attrs[name]
        else:
            attrs[name] = draw(st.sampled_from(BAD_HEADER_VALUES) | st.binary(max_size=30))
    listed = list(attrs.items())
    if draw(st.integers(0, 9)) == 0:  # a second, conflicting copy of one header
        listed.append((draw(st.sampled_from(names)), draw(st.binary(max_size=20))))
    if draw(st.integers(0, 9)) == 0:
        listed.append(("reply_to", b"msa.casework.cases"))
    return listed


@st.composite
def hostile_records(
    draw: st.DrawFn, allowed: frozenset[str], samples: dict[str, dict[str, Any]]
) -> RecordParts:
    """A record for a topic that accepts ``allowed`` types; ``samples`` holds valid bodies."""
    ce_type = draw(event_types(allowed))
    sample = samples.get(ce_type)
    body = draw(bodies(ce_type, sample))
    subject = str((sample or {}).get("case_id") or (sample or {}).get("person_ref") or "s-1")
    key = draw(st.one_of(st.just(subject.encode()), st.none(), st.binary(max_size=40)))
    return key, body, draw(headers(ce_type, subject))

"""Projection documents: figure tables and measure outcomes as MongoDB documents.

A table document keeps its rows in display order and its cells as
``[dimension, row, period, value(, units)]`` lists, so it reads back into exactly the
table it was written from (the replay test compares these documents).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from msa_contracts.events import Event
from msa_contracts.registry import DEFAULT_REGISTRY

from msa_reporting.domain.outcomes import MeasureOutcome
from msa_reporting.domain.projection import Figures
from msa_reporting.domain.stored import Stored
from msa_reporting.domain.table import CellKey, FigureTable, PublishedTable

Document = dict[str, Any]


def event_doc(s: Stored) -> Document:
    return {
        "_id": s.key, "topic": s.topic, "partition": s.partition, "offset": s.offset,
        "event_id": s.event_id, "type": s.event.ce_type(), "body": body_of(s).decode(),
    }  # fmt: skip


def body_of(s: Stored) -> bytes:
    """The event's JSON: the record's own bytes when they are the current version's body."""
    return s.raw if s.raw is not None else s.event.model_dump_json().encode()


_PACKED = ("_id", "topic", "partition", "offset", "event_id", "type", "body")


def packed(stored: list[Stored]) -> tuple[bytes, bytes]:
    """Many event documents as two opaque values for the store: their attributes as one JSON
    array of rows (the body's length last) and their bodies back to back, as received."""
    bodies = [s.raw if s.raw is not None else body_of(s) for s in stored]
    types = _TYPES
    rows = [[f"{s.topic}/{s.event_id}", s.topic, s.partition, s.offset, s.event_id,
             types.get(type(s.event)) or _type(s), len(body)]
            for s, body in zip(stored, bodies, strict=True)]  # fmt: skip
    return json.dumps(rows).encode(), b"".join(bodies)


_TYPES: dict[type[Event], str] = {}


def _type(s: Stored) -> str:
    cls = type(s.event)
    return _TYPES.get(cls) or _TYPES.setdefault(cls, cls.ce_type())


def unpacked(blob: bytes, bodies: bytes | None = None) -> list[Document]:
    """The documents of ``packed``; without ``bodies`` an earlier form (each body as text in
    its row)."""
    if bodies is None:
        return [dict(zip(_PACKED, row, strict=True)) for row in json.loads(blob)]
    found, at = [], 0
    for *attrs, length in json.loads(blob):
        found.append(dict(zip(_PACKED, (*attrs, bodies[at : at + length]), strict=True)))
        at += length
    return found


def without(blob: bytes, bodies: bytes, records: set[tuple[str, int, int]]) -> tuple[bytes, bytes]:
    """``packed`` values without the given records (topic, partition, offset)."""
    rows, kept, at = [], [], 0
    for row in json.loads(blob):
        length = row[-1]
        if (row[1], row[2], row[3]) not in records:
            rows.append(row)
            kept.append(bodies[at : at + length])
        at += length
    return json.dumps(rows).encode(), b"".join(kept)


def stored_of(doc: Document) -> Stored | None:
    resolved = DEFAULT_REGISTRY.resolve(doc["type"])
    if resolved is None:
        return None
    model, upcasters = resolved
    if upcasters:  # kept before its event's current version: read as that version
        body = json.loads(doc["body"])
        for step in upcasters:
            body = step(body)
        event = model.model_validate_json(json.dumps(body))
    else:
        event = model.model_validate_json(doc["body"])
        raw = doc["body"] if isinstance(doc["body"], bytes) else doc["body"].encode()
        return Stored(doc["topic"], doc["partition"], doc["offset"], doc["event_id"], event, raw)
    return Stored(doc["topic"], doc["partition"], doc["offset"], doc["event_id"], event)


def _rows(rows: dict[str, tuple[str, ...]]) -> list[list[Any]]:
    return [[dimension, list(keys)] for dimension, keys in rows.items()]


def _unrows(raw: list[list[Any]]) -> dict[str, tuple[str, ...]]:
    return {dimension: tuple(keys) for dimension, keys in raw}


def true_doc(t: FigureTable) -> Document:
    cells = [[*k, v, t.units.get(k, 0)] for k, v in t.values.items()]
    return {"_id": t.figure, "periods": list(t.periods), "rows": _rows(t.rows), "cells": cells}


def true_table(doc: Document) -> FigureTable:
    values: dict[CellKey, int | None] = {}
    units: dict[CellKey, int] = {}
    for d, r, p, v, n in doc["cells"]:
        values[(d, r, p)], units[(d, r, p)] = v, n
    return FigureTable(doc["_id"], tuple(doc["periods"]), _unrows(doc["rows"]), values, units)


def published_doc(t: PublishedTable) -> Document:
    return {
        "_id": t.figure, "periods": list(t.periods), "rows": _rows(t.rows),
        "cells": [[*k, v] for k, v in t.values.items()],
        "suppressed": sorted([list(k) for k in t.suppressed]), "threshold": t.threshold,
    }  # fmt: skip


def published_table(doc: Document) -> PublishedTable:
    values: dict[CellKey, int | None] = {(d, r, p): v for d, r, p, v in doc["cells"]}
    hidden = frozenset((d, r, p) for d, r, p in doc["suppressed"])
    return PublishedTable(doc["_id"], tuple(doc["periods"]), _unrows(doc["rows"]), values,
                          hidden, doc["threshold"])  # fmt: skip


def outcome_doc(o: MeasureOutcome) -> Document:
    return {"_id": o.key, "measure_id": o.measure_id, "field_id": o.field_id, "period": o.period,
            "figures": o.figures, "suppressed": list(o.suppressed)}  # fmt: skip


def outcome_of(doc: Document) -> MeasureOutcome:
    return MeasureOutcome(doc["measure_id"], doc["field_id"], doc["period"], dict(doc["figures"]),
                   tuple(doc["suppressed"]))  # fmt: skip


def meta_doc(figures: Figures, now: datetime) -> dict[str, Any]:
    """When the figures were computed, as of which day, from how many events."""
    as_of = figures.as_of.isoformat() if figures.as_of else None
    return {"_id": "projection", "as_of": as_of, "events": figures.events, "computed_at": now}

"""The one INFO line per consumed batch: what a poll brought and what became of it.

Per partition of the batch: the topic, partition, first and last offset, how many records
ended in each disposition, and how long the batch took. Per-record lines are DEBUG
(``processing``, ``batch``), so a busy service logs a few lines a second, not thousands.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import structlog

from msa_kit.logging import get_logger
from msa_kit.processing import Disposition
from msa_kit.records import RawRecord

log = get_logger("msa_kit.consumer")


def log_batch(
    service: str, records: Sequence[RawRecord], outcomes: Sequence[Disposition], took_s: float
) -> None:
    """One line per topic and partition of a handled batch (a record alone is a batch of one)."""
    structlog.contextvars.clear_contextvars()
    parts: dict[tuple[str, int], list[tuple[RawRecord, Disposition]]] = {}
    for record, outcome in zip(records, outcomes, strict=True):
        parts.setdefault((record.topic, record.partition), []).append((record, outcome))
    for (topic, partition), handled in parts.items():
        offsets = [r.offset for r, _ in handled]
        counts = Counter(o.replace("-", "_") for _, o in handled)
        log.info(
            "batch handled", service=service, topic=topic, partition=partition,
            first_offset=min(offsets), last_offset=max(offsets), records=len(handled),
            **dict(sorted(counts.items())), duration_ms=round(took_s * 1000, 1),
        )  # fmt: skip

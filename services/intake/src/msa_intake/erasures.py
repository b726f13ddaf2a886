"""Re-applying every erasure after a restore, so that no backup brings an erased person back.

Erasure destroys the person's data key (crypto-shredding). A key database restored from a
backup older than an erasure would hold that key again. The erasures are also recorded apart
from the key store, as ``PersonErased`` on the persons topic (kept 180 days, far longer than
any backup): intake reads
them all when it starts, before it consumes or serves anything (a start-up hook of the
runtime; the HTTP app answers only after its lifespan started), and on demand
(`msa intake reapply-erasures` after a restore). Each erased person then has no key, no
blind-index entry and a record marked erased. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from msa_contracts.events import PersonErased
from msa_kit.logging import get_logger
from prometheus_client import Gauge

from msa_intake import handlers
from msa_intake.handlers import Reapplied
from msa_intake.ports import ErasureRecord, Unit, Units

log = get_logger("msa_intake.erasures")
OUTCOMES: tuple[Reapplied, ...] = ("reapplied", "already-applied", "unknown-person")
ERASURES = Gauge(
    "msa_intake_erasures",
    "Erasures on the persons topic at intake's last re-application, by what it found",
    ["outcome"],
)
REAPPLIED_AT = Gauge(
    "msa_intake_erasures_reapplied_timestamp_seconds",
    "When intake last re-applied every erasure on the persons topic (Unix seconds)",
)
BATCH = 200  # erasures per transaction


@dataclass(frozen=True)
class ErasureReport:
    """How many erasures the record holds and what re-applying them found."""

    on_record: int
    counts: dict[Reapplied, int]
    seconds: float

    @property
    def reapplied(self) -> int:
        return self.counts.get("reapplied", 0)

    def as_dict(self) -> dict[str, Any]:
        counts: dict[str, Any] = {k.replace("-", "_"): n for k, n in self.counts.items()}
        return {"on_record": self.on_record, **counts, "seconds": round(self.seconds, 3)}


@dataclass
class ErasureReplay:
    record: ErasureRecord
    units: Units
    backoff_max_s: float = 5.0
    last: ErasureReport | None = field(default=None, init=False)

    async def run(self) -> ErasureReport:
        """Re-apply every erasure on the record once; logs and exports the counts."""
        began = time.monotonic()
        first: dict[str, PersonErased] = {}
        async for erased in self.record.erasures():
            first.setdefault(erased.person_ref, erased)  # a person is erased once
        counts: dict[Reapplied, int] = dict.fromkeys(OUTCOMES, 0)
        pending = list(first.values())
        for start in range(0, len(pending), BATCH):
            for outcome in await self.units.run(_batch(pending[start : start + BATCH])):
                counts[outcome] += 1
        report = ErasureReport(len(first), counts, time.monotonic() - began)
        self._export(report)
        log_at = log.warning if report.reapplied else log.info
        log_at("erasures re-applied", **report.as_dict())
        return report

    async def on_start(self) -> None:
        """Run until it succeeds: nothing may be consumed or served before (a broker or store
        that is away delays the start, with a warning per attempt)."""
        attempt = 0
        while True:
            try:
                await self.run()
                return
            except Exception as exc:  # every failure here is a dependency away; retry
                attempt += 1
                wait = min(self.backoff_max_s, 0.5 * 2**attempt)
                log.warning("erasures not re-applied yet, retrying", attempt=attempt,
                            retry_in_s=wait, error=repr(exc)[:300])  # fmt: skip
                await asyncio.sleep(wait)

    def _export(self, report: ErasureReport) -> None:
        self.last = report
        for outcome, n in report.counts.items():
            ERASURES.labels(outcome=outcome).set(n)
        REAPPLIED_AT.set(time.time())


def _batch(erasures: Sequence[PersonErased]) -> Any:
    async def work(unit: Unit) -> list[Reapplied]:
        return [await handlers.reapply_erasure(unit, e) for e in erasures]

    return work

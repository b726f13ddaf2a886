"""``python -m msa_reporting.replay``: rebuild the projection from offset zero.

Reads every input topic from its first offset up to the end offsets taken at the start, in
batches (``getmany``) with a plain consumer outside any group, keeps each event's first
delivery (as the live inbox does) and folds it at once into the world that the pure
``project`` builds (each partition in offset order gives the same world as the canonical
order), so no decoded event is kept. Each batch is archived as one document while the next
one is read; at the end the figures are computed once and written.
This is how a new figure is introduced: change the code, replay, point the service at the
new database (``MONGODB_DATABASE``). The default target is the other database of the pair
``msa_reporting`` / ``msa_reporting_rebuild``, both of which reporting's Mongo user may write
(the switch-over: deploy/README.md, "Rebuilding reporting").
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from msa_contracts.reference import ReferenceData, load_reference
from msa_kit.backup.offsets import GroupActive, ensure_idle
from msa_kit.mongo import connect
from msa_kit.runtime import utc_now

from msa_reporting.adapters.entry_spill import EntrySpill
from msa_reporting.adapters.log_reader import Counter, Progress, read_batches
from msa_reporting.adapters.mongo import MongoStore
from msa_reporting.domain.outcomes import changed
from msa_reporting.domain.projection import Figures, figures_of
from msa_reporting.domain.world import World
from msa_reporting.replay_fold import ReplayFold
from msa_reporting.settings import ReportingSettings


class NotEmpty(RuntimeError):
    """The target database already holds a projection."""


class LiveTarget(RuntimeError):
    """The target is the database the service serves (``MONGODB_DATABASE``)."""


REBUILD_SUFFIX = "_rebuild"


def default_target(database: str) -> str:
    """The other database of the pair the service alternates between: ``msa_reporting`` and
    ``msa_reporting_rebuild`` (after a switch-over the next rebuild goes back to the first)."""
    if database.endswith(REBUILD_SUFFIX):
        return database.removesuffix(REBUILD_SUFFIX)
    return database + REBUILD_SUFFIX


@dataclass(frozen=True)
class ReplayResult:
    database: str
    records: int
    events: int
    read_s: float
    project_s: float
    write_s: float
    figures: Figures

    @property
    def seconds(self) -> float:
        return self.read_s + self.project_s + self.write_s


async def replay(settings: ReportingSettings, database: str, *, drop: bool = False,
                 reference: ReferenceData | None = None, batch: int = 5000,
                 progress: Progress = lambda _m: None) -> ReplayResult:  # fmt: skip
    """Rebuild into ``database`` (must be empty unless ``drop``; never the one served)."""
    if database == settings.database:
        raise LiveTarget(f"{database!r} is the database the service serves (MONGODB_DATABASE)")
    reference = reference or load_reference()
    client = connect(settings.mongodb_uri, app_name=f"msa-{settings.service_name}-replay")
    try:
        existing = await client[database].list_collection_names()
        if existing and not drop:
            raise NotEmpty(f"database {database!r} is not empty (use --drop)")
        for name in existing:  # collection by collection: readWrite may not drop a database
            await client[database].drop_collection(name)
        t0 = time.monotonic()
        store = MongoStore(client[database])
        with _collecting_less():
            world, counter, events = await _fold_log(settings, store, batch, progress)
        t1 = time.monotonic()
        figures = figures_of(world, reference, settings.suppression_threshold, events)
        t2 = time.monotonic()
        progress(f"projected {events:,} events in {t2 - t1:.2f}s; writing {database}")
        await store.insert_projection(figures, changed(figures.outcomes, {}), utc_now())
        t3 = time.monotonic()
    finally:
        await client.close()
    return ReplayResult(database, counter.records, events, t1 - t0, t2 - t1, t3 - t2, figures)


async def _fold_log(settings: ReportingSettings, store: MongoStore, batch: int,
                    progress: Progress) -> tuple[World, Counter, int]:  # fmt: skip
    """Fold every first delivery into a world while the previous batch is archived."""
    counter = Counter()
    writing: asyncio.Task[None] | None = None
    chunks = 0
    with EntrySpill() as spill:
        folding = ReplayFold(spill)
        async for stored in read_batches(settings, batch=batch, progress=progress,
                                         counter=counter):  # fmt: skip
            chunks += 1
            fresh = [item for item in stored if folding.fold(item, chunks)]
            if writing is not None:
                await writing
            writing = asyncio.create_task(store.insert_event_chunk(chunks, fresh))
        if writing is not None:
            await writing
        settled = folding.settle()
    if settled.entries:
        progress(f"dropped {len(settled.entries):,} repeated hour entries")
    repeated: dict[int, set[tuple[str, int, int]]] = {}
    for place in settled.events:
        repeated.setdefault(place.chunk, set()).add((place.topic, place.partition, place.offset))
    await store.drop_from_chunks(repeated)
    return folding.world, counter, folding.events


@contextmanager
def _collecting_less() -> Iterator[None]:
    """The fold decodes a million short-lived events and keeps little of them: collecting
    the young generation every 700 allocations (and now and then everything) cost about a
    quarter of the replay's CPU. What exists before is frozen, out of every collection."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def main(argv: list[str] | None = None) -> None:
    settings = ReportingSettings()
    parser = argparse.ArgumentParser(prog="python -m msa_reporting.replay", description=__doc__)
    parser.add_argument("--database", default=default_target(settings.database),
                        help="the fresh database to write (default: %(default)s, the other "
                        "of the pair the service alternates between)")  # fmt: skip
    parser.add_argument("--require-stopped", action="store_true",
                        help="refuse while the service's consumer group has members: records "
                        "it committed past this replay's end would be missing after the "
                        "switch-over")  # fmt: skip
    parser.add_argument("--drop", action="store_true", help="drop the database first")
    parser.add_argument("--batch", type=int, default=5000, help="records per getmany()")
    args = parser.parse_args(argv)

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        if args.require_stopped:
            asyncio.run(ensure_idle(settings.kafka_bootstrap_servers, settings.kafka_security,
                                    settings.consumer_group))  # fmt: skip
        result = asyncio.run(replay(settings, args.database, drop=args.drop, batch=args.batch,
                                    progress=say))  # fmt: skip
    except (NotEmpty, LiveTarget, GroupActive) as exc:
        say(f"error: {exc}")
        raise SystemExit(2) from None
    say(f"rebuilt {result.database}: {result.records:,} records, {result.events:,} events in "
        f"{result.seconds:.2f}s (read {result.read_s:.2f}s, project {result.project_s:.2f}s, "
        f"write {result.write_s:.2f}s; {result.records / max(result.seconds, 1e-6):,.0f} "
        "records/s)")  # fmt: skip
    say(f"to serve it: MONGODB_DATABASE={result.database} (deploy/README.md, switch-over)")


if __name__ == "__main__":
    main()

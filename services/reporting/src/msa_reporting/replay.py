"""``python -m msa_reporting.replay``: rebuild the projection from reporting's archive and
the topics.

The shared event topics keep their records for a limited time (``HISTORY_RETENTION_MS``), so
the history is reporting's archive: every input event the service stored, with the ids of
expired cases already replaced. A rebuild reads that archive from the database the service
serves (``--archive``; a snapshot of its positions first), then every input topic past the
archived offsets and the service group's committed offsets (from each partition's start
where neither is known) up to the end
offsets taken then, in batches (``getmany``) with a plain consumer outside any group. If
retention deleted records that are in neither, it stops and names them (``--allow-gap``
accepts the loss). It keeps each event's first
delivery (as the live inbox does) and folds it at once into the world that the pure
``project`` builds (each partition in offset order gives the same world as the canonical
order), so no decoded event is kept. Each batch is archived as one document while the next
one is read; at the end the figures are computed once and written. On a long log a second
process reads a share of the ledger's partitions (``--workers``, ``replay_part``).
This is how a new figure is introduced: change the code, replay, point the service at the
new database (``MONGODB_DATABASE``). The default target is the other database of the pair
``msa_reporting`` / ``msa_reporting_rebuild``, both of which reporting's Mongo user may write
(the switch-over: deploy/README.md, "Rebuilding reporting").
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from msa_contracts.reference import ReferenceData, load_reference
from msa_contracts.topics import LEDGER
from msa_kit.backup.offsets import GroupActive, committed, ensure_idle
from msa_kit.mongo import connect
from msa_kit.runtime import utc_now

from msa_reporting.adapters.entry_spill import EntrySpill
from msa_reporting.adapters.log_reader import (
    Counter,
    Gap,
    Progress,
    partition_sizes,
    read_batches,
)
from msa_reporting.adapters.mongo import MongoStore
from msa_reporting.domain.outcomes import changed
from msa_reporting.domain.projection import Figures, figures_of
from msa_reporting.domain.stored import Stored
from msa_reporting.domain.world import World
from msa_reporting.replay_fold import RepeatedAcrossPartitions, ReplayFold
from msa_reporting.replay_part import (
    PARALLEL_FROM,
    ChunkWriter,
    PartTask,
    RunningPart,
    collecting_less,
    release_memory,
    running_part,
    true_tables,
    worker_share,
)
from msa_reporting.settings import ReportingSettings


class NotEmpty(RuntimeError):
    """The target database already holds a projection."""


class LiveTarget(RuntimeError):
    """The target is the database the service serves (``MONGODB_DATABASE``), or the
    archive the rebuild reads."""


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
    #: events read from the archive (``records`` counts those read from the topics)
    archived: int = 0

    @property
    def seconds(self) -> float:
        return self.read_s + self.project_s + self.write_s


async def replay(settings: ReportingSettings, database: str, *, drop: bool = False,
                 reference: ReferenceData | None = None, batch: int = 5000,
                 progress: Progress = lambda _m: None, archive: str | None = None,
                 allow_gap: bool = False, workers: int = 2,
                 parallel_from: int = PARALLEL_FROM) -> ReplayResult:  # fmt: skip
    """Rebuild into ``database`` (must be empty unless ``drop``; never the one served) from
    the events archived in the database ``archive`` (None: none) and the topics past them,
    in ``workers`` processes (1 or 2) where at least ``parallel_from`` records are read."""
    if workers not in (1, 2):
        raise ValueError("a replay runs in 1 or 2 processes")
    if database == settings.database:
        raise LiveTarget(f"{database!r} is the database the service serves (MONGODB_DATABASE)")
    if database == archive:
        raise LiveTarget(f"{database!r} is the archive this rebuild reads")
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
        source = MongoStore(client[archive]) if archive is not None else None
        with collecting_less():
            world, counter, events = await _fold_log(settings, store, batch, progress,
                                                     source, allow_gap, workers,
                                                     parallel_from)  # fmt: skip
            t1 = time.monotonic()
            release_memory()  # the fetched batches' buffers, freed, back to the system
            gc.freeze()  # the world is complete: the projection's own objects are short-lived
            true = true_tables(world, reference, workers)
            figures = figures_of(world, reference, settings.suppression_threshold, events, true)
            t2 = time.monotonic()
        release_memory()
        progress(f"projected {events:,} events in {t2 - t1:.2f}s; writing {database}")
        await store.insert_projection(figures, changed(figures.outcomes, {}), utc_now())
        t3 = time.monotonic()
    finally:
        await client.close()
    return ReplayResult(
        database, counter.records, events, t1 - t0, t2 - t1, t3 - t2, figures, counter.archived
    )


async def _fold_log(settings: ReportingSettings, store: MongoStore, batch: int,
                    progress: Progress, archive: MongoStore | None = None,
                    allow_gap: bool = False, workers: int = 2,
                    parallel_from: int = PARALLEL_FROM) -> tuple[World, Counter, int]:  # fmt: skip
    """Fold every first delivery (the archive's, then the topics') into a world while the
    previous batch is archived in the target; with ``workers`` 2 and at least
    ``parallel_from`` records to read, a share of the ledger is read by a second process."""
    counter = Counter()
    start: dict[tuple[str, int], int] = {}
    with EntrySpill() as spill, tempfile.TemporaryDirectory(prefix="msa-replay-part-") as notes:
        folding = ReplayFold(spill)
        chunks = ChunkWriter(store, itertools.count(1))
        if archive is not None:
            # the live group's committed offsets first: everything before them is stored
            # (inputs archived, the rest acknowledged), so the topics are read from there on
            done = await _processed(settings) if archive.db.name == settings.database else {}
            async for stored in _archived(archive, batch, progress, start, counter):
                await chunks.fold(folding, stored)
            for partition, offset in done.items():
                start[partition] = max(start.get(partition, 0), offset)

        async def read(only: set[tuple[str, int]] | None = None,
                       part: RunningPart | None = None) -> None:  # fmt: skip
            """Fold the topics past ``start`` (of the partitions ``only`` names)."""
            elsewhere = part.read if part is not None else lambda: 0
            async for stored in read_batches(settings, batch=batch, progress=progress,
                                             counter=counter, start=start, allow_gap=allow_gap,
                                             only=only, read_elsewhere=elsewhere):  # fmt: skip
                await chunks.fold(folding, stored)
                if part is not None:
                    part.check()  # its failure stops the replay now, not after this read
            await chunks.flush()

        theirs: frozenset[tuple[str, int]] = frozenset()
        ledger = settings.namespace.logical(settings.namespace.topic(settings.input_topics[LEDGER]))
        if workers > 1:
            sizes = await partition_sizes(settings, start)
            if sum(sizes.values()) >= parallel_from:
                theirs = worker_share(sizes, ledger)
        if theirs:
            chunks.numbers = itertools.count(chunks.last + 1, 2)
            task = PartTask(settings, store.db.name, theirs, dict(start), Path(notes),
                            chunks.last + 2, batch, allow_gap, folding.seen.of(ledger),
                            os.getpid())  # fmt: skip
            shown = ", ".join(f"{topic}[{partition}]" for topic, partition in sorted(theirs))
            progress(f"a second process reads {shown}")
            async with running_part(task) as part:
                await read(set(sizes) - theirs, part)

                def waiting(there: int) -> None:
                    progress(f"read {counter.records + there:,} records, waiting for the "
                             "second process")  # fmt: skip

                result = await part.result(waiting)
            folding.absorb(result.fold)
            counter.records += result.records
            counter.replacements.update(result.replacements)
        else:
            await read()
        settled = folding.settle()
    if settled.entries:
        progress(f"dropped {len(settled.entries):,} repeated hour entries")
    repeated: dict[int, set[tuple[str, int, int]]] = {}
    for place in settled.events:
        repeated.setdefault(place.chunk, set()).add((place.topic, place.partition, place.offset))
    await store.drop_from_chunks(repeated)
    if counter.replacements:  # ends of deletion periods the archive read did not reflect
        changed = await store.anonymise(counter.replacements, None)
        progress(f"applied {len(counter.replacements):,} replaced ids of deletion-period "
                 f"notices to {changed:,} archived documents")  # fmt: skip
    return folding.world, counter, folding.events


async def _processed(settings: ReportingSettings) -> dict[tuple[str, int], int]:
    """The next offset per logical topic and partition that the service's group committed."""
    wire = settings.namespace
    found = await committed(settings.kafka_bootstrap_servers, settings.kafka_security,
                            settings.consumer_group)  # fmt: skip
    return {(wire.logical(topic), partition): offset
            for topic, parts in found.items() for partition, offset in parts.items()}  # fmt: skip


async def _archived(archive: MongoStore, batch: int, progress: Progress,
                    start: dict[tuple[str, int], int],
                    counter: Counter) -> AsyncIterator[list[Stored]]:  # fmt: skip
    """The archive in batches; ``start`` gets the next offset to read per topic and partition."""
    out: list[Stored] = []
    async for stored in archive.stream_archive(await archive.single_positions()):
        out.append(stored)
        place = (stored.topic, stored.partition)
        start[place] = max(start.get(place, 0), stored.offset + 1)
        if len(out) >= batch:
            counter.archived += len(out)
            progress(f"archive: {counter.archived:,} events")
            yield out
            out = []
    counter.archived += len(out)
    if out:
        yield out
    progress(f"archive: {counter.archived:,} events over {len(start)} partitions")


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
    parser.add_argument("--archive", default=settings.database,
                        help="the database whose archived events the rebuild starts from "
                        "(default: %(default)s, the one the service serves)")  # fmt: skip
    parser.add_argument("--no-archive", action="store_true",
                        help="read the topics from their start only (while they still hold "
                        "every record; for a figure needing events never archived)")  # fmt: skip
    parser.add_argument(
        "--allow-gap",
        action="store_true",
        help="rebuild even where retention deleted records the archive lacks",
    )
    parser.add_argument("--drop", action="store_true", help="drop the database first")
    parser.add_argument("--batch", type=int, default=5000, help="records per getmany()")
    parser.add_argument("--workers", type=int, choices=(1, 2), default=2,
                        help="processes that read the log (2: a second one folds a share of "
                        "the ledger's partitions, for logs of at least "
                        f"{PARALLEL_FROM:,} records; default: %(default)s)")  # fmt: skip
    args = parser.parse_args(argv)

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        if args.require_stopped:
            asyncio.run(ensure_idle(settings.kafka_bootstrap_servers, settings.kafka_security,
                                    settings.consumer_group))  # fmt: skip
        archive = None if args.no_archive else args.archive
        result = asyncio.run(replay(settings, args.database, drop=args.drop, batch=args.batch,
                                    progress=say, archive=archive,
                                    allow_gap=args.allow_gap,
                                    workers=args.workers))  # fmt: skip
    except (NotEmpty, LiveTarget, GroupActive, Gap, RepeatedAcrossPartitions) as exc:
        say(f"error: {exc}")
        raise SystemExit(2) from None
    say(f"rebuilt {result.database}: {result.archived:,} archived events and "
        f"{result.records:,} records, {result.events:,} events in "
        f"{result.seconds:.2f}s (read {result.read_s:.2f}s, project {result.project_s:.2f}s, "
        f"write {result.write_s:.2f}s; {result.records / max(result.seconds, 1e-6):,.0f} "
        "records/s)")  # fmt: skip
    say(f"to serve it: MONGODB_DATABASE={result.database} (deploy/README.md, switch-over)")


if __name__ == "__main__":
    main()

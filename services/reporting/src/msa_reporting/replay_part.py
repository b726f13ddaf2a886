"""The replay on two cores: some of the ledger's partitions folded in a process of its own.

Hour entries are nine in ten input events and their fold joins nothing (a case's entries
are summed with the case's attributes only when figures are computed), so a second process
can read, validate, fold and archive a share of the ledger's partitions while the replay's
own process reads the rest and every other topic. It hands back its hour book, its invoice
facts, the event ids it kept and its entry notes on disk (``FoldPart``); the replay adds
them (``ReplayFold.absorb``) and settles every entry's repeats at once, so the world is the
one a single process folds. The share is chosen by records to read (``worker_share``); a
short log is read in one process, where starting a second one costs more than it saves.
The figures are then counted over two processes as well (``true_tables``).
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import itertools
import multiprocessing
import os
import pickle
import signal
import sys
import time
import traceback
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

from msa_contracts.reference import ReferenceData
from msa_contracts.topics import LEDGER
from msa_kit.mongo import connect

from msa_reporting.adapters.entry_spill import PART_SEQ, EntrySpill
from msa_reporting.adapters.log_reader import Counter, read_batches
from msa_reporting.adapters.mongo import MongoStore
from msa_reporting.domain.compute import Counted, compute, tables, tallies
from msa_reporting.domain.stored import Stored
from msa_reporting.domain.table import FigureTable
from msa_reporting.domain.world import World
from msa_reporting.replay_fold import FoldPart, ReplayFold, Seen
from msa_reporting.settings import ReportingSettings

#: records to read below which the replay stays in one process (a second one takes a
#: second or two to start and import)
PARALLEL_FROM = 100_000


def worker_share(
    sizes: Mapping[tuple[str, int], int], ledger_topic: str = LEDGER
) -> frozenset[tuple[str, int]]:
    """The partitions (topic, partition) of the ledger (``ledger_topic``, as the replay
    names it) for the second process: the largest first, each one that brings its share of
    the records nearer to half. (The other topics' records cost more to fold, but the
    replay's own process has the projection to compute after: weighing them three times
    as much made a year's replay slower.)"""
    half = sum(sizes.values()) / 2
    theirs: set[tuple[str, int]] = set()
    taken = 0
    ledger = sorted(((n, place) for place, n in sizes.items() if place[0] == ledger_topic and n),
                    key=lambda item: (-item[0], item[1]))  # fmt: skip
    for n, place in ledger:
        if abs(taken + n - half) < abs(taken - half):
            theirs.add(place)
            taken += n
    return frozenset(theirs)


class ChunkWriter:
    """Folds each fetched batch and archives its first deliveries as one chunk (numbered
    by ``numbers``) while the next batch is read."""

    def __init__(self, store: MongoStore, numbers: Iterator[int]) -> None:
        self.store = store
        self.numbers = numbers
        self.last = 0
        self._writing: asyncio.Task[None] | None = None

    async def fold(self, folding: ReplayFold, stored: list[Stored]) -> None:
        self.last = number = next(self.numbers)
        fresh = [item for item in stored if folding.fold(item, number)]
        await self.flush()
        self._writing = asyncio.create_task(self.store.insert_event_chunk(number, fresh))

    async def flush(self) -> None:
        if self._writing is not None:
            writing, self._writing = self._writing, None
            await writing


@dataclass(frozen=True)
class PartTask:
    """What the second process reads, and where it writes."""

    settings: ReportingSettings
    database: str
    partitions: frozenset[tuple[str, int]]
    start: Mapping[tuple[str, int], int]
    notes: Path  # the directory for its entry notes (the replay removes it)
    first_chunk: int  # its chunk numbers: this one, then every second
    batch: int = 5000
    allow_gap: bool = False
    #: the event ids the replay kept so far on the second process's topic (the archive's):
    #: a delivery of one of them again is a repeat there too
    known: dict[str, set[int | str]] = field(default_factory=dict)
    parent: int = 0  # the replay's pid: the second process stops when it is gone


@dataclass(frozen=True)
class PartResult:
    fold: FoldPart
    records: int
    replacements: dict[str, str] = field(default_factory=dict)


@dataclass
class RunningPart:
    """The second process while it runs: how many records it read so far, and its result."""

    process: multiprocessing.process.BaseProcess
    connection: Connection
    read_value: Synchronized[int]
    _sent: PartResult | None = None

    def read(self) -> int:
        return int(self.read_value.value)

    def check(self) -> None:
        """Raise at once if the second process failed (the replay need not read on)."""
        if self._sent is None and self.connection.poll(0):
            self._sent = self._receive()
        elif self._sent is None and not self.process.is_alive():
            self._sent = self._receive() if self.connection.poll(0) else self._ended()

    async def result(self, waiting: Callable[[int], None] = lambda _n: None) -> PartResult:
        """Its result (``waiting`` is told the records it read every second meanwhile); its
        error is raised here."""
        while self._sent is None:
            if await asyncio.to_thread(self.connection.poll, 1.0):
                self._sent = self._receive()
            elif not self.process.is_alive():
                self.check()
            else:
                waiting(self.read())
        return self._sent

    def _receive(self) -> PartResult:
        try:
            outcome, value = self.connection.recv()
        except (EOFError, OSError):  # it ended without a word: killed, or out of memory
            return self._ended()
        if outcome == "error":
            raise value
        result: PartResult = value
        return result

    def _ended(self) -> PartResult:
        self.process.join(5)
        raise RuntimeError(
            f"the replay's second process ended without its result (exit code "
            f"{self.process.exitcode}); rebuild again, or with --workers 1"
        )


@asynccontextmanager
async def running_part(task: PartTask) -> AsyncIterator[RunningPart]:
    """Start the second process (a fresh interpreter: the replay's own has sockets and an
    event loop a fork would copy); stop it on the way out if it still runs."""
    context = multiprocessing.get_context("spawn")
    read_value = context.Value("q", 0, lock=False)
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_main, args=(task, sending, read_value),
                              name="msa-reporting-replay-part", daemon=True)  # fmt: skip
    process.start()
    sending.close()
    try:
        yield RunningPart(process, receiving, read_value)
    finally:
        if process.is_alive():
            process.terminate()
        await asyncio.to_thread(process.join)
        receiving.close()


def _main(task: PartTask, sending: Connection, read_value: Synchronized[int]) -> None:
    """The second process: fold its partitions and send back the result (or the error)."""
    try:
        result = asyncio.run(_fold_part(task, read_value))
    except BaseException as exc:  # every failure goes back to the replay
        print(f"second process: {traceback.format_exc()}", file=sys.stderr, flush=True)
        try:
            sending.send(("error", exc))
        except Exception:  # an error that cannot be sent: its text is printed above
            sending.send(("error", RuntimeError(f"second process: {exc!r}")))
        raise SystemExit(1) from None
    sending.send(("ok", result))


async def _fold_part(task: PartTask, read_value: Synchronized[int]) -> PartResult:
    settings = task.settings
    client = connect(settings.mongodb_uri, app_name=f"msa-{settings.service_name}-replay-part")
    counter = Counter()

    def say(message: str) -> None:  # what concerns the operator; the replay prints progress
        if not message.startswith("read "):
            print(f"second process: {message}", file=sys.stderr, flush=True)

    began = time.monotonic()
    try:
        with collecting_less():
            spill = EntrySpill(root=task.notes, first_seq=PART_SEQ)
            try:
                folding = ReplayFold(spill, Seen(task.known))
                chunks = ChunkWriter(MongoStore(client[task.database]),
                                     itertools.count(task.first_chunk, 2))  # fmt: skip
                async for stored in read_batches(settings, batch=task.batch, progress=say,
                                                 counter=counter, start=task.start,
                                                 allow_gap=task.allow_gap,
                                                 only=task.partitions):  # fmt: skip
                    await chunks.fold(folding, stored)
                    read_value.value = counter.records
                    if task.parent and os.getppid() != task.parent:
                        raise SystemExit("the replay is gone: the second process stops")
                await chunks.flush()
                part = folding.part()
                say(f"{counter.records:,} records folded in {time.monotonic() - began:.1f}s")
            finally:
                spill.close()  # its files stay: the replay settles them
    finally:
        await client.close()
    return PartResult(part, counter.records, counter.replacements)


def true_tables(world: World, reference: ReferenceData,
                processes: int = 2) -> dict[str, FigureTable]:  # fmt: skip
    """``compute`` with the units over two processes: a fork counts half of them (the world
    is frozen out of the collector, so the fork reads it in place) and sends its tallies
    back through a pipe. Where there is no fork, or it fails, one process counts."""
    if processes < 2 or not hasattr(os, "fork"):
        return compute(world, reference)
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the fork: count, send, and leave without running anything of the parent's
        status = 1
        try:
            os.close(reading)
            with os.fdopen(writing, "wb") as out:
                out.write(pickle.dumps(_other_half(world, reference), pickle.HIGHEST_PROTOCOL))
            status = 0
        finally:
            os._exit(status)
    os.close(writing)
    try:
        months, mine = tallies(world, reference, 0, 2)
        with os.fdopen(reading, "rb") as pipe:
            sent = pipe.read()
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        raise
    finally:
        _, status = os.waitpid(pid, 0)
    theirs: dict[str, Counted] | None = pickle.loads(sent) if sent and status == 0 else None
    if theirs is None:  # the fork failed: count its units here
        theirs = _other_half(world, reference)
    for name, tally in mine.items():
        tally.absorb(theirs[name])
    return tables(months, mine, reference)


def _other_half(world: World, reference: ReferenceData) -> dict[str, Counted]:
    """What the tallies of the fork's half of the units counted."""
    return {name: t.counted() for name, t in tallies(world, reference, 1, 2)[1].items()}


def release_memory() -> None:
    """Hand memory that was freed but kept by the C allocator back to the system
    (``malloc_trim``; glibc only, elsewhere nothing): after the read, about 25 MiB of a
    year's fetch buffers, which the resident size would otherwise go on counting."""
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # the C library already loaded
    if trim is not None:  # glibc
        trim(0)


@contextmanager
def collecting_less() -> Iterator[None]:
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

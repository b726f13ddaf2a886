"""The replay's hour entries de-duplicated exactly, with their keys on disk, not in memory.

Accepted hours are nine in ten input events, each with an event id and an entry key that
must count once (the inbox drops a repeated event id per topic; the fold keeps the first
entry per provider and entry id). Keeping those two million keys in memory made the
replay's memory grow with the log. Instead each entry is folded at once and noted here:
its place in the fold order, its ids and where it sits in the hour book, written to bucket
files by a hash of the event id and of the entry key. At the end each bucket is read on its
own (a few thousand lines) to find the entries that repeat an earlier one, first by event
id, then by entry key among the rest: exactly what folding them one by one would have
kept, with memory bounded by one bucket. A replay that reads some partitions in another
process settles that process's notes with its own (``settle(..., also=...)``): buckets are
chosen by a hash that is the same in every process.
"""

from __future__ import annotations

import json
import tempfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NamedTuple

BUCKETS = 128
_PLAIN = frozenset('\t\n\r\\"')  # text with none of these is written as it is


class ReusedEventId(RuntimeError):
    """An hour entry's event id came back on another event type later in the topic: the
    inbox would have dropped that later event, which the replay has folded already."""


class Place(NamedTuple):
    """Where a folded entry sits: its case and numbers ``start:stop`` in the hour book, and
    its record (archive chunk, topic, partition, offset)."""

    case_id: str
    start: int
    stop: int
    chunk: int
    topic: str
    partition: int
    offset: int


@dataclass(frozen=True)
class Settled:
    """Entries to drop from the hour book, and which of them are repeated events (to drop
    from the archive as well, which keeps each event's first delivery only)."""

    entries: list[Place]
    events: list[Place]


@dataclass(frozen=True)
class Part:
    """Another process's notes (its ``EntrySpill(root=...)``, closed) to settle with these:
    ``shift`` is what the numbers of each case's entries moved by when its hour book was
    added to this one (``HourBook.absorb``)."""

    root: Path
    buckets: int
    shift: Mapping[str, int] = field(default_factory=dict)


#: where a part's sequence numbers start: after every entry this process notes, so an entry
#: noted here comes before a repeat of it in another part (which one is first among
#: partitions is arbitrary, as it is when they are interleaved)
PART_SEQ = 1 << 48


class EntrySpill:
    """Notes of folded hour entries in bucket files under a private temporary directory
    (or under ``root``, kept for the process that settles them, with numbers from
    ``first_seq``)."""

    def __init__(self, buckets: int = BUCKETS, directory: Path | None = None, *,
                 root: Path | None = None, first_seq: int = 0) -> None:  # fmt: skip
        self._tmp = None
        if root is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="msa-replay-", dir=directory)
            root = Path(self._tmp.name)
        self.root = root
        self._by_id = [(root / f"id{n}").open("w+", encoding="utf-8") for n in range(buckets)]
        self._by_key = [(root / f"key{n}").open("w+", encoding="utf-8") for n in range(buckets)]
        self._first_seq = first_seq
        self.buckets = buckets
        self.count = 0

    def note(self, event_key: str, entry_key: str, p: Place) -> None:
        """An entry folded after every one noted before it; ``event_key`` is its topic and
        event id (``Stored.key``)."""
        seq, n = self._first_seq + self.count, len(self._by_id)
        self._by_id[_bucket(event_key, n)].write(f"{seq}\t{_text(event_key)}\n")
        self._by_key[_bucket(entry_key, n)].write(
            f"{seq}\t{_text(entry_key)}\t{p.case_id}\t{p.start}\t{p.stop}\t{p.chunk}\t"
            f"{p.topic}\t{p.partition}\t{p.offset}\n"
        )
        self.count += 1

    def flush(self) -> None:
        """Write out every note (for the process that settles them)."""
        for bucket in (*self._by_id, *self._by_key):
            bucket.flush()

    def settle(self, folded_elsewhere: Callable[[set[str]], bool],
               also: Sequence[Part] = ()) -> Settled:  # fmt: skip
        """The entries that repeat an earlier one, by event id, then by entry key among the
        rest, here and in the ``also`` parts (their places shifted into this hour book).
        Raises ``ReusedEventId`` if an event the replay folded besides hours
        (``folded_elsewhere`` of a set of ``Stored.key``: whether any was) has a kept entry's
        event id: it came later (an earlier one would have kept the entry from being
        folded)."""
        n = len(self._by_id)
        if any(part.buckets != n for part in also):
            raise ValueError("every part of a replay's notes must use the same buckets")
        shifts: list[Mapping[str, int]] = [{}, *(part.shift for part in also)]
        repeated: set[int] = set()
        for bucket in range(n):
            rows = [row for rows in self._bucket_rows("id", bucket, also) for row in rows]
            first, later = _firsts(rows)
            if folded_elsewhere(first):
                raise ReusedEventId("an hour entry's event id is reused later in its topic")
            repeated |= later
        entries: list[Place] = []
        events: list[Place] = []
        for bucket in range(n):
            sources = self._bucket_rows("key", bucket, also)
            rows = [row for part in sources for row in part]
            if repeated:  # rare: a repeated event's entry does not make a later one a repeat
                rows_kept = [r for r in rows if int(r[0]) not in repeated]
                later = _firsts(rows_kept)[1]
            else:
                later = _firsts(rows)[1]
            if not repeated and not later:
                continue
            for part, shift in zip(sources, shifts, strict=True):
                for row in part:
                    seq = int(row[0])
                    if seq in repeated or seq in later:
                        place = _place(row, shift)
                        entries.append(place)
                        if seq in repeated:
                            events.append(place)
        return Settled(entries, events)

    def _bucket_rows(self, kind: str, bucket: int, also: Sequence[Part]) -> list[list[list[str]]]:
        """A bucket's rows here, then in each part, in note order."""
        own = (self._by_id if kind == "id" else self._by_key)[bucket]
        found = [_lines(own)]
        for part in also:
            with (part.root / f"{kind}{bucket}").open(encoding="utf-8") as other:
                found.append(_lines(other))
        return found

    def close(self) -> None:
        for bucket in (*self._by_id, *self._by_key):
            bucket.close()
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> EntrySpill:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _firsts(rows: list[list[str]]) -> tuple[set[str], set[int]]:
    """Rows in note order: the keys (column 1), and the rows whose key came before. (A key
    is read back only where it was written quoted; the set does the rest in C.)"""
    keys = [row[1] if row[1][:1] != '"' else json.loads(row[1]) for row in rows]
    first = set(keys)
    if len(first) == len(keys):  # no key repeats: the common case
        return first, set()
    seen: set[str] = set()
    later: set[int] = set()
    for row, key in zip(rows, keys, strict=True):
        if key in seen:
            later.add(int(row[0]))
        else:
            seen.add(key)
    return first, later


def _place(row: list[str], shift: Mapping[str, int]) -> Place:
    case_id, start, stop, chunk, topic, partition, offset = row[2].split("\t")
    moved = shift.get(case_id, 0)
    return Place(case_id, int(start) + moved, int(stop) + moved, int(chunk), topic,
                 int(partition), int(offset))  # fmt: skip


def _bucket(key: str, buckets: int) -> int:
    """The same bucket in every process (``hash`` of a string differs between them)."""
    return zlib.crc32(key.encode()) % buckets


def _lines(bucket: IO[str]) -> list[list[str]]:
    bucket.flush()
    bucket.seek(0)
    text = bucket.read()  # one bucket at a time (a few thousand lines), split in C
    # sequence number, key and the rest (split again only for the few rows that repeat)
    return [line.split("\t", 2) for line in text.split("\n")[:-1]]


def _text(value: str) -> str:
    return value if _PLAIN.isdisjoint(value) else json.dumps(value)

"""The replay's fold: each first delivery into one world, with bounded memory.

Events other than accepted hours are de-duplicated by event id as they come (``Seen``, a
few per person or case); hour entries, nine in ten events, are folded at once and noted in
an ``EntrySpill``, which finds their repeats on disk at the end (``settle``): the world is
then exactly the one that folding first deliveries one by one gives. Partitions folded in
another process come back as a ``FoldPart`` that ``absorb`` adds before settling.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from msa_contracts.events import HoursAccepted

from msa_reporting.adapters.entry_spill import EntrySpill, Part, Place, Settled
from msa_reporting.domain.fold import apply
from msa_reporting.domain.hours import HourBook
from msa_reporting.domain.ledger import entry_key
from msa_reporting.domain.stored import Stored
from msa_reporting.domain.world import World


class ReplayFold:
    """One world folded delivery by delivery; ``settle`` once the log is read."""

    def __init__(self, spill: EntrySpill, seen: Seen | None = None) -> None:
        self.world = World(hours=HourBook(keys=None))
        self.seen = seen or Seen()
        self.spill = spill
        self.events = 0
        self._parts: list[tuple[Part, int]] = []  # absorbed notes, with how many

    def fold(self, item: Stored, chunk: int) -> bool:
        """Fold one delivery (archived in ``chunk``) unless it repeats an event id; true if
        folded (an hour entry may still turn out to repeat an earlier one)."""
        event = item.event
        if not isinstance(event, HoursAccepted):
            if not self.seen.first(item):
                return False
            apply(self.world, event)
            return True
        if self.seen.has(item.key):  # an earlier event of another type had this id
            return False
        hours = self.world.hours
        start = hours.size(event.case_id)
        apply(self.world, event)
        place = Place(event.case_id, start, hours.size(event.case_id), chunk, item.topic,
                      item.partition, item.offset)  # fmt: skip
        self.spill.note(item.key, entry_key(event), place)
        return True

    def part(self) -> FoldPart:
        """What this fold (of some partitions, in a process of its own) hands back: the
        ids it kept besides those it was given (``Seen.known``)."""
        self.spill.flush()
        return FoldPart(self.world, self.seen.kept(), Part(self.spill.root, self.spill.buckets),
                        self.spill.count)  # fmt: skip

    def absorb(self, part: FoldPart) -> None:
        """Add the fold of other partitions (disjoint from this one's) before ``settle``."""
        self.seen.absorb(part.seen)
        shift = self.world.absorb(part.world)
        self._parts.append((replace(part.notes, shift=shift), part.noted))

    def settle(self) -> Settled:
        """Drop the hour entries that repeat an earlier one; returns what was dropped (the
        repeated events are to go from the archive too)."""
        settled = self.spill.settle(self.seen.any_of, [part for part, _ in self._parts])
        for place in settled.entries:
            self.world.hours.drop(place.case_id, place.start, place.stop)
        if settled.entries:
            self.world.hours.respan()
        noted = self.spill.count + sum(n for _, n in self._parts)
        self.events = self.seen.count + noted - len(settled.events)
        return settled


@dataclass(frozen=True)
class FoldPart:
    """The fold of some partitions: its world, the event ids it kept and its entry notes
    (closed, on disk, ``noted`` of them)."""

    world: World
    seen: Seen
    notes: Part
    noted: int


class RepeatedAcrossPartitions(RuntimeError):
    """An event id came on two partitions read by different processes (a record's key,
    hence its partition, is the same on every delivery, so a producer sent one id twice
    with different keys): which delivery is first is no longer known."""


class Seen:
    """The event ids delivered so far, per topic; a canonical UUID id as its 128-bit number
    (a third of the memory of its text), any other id as text: exact, as the inbox is."""

    def __init__(self, known: dict[str, set[int | str]] | None = None) -> None:
        #: ids delivered before (folded by another process: the archive's), not counted
        self._known = {topic: set(ids) for topic, ids in (known or {}).items()}
        self._ids: dict[str, set[int | str]] = {t: set(ids) for t, ids in self._known.items()}
        self._keys: set[str] | None = None
        self.count = 0

    def of(self, topic: str) -> dict[str, set[int | str]]:
        """The ids kept on ``topic`` (to give a process that reads on there: ``known``)."""
        return {topic: set(self._ids.get(topic, ()))}

    def kept(self) -> Seen:
        """The ids delivered here, without those ``known`` before."""
        out = Seen()
        out._ids = {t: ids - self._known.get(t, set()) for t, ids in self._ids.items()}
        out.count = self.count
        return out

    def first(self, stored: Stored) -> bool:
        ids = self._ids.setdefault(stored.topic, set())
        key = _compact(stored.event_id)
        if key in ids:
            return False
        ids.add(key)
        self.count += 1
        self._keys = None
        return True

    def absorb(self, other: Seen) -> None:
        """Add the ids of other partitions; an id on both is refused."""
        for topic, ids in other._ids.items():
            mine = self._ids.setdefault(topic, set())
            if not mine.isdisjoint(ids):
                some = _text_of(next(iter(mine & ids)))
                raise RepeatedAcrossPartitions(
                    f"event id {some!r} is on two partitions of {topic} (rebuild with "
                    "--workers 1 to keep its first delivery)"
                )
            mine |= ids
        self.count += other.count
        self._keys = None

    def any_of(self, keys: set[str]) -> bool:
        """Whether any of the events ``Stored.key`` was delivered: one set operation per
        call against the delivered keys as text, built once (the fold is over by then)."""
        if self._keys is None:
            self._keys = {f"{topic}/{_text_of(i)}" for topic, ids in self._ids.items() for i in ids}
        return not self._keys.isdisjoint(keys)

    def has(self, key: str) -> bool:
        """Whether the event ``Stored.key`` (topic and event id) was delivered."""
        topic, _, event_id = key.partition("/")
        ids = self._ids.get(topic)
        return ids is not None and _compact(event_id) in ids


def _text_of(key: int | str) -> str:
    """The id ``_compact`` was given: a canonical UUID's text from its number."""
    return key if isinstance(key, str) else str(uuid.UUID(int=key))


def _compact(event_id: str) -> int | str:
    """A canonical UUID (lower-case hex, dashes at 8, 13, 18, 23) as its number, as
    ``str(uuid.UUID(event_id)) == event_id`` decides, without building the UUID."""
    if len(event_id) != 36 or not event_id[8] == event_id[13] == event_id[18] == "-":
        return event_id
    digits = event_id.replace("-", "")
    if event_id[23] != "-" or len(digits) != 32 or not digits.isascii():
        return event_id
    if not digits.isalnum() or digits.lower() != digits:
        return event_id
    try:
        return int(digits, 16)
    except ValueError:  # letters past f
        return event_id

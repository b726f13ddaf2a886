"""The replay's fold: each first delivery into one world, with bounded memory.

Events other than accepted hours are de-duplicated by event id as they come (``Seen``, a
few per person or case); hour entries, nine in ten events, are folded at once and noted in
an ``EntrySpill``, which finds their repeats on disk at the end (``settle``): the world is
then exactly the one that folding first deliveries one by one gives.
"""

from __future__ import annotations

import uuid

from msa_contracts.events import HoursAccepted

from msa_reporting.adapters.entry_spill import EntrySpill, Place, Settled
from msa_reporting.domain.fold import apply
from msa_reporting.domain.hours import HourBook
from msa_reporting.domain.ledger import entry_key
from msa_reporting.domain.stored import Stored
from msa_reporting.domain.world import World


class ReplayFold:
    """One world folded delivery by delivery; ``settle`` once the log is read."""

    def __init__(self, spill: EntrySpill) -> None:
        self.world = World(hours=HourBook(keys=None))
        self.seen = Seen()
        self.spill = spill
        self.events = 0

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

    def settle(self) -> Settled:
        """Drop the hour entries that repeat an earlier one; returns what was dropped (the
        repeated events are to go from the archive too)."""
        settled = self.spill.settle(self.seen.any_of)
        for place in settled.entries:
            self.world.hours.drop(place.case_id, place.start, place.stop)
        if settled.entries:
            self.world.hours.respan()
        self.events = self.seen.count + self.spill.count - len(settled.events)
        return settled


class Seen:
    """The event ids delivered so far, per topic; a canonical UUID id as its 128-bit number
    (a third of the memory of its text), any other id as text: exact, as the inbox is."""

    def __init__(self) -> None:
        self._ids: dict[str, set[int | str]] = {}
        self._keys: set[str] | None = None
        self.count = 0

    def first(self, stored: Stored) -> bool:
        ids = self._ids.setdefault(stored.topic, set())
        key = _compact(stored.event_id)
        if key in ids:
            return False
        ids.add(key)
        self.count += 1
        self._keys = None
        return True

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

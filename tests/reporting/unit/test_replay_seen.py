"""The replay keeps each event's first delivery per topic, as the live inbox does."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from msa_reporting.domain.stored import Stored
from msa_reporting.replay_fold import Seen, _compact

from tests.reporting import builders as b

ID = "3f2b8c1e-0a4d-4e5f-9b6a-7c8d9e0f1a2b"


def at(topic: str, offset: int, event_id: str) -> Stored:
    return Stored(topic, 0, offset, event_id, b.tick(date(2024, 1, 1)))


def test_a_redelivered_event_id_is_dropped_per_topic_and_other_ids_are_kept() -> None:
    seen = Seen()
    kept = [seen.first(s) for s in (
        at("a", 0, ID), at("a", 7, ID), at("b", 0, ID),  # same id on another topic: kept
        at("a", 1, ID.upper()), at("a", 2, ID.upper()),  # not canonical: compared as text
        at("a", 3, "evt-1"), at("a", 4, "evt-1"), at("a", 5, "evt-2"),
    )]  # fmt: skip
    assert kept == [True, False, True, True, False, True, False, True]
    assert seen.count == 5


@pytest.mark.parametrize(
    "event_id",
    [ID, ID.upper(), ID.replace("-", ""), "{" + ID + "}", "urn:uuid:" + ID, ID[:-1] + "g",
     ID[:8] + "_" + ID[9:], ID.replace("-", "+", 1), " " + ID[1:], ID[:9] + "é" + ID[10:],
     "00000000-0000-0000-0000-000000000000", "evt-1", ""],
)  # fmt: skip
def test_an_id_is_compacted_exactly_when_it_is_a_canonical_uuid(event_id: str) -> None:
    try:
        canonical = str(uuid.UUID(event_id)) == event_id
    except ValueError:
        canonical = False
    assert _compact(event_id) == (uuid.UUID(event_id).int if canonical else event_id)


def test_any_of_finds_a_delivered_key_in_its_original_text_whatever_its_compact_form() -> None:
    seen = Seen()
    for s in (at("a", 0, ID), at("a", 1, ID.upper()), at("b", 0, "evt-1")):
        seen.first(s)
    assert seen.any_of({"x/1", f"a/{ID}"}) and seen.any_of({f"a/{ID.upper()}"})
    assert seen.any_of({"b/evt-1"}) and not seen.any_of({f"b/{ID}", "a/evt-1", "c/x"})
    seen.first(at("c", 0, "x"))  # delivered after a look-up: seen by the next one
    assert seen.any_of({"c/x"}) and not seen.any_of(set())

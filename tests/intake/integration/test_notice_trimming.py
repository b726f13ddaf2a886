"""After an erasure, the person's allocation notice (sealed to intake's key, so intake's key
would still open it) is deleted from the notices topic on the real broker; records after it
stay, and intake goes on consuming."""

from __future__ import annotations

from typing import Any

import pytest
from msa_ops.reading import read_to_end

from tests.intake.integration.helpers import Running, wait_for
from tests.intake.support import identity, notice, record
from tests.kit.support import header, produce

pytestmark = pytest.mark.integration


async def _registered(running: Running, n: int) -> tuple[str, str]:
    """Send person ``n``'s notice; return its ce_id and the person_ref intake gave."""
    rec = record(notice(running.keys, identity(n)))
    await produce(running.bootstrap, running.notices, rec)
    notice_id = header(rec, "ce_id") or ""
    await running.settle(notice_id)
    caused = [r for r in running.tail.records if header(r, "ce_causationid") == notice_id]
    [arrival] = [r for r in caused if r.topic == running.persons]
    return notice_id, arrival.key.decode()


async def test_an_erased_persons_notice_is_trimmed_from_the_topic_and_later_ones_stay(
    running: Running,
) -> None:
    erased_notice, ref = await _registered(running, 41)
    kept_notice, _ = await _registered(running, 42)
    positions = running.intake.runtime.db["notice_positions"]
    at: Any = await positions.find_one({"person_ref": ref})
    assert at is not None and at["due"] is False

    r = await running.http.delete(f"/persons/{ref}", params={"reason": "art. 17 GDPR request"})
    assert r.status_code == 200, r.text
    await wait_for(lambda: _gone(positions, ref))

    on_topic = await read_to_end(running.bootstrap, [running.notices])
    ids = {header(r, "ce_id") for r in on_topic}
    assert erased_notice not in ids and kept_notice in ids
    assert all(r.offset > at["offset"] for r in on_topic if r.partition == at["partition"])

    after_notice, _ = await _registered(running, 43)  # intake consumes on as before
    assert after_notice in {header(r, "ce_id") for r in
                            await read_to_end(running.bootstrap, [running.notices])}  # fmt: skip


async def _gone(positions: Any, ref: str) -> bool:
    return await positions.find_one({"person_ref": ref}) is None

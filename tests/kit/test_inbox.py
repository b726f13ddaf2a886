"""The inbox against the real store: a batch's ids are looked up in chunks, none missed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from msa_kit.inbox import Inbox
from msa_kit.mongo import IN_CHUNK, id_chunks, in_transaction

from tests.kit.support import unique

pytestmark = pytest.mark.integration
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_ids_are_chunked_in_order_without_loss() -> None:
    ids = list(range(IN_CHUNK * 2 + 3))
    chunks = list(id_chunks(ids))
    assert [len(c) for c in chunks] == [IN_CHUNK, IN_CHUNK, 3]
    assert [i for c in chunks for i in c] == ids
    assert list(id_chunks([])) == []


async def test_seen_among_finds_every_processed_id_of_a_batch_larger_than_a_chunk(
    infra: Any, mongo: Any
) -> None:
    inbox = Inbox(mongo[unique("db")])
    done = [Inbox.key("t", f"e-{n}") for n in range(IN_CHUNK * 2 + 5)]
    new = [Inbox.key("t", f"new-{n}") for n in range(IN_CHUNK)]

    async def record(session: Any) -> None:
        await inbox.record_many(session, [(k, "type") for k in done], NOW)

    await in_transaction(mongo, record)

    async def look(session: Any) -> set[str]:
        return await inbox.seen_among(session, sorted(done + new))

    assert await in_transaction(mongo, look) == set(done)

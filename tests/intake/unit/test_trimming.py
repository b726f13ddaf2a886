"""The notice trimmer with a fake admin client: it deletes up to intake's committed offsets
(never to the end of a partition), only on the notices topic, once per new offset; a
partition that fails does not hold the others and is tried again; stop closes the client."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka import TopicPartition
from aiokafka.admin import RecordsToDelete
from aiokafka.structs import OffsetAndMetadata
from msa_intake.adapters.trimming import NoticeTrimmer
from msa_intake.settings import IntakeSettings

T = "msa.allocation.notices"


class FakeAdmin:
    def __init__(self, committed: dict[TopicPartition, int], failing: set[int]) -> None:
        self.committed, self.failing = committed, failing
        self.deleted: list[tuple[int, int]] = []
        self.started = self.closed = 0
        self.trimmed = asyncio.Event()

    async def start(self) -> None:
        self.started += 1

    async def close(self) -> None:
        self.closed += 1

    async def list_consumer_group_offsets(self, group: str) -> dict[TopicPartition, Any]:
        assert group == "msa-intake"
        return {tp: OffsetAndMetadata(o, "") for tp, o in self.committed.items()}

    async def delete_records(self, asked: dict[TopicPartition, RecordsToDelete]) -> Any:
        [(tp, what)] = asked.items()
        if tp.partition in self.failing:
            raise ConnectionError(f"partition {tp.partition} has no leader")
        self.deleted.append((tp.partition, what.before_offset))
        self.trimmed.set()
        return {tp: what.before_offset}


def trimmer(admin: FakeAdmin) -> NoticeTrimmer:
    return NoticeTrimmer(topic=T, group="msa-intake", interval_s=0.01, admin=lambda: admin)


async def test_a_round_deletes_up_to_the_committed_offsets_of_the_notices_topic_only() -> None:
    committed = {TopicPartition(T, 0): 5, TopicPartition(T, 1): -1,
                 TopicPartition(T, 2): 0, TopicPartition("msa.other", 0): 9}  # fmt: skip
    admin = FakeAdmin(committed, failing=set())
    trims = trimmer(admin)
    assert await trims.trim_once() == {(T, 0): 5}
    assert await trims.trim_once() == {}  # nothing new committed, nothing asked
    admin.committed[TopicPartition(T, 0)] = 8
    admin.committed[TopicPartition(T, 2)] = 3
    assert await trims.trim_once() == {(T, 0): 8, (T, 2): 3}
    assert admin.deleted == [(0, 5), (0, 8), (2, 3)] and admin.started == 1


async def test_a_failing_partition_does_not_hold_the_others_and_is_tried_again() -> None:
    admin = FakeAdmin({TopicPartition(T, 0): 4, TopicPartition(T, 1): 6}, failing={0})
    trims = trimmer(admin)
    assert await trims.trim_once() == {(T, 1): 6}
    admin.failing.clear()
    assert await trims.trim_once() == {(T, 0): 4}


async def test_the_loop_runs_rounds_until_stopped_and_stop_closes_the_client() -> None:
    admin = FakeAdmin({TopicPartition(T, 0): 2}, failing=set())
    trims = trimmer(admin)
    await trims.start()
    await asyncio.wait_for(admin.trimmed.wait(), 5)
    await trims.stop()
    assert admin.deleted == [(0, 2)] and admin.closed == 1


def test_trimming_is_on_with_the_services_own_group_and_off_for_a_copy_with_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MSA_ENV", raising=False)  # a test session exports its own
    assert IntakeSettings().trims_notices
    assert IntakeSettings(kafka_consumer_group="msa-intake").trims_notices
    assert not IntakeSettings(kafka_consumer_group="run7-intake").trims_notices
    assert IntakeSettings(
        kafka_consumer_group="run7-intake", intake_trim_notices=True
    ).trims_notices
    assert not IntakeSettings(intake_trim_notices=False).trims_notices


def test_in_an_environment_trimming_is_on_with_that_environments_own_group() -> None:
    assert IntakeSettings(msa_env="staging").trims_notices
    assert IntakeSettings(
        msa_env="staging", kafka_consumer_group="msa-staging-intake"
    ).trims_notices
    assert not IntakeSettings(msa_env="staging", kafka_consumer_group="msa-intake").trims_notices

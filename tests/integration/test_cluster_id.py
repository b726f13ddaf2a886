"""Kafka cluster ids for the local brokers' storage formatting."""

from __future__ import annotations

import base64

from msa_ops.infra.kafka_config import new_cluster_id


def test_cluster_ids_never_start_with_a_dash_which_the_storage_tool_reads_as_an_option() -> None:
    ids = [new_cluster_id() for _ in range(5000)]  # with the old draw, ~78 would start with '-'
    assert not [i for i in ids if i.startswith("-")]
    assert len(set(ids)) == len(ids)
    assert all(len(base64.urlsafe_b64decode(i + "==")) == 16 for i in ids)

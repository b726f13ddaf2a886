"""The AsyncAPI document: accepted by the official parser, and complete for the catalogue."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from msa_contracts.events import ALL_EVENTS
from msa_contracts.specs.asyncapi import asyncapi_document
from msa_contracts.specs.generate import ASYNCAPI, default_catalogue
from msa_contracts.topics import PROVIDER_TOPICS, SERVICES

VALIDATOR = Path("contracts/asyncapi-validate/validate.mjs")


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return asyncapi_document(default_catalogue())


@pytest.fixture(scope="module")
def node_tools(repo_root: Path) -> str:
    """The node binary, with the pinned parser installed (a fresh clone installs it)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the AsyncAPI document cannot be validated "
                    "(install Node.js 20 or later)")  # fmt: skip
    setup = subprocess.run(["bash", "scripts/ensure-node-tools.sh"], cwd=repo_root,
                           capture_output=True, text=True, timeout=600)  # fmt: skip
    assert setup.returncode == 0, f"ensure-node-tools.sh failed:\n{setup.stdout}{setup.stderr}"
    return node


def validate(node: str, repo_root: Path, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([node, str(VALIDATOR), str(path)], cwd=repo_root,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_the_asyncapi_document_validates_with_the_official_parser(
    node_tools: str, repo_root: Path
) -> None:
    result = validate(node_tools, repo_root, ASYNCAPI)
    assert result.returncode == 0, f"AsyncAPI parser refused {ASYNCAPI}:\n{result.stdout}"
    assert "valid AsyncAPI 3.0.0" in result.stdout


def test_the_parser_check_refuses_a_broken_document(
    node_tools: str, repo_root: Path, tmp_path: Path, doc: dict[str, Any]
) -> None:
    broken = dict(doc) | {"operations": {"x": {"action": "publish", "channel": {}}}}
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    result = validate(node_tools, repo_root, path)
    assert result.returncode == 1
    assert "error" in result.stdout and "action" in result.stdout


def test_it_is_asyncapi_3_with_a_local_and_a_production_kafka_server(doc: dict[str, Any]) -> None:
    assert doc["asyncapi"] == "3.0.0"
    assert doc["servers"]["local"]["host"] == "127.0.0.1:19092"
    assert {s["protocol"] for s in doc["servers"].values()} == {"kafka"}
    for phrase in ("binary", "key", "ce_correlationid", "ce_causationid", "Provider identity"):
        assert phrase in doc["info"]["description"]


def test_every_catalogue_topic_is_a_channel(doc: dict[str, Any]) -> None:
    cat = default_catalogue()
    addresses = {c["address"]: c for c in doc["channels"].values()}
    for topic in cat.all_topics():
        template = topic.name.replace(f".{topic.provider}.", ".{provider}.")
        assert template in addresses, f"{topic.name} has no channel"
        binding = addresses[template]["bindings"]["kafka"]
        assert binding["partitions"] == topic.partitions
        assert binding["topicConfiguration"]["retention.ms"] == topic.retention_ms
        policy = ["compact"] if topic.compacted else ["delete"]
        assert binding["topicConfiguration"]["cleanup.policy"] == policy
    assert len(addresses) == len(cat.shared()) + len(PROVIDER_TOPICS)


def test_per_provider_topics_are_one_parameterized_channel_each(doc: dict[str, Any]) -> None:
    providers = list(default_catalogue().providers)
    assert doc["components"]["parameters"]["provider"]["enum"] == providers
    templated = {c["address"] for c in doc["channels"].values() if "parameters" in c}
    assert templated == {t.name for t in PROVIDER_TOPICS}
    assert "msa.provider.{provider}.reports" in templated


def test_every_event_is_a_message_with_its_schema_headers_key_and_correlation(
    doc: dict[str, Any],
) -> None:
    messages = doc["components"]["messages"]
    for cls in ALL_EVENTS:
        message = messages[f"{cls.name()}.v{cls.schema_version}"]
        assert message["headers"]["properties"]["ce_type"]["const"] == cls.ce_type()
        schema = doc["components"]["schemas"][f"{cls.name()}.v{cls.schema_version}"]
        assert schema["x-ce-type"] == cls.ce_type()
        assert message["payload"]["$ref"].endswith(f"{cls.name()}.v{cls.schema_version}")
    assert doc["components"]["correlationIds"]["correlation"]["location"] == (
        "$message.header#/ce_correlationid"
    )
    assert doc["components"]["messageBindings"]["eventKey"]["kafka"]["key"]["type"] == "string"


def test_every_event_is_carried_by_at_least_one_topic() -> None:
    carried = {cls for t in default_catalogue().all_topics() for cls in t.events}
    assert [cls.name() for cls in ALL_EVENTS if cls not in carried] == []


def test_dead_letter_topics_carry_any_record(doc: dict[str, Any]) -> None:
    for service in SERVICES:
        channel = doc["channels"][f"{service}DeadLetter"]
        assert channel["address"] == f"msa.{service}.dead-letter"
        assert list(channel["messages"]) == ["DeadLetter"]
    assert "type" not in doc["components"]["messages"]["DeadLetter"]["payload"]


def test_operations_send_and_receive_per_producer_and_consumer(doc: dict[str, Any]) -> None:
    ops = doc["operations"]
    assert ops["intake.receive.allocationNotices"]["action"] == "receive"
    assert ops["allocation-system.send.allocationNotices"]["action"] == "send"
    assert ops["provider.send.providerReports"]["action"] == "send"
    assert ops["provider.receive.providerAssignments"]["action"] == "receive"
    group = ops["casework.receive.providerReports"]["bindings"]["kafka"]["groupId"]
    assert group["enum"] == ["msa-casework"]
    for op_id, op in ops.items():
        channel_id = op["channel"]["$ref"].rsplit("/", 1)[-1]
        channel = doc["channels"][channel_id]
        for ref in op["messages"]:
            assert ref["$ref"].startswith(f"#/channels/{channel_id}/messages/"), op_id
            assert ref["$ref"].rsplit("/", 1)[-1] in channel["messages"], op_id


def test_pydantic_defs_became_component_schemas_and_every_ref_resolves(
    doc: dict[str, Any],
) -> None:
    refs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            assert "$defs" not in node and "$id" not in node
            refs.extend(v for k, v in node.items() if k == "$ref")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    for ref in set(refs):
        target: Any = doc
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
    assert {"Reason", "Goal", "InvoiceLine", "District"} <= set(doc["components"]["schemas"])

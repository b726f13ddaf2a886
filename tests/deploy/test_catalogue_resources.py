"""The generated Kafka topics, users, ACLs and autoscaling caps equal what the topic
catalogue implies, in every overlay, before and after a provider is added."""

from __future__ import annotations

from collections import defaultdict

import pytest
from msa_contracts.topics import SERVICES, consumer_group
from msa_ops.deploy.render import check

from tests.deploy.conftest import NEW_PROVIDER
from tests.deploy.support import OVERLAYS, Doc, Tree

TOPIC_REPLICAS = {"dev": 1, "prod": 3}
OURS = (*SERVICES, "scheduler")  # the deployed services: the consumers and the daily clock
Rule = tuple[str, str, str, str]  # resource type, name, pattern, operation


def user_of(actor: str) -> str:
    if actor in OURS:
        return f"msa-{actor}"
    if actor.startswith("provider:"):
        return "provider-" + actor.removeprefix("provider:")
    return f"msa-{actor}"


def expected_rules(tree: Tree) -> dict[str, set[Rule]]:
    """Written from the catalogue's producers, consumers and trimmers, independently of
    msa_ops.deploy."""
    rules: dict[str, set[Rule]] = defaultdict(set)
    for topic in tree.catalogue.all_topics():
        for actor in topic.consumers:
            rules[user_of(actor)] |= {
                ("topic", topic.name, "literal", op) for op in ("Read", "Describe")
            }
            group = (
                (consumer_group(actor), "literal")
                if actor in OURS
                else (f"{user_of(actor)}-", "prefix")
            )
            rules[user_of(actor)].add(("group", *group, "Read"))
        for actor in topic.producers:
            rules[user_of(actor)] |= {
                ("topic", topic.name, "literal", op) for op in ("Write", "Describe")
            }
            if actor in OURS:
                rules[user_of(actor)].add(("cluster", "", "", "IdempotentWrite"))
        for actor in topic.trimmed_by:
            rules[user_of(actor)].add(("topic", topic.name, "literal", "Delete"))
        for actor in topic.reread_by:  # read back outside any group: no group rule
            rules[user_of(actor)] |= {
                ("topic", topic.name, "literal", op) for op in ("Read", "Describe")
            }
    # the scheduler's producer is transactional with one fixed id (fencing a second instance)
    rules["msa-scheduler"] |= {
        ("transactionalId", "msa-scheduler", "literal", op) for op in ("Write", "Describe")
    }
    return rules


def rendered_rules(user: Doc) -> set[Rule]:
    out: set[Rule] = set()
    for acl in user["spec"]["authorization"]["acls"]:
        res = acl["resource"]
        assert acl.get("type", "allow") == "allow" and acl.get("host", "*") == "*"
        for op in acl["operations"]:
            out.add((res["type"], res.get("name", ""), res.get("patternType", ""), op))
    return out


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kafka_topics_equal_the_catalogue(tree: Tree, overlay: str) -> None:
    rendered = {d["spec"]["topicName"]: d for d in tree.docs(overlay, "KafkaTopic")}
    topics = tree.catalogue.all_topics()
    assert sorted(rendered) == sorted(t.name for t in topics)
    for t in topics:
        spec = rendered[t.name]["spec"]
        assert spec["partitions"] == t.partitions, t.name
        assert spec["replicas"] == TOPIC_REPLICAS[overlay], t.name
        assert {k: str(v) for k, v in spec["config"].items()} == t.config, t.name
        assert rendered[t.name]["metadata"]["labels"]["strimzi.io/cluster"] == "msa-kafka"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kafka_user_acls_equal_what_the_catalogue_implies(tree: Tree, overlay: str) -> None:
    users = {d["metadata"]["name"]: d for d in tree.docs(overlay, "KafkaUser")}
    expected = expected_rules(tree)
    assert sorted(users) == sorted(expected)
    for name, user in users.items():
        assert user["spec"]["authentication"] == {"type": "scram-sha-512"}, name
        assert user["spec"]["authorization"]["type"] == "simple", name
        assert rendered_rules(user) == expected[name], name


def test_there_are_users_for_services_providers_and_external_systems(tree: Tree) -> None:
    users = {d["metadata"]["name"] for d in tree.docs("dev", "KafkaUser")}
    providers = {f"provider-{p}" for p in tree.catalogue.providers}
    external = {"msa-allocation-system", "msa-reporting-consumers"}
    assert {f"msa-{s}" for s in OURS} | providers | external <= users


def _overlaps(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Whether two (name, pattern) resource grants can name a common resource."""
    (na, pa), (nb, pb) = a, b
    if pa == pb == "literal":
        return na == nb
    if pa == "prefix" and pb == "prefix":
        return na.startswith(nb) or nb.startswith(na)
    prefix, literal = (na, nb) if pa == "prefix" else (nb, na)
    return literal.startswith(prefix)


def test_no_provider_is_granted_another_providers_topics_or_groups(tree: Tree) -> None:
    users = {d["metadata"]["name"]: d for d in tree.docs("prod", "KafkaUser")}
    providers = tree.catalogue.providers
    grants = {
        p: {(r, n, pat) for r, n, pat, _ in rendered_rules(users[f"provider-{p}"])}
        for p in providers
    }
    for p in providers:
        own_topics = {
            f"msa.provider.{p}.{k}" for k in ("reports", "hours", "assignments", "feedback")
        }
        assert {n for r, n, _ in grants[p] if r == "topic"} == own_topics, p
        assert {(n, pat) for r, n, pat in grants[p] if r == "group"} == {
            (f"provider-{p}-", "prefix")
        }
        assert {r for r, _, _ in grants[p]} == {"topic", "group"}, f"{p}: no cluster rights"
        assert all(pat == "literal" for r, _, pat in grants[p] if r == "topic"), p
        for q in providers:
            if q == p:
                continue
            for res in ("topic", "group"):
                mine = {(n, pat) for r, n, pat in grants[p] if r == res}
                theirs = {(n, pat) for r, n, pat in grants[q] if r == res}
                clash = [(a, b) for a in mine for b in theirs if _overlaps(a, b)]
                assert not clash, f"{p} and {q} share {res} grants: {clash}"


def test_provider_writes_only_its_reports_and_hours_and_reads_only_assignments_and_feedback(
    tree: Tree,
) -> None:
    users = {d["metadata"]["name"]: d for d in tree.docs("dev", "KafkaUser")}
    for p in tree.catalogue.providers:
        rules = rendered_rules(users[f"provider-{p}"])
        writes = {n for r, n, _, op in rules if r == "topic" and op == "Write"}
        reads = {n for r, n, _, op in rules if r == "topic" and op == "Read"}
        assert writes == {f"msa.provider.{p}.reports", f"msa.provider.{p}.hours"}
        assert reads == {f"msa.provider.{p}.assignments", f"msa.provider.{p}.feedback"}


def test_no_two_users_share_a_consumer_group_namespace(tree: Tree) -> None:
    groups = {
        d["metadata"]["name"]: {(n, pat) for r, n, pat, _ in rendered_rules(d) if r == "group"}
        for d in tree.docs("dev", "KafkaUser")
    }
    names = sorted(groups)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            clash = [(x, y) for x in groups[a] for y in groups[b] if _overlaps(x, y)]
            assert not clash, f"{a} and {b} share consumer groups: {clash}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_scaled_objects_cap_replicas_at_the_fewest_partitions_consumed(
    tree: Tree, overlay: str
) -> None:
    scaled = {d["spec"]["scaleTargetRef"]["name"]: d for d in tree.docs(overlay, "ScaledObject")}
    deployments = {d["metadata"]["name"] for d in tree.docs(overlay, "Deployment")}
    cat = tree.catalogue
    consumers = [s for s in SERVICES if cat.consumed_by(s)]
    assert sorted(scaled) == sorted(f"msa-{s}" for s in consumers)
    for s in consumers:
        spec = scaled[f"msa-{s}"]["spec"]
        work = [t.partitions for t in cat.consumed_by(s) if t.name != "msa.clock"]
        assert spec["maxReplicaCount"] == max(work), s
        assert 1 <= spec["minReplicaCount"] <= spec["maxReplicaCount"]
        (trigger,) = spec["triggers"]
        assert trigger["type"] == "kafka"
        assert trigger["metadata"]["consumerGroup"] == consumer_group(s)
        assert f"msa-{s}" in deployments


def test_generated_files_are_up_to_date(tree: Tree) -> None:
    assert check(tree.root, tree.catalogue) == []


def test_the_new_provider_has_topics_and_a_user(with_new_provider: Tree) -> None:
    topics = {d["spec"]["topicName"] for d in with_new_provider.docs("prod", "KafkaTopic")}
    users = {d["metadata"]["name"] for d in with_new_provider.docs("prod", "KafkaUser")}
    kinds = ("reports", "hours", "assignments", "feedback")
    assert {f"msa.provider.{NEW_PROVIDER}.{k}" for k in kinds} <= topics
    assert f"provider-{NEW_PROVIDER}" in users
    script = (with_new_provider.root / "deploy/compose/create-topics.sh").read_text()
    assert f"msa.provider.{NEW_PROVIDER}.hours" in script


def test_the_persons_topic_keeps_every_erasure_longer_than_any_backup() -> None:
    """Intake re-applies the PersonErased records of this topic after a restore: they must
    outlive the oldest backup (retention far above the nights kept) and never be compacted
    away."""
    from msa_contracts.topics import DAY_MS, PERSONS, catalogue
    from msa_kit.backup.run import DEFAULT_KEEP

    persons = catalogue(()).topic(PERSONS)
    assert persons.retention_ms > 10 * DEFAULT_KEEP * DAY_MS and not persons.compacted
    assert "retention.bytes" not in persons.config and "intake" in persons.reread_by

"""Who may do what on the cluster, derived from the catalogue's producers and consumers.

Every actor named by a topic gets one Kafka user. Consumers get Read (and Describe) on each
topic they consume and Read on their consumer group(s); producers get Write (and Describe)
on each topic they produce; a service that trims a topic (``trimmed_by``) gets Delete on
it, and one that reads a topic back outside any group (``reread_by``) gets Read on it.
The services produce idempotently (``enable_idempotence``),
so they also get IdempotentWrite on the cluster; the scheduler's producer is transactional,
so it gets Write on its one transactional id. Nothing is granted by prefix except an
external consumer's own group namespace (``<user>-``), so a provider reaches only its own
topics and groups. In a topic namespace (``MSA_ENV``) every topic, group and user name
carries the environment, so environments sharing a cluster cannot reach each other.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from msa_contracts.namespace import NO_NAMESPACE, Namespace
from msa_contracts.topics import Catalogue

from msa_ops.deploy.naming import TRANSACTIONAL_IDS, group_acl, is_service, kafka_user

READ = ("Describe", "Read")
WRITE = ("Describe", "Write")


@dataclass(frozen=True, order=True)
class Acl:
    """One allow rule: a resource (type, name, pattern) and the operations on it."""

    resource: str  # topic | group | cluster | transactionalId
    name: str
    pattern: str  # literal | prefix
    operations: tuple[str, ...]

    def as_strimzi(self) -> dict[str, object]:
        res: dict[str, object] = {"type": self.resource}
        if self.resource != "cluster":
            res |= {"name": self.name, "patternType": self.pattern}
        return {"resource": res, "operations": list(self.operations), "host": "*"}


def actors(cat: Catalogue) -> tuple[str, ...]:
    """Every producer and consumer the catalogue names, sorted."""
    found = {a for t in cat.all_topics() for a in (*t.producers, *t.consumers)}
    return tuple(sorted(found))


def acls_for(cat: Catalogue, actor: str, ns: Namespace = NO_NAMESPACE) -> tuple[Acl, ...]:
    """The allow rules of one actor in namespace ``ns``, merged per resource and sorted."""
    ops: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for topic in cat.consumed_by(actor):
        ops["topic", ns.topic(topic.name), "literal"].update(READ)
    for topic in cat.produced_by(actor):
        ops["topic", ns.topic(topic.name), "literal"].update(WRITE)
    for topic in cat.all_topics():
        if actor in topic.trimmed_by:  # DeleteRecords of what it has processed
            ops["topic", ns.topic(topic.name), "literal"].add("Delete")
        if actor in topic.reread_by:  # read back from offset zero, outside any group
            ops["topic", ns.topic(topic.name), "literal"].update(READ)
    if cat.consumed_by(actor):
        group, pattern = group_acl(actor)
        ops["group", ns.name(group), pattern].add("Read")
    if is_service(actor) and cat.produced_by(actor):
        ops["cluster", "kafka-cluster", "literal"].add("IdempotentWrite")
    if actor in TRANSACTIONAL_IDS:  # its fixed id: the newest instance fences the others
        ops["transactionalId", TRANSACTIONAL_IDS[actor], "literal"].update(WRITE)
    return tuple(sorted(Acl(r, n, p, tuple(sorted(o))) for (r, n, p), o in ops.items()))


def users(cat: Catalogue, ns: Namespace = NO_NAMESPACE) -> dict[str, tuple[Acl, ...]]:
    """Kafka user name -> its ACLs, for every actor (in namespace ``ns``)."""
    return {ns.name(kafka_user(a)): acls_for(cat, a, ns) for a in actors(cat)}

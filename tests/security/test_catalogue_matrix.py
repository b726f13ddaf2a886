"""Every actor of the topic catalogue against every topic and consumer group, at the real
secured broker. Expectations come from the catalogue's producers and consumers and the
group naming rule, not from the ACLs, so the broker's answers prove that the ACLs say what
the catalogue means."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from aiokafka.errors import GroupAuthorizationFailedError, TopicAuthorizationFailedError
from msa_contracts.topics import consumer_group
from msa_ops.deploy.acls import actors
from msa_ops.deploy.naming import DEPLOYED, is_service, kafka_user
from msa_ops.infra.secure_kafka import SecureKafka
from msa_ops.infra.topics import ensure_topics

from tests.security.clients import CAT, consume, own_group, produce, producer, send

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

TopicDenied = TopicAuthorizationFailedError
GroupDenied = GroupAuthorizationFailedError
READERS = [a for a in actors(CAT) if CAT.consumed_by(a)]
NON_READERS = [a for a in actors(CAT) if not CAT.consumed_by(a)]


@pytest.mark.parametrize("actor", actors(CAT))
async def test_write_matrix(secure_kafka: SecureKafka, actor: str) -> None:
    """An actor can write exactly the topics the catalogue lists it as producer of."""
    allowed: set[str] = set()
    async with producer(secure_kafka, kafka_user(actor)) as client:
        for topic in CAT.all_topics():
            try:
                await send(client, topic.name)
            except TopicDenied:
                continue
            allowed.add(topic.name)
    assert allowed == {t.name for t in CAT.produced_by(actor)}


@pytest.mark.parametrize("actor", READERS)
async def test_read_matrix(secure_kafka: SecureKafka, actor: str) -> None:
    """An actor can read exactly the topics the catalogue lists it as consumer of, or as one
    it reads back outside any group (intake its persons topic, for the erasures)."""
    allowed: set[str] = set()
    for topic in CAT.all_topics():
        try:
            await consume(secure_kafka, kafka_user(actor), topic.name, own_group(actor))
        except TopicDenied:
            continue
        allowed.add(topic.name)
    reread = {t.name for t in CAT.all_topics() if actor in t.reread_by}
    assert allowed == {t.name for t in CAT.consumed_by(actor)} | reread


def _may_use(actor: str, group: str) -> bool:
    """A service uses only its own group; any other actor only groups `<its user>-*`."""
    if is_service(actor):
        return group == consumer_group(actor)
    return group.startswith(f"{kafka_user(actor)}-")


GROUPS = sorted(
    {consumer_group(s) for s in DEPLOYED}
    | {f"{kafka_user(a)}-app" for a in actors(CAT) if not is_service(a)}
    | {f"{kafka_user(a)}-app" for a in DEPLOYED}  # a service's name plus a suffix: not its group
    | {"msa", "provider", "provider-"}
)


@pytest.mark.parametrize("actor", READERS)
async def test_group_matrix(secure_kafka: SecureKafka, actor: str) -> None:
    """An actor can join exactly the consumer groups its naming rule gives it."""
    topic = CAT.consumed_by(actor)[0].name
    allowed: set[str] = set()
    for group in GROUPS:
        try:
            await consume(secure_kafka, kafka_user(actor), topic, group)
        except GroupDenied:
            continue
        allowed.add(group)
    assert allowed == {g for g in GROUPS if _may_use(actor, g)}
    assert allowed  # at least the actor's own group


@pytest.mark.parametrize("actor", NON_READERS)
async def test_write_only_actors_read_nothing(secure_kafka: SecureKafka, actor: str) -> None:
    for topic in CAT.all_topics():
        with pytest.raises((TopicDenied, GroupDenied)):
            await consume(secure_kafka, kafka_user(actor), topic.name, f"{kafka_user(actor)}-app")


async def test_topic_without_acls_is_closed_to_all_but_the_super_user(
    secure_kafka: SecureKafka,
) -> None:
    """allow.everyone.if.no.acl.found=false: a topic no ACL names is nobody's."""
    topic = "msa.acl-proof.unlisted"
    admin = secure_kafka.client("admin")
    spec = SimpleNamespace(name=topic, partitions=1, config={})
    await ensure_topics(admin.pop("bootstrap_servers"), [spec], client=admin)
    await produce(secure_kafka, "admin", topic)
    for user in sorted(secure_kafka.passwords.keys() - {"admin"}):
        with pytest.raises(TopicDenied):
            await produce(secure_kafka, user, topic)
    for actor in READERS:
        with pytest.raises(TopicDenied):
            await consume(secure_kafka, kafka_user(actor), topic, own_group(actor))

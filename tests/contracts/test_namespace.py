"""Topic namespaces: one cluster, several environments, never a shared record."""

from __future__ import annotations

import pytest
from msa_contracts.namespace import NO_NAMESPACE, InvalidNamespace, Namespace
from msa_contracts.topics import catalogue, consumer_group


def test_a_catalogue_topic_goes_on_the_wire_under_the_environment() -> None:
    staging = Namespace("staging")
    assert staging.topic("msa.casework.cases") == "msa.staging.casework.cases"
    assert staging.topic("msa.provider.caritas.hours") == "msa.staging.provider.caritas.hours"
    assert staging.topic("msa.billing.dead-letter") == "msa.staging.billing.dead-letter"
    assert staging.logical("msa.staging.clock") == "msa.clock"


def test_without_an_environment_wire_and_logical_names_are_the_same() -> None:
    assert NO_NAMESPACE.topic("msa.clock") == NO_NAMESPACE.logical("msa.clock") == "msa.clock"
    assert Namespace.from_env({}) == NO_NAMESPACE == Namespace.from_env({"MSA_ENV": " "})
    assert Namespace.from_env({"MSA_ENV": "prod"}) == Namespace("prod")


def test_names_outside_the_catalogue_and_other_environments_are_left_alone() -> None:
    run = Namespace("demo20261207")
    for name in ("msa.intake-3f2a.dead-letter", "t-notices-1234", "intake.persons"):
        assert run.topic(name) == name
    assert run.logical("msa.test1.casework.cases") == "msa.test1.casework.cases"
    assert run.logical("msa.casework.cases") == "msa.casework.cases"


def test_groups_and_kafka_users_carry_the_environment() -> None:
    assert Namespace("staging").name(consumer_group("billing")) == "msa-staging-billing"
    assert Namespace("staging").name("provider-caritas") == "provider-staging-caritas"
    assert NO_NAMESPACE.name("msa-billing") == "msa-billing"


@pytest.mark.parametrize("env", ["Prod", "a.b", "9lives", "clock", "provider", "x" * 41])
def test_an_environment_that_cannot_be_part_of_a_topic_name_is_refused(env: str) -> None:
    with pytest.raises(InvalidNamespace, match="MSA_ENV"):
        Namespace(env)


def test_the_catalogue_on_the_wire_keeps_every_topic_apart_from_the_default_one() -> None:
    cat = catalogue(["caritas"])
    wire = cat.on_wire(Namespace("staging"))
    assert len(wire) == len(cat.all_topics())
    assert all(t.name.startswith("msa.staging.") for t in wire)
    assert not {t.name for t in wire} & {t.name for t in cat.all_topics()}
    assert [t.partitions for t in wire] == [t.partitions for t in cat.all_topics()]

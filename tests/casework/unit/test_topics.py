"""Casework consumes and produces exactly what the topic catalogue says."""

from __future__ import annotations

from msa_casework.handlers import ROUTES
from msa_contracts import topics
from msa_contracts.events import AccessRequested
from msa_contracts.reference import load_reference
from msa_contracts.registry import DEFAULT_REGISTRY
from msa_contracts.topics import catalogue

from tests.casework.harness import harness


async def test_casework_consumes_the_catalogues_topics_for_casework() -> None:
    expected = {t.name for t in catalogue().consumed_by("casework")}
    async with harness(load_reference()) as cw:
        consumed = {name for c in cw.casework.consumers for name in c.topics}
    assert consumed == expected


def test_casework_produces_on_the_catalogues_topics_for_casework() -> None:
    produced = {t.name for t in catalogue().produced_by("casework")}
    providers = [p.id for p in load_reference().providers]
    assert produced - {"msa.casework.dead-letter"} == {
        topics.CASES,
        topics.ACCESS_PARTS,
        *(topics.assignments(p) for p in providers),
    }


async def test_every_event_allowed_on_a_consumed_topic_has_a_handler() -> None:
    async with harness(load_reference()) as cw:
        allowed = {t for c in cw.casework.consumers for t in c.subscription.allowed_types or ()}
    # access requests are answered by the kit's one responder (msa_kit.access_requests)
    handled = {cls.ce_type() for cls in ROUTES.types} | {AccessRequested.ce_type()}
    assert allowed == handled
    assert all(DEFAULT_REGISTRY.resolve(t) for t in allowed)

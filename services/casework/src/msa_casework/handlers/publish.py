"""The one mapping step from decided facts to topics, inside the handler's transaction."""

from __future__ import annotations

from msa_contracts import topics
from msa_contracts.topics import CASE_FEED, PROVIDER_FEED
from msa_kit.processing import Context

from msa_casework.domain.facts import Outcome


def publish(ctx: Context, outcome: Outcome) -> None:
    """Case-feed events go to the cases topic (office, billing, reporting); provider-feed
    events also go to the assignment topic of every provider concerned."""
    for fact in outcome.facts:
        kind = type(fact.event)
        targets = [topics.CASES] if kind in CASE_FEED else []
        if kind in PROVIDER_FEED:
            targets += [topics.assignments(p) for p in dict.fromkeys(fact.providers)]
        if targets:
            ctx.emit(targets[0], fact.event, *targets[1:])

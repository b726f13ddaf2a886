"""Casework's facts update billing's view of the case; entries held for it are decided
again (a closed case decides them for good)."""

from __future__ import annotations

from msa_kit.processing import Context

from msa_billing.domain.case_view import CaseView
from msa_billing.domain.settle import settle
from msa_billing.handlers.deps import Deps


async def case_changed(deps: Deps, ctx: Context) -> None:
    event = ctx.event
    case_id: str = getattr(event, "case_id")  # noqa: B009 - every case-feed event has one
    unit = deps.unit(ctx)
    case = await unit.cases.get(case_id) or CaseView(case_id=case_id)
    case.apply(event)
    today = await unit.days.latest()
    facts = []
    for entry in await unit.entries.held_for_case(case_id):
        facts += settle(entry, case, today, deps.policy, ctx.now)
        await unit.entries.save(entry)
    await unit.cases.save(case)
    deps.publish(ctx, facts)

"""The day's tick: remember the day, run what falls due and delete the case files whose
period ended."""

from __future__ import annotations

from msa_contracts.events import DayStarted
from msa_kit.day_store import take_tick
from msa_kit.processing import Context

from msa_casework.domain.ticks import on_day
from msa_casework.handlers.deps import Deps
from msa_casework.handlers.publish import publish
from msa_casework.handlers.retention import expire_case_files


async def day_started(deps: Deps, ctx: Context) -> None:
    tick = ctx.expect(DayStarted)
    unit = deps.unit(ctx)
    day = await take_tick(unit.days, tick.day)
    if day is None:
        return
    due, capacity = await unit.due(day), await unit.capacity()
    outcome = on_day(due, capacity, day, deps.rules)
    await unit.save(outcome, capacity)
    expired = await expire_case_files(unit, deps, day)
    await unit.save(expired)
    publish(ctx, outcome.merge(expired))

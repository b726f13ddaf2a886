"""The day's tick: remember the day, decide held entries again (those held too long for
good), run the invoices that fall due, and apply the deletion periods."""

from __future__ import annotations

from datetime import date, datetime

from msa_contracts.events import DayStarted
from msa_kit.day_store import take_tick
from msa_kit.processing import Context

from msa_billing.domain.case_view import CaseView
from msa_billing.domain.facts import Fact
from msa_billing.domain.months import previous_month
from msa_billing.domain.settle import settle
from msa_billing.handlers.deps import Deps
from msa_billing.handlers.invoicing import run_invoices
from msa_billing.handlers.retention import apply_periods
from msa_billing.ports import Unit


async def day_started(deps: Deps, ctx: Context) -> None:
    tick = ctx.expect(DayStarted)
    unit = deps.unit(ctx)
    today = await take_tick(unit.days, tick.day)
    if today is None:
        return
    facts = await revisit_held(unit, deps, today, ctx.now)
    target = previous_month(today)
    if target not in await unit.runs.done():
        _, issued = await run_invoices(unit, target, today)
        facts += issued
    facts += await apply_periods(deps, ctx, today)
    deps.publish(ctx, facts)


async def revisit_held(unit: Unit, deps: Deps, today: date, now: datetime) -> list[Fact]:
    """Every held entry is decided again; one whose hold period has passed is decided for
    good with what is known (``settle`` knows when; a safety net besides the re-decision that
    each change of the case triggers)."""
    cases: dict[str, CaseView] = {}
    facts: list[Fact] = []
    for entry in await unit.entries.held_since_before(today):
        if entry.case_id not in cases:
            cases[entry.case_id] = await unit.cases.get(entry.case_id) or CaseView(
                case_id=entry.case_id
            )
        facts += settle(entry, cases[entry.case_id], today, deps.policy, now)
        await unit.entries.save(entry)
    for case in cases.values():
        await unit.cases.save(case)
    return facts

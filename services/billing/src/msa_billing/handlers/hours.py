"""A provider's hour entry: the provider is the topic's, never a field of the entry."""

from __future__ import annotations

from msa_contracts.events import HoursLogged
from msa_kit.city_day import city_day
from msa_kit.processing import Context, UnexpectedEvent

from msa_billing.domain.case_view import CaseView
from msa_billing.domain.entry import Entry
from msa_billing.domain.settle import repeat, settle
from msa_billing.handlers.deps import Deps, cause_of


async def hours_logged(deps: Deps, ctx: Context) -> None:
    logged = ctx.expect(HoursLogged)
    if ctx.provider is None:
        raise UnexpectedEvent(f"{ctx.record.topic} is not a provider's hours topic")
    unit = deps.unit(ctx)
    known = await unit.entries.get(ctx.provider, logged.entry_id)
    if known is not None:
        facts = repeat(known, logged, cause_of(ctx), ctx.now, deps.policy.hold_days)
        await unit.entries.save(known)
    else:
        sent_on = city_day(ctx.envelope.time)
        entry = Entry.received(ctx.provider, logged, cause_of(ctx), ctx.now, sent_on)
        case = await unit.cases.get(logged.case_id) or CaseView(case_id=logged.case_id)
        facts = settle(entry, case, await unit.days.latest(), deps.policy, ctx.now)
        await unit.entries.save(entry)
        # saved even when unchanged (a store writes every save): a concurrent change of the
        # case conflicts with this decision, and one transaction is retried on the other's
        await unit.cases.save(case)
    deps.publish(ctx, facts)


async def preload(deps: Deps, contexts: list[Context]) -> None:
    """Read the entries and cases of a batch of hour entries with one query each."""
    logged = [(c.provider, c.event) for c in contexts if isinstance(c.event, HoursLogged)]
    await deps.work(contexts[0]).preload(
        [(p, e.entry_id) for p, e in logged if p is not None],
        [e.case_id for _, e in logged],
    )

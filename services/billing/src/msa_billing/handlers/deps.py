"""What every handler needs."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from msa_kit.processing import Context

from msa_billing.domain.checks import Policy
from msa_billing.domain.facts import Cause, Fact
from msa_billing.domain.retention import Periods
from msa_billing.ports import BufferedUnit, Store, Unit
from msa_billing.routing import BillingTopics, outgoing

UNIT_OF_WORK = "billing-unit-of-work"


@dataclass(frozen=True)
class Deps:
    store: Store
    policy: Policy
    topics: BillingTopics
    periods: Periods
    #: a case id that belongs to nobody, for a case whose hours' period ended
    replacement: Callable[[], str] = field(default=lambda: f"C-{secrets.token_hex(8)}")

    def unit(self, ctx: Context) -> Unit:
        """Repositories inside the kit's transaction for this record."""
        return self.work(ctx).unit

    def work(self, ctx: Context) -> BufferedUnit:
        """The transaction's unit of work, shared by every record of a batch; what it
        buffered is written before the commit."""
        work = ctx.scope.items.get(UNIT_OF_WORK)
        if not isinstance(work, BufferedUnit):
            work = ctx.scope.items[UNIT_OF_WORK] = self.store.buffered_unit(ctx.session)
            ctx.scope.before_commit.append(work.flush)
        return work

    def publish(self, ctx: Context, facts: list[Fact]) -> None:
        """Emit ``facts`` with this record's transaction (the outbox publishes them later)."""
        ctx.emitted.extend(outgoing(facts, self.topics, cause_of(ctx)))


def cause_of(ctx: Context) -> Cause:
    trace = ctx.trace
    return Cause(
        event_id=ctx.envelope.id, correlation_id=ctx.envelope.correlation_id,
        traceparent=trace.traceparent if trace else None,
        tracestate=trace.tracestate if trace else None,
    )  # fmt: skip

"""Keep an input event: store it (in the kit's transaction) and tell the live projection."""

from __future__ import annotations

from msa_kit.processing import Context, Handler

from msa_reporting.domain.stored import Stored, is_input
from msa_reporting.handlers.live import LiveProjection
from msa_reporting.ports import Store


def make_recorder(store: Store, live: LiveProjection) -> Handler:
    """The handler of every input topic."""

    async def record(ctx: Context) -> None:
        if not is_input(ctx.event):
            return  # acknowledged (inbox) but read by no figure
        r = ctx.record
        stored = Stored(r.topic, r.partition, r.offset, ctx.envelope.id, ctx.event)
        await store.save_event(stored, ctx.session)
        live.add(stored)

    return record

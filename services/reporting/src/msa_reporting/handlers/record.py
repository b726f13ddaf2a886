"""Keep an input event: store it (in the kit's transaction) and tell the live projection; a
retention notice anonymises the stored events it names instead (figures unchanged)."""

from __future__ import annotations

from msa_kit.logging import get_logger
from msa_kit.processing import Context, Handler

from msa_reporting.domain.anonymise import replacements_of
from msa_reporting.domain.stored import Stored, is_input
from msa_reporting.handlers.live import LiveProjection
from msa_reporting.ports import Store

log = get_logger("msa_reporting.retention")


def make_recorder(store: Store, live: LiveProjection) -> Handler:
    """The handler of every input topic."""

    async def record(ctx: Context) -> None:
        if replacements := replacements_of(ctx.event):
            changed = await store.anonymise(replacements, ctx.session)
            log.info("stored events anonymised", events=changed)
            return
        if not is_input(ctx.event):
            return  # acknowledged (inbox) but read by no figure
        r = ctx.record
        stored = Stored(r.topic, r.partition, r.offset, ctx.envelope.id, ctx.event)
        await store.save_event(stored, ctx.session)
        live.add(stored)

    return record

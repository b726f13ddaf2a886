"""The day's deletions: case files whose period ended go, with an audit record and a notice
each. A repeated tick finds nothing left to delete."""

from __future__ import annotations

from datetime import date

from msa_kit.logging import get_logger

from msa_casework.domain.facts import Outcome
from msa_casework.domain.retention import expire, latest_closing_due
from msa_casework.handlers.deps import Deps
from msa_casework.ports import Unit

log = get_logger("msa_casework.retention")


async def expire_case_files(unit: Unit, deps: Deps, today: date) -> Outcome:
    """Delete the case files due on ``today``; the outcome carries their notices (for the
    cases topic and the provider that last held each case) and the mentees' changed cases."""
    due = await unit.case_repo.closed_on_or_before(latest_closing_due(today, deps.periods))
    expiry = expire(due, today, deps.periods, deps.replacements)
    outcome = Outcome()
    holders = {c.case_id: c.provider_id for c in due}
    for deletion in expiry.deletions:
        await unit.delete(deletion.case_id)
        await unit.audit.append(deletion.audit)
        outcome.tell(deletion.notice, holders.get(deletion.case_id))
    for person_ref in expiry.mentors_forgotten:
        for mentee in await unit.case_repo.mentored_by(person_ref):
            mentee.mentor_ref = None
            outcome.changed(mentee)
    if expiry.deletions:
        log.info("case files deleted", count=len(expiry.deletions), day=today.isoformat())
    return outcome

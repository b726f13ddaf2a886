"""Which module a case is in, and when it changes."""

from __future__ import annotations

from datetime import date

from msa_contracts.events import ModuleChanged, Reason, reason
from msa_contracts.values import Module

from msa_casework.domain.calendar import ONE_DAY
from msa_casework.domain.case import Case
from msa_casework.domain.facts import Outcome


def change_module(
    case: Case, module: Module, since: date, until: date | None, why: Reason
) -> Outcome:
    """Enter ``module``. Like ``CaseOpened.module_until``, a Willkommensleistung's ``until`` is
    its end date (allocation + 12 months); the history records every period's last day."""
    last_day = until - ONE_DAY if until and module is Module.WILLKOMMEN else until
    case.enter_module(module, since, last_day, why.code)
    outcome = Outcome()
    outcome.tell(
        ModuleChanged(case_id=case.case_id, module=module, since=since, until=until,
                      reason=why),
        case.assigned_to,
    )  # fmt: skip
    outcome.changed(case)
    return outcome


def end_willkommen(case: Case, day: date) -> Outcome:
    """After its 12 months, a case without an active Fachleistung moves to its region's
    Integrationsbüro (the Willkommensleistung runs from allocation up to ``willkommen_until``)."""
    if case.module is not Module.WILLKOMMEN or day < case.willkommen_until:
        return Outcome()
    why = reason("willkommen-ended", f"12 months of Willkommensleistung ended ({case.region})")
    return change_module(case, Module.INTEGRATIONSBUERO, case.willkommen_until, None, why)


def leave_fachleistung(case: Case, on: date) -> Outcome:
    """Back to the Willkommensleistung if still inside its 12 months, else Integrationsbüro."""
    if case.module is not Module.FACHLEISTUNG:
        return Outcome()
    why = reason("approval-expired", "the Fachleistung approval ended")
    if on < case.willkommen_until:
        return change_module(case, Module.WILLKOMMEN, on, case.willkommen_until, why)
    return change_module(case, Module.INTEGRATIONSBUERO, on, None, why)

"""Handlers for intake's person events: load, decide, save, publish."""

from __future__ import annotations

from datetime import date

from msa_contracts.events import (
    ArrivalRegistered,
    PersonDeparted,
    PersonErased,
    PersonRelocated,
    ResidenceStatusChanged,
)
from msa_kit.city_day import city_day
from msa_kit.processing import Context

from msa_casework.domain.closing import CloseReason, close_case
from msa_casework.domain.eligibility import reassess
from msa_casework.domain.opening import case_id_for, open_case
from msa_casework.domain.relocation import relocate
from msa_casework.handlers.deps import Deps
from msa_casework.handlers.publish import publish


async def arrival_registered(deps: Deps, ctx: Context) -> None:
    arrival = ctx.expect(ArrivalRegistered)
    unit = deps.unit(ctx)
    if await unit.case(case_id_for(arrival.person_ref)) is not None:
        return  # one case per person: a repeated arrival changes nothing
    capacity = await unit.capacity()
    mentors = await unit.persons.speaking(arrival.district, arrival.languages)
    outcome = open_case(arrival, capacity, mentors, deps.rules)
    await unit.save(outcome, capacity)
    publish(ctx, outcome)


async def residence_status_changed(deps: Deps, ctx: Context) -> None:
    change = ctx.expect(ResidenceStatusChanged)
    unit = deps.unit(ctx)
    case = await unit.case(case_id_for(change.person_ref))
    outcome = reassess(case, change, deps.rules.reference)
    await unit.save(outcome)
    publish(ctx, outcome)


async def person_relocated(deps: Deps, ctx: Context) -> None:
    moved = ctx.expect(PersonRelocated)
    unit = deps.unit(ctx)
    file = await unit.person_file(moved.person_ref, case_id_for(moved.person_ref))
    capacity = await unit.capacity()
    outcome = relocate(file, moved, capacity, deps.rules)
    await unit.save(outcome, capacity)
    publish(ctx, outcome)


async def person_departed(deps: Deps, ctx: Context) -> None:
    departed = ctx.expect(PersonDeparted)
    await _close(deps, ctx, departed.person_ref, "departed", departed.departed_on)


async def person_erased(deps: Deps, ctx: Context) -> None:
    erased = ctx.expect(PersonErased)
    await _close(deps, ctx, erased.person_ref, "erased", city_day(erased.erased_at))


async def _close(deps: Deps, ctx: Context, person_ref: str, reason: CloseReason, on: date) -> None:
    unit = deps.unit(ctx)
    file = await unit.person_file(person_ref, case_id_for(person_ref))
    capacity = await unit.capacity()
    outcome = close_case(file, reason, on, capacity, deps.rules)
    await unit.save(outcome, capacity)
    publish(ctx, outcome)

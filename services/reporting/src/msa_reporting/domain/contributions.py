"""Facts joined with their attributes on their business date: one contribution each.

The joins: a case leads to its person (CaseOpened); a person's district and residence
status are looked up on the fact's date (ArrivalRegistered, PersonRelocated,
ResidenceStatusChanged); the region follows from the district, the field from the measure.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

from msa_contracts.reference import ReferenceData

from msa_reporting.domain.dimensions import NONE_PROVIDER, UNKNOWN
from msa_reporting.domain.figures import ACTIVITIES
from msa_reporting.domain.periods import stock_day
from msa_reporting.domain.world import WAITING, CaseFile, Occurrence, World


class Contribution(NamedTuple):
    figure: str
    on: date
    value: int
    unit: str
    attrs: dict[str, str]


#: Figures read straight from the folded outcomes (hours are split by activity below).
FLOWS = {
    "arrivals": "arrivals", "plans_agreed": "plans_agreed", "goals_set": "goals_set",
    "goals_achieved": "goals_achieved", "goals_dropped": "goals_dropped",
    "goal_days": "goal_days", "approvals": "approvals", "amount_invoiced": "amount_invoiced",
    "mentors_matched": "mentors_matched", "referrals": "referrals", "waits": "waiting_days",
}  # fmt: skip


class Joiner:
    """Resolves a fact's person, district, status group, provider, measure and domain."""

    def __init__(self, world: World, reference: ReferenceData) -> None:
        self.world = world
        self.groups = {s.id.value: s.group for s in reference.statuses}
        self.regions = {d.id.value: d.region.value for d in reference.districts}
        self.fields = {m.id: m.field for m in reference.measures}

    def contribution(self, figure: str, o: Occurrence, day: date) -> Contribution:
        case = self.world.cases.get(o.case_id) if o.case_id else None
        ref = o.person_ref or (case.person_ref if case else None)
        district, region, group = self.place(case, ref, day)
        holder = case.holders.at(day) if case else None
        measure = o.measure or UNKNOWN
        attrs = {
            "district": district, "region": region, "status_group": group,
            "provider": o.provider or holder or NONE_PROVIDER,
            "measure": measure, "field": self.fields.get(measure, UNKNOWN),
            "domain": o.domain or UNKNOWN,
        }  # fmt: skip
        return Contribution(figure, o.on, o.value, ref or o.case_id or UNKNOWN, attrs)

    def place(self, case: CaseFile | None, ref: str | None, day: date) -> tuple[str, str, str]:
        """District, region and status group of a case's person on ``day``."""
        person = self.world.persons.get(ref) if ref else None
        district = (person.districts.at(day) if person else None) or (
            case.district if case else None
        )
        status = person.statuses.at(day) if person else None
        return (district or UNKNOWN, self.regions.get(district or "", UNKNOWN),
                self.groups.get(status or "", UNKNOWN))  # fmt: skip

    def hours(self, case_id: str) -> Iterator[Contribution]:
        """A case's hours as ``contribution`` joins them, summed per figure, month and row
        first: hours are flows of one unit (the case's), so every cell gets the same sum
        and units either way, from far fewer contributions."""
        case = self.world.cases.get(case_id)
        ref = case.person_ref if case else None
        places: dict[date, tuple[str, str, str]] = {}
        sums: dict[tuple[str, date, str, str, str, str, str], int] = {}
        for e in self.world.hours.of(case_id):
            place = places.get(e.on) or places.setdefault(e.on, self.place(case, ref, e.on))
            holder = case.holders.at(e.on) if case and not e.provider else None
            key = (ACTIVITIES[e.activity], e.on.replace(day=1), *place,
                   e.provider or holder or NONE_PROVIDER, e.domain or UNKNOWN)  # fmt: skip
            sums[key] = sums.get(key, 0) + e.minutes
        field = self.fields.get(UNKNOWN, UNKNOWN)
        for (figure, month, district, region, group, provider, domain), minutes in sums.items():
            attrs = {
                "district": district, "region": region, "status_group": group,
                "provider": provider, "measure": UNKNOWN, "field": field, "domain": domain,
            }  # fmt: skip
            yield Contribution(figure, month, minutes, ref or case_id, attrs)


def contributions(world: World, reference: ReferenceData, months: tuple[str, ...], as_of: date,
                  part: int = 0, parts: int = 1) -> Iterator[Contribution]:  # fmt: skip
    """Every contribution to every figure, those of one unit (person, or case where no
    person is known) one after another; stocks are counted on each month's last day. Only
    the units of ``part`` of ``parts`` (by a hash of the unit: the same in every process)."""
    join = Joiner(world, reference)
    days = [stock_day(month, as_of) for month in months]
    for unit, (flows, case_ids) in _by_unit(world).items():
        if parts > 1 and zlib.crc32(unit.encode()) % parts != part:
            continue
        for figure, o in flows:
            yield join.contribution(figure, o, o.on)
        for case_id in case_ids:
            yield from join.hours(case_id)
            case = world.cases.get(case_id)
            if case is not None:
                yield from _stocks(join, case_id, case, days)


def _stocks(join: Joiner, case_id: str, case: CaseFile, days: list[date]) -> Iterator[Contribution]:
    for day in days:
        if case.opened_on is None or case.opened_on > day:
            continue
        if case.closed_on is not None and case.closed_on <= day:
            continue
        here = Occurrence(day, case_id)
        yield join.contribution("open_cases", here, day)
        if case.holders.at(day) == WAITING:
            yield join.contribution("waiting", here, day)


Group = tuple[list[tuple[str, Occurrence]], list[str]]


def _by_unit(world: World) -> dict[str, Group]:
    """Per unit: its flow facts (by reference, nothing copied) and its cases."""
    groups: dict[str, Group] = {}
    for kind, figure in FLOWS.items():
        for o in world.outcomes.get(kind, {}).values():
            groups.setdefault(unit_of(world, o.person_ref, o.case_id), ([], []))[0].append(
                (figure, o)
            )
    for case_id in world.cases.keys() | world.hours.by_case.keys():
        groups.setdefault(unit_of(world, None, case_id), ([], []))[1].append(case_id)
    return groups


def unit_of(world: World, person_ref: str | None, case_id: str | None) -> str:
    """Whose a fact is: its person, else its case's person, else its case."""
    case = world.cases.get(case_id) if case_id else None
    return person_ref or (case.person_ref if case else None) or case_id or UNKNOWN


def business_span(world: World) -> tuple[date, date] | None:
    """The first and last business date the figures use, to span the months reported."""
    days = [o.on for kind in world.outcomes.values() for o in kind.values()]
    days += [c.opened_on for c in world.cases.values() if c.opened_on is not None]
    days += [d for d in (world.hours.first_day, world.hours.last_day, world.clock) if d]
    return (min(days), max(days)) if days else None

"""Providers log their hours: realistic entries for the cases they hold (direct, indirect and
missed appointments), with occasional duplicates, late entries, entries for cases that are
not theirs, entries dated in the future and Fachleistung beyond its budget.

The ground truth is computed here, independently of billing, from the reference data and
from what the simulator observed of casework (who held a case on which day, its module, its
approvals and budgets): the expected answer to every entry, the accepted minutes and amounts
per provider and month, and the expected invoice totals. Planning is pure and seeded per
case and day; ``HourLogging`` sends the entries and waits for billing's answers.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar, cast

from msa_contracts.envelope import Envelope
from msa_contracts.events import (
    CaseAssigned,
    CaseClosed,
    CaseOpened,
    CaseReassigned,
    CaseWaitlisted,
    FachleistungApproved,
    HoursAccepted,
    HoursLogged,
    HoursRejected,
    InvoiceIssued,
    ModuleChanged,
)
from msa_contracts.reference import ReferenceData
from msa_contracts.topics import CASES, LEDGER, hours
from msa_contracts.values import GoalDomain, Module

from msa_ops.sim.bus import Bus

FUTURE_TOLERANCE_DAYS = 1  # billing's default: a service date may be one day ahead
ACTIVITIES = (("direct", 0.6), ("indirect", 0.3), ("missed-appointment", 0.1))
MINUTES = (5, 6, 7, 10, 11, 15, 16, 20, 25, 30, 45, 50, 60, 75, 90, 120)
FACHLEISTUNG_MINUTES = (45, 60, 90, 120, 180, 240)


# --- the tariff, as the simulator understands billing.yaml and the contracts' rates ------


def billable(minutes: int, activity: str, reference: ReferenceData) -> int:
    rules = reference.billing
    first, step = rules.rounding.exact_first_minutes, rules.rounding.step_minutes
    rounded = minutes if minutes <= first else (minutes + step - 1) // step * step
    factor = dict(cast(dict[str, Decimal], rules.factors))[activity]
    return int((rounded * factor).quantize(Decimal(1), ROUND_HALF_UP))


def amount(minutes_billable: int, rate: int) -> int:
    return int((Decimal(minutes_billable * rate) / 60).quantize(Decimal(1), ROUND_HALF_UP))


def rate_on(reference: ReferenceData, provider: str, day: date) -> int | None:
    contract = next(p for p in reference.providers if p.id == provider)
    in_force = [r for r in contract.rates if r.valid_from <= day]
    return max(in_force, key=lambda r: r.valid_from).cents_per_hour if in_force else None


# --- what the simulator observed of casework --------------------------------------------


@dataclass
class CaseFacts:
    holders: list[tuple[date, str | None]] = field(default_factory=list)
    modules: list[tuple[date, Module]] = field(default_factory=list)
    approvals: list[FachleistungApproved] = field(default_factory=list)
    closed_on: date | None = None

    def holder_on(self, day: date) -> str | None:
        if self.closed_on is not None and day > self.closed_on:
            return None
        return _latest(self.holders, day)

    def module_on(self, day: date) -> Module:
        return _latest(self.modules, day) or Module.WILLKOMMEN

    def approval_on(self, day: date) -> FachleistungApproved | None:
        return next((a for a in self.approvals if a.valid_from <= day <= a.valid_until), None)


T = TypeVar("T")


def _latest(items: list[tuple[date, T]], day: date) -> T | None:
    found = None
    for since, value in items:  # in the order observed; a later one on the same day wins
        if since <= day and (found is None or since >= found[0]):
            found = (since, value)
    return found[1] if found else None


def case_book(envelopes: Iterable[tuple[str, Envelope]]) -> dict[str, CaseFacts]:
    book: dict[str, CaseFacts] = defaultdict(CaseFacts)
    for topic, env in envelopes:
        e = env.event
        if topic != CASES:
            continue
        if isinstance(e, CaseOpened):
            book[e.case_id].modules.insert(0, (e.opened_on, e.module))
        elif isinstance(e, CaseAssigned):
            book[e.case_id].holders.append((e.assigned_on, e.provider_id))
        elif isinstance(e, CaseWaitlisted):
            book[e.case_id].holders.append((e.waitlisted_on, None))
        elif isinstance(e, CaseReassigned):
            book[e.case_id].holders.append((e.reassigned_on, e.to_provider_id))
        elif isinstance(e, ModuleChanged):
            book[e.case_id].modules.append((e.since, e.module))
        elif isinstance(e, FachleistungApproved):
            book[e.case_id].approvals.append(e)
        elif isinstance(e, CaseClosed):
            book[e.case_id].closed_on = e.closed_on
    return dict(book)


# --- ground truth ------------------------------------------------------------------------


@dataclass
class HourExpectation:
    """One record sent and the answer billing should give (``outcome``: 'accepted' or the
    reason code). A held entry is answered by the clock tick of ``answer_by`` (its service
    date plus billing's hold days); an exact
    resend of a record (same ce_id) gets no answer; a ``repeat`` is answered like its first."""

    provider: str
    event: HoursLogged
    sent_on: date
    outcome: str
    minutes_billable: int = 0
    amount_cents: int = 0
    answer_by: date | None = None
    answered: bool = True
    repeat: bool = False
    invoice_period: str | None = None

    @property
    def month(self) -> str:
        return self.event.service_date.strftime("%Y-%m")

    @property
    def billed(self) -> bool:
        return self.outcome == "accepted" and self.answered and not self.repeat


@dataclass
class HoursTruth:
    entries: dict[str, HourExpectation] = field(default_factory=dict)  # by record ce_id
    invoices: dict[tuple[str, str], int] = field(default_factory=dict)  # (provider, period)

    def accepted(self) -> list[HourExpectation]:
        return [x for x in self.entries.values() if x.billed]

    def minutes(self) -> dict[tuple[str, str], int]:
        """Expected accepted billable minutes per (provider, service month)."""
        totals: dict[tuple[str, str], int] = defaultdict(int)
        for x in self.accepted():
            totals[(x.provider, x.month)] += x.minutes_billable
        return dict(totals)

    def cents(self) -> dict[tuple[str, str], int]:
        """Expected accepted amounts per (provider, service month)."""
        totals: dict[tuple[str, str], int] = defaultdict(int)
        for x in self.accepted():
            totals[(x.provider, x.month)] += x.amount_cents
        return dict(totals)

    def rejections(self) -> dict[str, str]:
        """The expected reason code per rejected record (ce_id)."""
        return {ce: x.outcome for ce, x in self.entries.items()
                if x.answered and x.outcome != "accepted"}  # fmt: skip


def hour_answers(envelopes: Iterable[tuple[str, Envelope]]) -> dict[str, list[object]]:
    """Billing's answers on the providers' feedback topics, by the record they answer."""
    found: dict[str, list[object]] = defaultdict(list)
    for topic, env in envelopes:
        if topic.endswith(".feedback") and isinstance(env.event, HoursAccepted | HoursRejected):
            found[env.causation_id or ""].append(env.event)
    return dict(found)


# --- planning: pure, seeded per case and day ---------------------------------------------


@dataclass(frozen=True)
class Draft:
    """An entry a provider sends on a day; ``resend`` repeats an earlier record's ce_id."""

    provider: str
    event: HoursLogged
    kind: str
    resend: str | None = None


def day_rng(key: str, day: date, seed: int) -> random.Random:
    digest = hashlib.sha256(f"{seed}:hours:{key}:{day.isoformat()}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def entry(case_id: str, entry_id: str, on: date, minutes: int, activity: str,
          rng: random.Random) -> HoursLogged:  # fmt: skip
    return HoursLogged.model_validate({
        "entry_id": entry_id, "case_id": case_id, "service_date": on, "minutes": minutes,
        "activity": activity, "domain": rng.choice(list(GoalDomain)),
        "worker_ref": f"fk-{rng.randint(1, 6)}",
    })  # fmt: skip


def plan_case_day(
    case_id: str, facts: CaseFacts, day: date, providers: Sequence[str], seed: int
) -> list[Draft]:
    """What the providers log about one case on ``day``."""
    rng = day_rng(case_id, day, seed)
    holder, drafts = facts.holder_on(day), []
    if holder is not None:
        fachleistung = facts.module_on(day) is Module.FACHLEISTUNG
        if rng.random() < (0.7 if fachleistung else 0.35):
            for n in range(rng.choice((1, 1, 2))):
                on = day
                if rng.random() < 0.15:
                    late = day - timedelta(days=rng.randint(1, 5))
                    on = late if facts.holder_on(late) == holder else day
                minutes = rng.choice(FACHLEISTUNG_MINUTES if fachleistung else MINUTES)
                activity = rng.choices([a for a, _ in ACTIVITIES], [w for _, w in ACTIVITIES])[0]
                entry_id = f"{case_id[-8:]}-{day:%m%d}-{n}"
                drafts.append(Draft(holder, entry(case_id, entry_id, on, minutes, activity, rng),
                                    "late" if on < day else "normal"))  # fmt: skip
        if rng.random() < 0.02:
            ahead = day + timedelta(days=rng.randint(3, 6))
            event = entry(case_id, f"{case_id[-8:]}-{day:%m%d}-f", ahead, 30, "direct", rng)
            drafts.append(Draft(holder, event, "future"))
    others = [p for p in providers if p != holder]
    if others and rng.random() < (0.03 if holder else 0.05):
        intruder = rng.choice(others)
        event = entry(case_id, f"x-{case_id[-8:]}-{day:%m%d}", day, 30, "direct", rng)
        drafts.append(Draft(intruder, event, "not-theirs"))
    return drafts


# --- sending and waiting -----------------------------------------------------------------


@dataclass
class HourLogging:
    """The providers' hour logging in a running scenario (see the module docstring)."""

    bus: Bus
    reference: ReferenceData
    seed: int
    hold_days: int
    wait_s: float
    truth: HoursTruth
    _used: dict[str, int] = field(default_factory=dict)  # approval id -> expected minutes
    _sent: dict[tuple[str, str], str] = field(default_factory=dict)  # (provider, entry id)
    _events_seen: dict[str, int] = field(default_factory=dict)

    async def day_started(self, day: date) -> None:
        """After the tick: held entries due today are answered; on the 1st, the previous
        month's invoices are issued."""
        due = [ce for ce, x in self.truth.entries.items() if x.answer_by == day]
        await self._answered(due, f"answers to entries held until {day}")
        if day.day == 1:
            await self._invoiced((day - timedelta(days=1)).strftime("%Y-%m"))

    async def log(self, day: date) -> None:
        """The day's entries, after the day's reports; waits for every answer due today."""
        book = case_book(self.bus.seen)
        changed = self._changed_today(book)
        providers = sorted(p.id for p in self.reference.providers)
        quiet = [c for c in sorted(book) if c not in changed]
        drafts = [d for c in quiet for d in plan_case_day(c, book[c], day, providers, self.seed)]
        drafts += self._repeats(day, book)
        waiting = []
        for draft in drafts:
            ce_id = await self._send(draft, day, book)
            if self.truth.entries[ce_id].answered and self.truth.entries[ce_id].answer_by is None:
                waiting.append(ce_id)
        await self._answered(waiting, f"answers to {day}'s hour entries")

    def _changed_today(self, book: dict[str, CaseFacts]) -> set[str]:
        """Cases casework changed since the last log: skipped today, so that billing has
        surely seen the change before their hours arrive."""
        counts: dict[str, int] = defaultdict(int)
        for topic, env in self.bus.seen:
            if topic == CASES:
                counts[env.subject] += 1
        changed = {c for c, n in counts.items() if self._events_seen.get(c) != n}
        self._events_seen = dict(counts)
        return changed & set(book)

    def _repeats(self, day: date, book: dict[str, CaseFacts]) -> list[Draft]:
        """Now and then a provider sends a record again (same ce_id), an entry again under a
        new record, or a changed entry under a used entry id."""
        rng, drafts = day_rng("repeats", day, self.seed), []
        decided = [(ce, x) for ce, x in self.truth.entries.items()
                   if x.answer_by is None and x.answered and not x.repeat
                   and x.sent_on < day]  # fmt: skip
        for ce_id, x in rng.sample(decided, min(len(decided), rng.choice((0, 1, 1, 2)))):
            roll = rng.random()
            if roll < 0.4:
                drafts.append(Draft(x.provider, x.event, "resend", resend=ce_id))
            elif roll < 0.8:
                drafts.append(Draft(x.provider, x.event, "repeat"))
            else:
                changed = x.event.model_copy(update={"minutes": x.event.minutes + 5})
                drafts.append(Draft(x.provider, changed, "conflict"))
        return drafts

    async def _send(self, draft: Draft, day: date, book: dict[str, CaseFacts]) -> str:
        """Send one record; returns the key of its expectation (its ce_id, or for an exact
        resend a key of its own, since the record's ce_id is the first one's)."""
        topic, source = hours(draft.provider), f"/providers/{draft.provider}"
        if draft.resend is not None:
            await self.bus.send(topic, draft.event, source=source, event_id=draft.resend,
                                at=at_eight(day))  # fmt: skip
            first = self.truth.entries[draft.resend]
            key = f"{draft.resend}#resent-{day}"
            self.truth.entries[key] = HourExpectation(
                draft.provider, draft.event, day, first.outcome, answered=False, repeat=True
            )
            return key
        expected = self._expect(draft, day, book)  # in sending order, as billing decides
        ce_id = await self.bus.send(topic, draft.event, source=source, at=at_eight(day))
        self.truth.entries[ce_id] = expected
        self._sent.setdefault((draft.provider, draft.event.entry_id), ce_id)
        return ce_id

    def _expect(self, draft: Draft, day: date, book: dict[str, CaseFacts]) -> HourExpectation:
        """A used entry id is answered as before, or as a conflict if the entry changed."""
        e, p = draft.event, draft.provider
        known = self._sent.get((p, e.entry_id))
        if known is None:
            return self._judge(p, e, day, book.get(e.case_id, CaseFacts()))
        first = self.truth.entries[known]
        if first.event != e:
            return HourExpectation(p, e, day, "entry-id-conflict", repeat=True)
        return HourExpectation(p, e, day, first.outcome, first.minutes_billable,
                               first.amount_cents, first.answer_by, repeat=True)  # fmt: skip

    def _judge(self, p: str, e: HoursLogged, day: date, facts: CaseFacts) -> HourExpectation:
        """The outcome by the documented rules, in their documented order."""
        on = e.service_date
        if on > day + timedelta(days=FUTURE_TOLERANCE_DAYS):
            return HourExpectation(p, e, day, "future-date")
        rate = rate_on(self.reference, p, on)
        if rate is None:
            return HourExpectation(p, e, day, "no-rate")
        if facts.holder_on(on) != p:
            closed_on = facts.closed_on
            if closed_on is not None and on > closed_on and facts.holder_on(closed_on) == p:
                return HourExpectation(p, e, day, "case-closed")
            by = None if closed_on is not None else on + timedelta(days=self.hold_days)
            return HourExpectation(p, e, day, "case-not-assigned", answer_by=by)
        approval = facts.approval_on(on) if facts.module_on(on) is Module.FACHLEISTUNG else None
        if facts.module_on(on) is Module.FACHLEISTUNG and approval is None:
            return HourExpectation(p, e, day, "no-active-approval",
                                   answer_by=on + timedelta(days=self.hold_days))  # fmt: skip
        minutes = billable(e.minutes, e.activity, self.reference)
        if approval is not None:
            used = self._used.get(approval.approval_id, 0)
            if used + minutes > approval.budget_minutes:
                return HourExpectation(p, e, day, "budget-exhausted")
            self._used[approval.approval_id] = used + minutes
        return HourExpectation(p, e, day, "accepted", minutes, amount(minutes, rate))

    async def _answered(self, ce_ids: list[str], what: str) -> None:
        wanted = set(ce_ids)
        if wanted:
            await self.bus.until(lambda: wanted <= hour_answers(self.bus.seen).keys(),
                                 timeout_s=self.wait_s, what=what)  # fmt: skip

    async def _invoiced(self, period: str) -> None:
        """Billing invoices the month: every provider with accepted entries not invoiced yet
        (of the month or before, the earlier ones as corrections) gets one invoice."""
        due: dict[str, list[HourExpectation]] = defaultdict(list)
        for x in self.truth.accepted():
            if x.invoice_period is None and x.month <= period:
                due[x.provider].append(x)
        for provider, entries in due.items():
            self.truth.invoices[(provider, period)] = sum(x.amount_cents for x in entries)
            for x in entries:
                x.invoice_period = period

        def issued() -> set[str]:
            return {e.event.provider_id for t, e in self.bus.seen
                    if t == LEDGER and isinstance(e.event, InvoiceIssued)
                    and e.event.period == period}  # fmt: skip

        await self.bus.until(lambda: set(due) <= issued(), timeout_s=self.wait_s,
                             what=f"invoices for {period}")  # fmt: skip


def at_eight(day: date) -> datetime:
    return datetime.combine(day, time(8), tzinfo=UTC)

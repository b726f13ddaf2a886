"""The end of a fault run: compare everything the services did with the simulator's ground
truth and count what was lost, duplicated or wrong."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from msa_contracts.events import ArrivalRegistered, CaseOpened
from msa_contracts.reference import ReferenceData

from msa_ops.faults.letters import Letter
from msa_ops.faults.poison import Poison
from msa_ops.sim import billing_checks as billing
from msa_ops.sim.agents import Action
from msa_ops.sim.figures import Table, figure_mismatches
from msa_ops.sim.truth import Observed, Truth


@dataclass
class Findings:
    """Counts per check; ``problems`` lists every mismatch in words."""

    lost: Counter[str] = field(default_factory=Counter)
    duplicated: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    checked: Counter[str] = field(default_factory=Counter)

    @property
    def clean(self) -> bool:
        return not self.problems

    def problem(self, text: str) -> None:
        self.problems.append(text)


def arrivals_and_cases(truth: Truth, observed: Observed, f: Findings) -> None:
    """Every notice sent is one registered person and one case."""
    registered = {e.person_ref: e for e in observed.of(ArrivalRegistered)
                  if isinstance(e, ArrivalRegistered)}  # fmt: skip
    announced = Counter((a.allocated_on, a.district, a.residence_status)
                        for a in truth.arrivals.values())  # fmt: skip
    seen = Counter((e.allocated_on, e.district, e.residence_status) for e in registered.values())
    f.checked["arrivals"] = truth.persons
    f.lost["arrivals"] = sum((announced - seen).values())
    f.duplicated["arrivals"] = sum((seen - announced).values())
    if announced != seen:
        f.problem(f"arrivals: {len(registered)} registered, {truth.persons} announced")
    cases = Counter(e.person_ref for e in {c.case_id: c for c in observed.of(CaseOpened)
                                           if isinstance(c, CaseOpened)}.values())  # fmt: skip
    f.checked["cases"] = len(registered)
    f.lost["cases"] = sum(1 for ref in registered if ref not in cases)
    f.duplicated["cases"] = sum(n - 1 for n in cases.values() if n > 1)
    if f.lost["cases"] or f.duplicated["cases"] or set(cases) - set(registered):
        f.problem(f"cases: {f.lost['cases']} persons without a case, "
                  f"{f.duplicated['cases']} extra cases")  # fmt: skip


def reports(truth: Truth, observed: Observed, f: Findings) -> None:
    """Every provider report answered (accepted or rejected) as the ground truth expects."""
    answers = observed.answers()
    f.checked["reports"] = len(truth.reports)
    missing = [ce for ce in truth.reports if ce not in answers]
    wrong = [ce for ce, a in truth.reports.items() if ce in answers and answers[ce] != a.expect]
    f.lost["reports"] = len(missing)
    if missing or wrong:
        first = observed.first_answers()
        examples = "; ".join(_answer_example(truth.reports[ce], first.get(ce)) for ce in wrong[:3])
        f.problem(f"reports: {len(missing)} unanswered, {len(wrong)} answered wrongly"
                  + (f" (e.g. {examples})" if examples else ""))  # fmt: skip


def _answer_example(action: Action, answer: object) -> str:
    """One wrongly answered report, readable: its kind, day, expectation and the answer."""
    got = type(answer).__name__
    reasons = getattr(answer, "reasons", None) or []
    codes = ",".join(str(getattr(r, "code", r)) for r in reasons)
    return (f"{action.event.name()} of {action.day} expected {action.expect}, got {got}"
            + (f" [{codes}]" if codes else ""))  # fmt: skip


def hours(truth: Truth, observed: Observed, last_day: date, f: Findings) -> None:
    """Every hour entry answered exactly once, as expected."""
    wrong = billing.wrong_hour_answers(truth, observed, last_day)
    f.checked["hour entries"] = sum(1 for x in truth.hours.entries.values() if x.answered)
    f.lost["hour answers"] = sum(1 for *_, got in wrong.values() if not got)
    f.duplicated["hour answers"] = sum(len(got) - 1 for *_, got in wrong.values() if got)
    if wrong:
        f.problem(f"hour entries: {len(wrong)} answered otherwise than expected "
                  f"(e.g. {next(iter(wrong.values()))})")  # fmt: skip


def invoices(
    truth: Truth, observed: Observed, on_lines: Counter[tuple[str, str]], f: Findings
) -> None:
    """Invoice totals to the cent; each accepted entry on exactly one line; numbers gapless."""
    issued = billing.issued_invoices(observed)
    got, want = billing.invoice_totals(truth, issued)
    f.checked["invoices"] = len(issued)
    if got != want:
        f.problem(f"invoice totals per provider (cents): got {got}, expected {want}")
    expected = billing.expected_on_lines(truth)
    f.checked["invoiced entries"] = len(expected)
    f.lost["invoice lines"] = sum(1 for k in expected if k not in on_lines)
    f.duplicated["invoice lines"] = sum(n - 1 for n in on_lines.values() if n > 1)
    if on_lines != expected:
        extra = sum(1 for k in on_lines if k not in expected)
        f.problem(f"invoice lines: {f.lost['invoice lines']} entries missing, "
                  f"{f.duplicated['invoice lines']} repeated, {extra} unexpected")  # fmt: skip
    numbers = sorted(i.invoice_number for i in issued)
    year = numbers[0][3:7] if numbers else ""
    if numbers != [f"RE-{year}-{n:06d}" for n in range(1, len(numbers) + 1)]:
        f.problem(f"invoice numbers are not gapless and unique: {numbers}")


def figures(
    reference: ReferenceData, truth: Truth, observed: Observed, tables: dict[str, Any],
    f: Findings,
) -> None:  # fmt: skip
    """Reporting's figures equal those derived from the ground truth."""
    typed: dict[str, Table] = tables
    diff = figure_mismatches(reference, truth, observed, typed)
    f.checked["reporting figures"] = len(tables)
    for figure, cells in diff.items():
        f.problem(
            f"reporting {figure}: {len(cells)} cells differ, e.g. {next(iter(cells.items()))}"
        )


def outboxes(pending: dict[str, int], f: Findings) -> None:
    """Nothing left unpublished (or parked) in any outbox."""
    f.checked["outboxes"] = len(pending)
    stuck = {s: n for s, n in pending.items() if n}
    if stuck:
        f.problem(f"outbox records still unpublished: {stuck}")


def dead_letters(poisons: list[Poison], letters: list[Letter], f: Findings) -> None:
    """The dead-letter topics hold exactly the injected poison, each once, with its reason."""
    by_ce: dict[str, list[Letter]] = {}
    for letter in letters:
        by_ce.setdefault(letter.ce_id, []).append(letter)
    f.checked["poison messages"] = len(poisons)
    for p in poisons:
        got = by_ce.pop(p.ce_id, [])
        if not got:
            f.lost["dead letters"] += 1
            f.problem(f"poison {p.kind} ({p.ce_id}) was not dead-lettered")
            continue
        f.duplicated["dead letters"] += len(got) - 1
        if len(got) > 1 or (got[0].topic, got[0].code) != (p.dead_letter_topic, p.code):
            found = [(g.topic, g.code) for g in got]
            f.problem(f"poison {p.kind}: letters {found}, expected one "
                      f"({p.dead_letter_topic}, {p.code})")  # fmt: skip
        elif not got[0].reason:
            f.problem(f"poison {p.kind}: dead letter without a reason")
    for ce_id, extra in by_ce.items():
        f.problem(f"unexpected dead letter(s) for {ce_id or '?'}: "
                  f"{[(x.topic, x.code, x.reason[:120]) for x in extra]}")  # fmt: skip

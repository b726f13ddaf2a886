"""What `msa demo` prints for people is German (docs/LANGUAGE.md), and an empty or
suppressed mentoring cell is explained in words."""

from __future__ import annotations

import re

from msa_contracts.reference import load_reference
from msa_ops.demo import empty_cell_notes
from msa_ops.sim.summary import print_summary, summarise
from msa_ops.sim.truth import Observed
from msa_reporting.summary import SummaryRow
from rich.console import Console

ENGLISH = re.compile(r"\b(cases|goals|arrivals|provider|per region|what happened|field|matched)\b")


def row(title: str, mentors: int | None, suppressed: tuple[str, ...] = ()) -> SummaryRow:
    figures = {"goals_set": 9, "goals_achieved": 5, "goals_dropped": 0,
               "goal_days_median": 12, "mentors_matched": mentors, "referrals": 0}  # fmt: skip
    return SummaryRow(title, None, title, figures, suppressed)


def test_the_summary_of_a_period_is_german() -> None:
    console = Console(record=True, width=140)
    print_summary(summarise(Observed([]), load_reference()), load_reference(), console)
    text = console.export_text()
    for heading in ("Simulierter Zeitraum: was geschah", "Fälle je Träger",
                    "Fälle je MSA-Region", "Erreichte Ziele je Teilbereich"):  # fmt: skip
        assert heading in text
    assert "Ankünfte registriert" in text and "Mentorinnen und Mentoren vermittelt" in text
    assert not ENGLISH.search(text.lower()), text


def test_an_empty_or_suppressed_mentoring_cell_says_why_and_a_filled_one_needs_no_note() -> None:
    reference = load_reference()
    filled = empty_cell_notes([row("T10", 7), row("T04", 0)], reference)
    assert filled == ["Mentoring zählt nur im Teilbereich T10 (Maßnahme M52); "
                      "in den übrigen Teilbereichen steht dort 0."]  # fmt: skip
    empty = empty_cell_notes([row("T10", 0)], reference)[1:]
    assert len(empty) == 1 and empty[0].startswith("T10, Mentoring: keine Vermittlung")
    assert "6 Monate" in empty[0]
    hidden = empty_cell_notes([row("T10", None, ("mentors_matched",))], reference)[1:]
    assert len(hidden) == 1 and "unterdrückt, weil weniger als 5 Personen" in hidden[0]

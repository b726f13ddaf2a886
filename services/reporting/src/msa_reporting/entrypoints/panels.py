"""The dashboard's charts, built from published tables only."""

from __future__ import annotations

from msa_contracts.reference import ReferenceData

from msa_reporting.domain.dimensions import TOTAL, catalogue, label
from msa_reporting.domain.periods import CUMULATIVE
from msa_reporting.domain.table import PublishedTable
from msa_reporting.entrypoints import charts
from msa_reporting.entrypoints.charts import Group, bar
from msa_reporting.entrypoints.views import period_label

RECENT_MONTHS = 6


def goals_by_field(tables: dict[str, PublishedTable], reference: ReferenceData) -> str:
    t = tables["goals_achieved"]
    months = [p for p in t.periods if p != CUMULATIVE][-RECENT_MONTHS:]
    rows = catalogue(reference)["field"]
    groups = []
    for f in t.rows["field"]:
        bars = [bar(i, t.values.get(("field", f, m))) for i, m in enumerate(months)]
        groups.append(Group(label(rows, f), bars))
    title = "Erreichte Ziele je Teilbereich und Monat"
    return charts.horizontal("goals-by-field", title, groups, [period_label(m) for m in months])


def money_by_region(tables: dict[str, PublishedTable], reference: ReferenceData) -> str:
    rows = catalogue(reference)["region"]
    kinds = ("hours_direct", "hours_indirect", "hours_missed")
    amounts = tables["amount_invoiced"]
    hour_groups, money_groups = [], []
    regions = dict.fromkeys([*tables["hours_direct"].rows["region"], *amounts.rows["region"]])
    for r in regions:
        cell = ("region", r, CUMULATIVE)
        hour_bars = [bar(i, tables[k].values.get(cell), charts.hours) for i, k in enumerate(kinds)]
        hour_groups.append(Group(label(rows, r), hour_bars))
        money_groups.append(Group(label(rows, r), [bar(5, amounts.values.get(cell), charts.euros)]))
    series = ["direkt", "indirekt", "ausgefallene Termine"]
    hours_chart = charts.horizontal(
        "hours-by-region",
        "Fachleistungsstunden je Region (bisher insgesamt)",
        hour_groups,
        series,
        label_width=220,
    )
    money_chart = charts.horizontal(
        "amounts-by-region",
        "Abgerechnete Beträge je Region (bisher insgesamt)",
        money_groups,
        ["Betrag"],
        label_width=220,
    )
    return hours_chart + money_chart


def waiting_list(tables: dict[str, PublishedTable]) -> str:
    waiting, days = tables["waiting"], tables["waiting_days"]
    bars = []
    for m in waiting.periods[-12:]:
        median = days.values.get((TOTAL, TOTAL, m))
        note = "Wartezeit: " + (charts.HIDDEN if (TOTAL, TOTAL, m) in days.suppressed
                                else "–" if median is None else f"{median} Tage")  # fmt: skip
        bars.append(
            (f"Ende {period_label(m)}", bar(0, waiting.values.get((TOTAL, TOTAL, m))), note)
        )
    return charts.vertical("waiting-list", "Warteliste am Monatsende", bars)

"""The HTML dashboard: one page, German, server-rendered, no script and nothing fetched.

Served without a token on purpose: it shows only published figures, which are aggregated
and suppressed exactly like the API's, so they are publishable by definition. It never
reads the true (unsuppressed) tables.
"""

from __future__ import annotations

from datetime import date
from html import escape
from importlib.resources import files
from string import Template

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse
from msa_contracts.reference import ReferenceData

from msa_reporting.domain.dimensions import TOTAL
from msa_reporting.domain.periods import CUMULATIVE
from msa_reporting.domain.table import PublishedTable
from msa_reporting.entrypoints import charts, panels
from msa_reporting.ports import Store
from msa_reporting.summary import COLUMNS, summary_rows

TILES = (
    ("arrivals", CUMULATIVE, "Ankünfte"), ("open_cases", None, "Offene Fälle"),
    ("waiting", None, "Auf der Warteliste"), ("plans_agreed", CUMULATIVE, "Integrationspläne"),
    ("goals_achieved", CUMULATIVE, "Erreichte Ziele"),
    ("approvals", CUMULATIVE, "Bewilligte Fachleistungen"),
)  # fmt: skip


def _asset(name: str) -> str:
    return files("msa_reporting.entrypoints").joinpath(name).read_text(encoding="utf-8")


def router(store: Store, reference: ReferenceData) -> APIRouter:
    page = APIRouter(tags=["dashboard"])
    template, style = Template(_asset("templates/dashboard.html")), _asset("static/dashboard.css")

    @page.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse("/dashboard")

    @page.get("/dashboard", response_class=HTMLResponse, summary="Dashboard (public, suppressed)")
    async def dashboard() -> HTMLResponse:
        tables = await store.load_published()
        as_of = (await store.meta()).get("as_of")
        return HTMLResponse(render(template, style, tables, reference, as_of))

    return page


def render(template: Template, style: str, tables: dict[str, PublishedTable],
           reference: ReferenceData, as_of: str | None) -> str:  # fmt: skip
    threshold = next(iter(tables.values())).threshold if tables else 5
    ready = bool(tables) and bool(tables["arrivals"].periods)
    return template.substitute(
        style=style, as_of=_german_day(as_of), threshold=threshold,
        tiles=_tiles(tables) if ready else "",
        goals=panels.goals_by_field(tables, reference) if ready else _empty(),
        money=panels.money_by_region(tables, reference) if ready else _empty(),
        waiting=panels.waiting_list(tables) if ready else _empty(),
        measures=_measure_table(tables, reference) if ready else "",
    )  # fmt: skip


def _latest(t: PublishedTable, period: str | None) -> str:
    return period or (t.periods[-1] if t.periods else CUMULATIVE)


def _tiles(tables: dict[str, PublishedTable]) -> str:
    out = []
    for figure, period, caption in TILES:
        t = tables[figure]
        value = t.values.get((TOTAL, TOTAL, _latest(t, period)))
        shown = charts.HIDDEN if value is None else charts.number(value)
        note = "bisher insgesamt" if period else "aktueller Stand"
        out.append(f'<div class="tile"><div class="tile-value">{shown}</div>'
                   f'<div class="tile-label">{escape(caption)}</div>'
                   f'<div class="tile-note">{note}</div></div>')  # fmt: skip
    return "".join(out)


def _measure_table(tables: dict[str, PublishedTable], reference: ReferenceData) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in COLUMNS.values())
    body = []
    for row in summary_rows(tables, reference, only_active=False):
        if row.measure_id is not None:
            continue
        cells = "".join(f"<td>{_cell(v, k in row.suppressed)}</td>" for k, v in row.figures.items())
        body.append(f'<tr><th scope="row">{escape(row.title)}</th>{cells}</tr>')
    return f'<table class="measures"><thead><tr><th>Teilbereich</th>{head}</tr></thead>' \
           f'<tbody>{"".join(body)}</tbody></table>'  # fmt: skip


def _cell(value: int | None, hidden: bool) -> str:
    if hidden:
        return charts.HIDDEN
    return "–" if value is None else charts.number(value)


def _german_day(day: str | None) -> str:
    return date.fromisoformat(day).strftime("%d.%m.%Y") if day else "noch keine Daten"


def _empty() -> str:
    return '<p class="empty">Noch keine Daten vorhanden.</p>'

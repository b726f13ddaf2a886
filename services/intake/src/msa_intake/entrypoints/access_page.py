"""The answer to an access request as a printable German page a caseworker can hand over:
one section per service, every field under its German label, dates and times in German
format (the city's time zone), the services that did not answer named. Everything shown is
escaped; nothing is fetched, no script runs."""

from __future__ import annotations

import re
from datetime import date, datetime
from html import escape
from typing import Any

from msa_kit.city_day import city_zone

from msa_intake.domain.access import AccessReport, ServicePart
from msa_intake.entrypoints.access_labels import LABELS, SERVICES, STATUS

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
ISO_MONTH = re.compile(r"^\d{4}-\d{2}$")
STYLE = """
body { font-family: sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.5em; } h2 { margin-top: 1.6em; border-bottom: 2px solid #333; }
table { border-collapse: collapse; margin: .3em 0 .8em; }
th, td { border: 1px solid #999; padding: .2em .5em; text-align: left; vertical-align: top; }
th { background: #eee; font-weight: normal; width: 16em; }
.fehlt { color: #a00; font-weight: bold; }
@media print { body { margin: 1cm; } h2 { page-break-after: avoid; } }
"""


def german(value: Any) -> str:
    """A stored value as the page shows it (also what the tests expect to see)."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, datetime):
        local = value.astimezone(city_zone()) if value.tzinfo else value
        return local.strftime("%d.%m.%Y, %H:%M Uhr")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, str):
        if ISO_DAY.match(value):
            return german(date.fromisoformat(value))
        if ISO_INSTANT.match(value):
            try:
                return german(datetime.fromisoformat(value.replace("Z", "+00:00")))
            except ValueError:
                return value
        if ISO_MONTH.match(value):
            return f"{value[5:7]}.{value[:4]}"
    return str(value)


def label(name: str) -> str:
    found = LABELS.get(name)
    if found is not None:
        return escape(found)
    return f'<span class="ohne-bezeichnung">{escape(name)}</span>'


def render(report: AccessReport) -> str:
    """The whole page."""
    head = [
        ("Pseudonym der Person", report.person_ref),
        ("Ersuchen", report.request_id),
        ("Gestellt am", german(report.requested_at)),
        ("Gestellt von", f"{report.requested_by.subject} ({report.requested_by.role})"),
        ("Zweck", report.purpose),
        ("Antwortfrist", german(report.answer_by)),
        ("Stand", STATUS.get(report.status, report.status)),
        ("Zusammengestellt am", german(report.compiled_at)),
    ]
    body = [_rows(head)]
    if report.missing:
        names = ", ".join(SERVICES.get(s, s) for s in report.missing)
        body.append(f'<p class="fehlt">Nicht geantwortet haben: {escape(names)}. '
                    "Ihre Angaben fehlen in dieser Auskunft.</p>")  # fmt: skip
    if not report.final:
        body.append("<p>Die Antworten der Dienste stehen noch aus. Bitte später erneut "
                    "aufrufen.</p>")  # fmt: skip
    body += [_part(p) for p in report.parts]
    return (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
        "<title>Auskunft nach Art. 15 DSGVO</title>"
        f"<style>{STYLE}</style></head><body>"
        "<h1>Auskunft nach Art. 15 DSGVO über gespeicherte Daten</h1>"
        + "".join(body) + "</body></html>"
    )  # fmt: skip


def _part(part: ServicePart) -> str:
    title = escape(SERVICES.get(part.service, part.service))
    if part.status != "answered":
        return (
            f'<section><h2>{title}</h2><p class="fehlt">{escape(STATUS[part.status])}</p></section>'
        )
    answered = f"<p>Beantwortet am {escape(german(part.answered_at))}</p>"
    return f"<section><h2>{title}</h2>{answered}{_value(part.data)}</section>"


def _value(value: Any) -> str:
    if isinstance(value, dict):
        if not value:
            return "–"
        return _rows([(None, k, v) for k, v in value.items()])
    if isinstance(value, list):
        if not value:
            return "keine"
        if all(not isinstance(v, dict | list) for v in value):
            return escape(", ".join(german(v) for v in value))
        return "".join(f"<p>Nr. {i}</p>{_value(v)}" for i, v in enumerate(value, start=1))
    return escape(german(value))


def _rows(rows: list[Any]) -> str:
    cells = []
    for row in rows:
        if len(row) == 2:  # a heading row of the page's own (label, text)
            cells.append(f"<tr><th>{escape(row[0])}</th><td>{escape(str(row[1]))}</td></tr>")
        else:
            _, name, v = row
            cells.append(f"<tr><th>{label(name)}</th><td>{_value(v)}</td></tr>")
    return "<table>" + "".join(cells) + "</table>"

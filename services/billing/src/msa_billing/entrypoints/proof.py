"""The proof of service (Leistungsnachweis) of an invoice, as CSV and as printable HTML:
per entry the client reference (case), approval, date, duration, kind, domain and worker."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from html import escape

from msa_billing.domain.entry import Entry
from msa_billing.domain.invoices import Invoice

#: field -> CSV header: the office reads the proof, so the headers are German
HEADERS = {
    "invoice_number": "Rechnungsnummer", "line": "Zeile", "correction": "Korrektur",
    "client_reference": "Klientenreferenz", "approval_reference": "Bewilligungsreferenz",
    "service_date": "Leistungsdatum", "minutes_logged": "Minuten erfasst", "activity": "Art",
    "domain": "Zielbereich", "worker": "Fachkraft", "minutes_billable": "Minuten abrechenbar",
    "rate_cents_per_hour": "Stundensatz (Cent)", "amount_cents": "Betrag (Cent)",
    "amount_eur": "Betrag (EUR)",
}  # fmt: skip
COLUMNS = tuple(HEADERS)
ACTIVITY_DE = {"direct": "direkt", "indirect": "indirekt", "missed-appointment": "Ausfall"}


def euros(cents: int) -> str:
    return str((Decimal(cents) / 100).quantize(Decimal("0.01")))


def euros_de(cents: int) -> str:
    whole, _, fraction = euros(cents).partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{fraction} €"


def _row(invoice: Invoice, entry: Entry) -> dict[str, str]:
    billed = entry.billed
    assert billed is not None
    line = next(x for x in invoice.lines if x.number == entry.invoice_line)
    return {
        "invoice_number": invoice.number, "line": str(line.number),
        "correction": "ja" if line.correction else "nein", "client_reference": entry.case_id,
        "approval_reference": billed.approval_id or "", "service_date": str(entry.service_date),
        "minutes_logged": str(entry.minutes), "activity": entry.activity,
        "domain": entry.domain.value, "worker": entry.worker_ref,
        "minutes_billable": str(billed.minutes_billable),
        "rate_cents_per_hour": str(billed.rate_cents_per_hour),
        "amount_cents": str(billed.amount_cents), "amount_eur": euros(billed.amount_cents),
    }  # fmt: skip


def proof_csv(invoice: Invoice, entries: Sequence[Entry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS.values())
    for entry in entries:
        row = _row(invoice, entry)
        writer.writerow(row[c] for c in COLUMNS)
    return out.getvalue()


STYLE = """
body { font-family: sans-serif; font-size: 10pt; margin: 2em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: 2px 4px; text-align: left; }
td.num { text-align: right; }
tr.correction td { font-style: italic; }
tfoot td { font-weight: bold; }
@media print { body { margin: 0; } @page { size: A4 landscape; margin: 12mm; } }
"""


def proof_html(
    invoice: Invoice, entries: Sequence[Entry], provider_name: str,
    domain_names: Mapping[str, str],
) -> str:  # fmt: skip
    rows = []
    for entry in entries:
        r = _row(invoice, entry)
        kind = "correction" if r["correction"] == "ja" else "regular"
        cells = [r["line"], r["client_reference"], r["approval_reference"] or "–",
                 r["service_date"], r["minutes_logged"], ACTIVITY_DE[entry.activity],
                 domain_names.get(r["domain"], r["domain"]), r["worker"],
                 r["minutes_billable"]]  # fmt: skip
        tds = "".join(f"<td>{escape(c)}</td>" for c in cells)
        amount = escape(euros_de(int(r["amount_cents"])))
        rows.append(f'<tr class="{kind}">{tds}<td class="num">{amount}</td></tr>')
    heads = ["Pos.", "Klient (Fall)", "Bewilligung", "Datum", "Dauer (Min.)", "Art",
             "Bereich", "Fachkraft", "abrechenbar (Min.)", "Betrag"]  # fmt: skip
    head = "".join(f"<th>{escape(h)}</th>" for h in heads)
    total = escape(euros_de(invoice.total_cents))
    title = f"Leistungsnachweis zu Rechnung {invoice.number}"
    corrections = "".join(
        f"<br>Korrektur zu Rechnung {escape(c.corrects_invoice_number)} "
        f"({escape(c.corrected_period)}): Pos. {', '.join(str(n) for n in c.lines)}"
        for c in invoice.corrections
    )
    return (
        f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        f"<p>Träger: {escape(provider_name)} ({escape(invoice.provider_id)})<br>"
        f"Leistungszeitraum: {escape(invoice.period)}<br>"
        f"Rechnungsdatum: {escape(str(invoice.issued_on))}<br>"
        f"Einträge: {len(entries)}; Korrekturzeilen sind kursiv.{corrections}</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
        f'<tfoot><tr><td colspan="{len(heads) - 1}">Summe</td>'
        f'<td class="num">{total}</td></tr></tfoot></table></body></html>'
    )

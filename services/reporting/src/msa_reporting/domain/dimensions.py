"""The breakdowns: their rows (from the reference data) and how rows roll up.

District rolls up into region and region into the city; measure into field and field into
the city; every other dimension adds up directly to the city total. A fact whose attribute
is not known (an arrival never seen, say) lands in the row ``unknown`` of every breakdown,
so each breakdown partitions the same total.
"""

from __future__ import annotations

from dataclasses import dataclass

from msa_contracts.reference import ReferenceData

from msa_reporting.domain.world import WAITING

TOTAL = "total"
UNKNOWN = "unknown"
NONE_PROVIDER = WAITING

DIMENSION_LABELS = {
    "region": "MSA-Region", "district": "Stadtbezirk / Ortschaft",
    "status_group": "Aufenthaltsstatus (Gruppe)", "provider": "Träger",
    "field": "Teilbereich", "measure": "Maßnahme", "domain": "Zielbereich",
}  # fmt: skip
#: The parent breakdown of a nested one.
PARENT = {"district": "region", "measure": "field"}
STATUS_GROUP_LABELS = {
    "asylum-procedure": "Asylverfahren", "tolerated": "Duldung",
    "humanitarian": "Humanitärer Aufenthalt", "other-residence": "Sonstiger Aufenthalt",
    "settled": "Niederlassung / Daueraufenthalt", "naturalised": "Eingebürgert",
    "obliged-to-leave": "Ausreisepflichtig",
}  # fmt: skip


@dataclass(frozen=True)
class Rows:
    """One breakdown: row keys in display order, labels, and each row's parent row."""

    dimension: str
    keys: tuple[str, ...]
    labels: dict[str, str]
    parents: dict[str, str]


def catalogue(reference: ReferenceData) -> dict[str, Rows]:
    """Every breakdown reporting knows, from the reference data."""
    groups = list(dict.fromkeys(s.group for s in reference.statuses))
    providers = {p.id: p.name for p in reference.providers} | {NONE_PROVIDER: "ohne Träger"}
    return {
        "region": Rows("region", tuple(r.id.value for r in reference.regions),
                       {r.id.value: r.de for r in reference.regions}, {}),
        "district": Rows("district", tuple(d.id.value for d in reference.districts),
                         {d.id.value: d.de for d in reference.districts},
                         {d.id.value: d.region.value for d in reference.districts}),
        "status_group": Rows("status_group", tuple(groups),
                             {g: STATUS_GROUP_LABELS.get(g, g) for g in groups}, {}),
        "provider": Rows("provider", tuple(providers), providers, {}),
        "field": Rows("field", tuple(f.id for f in reference.fields),
                      {f.id: f"{f.id} {f.de}" for f in reference.fields}, {}),
        "measure": Rows("measure", tuple(m.id for m in reference.measures),
                        {m.id: f"{m.id} {m.title}" for m in reference.measures},
                        {m.id: m.field for m in reference.measures}),
        "domain": Rows("domain", tuple(d.id.value for d in reference.domains),
                       {d.id.value: d.de for d in reference.domains}, {}),
    }  # fmt: skip


def label(rows: Rows, key: str) -> str:
    if key == UNKNOWN:
        return "unbekannt"
    if key == TOTAL:
        return "Dresden gesamt"
    return rows.labels.get(key, key)


def parents(reference: ReferenceData) -> dict[str, dict[str, str]]:
    """For each nested breakdown, its rows' parent rows."""
    rows = catalogue(reference)
    return {child: rows[child].parents for child in PARENT}

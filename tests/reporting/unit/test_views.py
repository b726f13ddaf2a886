"""Shapes of what leaves the service: JSON tables, CSV, the measure summary, the dashboard."""

from __future__ import annotations

import csv
import io
from datetime import date
from string import Template

import pytest
from msa_contracts.reference import ReferenceData
from msa_reporting.domain.projection import Figures, project
from msa_reporting.entrypoints import dashboard, views
from msa_reporting.entrypoints.dashboard import _asset
from msa_reporting.summary import summary_rows

from tests.reporting import builders as b
from tests.reporting.builders import Log


@pytest.fixture(scope="module")
def figures(reference: ReferenceData) -> Figures:
    """Arrivals: seven in Prohlis (Süd), six in Neustadt (Nord), two in Cotta (West)."""
    log = Log()
    places = [("prohlis", "sued")] * 7 + [("neustadt", "nord")] * 6 + [("cotta", "west")] * 2
    for n, (district, region) in enumerate(places):
        day = date(2026, 1, 5 + n)
        log.add(b.arrival(n, day, district), b.opened(n, day, district, region), b.assigned(n, day))
        log.add(b.plan(n, date(2026, 2, 1), [b.goal("g1"), b.goal("g2", "M30", "work-education")]))
        log.add(b.achieved(n, "g1", date(2026, 2, 20), date(2026, 2, 1)))
    return project(log.stored, reference, 5)


def test_a_json_table_has_labelled_rows_null_for_suppressed_cells_and_the_total_last(
    figures: Figures, reference: ReferenceData
) -> None:
    from msa_reporting.domain.dimensions import catalogue

    body = views.table_json(
        figures.published["arrivals"], "district", catalogue(reference), "2026-02-28"
    )
    assert body["label"] == "Ankünfte" and body["dimension_label"] == "Stadtbezirk / Ortschaft"
    assert body["periods"] == ["2026-01", "2026-02", "cumulative"]
    rows = {r["key"]: r for r in body["rows"]}
    assert rows["prohlis"]["values"]["2026-01"] == 7 and rows["prohlis"]["parent"] == "sued"
    assert rows["cotta"]["values"]["2026-01"] is None
    assert rows["cotta"]["suppressed"] == ["2026-01", "cumulative"]
    # West (2) = total - Nord - Süd: Nord is hidden too, and with it Neustadt
    assert rows["neustadt"]["values"]["2026-01"] is None
    assert body["rows"][-1]["key"] == "total" and body["rows"][-1]["label"] == "Dresden gesamt"


def test_a_csv_table_marks_suppressed_cells_with_a_dot(
    figures: Figures, reference: ReferenceData
) -> None:
    from msa_reporting.domain.dimensions import catalogue

    text = views.table_csv(figures.published["arrivals"], "region", catalogue(reference))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["key", "label", "2026-01", "2026-02", "cumulative"]
    by_key = {r[0]: r for r in rows[1:]}
    assert by_key["sued"] == ["sued", "Integrationsbüro Süd", "7", "0", "7"]
    assert by_key["west"][2] == "." and by_key["nord"][2] == "." and by_key["total"][2] == "15"


def test_the_long_csv_lists_every_cell_with_a_suppressed_flag(
    figures: Figures, reference: ReferenceData
) -> None:
    from msa_reporting.domain.dimensions import catalogue

    text = views.long_csv(figures.published.values(), catalogue(reference))
    rows = list(csv.DictReader(io.StringIO(text)))
    cotta = next(
        r
        for r in rows
        if r["figure"] == "arrivals" and r["key"] == "cotta" and r["period"] == "2026-01"
    )
    assert cotta["value"] == "" and cotta["suppressed"] == "1"
    assert {r["figure"] for r in rows} >= {
        "arrivals",
        "hours_direct",
        "amount_invoiced",
        "referrals",
    }


def test_the_measure_summary_has_each_field_and_its_active_measures(
    figures: Figures, reference: ReferenceData
) -> None:
    rows = summary_rows(figures.published, reference)
    t04 = next(r for r in rows if r.field_id == "T04" and r.measure_id is None)
    m19 = next(r for r in rows if r.measure_id == "M19")
    assert t04.figures["goals_achieved"] == 15 and m19.figures["goals_set"] == 15
    assert m19.figures["goal_days_median"] == 19
    assert [r.measure_id for r in rows if r.field_id == "T04"] == [None, "M19"]


def test_the_dashboard_is_german_shows_three_charts_and_no_suppressed_value(
    figures: Figures, reference: ReferenceData
) -> None:
    page = dashboard.render(
        Template(_asset("templates/dashboard.html")), "", figures.published, reference, "2026-02-28"
    )
    assert '<html lang="de">' in page and "Stand: <strong>28.02.2026</strong>" in page
    for chart in ("goals-by-field", "hours-by-region", "amounts-by-region", "waiting-list"):
        assert f'data-chart="{chart}"' in page
    assert "Erreichte Ziele je Teilbereich" in page and "Warteliste" in page
    assert "weniger als 5 Personen" in page
    assert "<script" not in page and "http" not in page.replace('href="', "")

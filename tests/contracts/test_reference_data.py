"""The reference data: the measure plan, Dresden's places, statuses, providers, overrides."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from msa_contracts.events import CaseAssessed
from msa_contracts.reference import SEED_DIR, ReferenceDataError, load_reference
from msa_contracts.values import District, Region, ResidenceStatus

REGIONS = {
    Region.NORD: {"neustadt", "pieschen", "klotzsche", "loschwitz",
                  "langebrueck", "schoenborn", "weixdorf", "schoenfeld-weissig"},
    Region.WEST: {"cotta", "altfranken", "cossebaude", "gompitz", "mobschatz", "oberwartha"},
    Region.MITTE: {"altstadt", "blasewitz", "plauen"},
    Region.SUED: {"leuben", "prohlis"},
}  # fmt: skip


@pytest.fixture
def copy_of_seed(tmp_path: Path) -> Path:
    target = tmp_path / "reference"
    shutil.copytree(SEED_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_measure_plan_has_12_fields_and_66_measures_of_4_to_8_each() -> None:
    ref = load_reference()
    assert [f.id for f in ref.fields] == [f"T{i:02d}" for i in range(1, 13)]
    assert [m.id for m in ref.measures] == [f"M{i:02d}" for i in range(1, 67)]
    per_field = Counter(m.field for m in ref.measures)
    assert set(per_field) == {f.id for f in ref.fields}
    assert all(4 <= n <= 8 for n in per_field.values()), per_field


def test_the_19_districts_map_to_the_four_regions() -> None:
    ref = load_reference()
    assert len(ref.districts) == 19
    assert {d.id for d in ref.districts} == set(District)
    assert Counter(d.kind for d in ref.districts) == {"stadtbezirk": 10, "ortschaft": 9}
    for region, districts in REGIONS.items():
        assert {d.id.value for d in ref.districts if d.region == region} == districts
        assert all(ref.region_of(District(d)) == region for d in districts)


def test_every_residence_status_has_a_rule_that_fits_the_assessment_event() -> None:
    ref = load_reference()
    props = CaseAssessed.model_json_schema()["properties"]
    course_max = props["integration_course_rule"]["maxLength"]
    perspective_max = props["perspective_rule"]["maxLength"]
    for status in ResidenceStatus:
        rule = ref.status_rule(status)
        assert 0 < len(rule.course_rule) <= course_max, status
        assert 0 < len(rule.perspective_rule) <= perspective_max, status


def test_every_goal_domain_feeds_a_known_field() -> None:
    ref = load_reference()
    assert {d.field for d in ref.domains} <= {f.id for f in ref.fields}


def test_a_provider_rate_is_the_one_in_force_on_the_day() -> None:
    caritas = load_reference().provider("caritas")
    assert caritas is not None
    assert caritas.rate_on(date(2023, 12, 31)) is None
    assert caritas.rate_on(date(2024, 1, 1)) == 6800
    assert caritas.rate_on(date(2026, 6, 30)) == 6800
    assert caritas.rate_on(date(2026, 7, 1)) == 7150
    assert caritas.rate_on(date(2030, 1, 1)) == 7150
    assert load_reference().provider("nobody") is None


def test_msa_reference_dir_replaces_the_seed(
    copy_of_seed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(copy_of_seed / "providers.yaml", "capacity: 40", "capacity: 41")
    monkeypatch.setenv("MSA_REFERENCE_DIR", str(copy_of_seed))
    caritas = load_reference().provider("caritas")
    assert caritas is not None and caritas.capacity == 41
    monkeypatch.delenv("MSA_REFERENCE_DIR")
    assert load_reference().provider("caritas").capacity == 40  # type: ignore[union-attr]


def test_a_file_that_is_not_yaml_is_named_in_the_error(copy_of_seed: Path) -> None:
    (copy_of_seed / "places.yaml").write_text("districts: [unclosed\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"places\.yaml"):
        load_reference(copy_of_seed)


def test_an_invalid_value_names_the_file_it_is_in(copy_of_seed: Path) -> None:
    edit(copy_of_seed / "providers.yaml", "capacity: 40", "capacity: -1")
    with pytest.raises(ReferenceDataError, match=r"providers\.yaml") as info:
        load_reference(copy_of_seed)
    assert "capacity" in str(info.value)


@pytest.mark.parametrize(
    ("name", "text", "match"),
    [
        ("measures.yaml", "fields: []\n", r"measures\.yaml: missing top-level key 'measures'"),
        ("billing.yaml", "- a list\n", r"billing\.yaml: expected a mapping"),
    ],
)
def test_a_broken_file_gives_a_reference_data_error(
    copy_of_seed: Path, name: str, text: str, match: str
) -> None:
    (copy_of_seed / name).write_text(text, encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=match):
        load_reference(copy_of_seed)


def test_a_missing_file_is_named(copy_of_seed: Path) -> None:
    (copy_of_seed / "residence.yaml").unlink()
    with pytest.raises(ReferenceDataError, match=r"missing: .*residence\.yaml"):
        load_reference(copy_of_seed)


def test_a_status_without_a_rule_is_refused(copy_of_seed: Path) -> None:
    residence = copy_of_seed / "residence.yaml"
    lines = residence.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if "id: naturalised" in line)
    residence.write_text("".join(lines[:start] + lines[start + 3 :]), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="every residence-status category"):
        load_reference(copy_of_seed)

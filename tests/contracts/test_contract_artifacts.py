"""The committed schemas, AsyncAPI document and EVENTS.md follow the code, and published
event versions never change incompatibly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from contract_samples import sample_events
from jsonschema import Draft202012Validator, FormatChecker
from msa_contracts.events import ALL_EVENTS, Event
from msa_contracts.registry import DEFAULT_REGISTRY
from msa_contracts.specs import breaking_changes, check_artifacts, event_schema, write_artifacts
from msa_contracts.specs.__main__ import main
from msa_contracts.specs.generate import EVENTS_DIR, GENERATE, PUBLISHED_DIR, schema_json

BY_TYPE = {cls.ce_type(): cls for cls in ALL_EVENTS}


def test_committed_artifacts_equal_freshly_generated_ones(repo_root: Path) -> None:
    drift = check_artifacts(repo_root)
    assert not drift, (
        "contract artefacts drifted from the code:\n  "
        + "\n  ".join(drift)
        + (f"\nrun `{GENERATE}` and commit the result")
    )


@pytest.mark.parametrize("cls", ALL_EVENTS, ids=lambda c: c.name())
def test_every_event_has_a_committed_and_a_published_schema(repo_root: Path, cls: Any) -> None:
    name = f"{cls.name()}.v{cls.schema_version}.json"
    for folder in (EVENTS_DIR, PUBLISHED_DIR):
        assert (repo_root / folder / name).is_file(), f"{folder / name} missing: run `{GENERATE}`"


def published_schemas() -> list[Path]:
    return sorted((Path(__file__).resolve().parents[2] / PUBLISHED_DIR).glob("*.json"))


@pytest.mark.parametrize("path", published_schemas(), ids=lambda p: p.stem)
def test_no_published_event_version_changed_incompatibly(path: Path) -> None:
    published = json.loads(path.read_text(encoding="utf-8"))
    ce_type = published["x-ce-type"]
    current = BY_TYPE.get(ce_type)
    if current is None:  # superseded by a newer version: it must still be readable
        assert DEFAULT_REGISTRY.resolve(ce_type) is not None, (
            f"{ce_type} was published but no event class or upcaster reads it any more"
        )
        return
    problems = breaking_changes(published, event_schema(current))
    assert not problems, (
        f"{ce_type} was published and must stay backward compatible, but the code changed it:\n  "
        + "\n  ".join(problems)
        + f"\nmake a new version ({current.__name__} with schema_version "
        f"{current.schema_version + 1}) with an upcaster instead"
    )


@pytest.mark.parametrize("cls", ALL_EVENTS, ids=lambda c: c.name())
def test_every_event_schema_is_valid_draft_2020_12_with_identity(cls: Any) -> None:
    schema = event_schema(cls)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == (
        f"https://schemas.msa.dresden.example/events/{cls.name()}.v{cls.schema_version}.json"
    )
    assert schema["title"] == cls.name()
    assert schema["x-ce-type"] == cls.ce_type()
    assert schema["x-schema-version"] == cls.schema_version
    assert schema["description"] and schema["additionalProperties"] is False


@pytest.mark.parametrize("event", sample_events(), ids=lambda e: type(e).__name__)
def test_event_bodies_validate_against_their_json_schema(event: Event) -> None:
    validator = Draft202012Validator(event_schema(type(event)), format_checker=FormatChecker())
    body = json.loads(event.model_dump_json())
    assert list(validator.iter_errors(body)) == []
    assert list(validator.iter_errors(body | {"unexpected": 1}))
    first = next(iter(body))  # a string field (id, date or period) in every sample
    assert list(validator.iter_errors(body | {first: 12345}))


def test_schema_files_are_sorted_indented_and_end_in_a_newline() -> None:
    text = schema_json({"b": 1, "a": {"d": "ü", "c": 2}})
    assert text == '{\n  "a": {\n    "c": 2,\n    "d": "ü"\n  },\n  "b": 1\n}\n'


def test_generate_writes_everything_and_check_then_finds_no_drift(tmp_path: Path) -> None:
    written = write_artifacts(tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in written}
    assert {"contracts/asyncapi.yaml", "contracts/EVENTS.md"} <= names
    assert len(names) == 2 + 2 * len(ALL_EVENTS)
    assert check_artifacts(tmp_path) == []
    assert write_artifacts(tmp_path) == []  # idempotent


def test_check_reports_each_kind_of_drift_and_generate_repairs_it(tmp_path: Path) -> None:
    write_artifacts(tmp_path)
    (tmp_path / "contracts/asyncapi.yaml").write_text("asyncapi: 3.0.0\n", encoding="utf-8")
    (tmp_path / "contracts/EVENTS.md").unlink()
    (tmp_path / EVENTS_DIR / "Retired.v1.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / PUBLISHED_DIR / "DayStarted.v1.json").unlink()
    assert sorted(check_artifacts(tmp_path)) == [
        "missing: contracts/EVENTS.md",
        "not in the published baseline: contracts/schemas/published/DayStarted.v1.json",
        "out of date: contracts/asyncapi.yaml",
        "stale (no such event): contracts/schemas/events/Retired.v1.json",
    ]
    write_artifacts(tmp_path)
    assert check_artifacts(tmp_path) == []
    assert not (tmp_path / EVENTS_DIR / "Retired.v1.json").exists()


def test_generate_never_overwrites_a_published_schema(tmp_path: Path) -> None:
    write_artifacts(tmp_path)
    published = tmp_path / PUBLISHED_DIR / "CaseAssigned.v1.json"
    published.write_text('{"x-ce-type": "released"}\n', encoding="utf-8")
    (tmp_path / PUBLISHED_DIR / "Retired.v1.json").write_text("{}\n", encoding="utf-8")
    assert write_artifacts(tmp_path) == []
    assert published.read_text(encoding="utf-8") == '{"x-ce-type": "released"}\n'
    assert (tmp_path / PUBLISHED_DIR / "Retired.v1.json").exists()


def test_the_command_line_checks_and_generates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--root", str(tmp_path)]) == 1
    assert GENERATE in capsys.readouterr().err
    assert main(["generate", "--root", str(tmp_path)]) == 0
    assert main(["check", "--root", str(tmp_path)]) == 0
    assert "up to date" in capsys.readouterr().out

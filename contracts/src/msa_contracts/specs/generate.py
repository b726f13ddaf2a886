"""Write the committed contract artefacts, and tell when they drifted from the code.

Paths are relative to the repository root:

- ``contracts/schemas/events/<Name>.v<N>.json``: the JSON Schema of every current event;
- ``contracts/schemas/published/<Name>.v<N>.json``: the baseline of every version ever
  released. A file is written once, when its version first appears, and never overwritten:
  the compatibility test holds the code to it;
- ``contracts/asyncapi.yaml`` and ``contracts/EVENTS.md``.

The provider list comes from the seed provider registry, not ``MSA_REFERENCE_DIR``, so that
the artefacts depend on the repository alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]

from msa_contracts.events import ALL_EVENTS
from msa_contracts.reference import SEED_DIR, load_reference
from msa_contracts.specs.asyncapi import asyncapi_document
from msa_contracts.specs.jsonschema import event_schema, schema_file_name
from msa_contracts.specs.markdown import events_markdown
from msa_contracts.topics import Catalogue, catalogue

EVENTS_DIR = Path("contracts/schemas/events")
PUBLISHED_DIR = Path("contracts/schemas/published")
ASYNCAPI = Path("contracts/asyncapi.yaml")
EVENTS_MD = Path("contracts/EVENTS.md")
GENERATE = "uv run python -m msa_contracts.specs generate"
YAML_HEADER = f"# Generated from msa_contracts by `{GENERATE}`: do not edit.\n"


def default_catalogue() -> Catalogue:
    return catalogue([p.id for p in load_reference(SEED_DIR).providers])


def schema_json(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class _Dumper(yaml.SafeDumper):
    """Multi-line strings as literal blocks, so descriptions read like text; no aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def asyncapi_yaml(cat: Catalogue) -> str:
    doc = asyncapi_document(cat)
    text = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return YAML_HEADER + text


def rendered(cat: Catalogue | None = None) -> dict[Path, str]:
    """Every generated file (relative path -> text), published baselines excluded."""
    cat = cat or default_catalogue()
    files = {EVENTS_DIR / schema_file_name(c): schema_json(event_schema(c)) for c in ALL_EVENTS}
    files[ASYNCAPI] = asyncapi_yaml(cat)
    files[EVENTS_MD] = events_markdown(cat)
    return files


def write_artifacts(root: Path, cat: Catalogue | None = None) -> list[Path]:
    """Bring the artefacts under ``root`` up to date; return the files created or changed.

    Stale schema files of events that no longer exist are removed from ``schemas/events``
    (never from ``schemas/published``).
    """
    files = rendered(cat)
    changed: list[Path] = []
    for stale in sorted((root / EVENTS_DIR).glob("*.json")):
        if stale.relative_to(root) not in files:
            stale.unlink()
            changed.append(stale)
    for rel, text in files.items():
        path = root / rel
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
        published = root / PUBLISHED_DIR / rel.name
        if rel.parent == EVENTS_DIR and not published.exists():
            published.parent.mkdir(parents=True, exist_ok=True)
            published.write_text(text, encoding="utf-8")
            changed.append(published)
    return changed


def check_artifacts(root: Path, cat: Catalogue | None = None) -> list[str]:
    """What differs between the committed artefacts and the code; empty when up to date."""
    files = rendered(cat)
    drift: list[str] = []
    for rel, text in files.items():
        path = root / rel
        if not path.is_file():
            drift.append(f"missing: {rel}")
        elif path.read_text(encoding="utf-8") != text:
            drift.append(f"out of date: {rel}")
        if rel.parent == EVENTS_DIR and not (root / PUBLISHED_DIR / rel.name).is_file():
            drift.append(f"not in the published baseline: {PUBLISHED_DIR / rel.name}")
    for stale in sorted((root / EVENTS_DIR).glob("*.json")):
        if stale.relative_to(root) not in files:
            drift.append(f"stale (no such event): {stale.relative_to(root)}")
    return drift

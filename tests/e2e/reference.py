"""Reference data for end-to-end runs: the seed, with small provider capacities so that a
short simulation fills some regions and uses the waiting list."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from msa_contracts.reference import SEED_DIR

CAPACITIES = {"caritas": 7, "diakonie": 6, "awo": 5, "drk": 4}


def small_capacity_reference(folder: Path) -> Path:
    """Write the seed reference data into ``folder`` with ``CAPACITIES``; returns it."""
    for f in SEED_DIR.glob("*.yaml"):
        shutil.copy(f, folder / f.name)
    providers = yaml.safe_load((folder / "providers.yaml").read_text())
    for p in providers["providers"]:
        p["capacity"] = CAPACITIES[p["id"]]
    (folder / "providers.yaml").write_text(yaml.safe_dump(providers, allow_unicode=True))
    return folder

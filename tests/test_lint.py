"""The house style's gate: ruff (lint and format) over the whole repository and mypy
(strict, see pyproject.toml) over every package's source, run by the test command so a
change that breaks them fails CI like a failing test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["contracts/src", "services/kit/src", "services/intake/src", "services/casework/src",
           "services/billing/src", "services/reporting/src", "services/scheduler/src",
           "deploy/ops/src"]  # fmt: skip


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *argv], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_finds_nothing() -> None:
    done = _run("ruff", "check", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_file_is_formatted() -> None:
    done = _run("ruff", "format", "--check", ".")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.timeout(900)
def test_mypy_strict_passes_on_every_package() -> None:
    assert all((ROOT / s).is_dir() for s in SOURCES), "a package moved: update SOURCES"
    done = _run("mypy", *SOURCES)
    assert done.returncode == 0, done.stdout + done.stderr

"""README.md's example commands work as written: the quick ones run, the ones that start
servers or take minutes exist with every option the README names (their behaviour is
tested elsewhere: e2e, bench smoke, fault runs)."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
#: commands that need no server and finish in seconds: run as written
RUN = ("msa token", "msa deploy check", "msa provider add --help", "msa faults run --help",
       "msa_contracts.specs check")  # fmt: skip


def documented() -> list[str]:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- readme-commands:start -->\s*```bash\n(.*?)```", text, re.S)
    assert block, "README.md lost its commands block"
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_the_readme_stays_a_short_manual_that_starts_with_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text) < 10_000
    quick = text.index("## Quick start")
    assert text.index("scripts/run.sh", quick) < text.index("## What runs")
    assert text.index("scripts/test.sh", quick) < text.index("## What runs")
    for link in re.findall(r"\]\(([^)#]+)\)", text):
        assert (ROOT / link).exists(), link
    assert len(documented()) >= 8


@pytest.mark.parametrize("command", documented())
def test_a_documented_command_works_as_written(command: str) -> None:
    args = shlex.split(command)
    assert args[:2] == ["uv", "run"], command
    if any(marker in command for marker in RUN):
        done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return
    words = [a for a in args[2:] if not a.startswith("-")]
    path = words[: 3 if words[1] in ("infra", "deploy", "faults") else 2]
    path = [w for w in path if re.fullmatch(r"[a-z_.]+", w)]
    done = subprocess.run(["uv", "run", *path, "--help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    for option in (a for a in args if a.startswith("--")):
        assert option in done.stdout, f"{command}: {option} is not an option of {path}"

"""`msa backup` and `msa intake` as an operator calls them (no server needed here; the
dump and restore themselves run against the real servers in test_drill.py and
tests/kit/test_backup.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from msa_kit.backup import layout
from msa_ops.cli import app
from typer.testing import CliRunner

T0 = datetime(2026, 12, 1, 1, 10, tzinfo=UTC)


def test_prune_keeps_the_newest_backups(tmp_path: Path) -> None:
    names = [layout.stamp(T0 + timedelta(days=d)) for d in range(4)]
    for name in names:
        (tmp_path / name).mkdir()
    result = CliRunner().invoke(app, ["backup", "prune", "--root", str(tmp_path), "--keep", "1"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == [names[-1]]


def test_an_unknown_service_is_refused_before_anything_is_touched(tmp_path: Path) -> None:
    args = ["backup", "dump", "--service", "payroll", "--root", str(tmp_path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "unknown service" in result.output
    assert not list(tmp_path.iterdir())


def test_the_operations_are_listed() -> None:
    runner = CliRunner()
    backup = runner.invoke(app, ["backup", "--help"]).output
    assert all(command in backup for command in ("dump", "restore", "prune"))
    assert "reapply-erasures" in runner.invoke(app, ["intake", "--help"]).output

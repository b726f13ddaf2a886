"""The fault-injection harness, short form: the four services as processes through a
simulated six weeks (one invoice run) while service processes are SIGKILLed and restarted,
the broker and the database restart once each, a second intake instance joins its group,
and poison of four kinds is injected. Everything reconciles with the ground truth."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from msa_contracts.reference import load_reference
from msa_ops.faults.run import FaultConfig, run_faults
from msa_ops.faults.summary import as_dict
from msa_ops.keys import ensure_local_keys

pytestmark = [pytest.mark.integration, pytest.mark.timeout(1200)]
SHORT = FaultConfig(kills=4, persons=8, days=45, seed=11, base_port=18520)


async def test_a_short_run_with_faults_loses_and_duplicates_nothing(
    infra: Any, tmp_path: Path
) -> None:
    keys = ensure_local_keys(tmp_path / "keys")
    run = await run_faults(infra, keys, load_reference(), SHORT, log_dir=tmp_path / "logs")
    summary = as_dict(run)
    print({k: v for k, v in summary.items() if k != "fault_log"})
    assert run.findings.problems == []
    assert any("kill scheduler" in what for _, _, what in run.fault_log), run.fault_log
    assert run.faults == {"kill": 4, "broker-restart": 1, "db-restart": 1,
                          "second-instance": 1, "poison": 4}  # fmt: skip
    assert summary["lost"] == summary["duplicated"] == 0
    assert summary["dead_lettered"] == 4
    assert run.findings.checked["invoices"] > 0 and run.findings.checked["reports"] > 0
    assert sum(run.processed.values()) > 0

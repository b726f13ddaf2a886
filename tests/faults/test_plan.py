"""The fault plan and the dead-letter reconciliation, without infrastructure."""

from __future__ import annotations

from msa_ops.faults.letters import Letter
from msa_ops.faults.plan import FaultPlan
from msa_ops.faults.poison import KINDS, Poison
from msa_ops.faults.reconcile import Findings, dead_letters
from msa_ops.stack import SERVICES


def plan(seed: int) -> FaultPlan:
    return FaultPlan.from_seed(seed, kills=60, days=91, services=SERVICES)


def test_the_same_seed_gives_the_same_plan_and_another_seed_another() -> None:
    assert plan(5) == plan(5)
    assert plan(5) != plan(6)


def test_a_plan_has_its_kills_one_restart_each_a_second_instance_and_every_poison() -> None:
    p = plan(5)
    assert p.count("kill") == 60
    assert p.count("broker-restart") == p.count("db-restart") == p.count("second-instance") == 1
    assert sorted(f.target for f in p.faults if f.kind == "poison") == sorted(KINDS)
    assert [f.day for f in p.faults] == sorted(f.day for f in p.faults)
    assert all(1 <= f.day <= 89 for f in p.faults)


def test_the_second_instance_is_killed_only_after_it_started() -> None:
    p = plan(5)
    started = next(f.day for f in p.faults if f.kind == "second-instance")
    kills = [f for f in p.faults if f.kind == "kill" and f.target == "intake#2"]
    assert kills and all(f.day > started for f in kills)
    assert {f.target for f in p.faults if f.kind == "kill"} >= set(SERVICES)


def poison(kind: str) -> Poison:
    return Poison(kind, f"poison-{kind}", "t", "msa.intake.dead-letter", "invalid-json")


def letter(ce_id: str, dlq_id: str, code: str = "invalid-json") -> Letter:
    return Letter("msa.intake.dead-letter", dlq_id, ce_id, code, "record value is not valid JSON")


def test_each_poison_dead_lettered_once_with_its_reason_is_clean() -> None:
    f = Findings()
    dead_letters([poison("a"), poison("b")], [letter("poison-a", "1"), letter("poison-b", "2")], f)
    assert f.clean and f.checked["poison messages"] == 2


def test_missing_repeated_wrong_and_unexpected_dead_letters_are_each_a_problem() -> None:
    f = Findings()
    letters = [letter("poison-b", "1"), letter("poison-b", "2"),
               letter("poison-c", "3", code="schema-violation"), letter("other", "4")]  # fmt: skip
    dead_letters([poison("a"), poison("b"), poison("c")], letters, f)
    assert f.lost["dead letters"] == 1
    assert f.duplicated["dead letters"] == 1
    assert len(f.problems) == 4


def test_the_fault_run_kills_the_scheduler_at_least_once() -> None:
    from msa_ops.faults.run import FaultConfig

    for seed in (5, 11, 2026):
        p = FaultConfig(kills=4, seed=seed).plan()
        kills = [f.target for f in p.faults if f.kind == "kill"]
        assert len(kills) == 4 and "scheduler" in kills

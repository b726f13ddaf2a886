"""A fault run: the four services as processes with fresh databases and consumer groups, a
simulated period with faults injected beside it, then settling and reconciliation."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from msa_contracts.namespace import ENV_VAR as NAMESPACE_ENV
from msa_contracts.namespace import Namespace
from msa_contracts.reference import ReferenceData
from msa_contracts.topics import CLOCK, dead_letter_topic
from msa_kit.auth import Role

from msa_ops.faults import reconcile, settle
from msa_ops.faults.clock import SCHEDULER, SchedulerClock
from msa_ops.faults.injector import Injector, Report
from msa_ops.faults.letters import Letter, Offsets, end_offsets
from msa_ops.faults.plan import FaultPlan
from msa_ops.faults.poison import KINDS, Poisoner
from msa_ops.infra import Infra
from msa_ops.infra.topics import ensure_topics, topic_specs
from msa_ops.keys import LocalKeys
from msa_ops.sim import billing_checks as billing
from msa_ops.sim.bus import Bus
from msa_ops.sim.run import followed_topics
from msa_ops.sim.scenario import Scenario, ScenarioConfig
from msa_ops.sim.truth import Observed
from msa_ops.stack import SERVICES, Stack


@dataclass(frozen=True)
class FaultConfig:
    kills: int = 6
    persons: int = 12
    days: int = 91
    seed: int = 7
    start: date = date(2026, 3, 2)
    broker_restart: bool = True
    db_restart: bool = True
    second_instance: str | None = "intake"
    poison: tuple[str, ...] = tuple(KINDS)
    base_port: int = 18500  # services on base+1..base+4, scheduler base+5, second instance base+10
    hold_days: int = 5  # billing's BILLING_HOLD_DAYS
    wait_s: float = 300.0  # how long the simulator waits for an answer before giving up

    def plan(self) -> FaultPlan:
        """The scheduler is killed like the services, and at least once."""
        return FaultPlan.from_seed(
            self.seed, kills=self.kills, days=self.days, services=(*SERVICES, SCHEDULER),
            second_instance=self.second_instance, broker_restart=self.broker_restart,
            db_restart=self.db_restart, poison=self.poison, must_kill=(SCHEDULER,),
        )  # fmt: skip


@dataclass
class FaultRun:
    """Everything a summary needs."""

    config: FaultConfig
    run_id: str
    findings: reconcile.Findings
    faults: dict[str, int]
    fault_log: list[tuple[float, str, str]]
    processed: dict[str, int] = field(default_factory=dict)
    observed: int = 0
    redelivered: int = 0
    letters: list[Letter] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


async def run_faults(
    infra: Infra, keys: LocalKeys, reference: ReferenceData, config: FaultConfig, *,
    log_dir: Path, reference_dir: Path | None = None, report: Report = print,
) -> FaultRun:  # fmt: skip
    """Run the scenario with ``config``'s faults and reconcile; never raises on a mismatch
    (the findings say what is wrong)."""
    began = time.monotonic()
    run_id = f"faults{uuid.uuid4().hex[:6]}"
    bootstrap = infra.kafka_bootstrap
    # topics of its own: no other run's records (a later clock day above all) on them
    ns = Namespace(run_id)
    await ensure_topics(bootstrap, topic_specs(run_id))
    since = await end_offsets(bootstrap, [ns.topic(dead_letter_topic(s)) for s in SERVICES])
    env = {
        **infra.env(),
        NAMESPACE_ENV: run_id,
        **keys.service_env(),
        "BILLING_HOLD_DAYS": str(config.hold_days),
        "INTAKE_TRIM_NOTICES": "true",
    }  # as deployed: the run reads the notices alone
    if reference_dir is not None:
        env["MSA_REFERENCE_DIR"] = str(reference_dir)
    bus = Bus(bootstrap, [*followed_topics(reference), CLOCK], ns)
    (log_dir / run_id).mkdir(parents=True, exist_ok=True)
    clock = SchedulerClock(log_dir / run_id / "now", bus, config.wait_s)
    clock.before(config.start)
    stack = await Stack.fresh((*SERVICES, SCHEDULER), run=run_id, bootstrap=bootstrap, env=env,
                              log_dir=log_dir / run_id, base_port=config.base_port,
                              extra={SCHEDULER: clock.settings(run_id, config.start)})  # fmt: skip
    report(f"run {run_id}: databases {run_id}_*, logs in {log_dir / run_id}, "
           f"the scheduler's clock in {clock.now_file}")  # fmt: skip
    findings = reconcile.Findings()
    poisoner = Poisoner(bootstrap, keys, reference, ns)
    plan = config.plan()
    injector = Injector(plan, stack, infra, poisoner, config.start,
                        config.base_port + 10, report)  # fmt: skip
    try:
        await asyncio.to_thread(stack.start)
        await bus.start()
        await poisoner.start()
        scenario = Scenario(
            bus, reference,
            ScenarioConfig(seed=config.seed, persons=config.persons, start=config.start,
                           days=config.days, arrival_days=min(30, config.days), hours=True,
                           hold_days=config.hold_days, wait_s=config.wait_s),
            keys.intake_public.read_text(), keys.intake_key_id, injector.day_done,
            pace=injector.pace, tick=clock,
        )  # fmt: skip
        faults = asyncio.create_task(injector.run())
        try:
            await scenario.run()
        except Exception as exc:  # a stalled scenario is a finding, not a crash
            findings.problem(f"scenario stopped: {type(exc).__name__}: {exc}")
            faults.cancel()
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(asyncio.shield(faults), timeout=600)
        if not faults.done():
            faults.cancel()
            findings.problem("not every planned fault was injected")
        for failure in injector.failed:
            findings.problem(f"fault not injected: {failure}")
        simulated = time.monotonic()
        result = await _settle_and_reconcile(
            infra, keys, reference, config, stack, bus, poisoner, since, scenario, findings, run_id
        )
        result.faults = dict(injector.done)
        result.fault_log = injector.log
        result.seconds = {"simulate": round(simulated - began, 1),
                          "total": round(time.monotonic() - began, 1)}  # fmt: skip
        return result
    finally:
        await poisoner.stop()
        await bus.stop()
        await asyncio.to_thread(stack.stop)


async def _settle_and_reconcile(
    infra: Infra, keys: LocalKeys, reference: ReferenceData, config: FaultConfig, stack: Stack,
    bus: Bus, poisoner: Poisoner, since: Offsets, scenario: Scenario,
    findings: reconcile.Findings, run_id: str,
) -> FaultRun:  # fmt: skip
    uri = infra.mongodb_uri
    dead = [k for k, p in stack.processes.items() if not p.alive()]
    if dead:
        findings.problem(f"processes not running at the end: {dead}")
    pending = await settle.drained_outboxes(uri, [f"{run_id}_{s}" for s in SERVICES])
    await settle.quiet(bus)
    tables = await settle.settled_tables(uri, f"{run_id}_reporting")
    letters = await settle.letters_for(bootstrap=infra.kafka_bootstrap, since=since,
                                       expected={p.ce_id for p in poisoner.sent})  # fmt: skip
    truth, observed = scenario.truth, Observed(list(bus.seen))
    last_day = config.start + timedelta(days=config.days - 1)
    token = keys.token(Role.FINANCE, subject="faults")
    issued = billing.issued_invoices(observed)
    on_lines = await billing.entries_on_lines(stack["billing"].url, token, issued)
    reconcile.arrivals_and_cases(truth, observed, findings)
    reconcile.reports(truth, observed, findings)
    reconcile.hours(truth, observed, last_day, findings)
    reconcile.invoices(truth, observed, on_lines, findings)
    reconcile.figures(reference, truth, observed, tables, findings)
    reconcile.outboxes(pending, findings)
    reconcile.dead_letters(poisoner.sent, letters, findings)
    return FaultRun(
        config, run_id, findings, {}, [],
        processed=await settle.inbox_counts(uri, {s: f"{run_id}_{s}" for s in SERVICES}),
        observed=len({(t, e.id) for t, e in bus.seen}),
        redelivered=len(bus.seen) - len({(t, e.id) for t, e in bus.seen}),
        letters=letters,
    )  # fmt: skip

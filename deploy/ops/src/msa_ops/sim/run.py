"""Run a scenario against services that are already up: the entry point for the CLI and tests."""

from __future__ import annotations

from msa_contracts.reference import ReferenceData
from msa_contracts.topics import catalogue

from msa_ops.keys import LocalKeys
from msa_ops.sim.bus import Bus
from msa_ops.sim.scenario import Progress, Scenario, ScenarioConfig
from msa_ops.sim.truth import Observed, Truth

FOLLOWED = ("msa.intake.persons", "msa.casework.cases", "msa.billing.ledger")


async def simulate(
    bootstrap: str,
    keys: LocalKeys,
    reference: ReferenceData,
    config: ScenarioConfig,
    progress: Progress = lambda _m: None,
) -> tuple[Truth, Observed]:
    """Play ``config`` through the running services; returns ground truth and observations."""
    bus = Bus(bootstrap, followed_topics(reference))
    await bus.start()
    try:
        scenario = Scenario(
            bus, reference, config, keys.intake_public.read_text(), keys.intake_key_id, progress
        )
        truth = await scenario.run()
        return truth, scenario.observed
    finally:
        await bus.stop()


def followed_topics(reference: ReferenceData) -> list[str]:
    """The topics the simulator reads the services' answers from."""
    providers = [p.id for p in reference.providers]
    cat = catalogue(providers)
    return [
        *FOLLOWED,
        *(cat.provider_topic(p, k) for p in providers for k in ("assignments", "feedback")),
    ]

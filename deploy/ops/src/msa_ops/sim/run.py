"""Run a scenario against services that are already up: the entry point for the CLI and tests."""

from __future__ import annotations

from datetime import date

import httpx
from msa_contracts.namespace import Namespace
from msa_contracts.reference import ReferenceData
from msa_contracts.topics import CASES, LEDGER, PERSONS, catalogue
from msa_kit.auth import Role

from msa_ops.keys import LocalKeys
from msa_ops.sim.bus import Bus
from msa_ops.sim.scenario import Depart, Progress, Scenario, ScenarioConfig
from msa_ops.sim.truth import Observed, Truth

FOLLOWED = (PERSONS, CASES, LEDGER)


async def simulate(
    bootstrap: str,
    keys: LocalKeys,
    reference: ReferenceData,
    config: ScenarioConfig,
    progress: Progress = lambda _m: None,
    intake_url: str | None = None,
    namespace: Namespace | None = None,
) -> tuple[Truth, Observed]:
    """Play ``config`` through the running services (on the topics of ``namespace``, by
    default MSA_ENV's); returns ground truth and observations. Departures
    (``config.departures``) go through intake's front desk at ``intake_url``."""
    if config.departures and intake_url is None:
        raise ValueError("departures need intake_url (intake's HTTP API)")
    bus = Bus(bootstrap, followed_topics(reference), namespace)
    await bus.start()
    try:
        scenario = Scenario(
            bus, reference, config, keys.intake_public.read_text(), keys.intake_key_id, progress,
            depart=front_desk(intake_url, keys) if intake_url else None,
        )  # fmt: skip
        truth = await scenario.run()
        return truth, scenario.observed
    finally:
        await bus.stop()


def front_desk(intake_url: str, keys: LocalKeys) -> Depart:
    """A caseworker records at intake's front desk that a person left Dresden."""

    async def depart(person_ref: str, on: date) -> None:
        headers = {"Authorization": f"Bearer {keys.token(Role.CASEWORKER, subject='sim')}"}
        body = {"departed_on": on.isoformat(), "reason": "moved-away"}
        async with httpx.AsyncClient(base_url=intake_url, timeout=10.0) as client:
            answer = await client.post(f"/persons/{person_ref}/departure", json=body,
                                       headers=headers)  # fmt: skip
            answer.raise_for_status()

    return depart


def followed_topics(reference: ReferenceData) -> list[str]:
    """The topics the simulator reads the services' answers from."""
    providers = [p.id for p in reference.providers]
    cat = catalogue(providers)
    return [
        *FOLLOWED,
        *(cat.provider_topic(p, k) for p in providers for k in ("assignments", "feedback")),
    ]

"""Start, reuse, stop and inspect the whole infrastructure (Kafka + MongoDB-wire server)."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from msa_ops.infra.aio import run_sync
from msa_ops.infra.components import Component, make_components
from msa_ops.infra.java import Reporter
from msa_ops.infra.lease import Leases, infra_lock
from msa_ops.infra.settings import KAFKA_ENV, MONGO_ENV, NAMESPACE_ENV, InfraSettings
from msa_ops.infra.topics import ensure_topics, topic_specs


def _print(message: str) -> None:
    print(message, flush=True)


@dataclass
class Infra:
    """Running infrastructure; `started` names the components this Infra started itself."""

    kafka: Component
    mongo: Component
    started: frozenset[str] = frozenset()
    created_topics: list[str] = field(default_factory=list)
    var_dir: Path | None = None
    #: the topic namespace (MSA_ENV) this Infra's topics were created in; "" for none
    namespace: str = ""

    @property
    def kafka_bootstrap(self) -> str:
        """Bootstrap servers, e.g. '127.0.0.1:19092'."""
        return self.kafka.address

    @property
    def mongodb_uri(self) -> str:
        """MongoDB connection URI, e.g. 'mongodb://127.0.0.1:27217/?directConnection=true'."""
        return self.mongo.address

    @property
    def kafka_backend(self) -> str:
        """'local', 'testcontainers' or 'external'."""
        return self.kafka.backend

    @property
    def mongo_backend(self) -> str:
        """'mongod', 'secantusdb', 'testcontainers' or 'external'."""
        return self.mongo.backend

    def env(self) -> dict[str, str]:
        """The variables that point clients (and subprocesses) at this infrastructure and,
        when it has one, its topic namespace."""
        env = {KAFKA_ENV: self.kafka_bootstrap, MONGO_ENV: self.mongodb_uri}
        return env | ({NAMESPACE_ENV: self.namespace} if self.namespace else {})

    def stop(self) -> list[str]:
        """Stop the components this Infra started, unless another live process still holds a
        lease on them: then the last one out stops them. Return the names stopped now."""
        if self.var_dir is None:
            return self._stop(set(self.started))
        with infra_lock(self.var_dir):
            leases = Leases(self.var_dir)
            leases.release()
            wanted = set(self.started) | leases.pending()
            if leases.others_alive():
                leases.set_pending(wanted)
                return []
            leases.set_pending(set())
            return self._stop(wanted)

    def _stop(self, names: set[str]) -> list[str]:
        stopped: list[str] = []
        for component in (self.kafka, self.mongo):
            if component.name in names and component.backend != "external":
                component.stop()
                stopped.append(component.name)
        return stopped

    def restart_kafka(self, hard: bool = False) -> None:
        """Restart the broker on the same data (SIGKILL first when hard). Blocks until ready;
        from async code use `await asyncio.to_thread(infra.restart_kafka)`."""
        self.kafka.restart(hard)

    def restart_mongo(self, hard: bool = False) -> None:
        """Restart the MongoDB-wire server on the same data (SIGKILL first when hard)."""
        self.mongo.restart(hard)


def _start_all(*components: Component) -> tuple[set[str], list[BaseException]]:
    """Start the components in parallel; return the names started and the errors raised."""
    started: set[str] = set()
    errors: list[BaseException] = []
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="msa-infra-start") as pool:
        futures = [(c.name, pool.submit(c.ensure_started)) for c in components]
        for name, future in futures:
            try:
                if future.result():
                    started.add(name)
            except BaseException as exc:
                errors.append(exc)
    return started, errors


def start_infra(
    settings: InfraSettings | None = None,
    *,
    env: Mapping[str, str] | None = None,
    report: Reporter = _print,
    create_topics: bool = True,
    namespace: str | None = None,
) -> Infra:
    """Start (or reuse) Kafka and the MongoDB-wire server, create the catalogue's topics in
    the topic namespace ``namespace`` (default: MSA_ENV from env; "" for none).

    Precedence per component: KAFKA_BOOTSTRAP_SERVERS / MONGODB_URI from env as they are;
    else testcontainers when a Docker engine answers; else local processes under var/.
    """
    settings = settings or InfraSettings.from_env(env)
    kafka, mongo = make_components(settings, report, env)
    with infra_lock(settings.var_dir):  # a concurrent starter waits, then reuses
        started, errors = _start_all(kafka, mongo)
        infra = Infra(
            kafka,
            mongo,
            frozenset(started),
            var_dir=settings.var_dir,
            namespace=settings.namespace if namespace is None else namespace,
        )
        if errors:
            infra._stop(started)  # leave nothing half-started behind
            raise errors[0]
        Leases(settings.var_dir).acquire()
    if create_topics:
        specs = topic_specs(infra.namespace)
        infra.created_topics = run_sync(lambda: ensure_topics(infra.kafka_bootstrap, specs))
    return infra

"""The topic catalogue as code: the one source for topics, ACLs, manifests and docs.

Each topic names its key, partitions, retention or compaction, who produces and who
consumes it, and the events it carries. Per-provider topics are templates expanded for
every provider in the provider registry, so a provider's identity is the topic that access
control lets it write to.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from msa_contracts import events as ev
from msa_contracts.events import Event
from msa_contracts.namespace import Namespace

SERVICES = ("intake", "casework", "billing", "reporting")
DAY_MS = 24 * 3600 * 1000
FOREVER = -1
#: provider topics are a delivery channel: their consumers (casework, billing, the provider's
#: own system) keep the state, so the records go after a quarter, long before any deletion
#: period of the cases they name ends (docs/DATA-PROTECTION.md)
PROVIDER_RETENTION_MS = 90 * DAY_MS
#: the shared event topics are a transport too: the history is in the services' stores and in
#: reporting's archive (anonymised when a case's period ends), which its rebuild starts from,
#: so the records go after half a year, long before any deletion period of the cases they name
#: ends, and far longer than any backup is kept (a restore replays the topics from the backup's
#: offsets; intake re-applies the PersonErased records on the persons topic)
HISTORY_RETENTION_MS = 180 * DAY_MS
HISTORY = (
    "msa.intake.persons", "msa.casework.cases", "msa.billing.ledger",
)  # fmt: skip
PROVIDER = "provider:{provider}"

# The topics' logical names: every module outside the contracts takes them from here.
NOTICES = "msa.allocation.notices"
PERSONS = "msa.intake.persons"
CASES = "msa.casework.cases"
LEDGER = "msa.billing.ledger"
OUTCOMES = "msa.reporting.measure-outcomes"
CLOCK = "msa.clock"
PROVIDERS = "msa.provider"  # the prefix of every provider's own topics
ACCESS_REQUESTS = "msa.intake.access-requests"
ACCESS_PARTS = "msa.intake.access-parts"


def provider_topic(provider: str, kind: str, *, prefix: str = PROVIDERS) -> str:
    """A provider's topic of one kind (``reports``, ``hours``, ``assignments``,
    ``feedback``); ``prefix`` is replaceable for run-private copies."""
    return f"{prefix}.{provider}.{kind}"


def reports(provider: str) -> str:
    """What the provider reports about its cases (casework reads it)."""
    return provider_topic(provider, "reports")


def hours(provider: str) -> str:
    """The provider's hour entries (billing reads it)."""
    return provider_topic(provider, "hours")


def assignments(provider: str) -> str:
    """The provider's assignments and casework's answers."""
    return provider_topic(provider, "assignments")


def feedback(provider: str) -> str:
    """Billing's answers, budget warnings and invoices for the provider."""
    return provider_topic(provider, "feedback")


@dataclass(frozen=True)
class Topic:
    """One Kafka topic and its contract."""

    name: str
    description: str
    key: str
    partitions: int
    events: tuple[type[Event], ...]
    producers: tuple[str, ...]
    consumers: tuple[str, ...]
    retention_ms: int = FOREVER
    compacted: bool = False
    provider: str | None = None
    extra_config: dict[str, str] = field(default_factory=dict)
    #: services that delete the records they have processed (Kafka DeleteRecords): intake
    #: on the notices, so that no sealed identity stays readable there
    trimmed_by: tuple[str, ...] = ()
    #: services that read the whole topic back outside any consumer group (Read, no group):
    #: intake re-applies every ``PersonErased`` on the persons topic when it starts, so a
    #: restored database never brings an erased person back
    reread_by: tuple[str, ...] = ()

    @property
    def config(self) -> dict[str, str]:
        """Kafka topic configuration."""
        cfg = {"retention.ms": str(self.retention_ms)}
        if self.compacted:
            cfg |= {"cleanup.policy": "compact", "min.compaction.lag.ms": "60000"}
        return cfg | self.extra_config

    @property
    def event_types(self) -> tuple[str, ...]:
        return tuple(cls.ce_type() for cls in self.events)

    def for_provider(self, provider: str) -> Topic:
        def sub(items: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(i.format(provider=provider) for i in items)

        return Topic(
            name=self.name.format(provider=provider),
            description=self.description,
            key=self.key,
            partitions=self.partitions,
            events=self.events,
            producers=sub(self.producers),
            consumers=sub(self.consumers),
            retention_ms=self.retention_ms,
            compacted=self.compacted,
            provider=provider,
            extra_config=self.extra_config,
            trimmed_by=self.trimmed_by,
            reread_by=self.reread_by,
        )


def dead_letter_topic(service: str) -> str:
    return f"msa.{service}.dead-letter"


def consumer_group(service: str) -> str:
    return f"msa-{service}"


CASE_FEED = (
    ev.CaseOpened, ev.CaseAssessed, ev.CaseAssigned, ev.CaseWaitlisted, ev.CaseReassigned,
    ev.ModuleChanged, ev.MentorMatched, ev.ReferralRecorded, ev.CaseClosed,
    ev.IntegrationPlanAgreed, ev.GoalProgressRecorded, ev.GoalAchieved, ev.GoalDropped,
    ev.PlanReviewDue, ev.PlanReviewRecorded, ev.FachleistungApproved, ev.FachleistungRejected,
    ev.FachleistungExpired, ev.CaseFileExpired,
)  # fmt: skip
PROVIDER_FEED = (
    ev.CaseAssigned, ev.CaseReassigned, ev.CaseClosed, ev.ModuleChanged,
    ev.IntegrationPlanAgreed, ev.IntegrationPlanRejected, ev.GoalProgressRecorded,
    ev.GoalAchieved, ev.GoalDropped, ev.PlanReviewDue, ev.PlanReviewRecorded,
    ev.FachleistungApproved,
    ev.FachleistungRejected, ev.FachleistungExpired, ev.MentorMatched, ev.ReferralRecorded,
    ev.ProviderReportRejected, ev.CaseFileExpired,
)  # fmt: skip

SHARED_TOPICS: tuple[Topic, ...] = (
    Topic(NOTICES, "Allocation notices from the state's allocation system; "
          "identities sealed to intake's key. A hand-over, not a history: intake deletes the "
          "records its consumer group has processed (DeleteRecords), so no sealed identity "
          "stays on the topic after its registration, nor after an erasure.",
          "notice_id", 3, (ev.PersonAllocated,), ("allocation-system",), ("intake",),
          retention_ms=7 * DAY_MS, trimmed_by=("intake",)),
    # never compacted: its PersonErased records are the erasure record that lives apart from
    # intake's key database (a restore from a backup, younger than the retention, re-applies them)
    Topic(PERSONS, "Arrivals and their changes, pseudonymous.", "person_ref", 6,
          (ev.ArrivalRegistered, ev.ResidenceStatusChanged, ev.PersonRelocated,
           ev.PersonDeparted, ev.PersonErased), ("intake",), ("casework", "reporting"),
          retention_ms=HISTORY_RETENTION_MS, reread_by=("intake",)),
    Topic(CASES, "The case lifecycle: assignment, modules, plans, goals, "
          "approvals; CaseFileExpired when a closed case's deletion period ended (intake "
          "reads that one and who holds each case).", "case_id", 6, CASE_FEED, ("casework",),
          ("billing", "reporting", "intake"), retention_ms=HISTORY_RETENTION_MS),
    Topic(LEDGER, "Accepted hours, budget thresholds and invoices.",
          "case_id (hours, budgets) or provider_id (invoices)", 6,
          (ev.HoursAccepted, ev.BudgetThresholdReached, ev.InvoiceIssued, ev.InvoiceCorrected,
           ev.HoursAnonymised), ("billing",), ("reporting",), retention_ms=HISTORY_RETENTION_MS),
    Topic(OUTCOMES, "Measure outcomes per period after small-cell "
          "suppression; compacted: the latest record per key is the current state, so a "
          "consumer reading from the beginning gets every measure's current figures. Periods "
          "are calendar months (YYYY-MM, by each fact's business date) and 'cumulative'; a "
          "record is written only when the key's figures changed. Figures: goals_set, "
          "goals_achieved, goals_dropped, goal_days_median, mentors_matched, referrals; a "
          "figure that would reveal fewer persons than the threshold (default 5) is null and "
          "named in 'suppressed'.",
          "measure_id:period, e.g. 'M19:2026-03' or 'M19:cumulative'", 3,
          (ev.MeasureOutcomeReported,), ("reporting",), ("reporting-consumers",), compacted=True),
    Topic(CLOCK, "One tick per city day (Europe/Berlin) for time-driven behaviour, "
          "published at local midnight by the scheduler (or by the simulator in a simulated "
          "run); the CloudEvents id is derived from the day, so a repeated tick is dropped by "
          "every consumer. Written transactionally: read it with isolation.level "
          "read_committed. The scheduler reads its last tick back on start.",
          "'clock'", 1, (ev.DayStarted,), ("scheduler",),
          ("casework", "billing", "reporting", "scheduler"), retention_ms=30 * DAY_MS),
    Topic(ACCESS_REQUESTS, "A person's access requests (DSGVO Art. 15): pseudonymous, with "
          "the public key made for the request, to which every service seals its answer.",
          "request_id", 1, (ev.AccessRequested,), ("intake",),
          ("casework", "billing", "reporting"), retention_ms=7 * DAY_MS),
    Topic(ACCESS_PARTS, "The services' parts of access requests, in chunks, each sealed to "
          "the request's key (only intake can open them, nobody once the person is erased); "
          "read by intake alone and kept one day.", "request_id", 3,
          (ev.AccessPartDelivered,), ("casework", "billing", "reporting"), ("intake",),
          retention_ms=DAY_MS),
)  # fmt: skip

PROVIDER_TOPICS: tuple[Topic, ...] = (
    Topic(reports("{provider}"), "What the provider reports: plans, reviews, goal "
          "progress, Fachleistung requests, referrals.", "case_id", 3,
          (ev.IntegrationPlanSubmitted, ev.PlanReviewed, ev.GoalProgressReported,
           ev.FachleistungRequested, ev.ReferralMade), (PROVIDER,), ("casework",),
          retention_ms=PROVIDER_RETENTION_MS),
    Topic(hours("{provider}"), "Hour entries (Fachleistungsstunden) logged by the "
          "provider.", "case_id", 3, (ev.HoursLogged,), (PROVIDER,), ("billing",),
          retention_ms=PROVIDER_RETENTION_MS),
    Topic(assignments("{provider}"), "Assignments and casework's answers to the "
          "provider's reports.", "case_id", 3, PROVIDER_FEED, ("casework",), (PROVIDER,),
          retention_ms=PROVIDER_RETENTION_MS),
    Topic(feedback("{provider}"), "Billing's answer to every hour entry (HoursHeld "
          "at once when it must wait, then HoursAccepted or HoursRejected), budget warnings and "
          "invoices.", "case_id (entries) or provider_id (invoices)", 3,
          (ev.HoursAccepted, ev.HoursRejected, ev.HoursHeld, ev.BudgetThresholdReached,
           ev.InvoiceIssued, ev.InvoiceCorrected, ev.HoursAnonymised), ("billing",), (PROVIDER,),
          retention_ms=PROVIDER_RETENTION_MS),
)  # fmt: skip


def dead_letter_topics() -> tuple[Topic, ...]:
    return tuple(
        Topic(dead_letter_topic(s), f"Messages {s} could not process, with the reason in the "
              "dlq_* headers and the original headers kept.", "original key", 1, (),
              (s,), ("operations",), retention_ms=30 * DAY_MS)
        for s in SERVICES
    )  # fmt: skip


@dataclass(frozen=True)
class Catalogue:
    """All topics for a given set of providers."""

    providers: tuple[str, ...]

    def shared(self) -> tuple[Topic, ...]:
        return SHARED_TOPICS + dead_letter_topics()

    def for_provider(self, provider: str) -> tuple[Topic, ...]:
        return tuple(t.for_provider(provider) for t in PROVIDER_TOPICS)

    def all_topics(self) -> tuple[Topic, ...]:
        per_provider = tuple(t for p in self.providers for t in self.for_provider(p))
        return self.shared() + per_provider

    def on_wire(self, namespace: Namespace) -> tuple[Topic, ...]:
        """Every topic named as it is on the wire in ``namespace`` (see msa_contracts.namespace)."""
        return tuple(
            dataclasses.replace(t, name=namespace.topic(t.name)) for t in self.all_topics()
        )

    def topic(self, name: str) -> Topic:
        for t in self.all_topics():
            if t.name == name:
                return t
        raise KeyError(f"no topic {name!r} in the catalogue")

    def produced_by(self, actor: str) -> tuple[Topic, ...]:
        return tuple(t for t in self.all_topics() if actor in t.producers)

    def consumed_by(self, actor: str) -> tuple[Topic, ...]:
        return tuple(t for t in self.all_topics() if actor in t.consumers)

    def provider_topic(self, provider: str, kind: str) -> str:
        return provider_topic(provider, kind)

    def provider_of(self, topic_name: str) -> str | None:
        """The provider whose topic this is (its identity), or None."""
        parts = topic_name.split(".")
        if len(parts) == 4 and ".".join(parts[:2]) == PROVIDERS and parts[2] in self.providers:
            return parts[2]
        return None


def catalogue(providers: Iterable[str] | None = None) -> Catalogue:
    """The catalogue for the given providers, by default those of the provider registry."""
    if providers is None:
        from msa_contracts.reference import load_reference

        providers = [p.id for p in load_reference().providers]
    return Catalogue(tuple(providers))

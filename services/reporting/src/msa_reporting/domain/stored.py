"""The input events reporting keeps, with their place in the log.

Figures are a pure function of the *set* of stored events: the fold walks them in a
canonical order (topic, partition, offset), so the live projection and a replay from offset
zero agree whatever order the partitions were interleaved in when they were consumed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from msa_contracts.events import (
    ArrivalRegistered,
    CaseAssigned,
    CaseClosed,
    CaseOpened,
    CaseReassigned,
    CaseWaitlisted,
    DayStarted,
    Event,
    FachleistungApproved,
    GoalAchieved,
    GoalDropped,
    HoursAccepted,
    IntegrationPlanAgreed,
    InvoiceCorrected,
    InvoiceIssued,
    MentorMatched,
    PersonRelocated,
    ReferralRecorded,
    ResidenceStatusChanged,
)

#: Every event type some figure reads; the others on the input topics are acknowledged only.
INPUTS: tuple[type[Event], ...] = (
    ArrivalRegistered, ResidenceStatusChanged, PersonRelocated,
    CaseOpened, CaseAssigned, CaseWaitlisted, CaseReassigned, CaseClosed,
    IntegrationPlanAgreed, GoalAchieved, GoalDropped, FachleistungApproved,
    MentorMatched, ReferralRecorded, HoursAccepted, InvoiceIssued, InvoiceCorrected, DayStarted,
)  # fmt: skip
INPUT_TYPES = frozenset(cls.ce_type() for cls in INPUTS)
_INPUT_CLASSES = frozenset(INPUTS)


@dataclass(frozen=True, slots=True)  # slots: one per event a replay reads, at half the cost
class Stored:
    """One input event and where it sits in the log (its first delivery)."""

    topic: str
    partition: int
    offset: int
    event_id: str
    event: Event
    #: the record's JSON value when it is the current version's body (validated into
    #: ``event``); archived as is instead of serialising ``event`` again
    raw: bytes | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        """Unique per topic and CloudEvents id, like the kit's inbox."""
        return f"{self.topic}/{self.event_id}"

    @property
    def position(self) -> tuple[str, int, int]:
        return (self.topic, self.partition, self.offset)


def is_input(event: Event) -> bool:
    return type(event) in _INPUT_CLASSES


def canonical(events: dict[str, Stored]) -> list[Stored]:
    """The fold order: by log position, independent of consumption order."""
    return sorted(events.values(), key=lambda s: (s.position, s.event_id))

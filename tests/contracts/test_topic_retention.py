"""Each topic's answer to the deletion periods (docs/DATA-PROTECTION.md): finite retention
shorter than the shortest default period, trimmed by its reader, or aggregates only. A new
topic must be given one of these."""

from __future__ import annotations

from msa_billing.settings import BillingSettings
from msa_casework.settings import CaseworkSettings
from msa_contracts.events import MeasureOutcomeReported
from msa_contracts.topics import (
    DAY_MS,
    FOREVER,
    HISTORY,
    HISTORY_RETENTION_MS,
    PROVIDER_RETENTION_MS,
    catalogue,
)
from msa_kit.backup.run import DEFAULT_KEEP


def shortest_default_period_ms() -> int:
    days = min(CaseworkSettings.model_fields["case_file_retention_days"].default,
               BillingSettings.model_fields["hours_retention_days"].default)  # fmt: skip
    return int(days) * DAY_MS


def test_every_topic_has_a_decided_retention() -> None:
    undecided = []
    for topic in catalogue().all_topics():
        finite = topic.retention_ms != FOREVER and topic.retention_ms < shortest_default_period_ms()
        aggregates = topic.events == (MeasureOutcomeReported,) and topic.compacted
        if not (finite or aggregates or topic.trimmed_by):
            undecided.append(topic.name)
    assert undecided == []


def test_provider_topics_keep_a_quarter_and_the_history_topics_half_a_year() -> None:
    cat = catalogue(["caritas"])
    assert {t.retention_ms for t in cat.for_provider("caritas")} == {PROVIDER_RETENTION_MS}
    assert PROVIDER_RETENTION_MS == 90 * DAY_MS < shortest_default_period_ms()
    assert {cat.topic(name).retention_ms for name in HISTORY} == {HISTORY_RETENTION_MS}
    assert HISTORY_RETENTION_MS == 180 * DAY_MS < shortest_default_period_ms()
    assert FOREVER not in {t.retention_ms for t in cat.all_topics() if not t.compacted}


def test_the_history_topics_outlive_every_backup() -> None:
    """A restore replays the topics from the backup's offsets and re-applies the erasures on
    the persons topic: both need the records of the oldest backup kept still to be there."""
    assert DEFAULT_KEEP * DAY_MS * 10 < HISTORY_RETENTION_MS

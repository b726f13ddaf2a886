"""CloudEvents binary mode over Kafka: encode, decode, and every way a record is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from contract_samples import CASE, case_assigned, hours_logged, sample_events
from msa_contracts.envelope import (
    MAX_VALUE_BYTES,
    REQUIRED_HEADERS,
    Envelope,
    InvalidMessage,
    Record,
    decode,
    encode,
)
from msa_contracts.events import Event, HoursLogged
from msa_contracts.registry import Registry

AT = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)


def record(event: Event | None = None, **kwargs: object) -> Record:
    options: dict[str, object] = {"event_id": "evt-1", "source": "/provider/caritas", "time": AT}
    return encode(event or hours_logged(), **(options | kwargs))  # type: ignore[arg-type]


def with_header(rec: Record, name: str, value: bytes | None) -> list[tuple[str, bytes]]:
    """The record's headers with ``name`` replaced (or removed when value is None)."""
    kept = [(k, v) for k, v in rec.headers if k != name]
    return kept if value is None else [*kept, (name, value)]


def refused(headers: list[tuple[str, bytes]] | tuple[tuple[str, bytes], ...],
            value: bytes | None, **kwargs: object) -> InvalidMessage:  # fmt: skip
    with pytest.raises(InvalidMessage) as info:
        decode(headers, value, **kwargs)  # type: ignore[arg-type]
    return info.value


@pytest.mark.parametrize("event", sample_events(), ids=lambda e: type(e).__name__)
def test_an_encoded_event_decodes_to_the_same_event(event: Event) -> None:
    rec = record(event, correlation_id="corr-1", causation_id="cause-1")
    env = decode(rec.headers, rec.value)
    assert env == Envelope(
        event=event, id="evt-1", type=event.ce_type(), source="/provider/caritas", time=AT,
        subject=event.subject(), correlation_id="corr-1", causation_id="cause-1",
    )  # fmt: skip


def test_the_record_key_is_the_subject_and_headers_carry_the_attributes() -> None:
    berlin_winter = timezone(timedelta(hours=1))
    rec = record(case_assigned(), time=datetime(2025, 3, 3, 10, 30, tzinfo=berlin_winter))
    headers = dict(rec.headers)
    assert rec.key == CASE.encode() == headers["ce_subject"]
    assert headers["ce_type"] == b"de.dresden.msa.CaseAssigned.v2"
    assert headers["ce_specversion"] == b"1.0"
    assert headers["content-type"] == b"application/json"
    assert headers["ce_time"] == b"2025-03-03T09:30:00Z"
    assert headers["ce_correlationid"] == b"evt-1"  # a first event correlates with itself
    assert "ce_causationid" not in headers


def test_a_naive_time_is_refused_when_encoding() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        record(time=datetime(2025, 3, 3, 9, 30))


def test_a_missing_correlation_id_defaults_to_the_event_id() -> None:
    rec = record()
    env = decode(with_header(rec, "ce_correlationid", None), rec.value)
    assert env.correlation_id == "evt-1"
    assert env.causation_id is None


def test_header_names_are_case_insensitive_and_charset_parameters_allowed() -> None:
    rec = record()
    headers = [(k.upper(), v) for k, v in with_header(rec, "content-type", None)]
    env = decode([*headers, ("Content-Type", b"application/json; charset=utf-8")], rec.value)
    assert env.event == hours_logged()


@pytest.mark.parametrize("missing", REQUIRED_HEADERS)
def test_each_required_header_must_be_present(missing: str) -> None:
    rec = record()
    error = refused(with_header(rec, missing, None), rec.value)
    assert error.code == "missing-header"
    assert missing in error.message
    assert refused(with_header(rec, missing, b""), rec.value).code == "missing-header"


def test_another_specversion_is_refused() -> None:
    rec = record()
    assert refused(with_header(rec, "ce_specversion", b"0.3"), rec.value).code == (
        "unsupported-specversion"
    )


def test_a_content_type_other_than_json_is_refused() -> None:
    rec = record()
    error = refused(with_header(rec, "content-type", b"application/cloudevents+json"), rec.value)
    assert error.code == "unsupported-content-type"


def test_a_type_not_allowed_on_the_topic_is_refused() -> None:
    rec = record()
    error = refused(rec.headers, rec.value, allowed_types={"de.dresden.msa.CaseAssigned.v1"})
    assert error.code == "type-not-allowed"
    assert decode(rec.headers, rec.value, allowed_types={HoursLogged.ce_type()})


@pytest.mark.parametrize(
    "ce_type",
    [b"de.dresden.msa.HoursLogged.v2", b"de.dresden.msa.NoSuchEvent.v1", b"HoursLogged"],
)
def test_an_unknown_type_or_version_is_refused(ce_type: bytes) -> None:
    rec = record()
    assert refused(with_header(rec, "ce_type", ce_type), rec.value).code == "unknown-type"


@pytest.mark.parametrize(
    "value",
    [b"", None, b"{", b"not json", b'{"entry_id": "\xff\xfe"}', b"\xff\xfe\xfd"],
    ids=["empty", "none", "truncated", "text", "invalid-utf8-in-string", "invalid-utf8"],
)
def test_a_value_that_is_not_json_is_refused(value: bytes | None) -> None:
    assert refused(record().headers, value).code == "invalid-json"


def test_an_unknown_field_is_a_schema_violation_naming_the_field() -> None:
    rec = record()
    body = rec.value[:-1] + b', "provider_id": "caritas"}'
    error = refused(rec.headers, body)
    assert error.code == "schema-violation"
    assert [d["loc"] for d in error.details] == ["provider_id"]


def test_a_number_given_as_a_string_is_a_schema_violation() -> None:
    rec = record()
    body = rec.value.replace(b'"minutes":45', b'"minutes":"45"')
    assert body != rec.value
    error = refused(rec.headers, body)
    assert error.code == "schema-violation"
    assert error.details[0]["loc"] == "minutes"
    assert error.as_dict()["code"] == "schema-violation"


def test_a_violation_inside_a_nested_part_names_its_location() -> None:
    rec = record(case_assigned())
    body = rec.value.replace(b'"code":"region-match"', b'"code":"Not Kebab"')
    error = refused(rec.headers, body)
    assert error.code == "schema-violation"
    assert [d["loc"] for d in error.details] == ["reasons.0.code"]


def test_a_missing_field_and_a_json_array_are_schema_violations() -> None:
    rec = record()
    assert refused(rec.headers, b'{"entry_id": "e-1"}').code == "schema-violation"
    assert refused(rec.headers, b"[]").details[0]["loc"] == "$"


def test_a_subject_other_than_the_aggregate_id_is_refused() -> None:
    rec = record()
    error = refused(with_header(rec, "ce_subject", b"C-ffffffffffffffff"), rec.value)
    assert error.code == "subject-mismatch"


@pytest.mark.parametrize("ce_time", [b"2025-03-03T09:30:00", b"yesterday"])
def test_a_time_without_offset_or_not_rfc3339_is_a_bad_header(ce_time: bytes) -> None:
    rec = record()
    assert refused(with_header(rec, "ce_time", ce_time), rec.value).code == "bad-header"


def test_overlong_ids_and_non_utf8_headers_are_bad_headers() -> None:
    rec = record()
    assert refused(with_header(rec, "ce_id", b"x" * 129), rec.value).code == "bad-header"
    assert refused(with_header(rec, "ce_source", b"s" * 257), rec.value).code == "bad-header"
    for copied in ("ce_correlationid", "ce_causationid"):  # copied into every caused event
        assert refused(with_header(rec, copied, b"c" * 129), rec.value).code == "bad-header"
    assert refused(with_header(rec, "ce_source", b"\xff"), rec.value).code == "bad-header"


def test_a_value_over_one_mebibyte_is_refused_before_parsing() -> None:
    rec = record()
    value = rec.value + b" " * (MAX_VALUE_BYTES + 1 - len(rec.value))
    assert refused(rec.headers, value).code == "payload-too-large"
    assert decode(rec.headers, rec.value + b" " * (MAX_VALUE_BYTES - len(rec.value)))


class Ping(Event):
    """A test event at version 2, whose version 1 lacked ``label``."""

    schema_version = 2
    n: int
    label: str

    def subject(self) -> str:
        return "ping"


def test_an_old_version_is_upcast_also_where_the_topic_allows_only_the_current_one() -> None:
    registry = Registry(events=(Ping,), upcasters={("Ping", 1): lambda b: b | {"label": "-"}})
    rec = record(Ping(n=1, label="x"))
    headers = with_header(rec, "ce_type", b"de.dresden.msa.Ping.v1")
    for allowed in (None, {Ping.ce_type()}):
        env = decode(headers, b'{"n": 1}', registry=registry, allowed_types=allowed)
        assert env.event == Ping(n=1, label="-")
        assert env.type == "de.dresden.msa.Ping.v2"
    error = refused(headers, b'{"n": 1}', registry=registry, allowed_types={"other"})
    assert error.code == "type-not-allowed"
    assert refused(with_header(rec, "ce_type", b"de.dresden.msa.Ping.v0"), b"{}",
                   registry=registry).code == "unknown-type"  # fmt: skip

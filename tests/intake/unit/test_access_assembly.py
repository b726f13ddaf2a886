"""The assembly of an access report is pure: ``now`` and what arrived decide it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from msa_intake.domain.access import (
    AccessRequest,
    Delivery,
    Requester,
    answered_in_time,
    assemble,
)

ASKED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DEADLINE = ASKED + timedelta(minutes=2)
REQUEST = AccessRequest(
    request_id="AR-0000000000000001", person_ref="P-0000000000000001", requested_at=ASKED,
    answer_by=DEADLINE, requested_by=Requester(subject="cw-1", role="caseworker"),
    purpose="Auskunftsersuchen der Person",
)  # fmt: skip
OWN = {"record": {"ref": "P-0000000000000001"}}


def delivered(service: str, chunks: int, *at: datetime) -> Delivery:
    return Delivery.model_validate(
        {"service": service, "chunks": chunks, "received": dict(enumerate(at))}
    )


def test_a_request_is_pending_while_a_service_may_still_answer() -> None:
    answered = answered_in_time(REQUEST, [delivered("casework", 1, ASKED)])
    report = assemble(REQUEST, answered, {"casework": {}}, OWN, DEADLINE - timedelta(seconds=1))
    assert report.status == "pending" and not report.final
    assert report.parts == () and report.missing == ()


def test_a_request_is_complete_as_soon_as_every_service_answered() -> None:
    soon = ASKED + timedelta(seconds=5)
    deliveries = [delivered(s, 1, soon) for s in ("casework", "billing", "reporting")]
    answered = answered_in_time(REQUEST, deliveries)
    data = {"casework": {"cases": [1]}, "billing": {"entries": []}, "reporting": {"x": 1}}
    report = assemble(REQUEST, answered, data, OWN, soon)
    assert report.status == "complete" and report.missing == ()
    assert [(p.service, p.status) for p in report.parts] == [
        ("intake", "answered"), ("casework", "answered"), ("billing", "answered"),
        ("reporting", "answered"),
    ]  # fmt: skip
    assert report.parts[1].data == {"cases": [1]} and report.parts[0].data == OWN
    assert report.compiled_at == soon


def test_a_service_without_an_answer_by_the_deadline_is_named_as_missing() -> None:
    deliveries = [delivered("casework", 1, ASKED), delivered("reporting", 1, ASKED)]
    answered = answered_in_time(REQUEST, deliveries)
    report = assemble(REQUEST, answered, {"casework": {}, "reporting": {}}, OWN, DEADLINE)
    assert report.status == "timed-out"
    assert report.missing == ("billing",)
    billing = next(p for p in report.parts if p.service == "billing")
    assert billing.status == "missing" and billing.data is None


def test_a_part_with_a_chunk_still_missing_does_not_count() -> None:
    half = delivered("billing", 2, ASKED)
    assert answered_in_time(REQUEST, [half]) == {}
    whole = delivered("billing", 2, ASKED, ASKED + timedelta(seconds=3))
    assert answered_in_time(REQUEST, [whole]) == {"billing": ASKED + timedelta(seconds=3)}


def test_a_part_completed_after_the_deadline_does_not_change_the_result() -> None:
    late = delivered("billing", 2, ASKED, DEADLINE + timedelta(seconds=1))
    on_time = [delivered("casework", 1, ASKED), delivered("reporting", 1, DEADLINE)]
    answered = answered_in_time(REQUEST, [late, *on_time])
    assert set(answered) == {"casework", "reporting"}
    report = assemble(REQUEST, answered, {}, OWN, DEADLINE + timedelta(hours=1))
    assert report.status == "timed-out" and report.missing == ("billing",)


def test_a_service_that_was_not_asked_is_ignored() -> None:
    only_casework = REQUEST.model_copy(update={"services": ("casework",)})
    answered = answered_in_time(only_casework, [delivered("billing", 1, ASKED),
                                                delivered("casework", 1, ASKED)])  # fmt: skip
    assert set(answered) == {"casework"}
    assert assemble(only_casework, answered, {}, OWN, ASKED).status == "complete"

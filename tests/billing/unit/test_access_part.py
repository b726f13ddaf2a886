"""Billing's part of an access request names the person's invoice lines, never another's."""

from __future__ import annotations

from msa_billing.adapters.access import _own_lines


def line(number: int, case_id: str, cents: int) -> dict[str, object]:
    return {"number": number, "case_id": case_id, "amount_cents": cents, "module": "fachleistung"}


INVOICE = {
    "_id": "RE-2026-000007", "number": "RE-2026-000007", "provider_id": "caritas",
    "period": "2026-03", "issued_on": "2026-04-01", "total_cents": 31_000,
    "lines": [line(1, "C-mine", 7_200), line(2, "C-theirs", 16_600), line(3, "C-mine", 7_200)],
    "corrections": [
        {"corrects_invoice_number": "RE-2026-000002", "corrected_period": "2026-02",
         "lines": [2, 3], "total_cents": 23_800},
        {"corrects_invoice_number": "RE-2026-000001", "corrected_period": "2026-01",
         "lines": [2], "total_cents": 16_600},
    ],
}  # fmt: skip


def test_an_invoice_shows_only_the_persons_lines_and_no_total() -> None:
    own = _own_lines(INVOICE, {"C-mine"})
    assert [entry["number"] for entry in own["lines"]] == [1, 3]
    assert "C-theirs" not in repr(own) and "16600" not in repr(own)
    assert "total_cents" not in own
    assert {k: own[k] for k in ("number", "provider_id", "period", "issued_on")} == {
        "number": "RE-2026-000007", "provider_id": "caritas", "period": "2026-03",
        "issued_on": "2026-04-01",
    }  # fmt: skip


def test_a_correction_is_shown_only_with_the_persons_lines_it_corrects() -> None:
    own = _own_lines(INVOICE, {"C-mine"})
    assert own["corrections"] == [
        {"corrects_invoice_number": "RE-2026-000002", "corrected_period": "2026-02",
         "lines": [3]},
    ]  # fmt: skip

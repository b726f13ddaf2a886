"""Casework's exceptions: broken invariants, never business rejections (those are events)."""

from __future__ import annotations


class CaseworkError(Exception):
    """Base of casework's exceptions."""


class CaseClosedError(CaseworkError):
    """A change was attempted on a closed case."""

    def __init__(self, case_id: str) -> None:
        super().__init__(f"case {case_id} is closed")
        self.case_id = case_id


class CaseDataErasedError(CaseworkError):
    """The person's needs data was erased, so the case cannot be assigned again."""

    def __init__(self, case_id: str) -> None:
        super().__init__(f"the needs data of case {case_id} was erased")
        self.case_id = case_id

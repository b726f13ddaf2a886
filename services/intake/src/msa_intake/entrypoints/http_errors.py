"""Intake's domain errors as HTTP answers in the house format."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from msa_kit.problems import problem

from msa_intake.domain.errors import (
    AccessRequestNotFound,
    AlreadyRegistered,
    Conflicting,
    IntakeError,
    PersonGone,
    PersonNotFound,
)

STATUS: tuple[tuple[type[IntakeError], int], ...] = (
    (PersonNotFound, 404),
    (AccessRequestNotFound, 404),
    (PersonGone, 410),
    (Conflicting, 409),
)


async def _intake_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IntakeError)
    status = next((code for kind, code in STATUS if isinstance(exc, kind)), 422)
    details: list[dict[str, object]] = []
    if isinstance(exc, AlreadyRegistered):
        details.append({"person_ref": exc.person_ref})
    elif exc.field:
        details.append({"loc": ["body", exc.field], "msg": exc.message, "type": exc.code})
    return problem(status, exc.code, exc.message, details)


def install_error_handlers(app: FastAPI) -> None:
    """Intake's own errors; the kit's problem handlers come with the runtime's app."""
    app.add_exception_handler(IntakeError, _intake_error)

"""Machine-readable HTTP errors: every error answer is ``{"code", "message", "details"}``.

``install_problem_handlers(app)`` reshapes FastAPI's own answers (request validation with
field locations, HTTP exceptions such as the 401/403 of ``msa_kit.auth``) into that form.
Validation details name the location and the problem, never the rejected input (it may be
personal data).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException


def problem(
    status: int,
    code: str,
    message: str,
    details: Sequence[Mapping[str, Any]] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """An error answer in the house format."""
    body = {"code": code, "message": message, "details": [dict(d) for d in details]}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


async def _validation_failed(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        {"loc": [str(part) for part in err.get("loc", ())], "msg": err.get("msg", ""),
         "type": err.get("type", "")}
        for err in exc.errors()
    ]  # fmt: skip
    return problem(422, "validation-failed", "Die Anfrage ist ungültig", details)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    detail = exc.detail
    if isinstance(detail, Mapping) and "code" in detail:
        code, message = str(detail["code"]), str(detail.get("message", ""))
        details = detail.get("details", ())
    else:
        code, message, details = f"http-{exc.status_code}", str(detail), ()
    return problem(exc.status_code, code, message, details, exc.headers)


def install_problem_handlers(app: FastAPI) -> None:
    """Answer validation failures and HTTP exceptions in the house format."""
    app.add_exception_handler(RequestValidationError, _validation_failed)
    app.add_exception_handler(HTTPException, _http_error)

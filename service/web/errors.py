"""Domain errors become HTTP answers here, and only here."""

from __future__ import annotations

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from domain.errors import (
    ChangeRefusedError,
    DomainError,
    ItemNotFoundError,
    MasterOrderError,
    MasterRowError,
    QueryRefusedError,
    RevisionConflictError,
    RevisionStatusError,
    TableRowError,
    UnknownRevisionError,
)
from service.contract.refusals import english

STATUS_FOR: dict[type[DomainError], int] = {
    ItemNotFoundError: 404,
    UnknownRevisionError: 404,
    RevisionConflictError: 409,
    RevisionStatusError: 409,
    MasterOrderError: 409,
}


async def domain_error_response(_: Request, exc: Exception) -> JSONResponse:
    """`{"detail": ...}` with the status for the error's family (default 422)."""
    if isinstance(exc, ChangeRefusedError):
        # The same shape as a validation error, so clients read one format.
        loc = ["body", "changes", exc.index, exc.field]
        detail = [{"loc": loc, "msg": str(exc), "type": "change_refused"}]
        return JSONResponse(status_code=422, content={"detail": detail})
    if isinstance(exc, MasterRowError | TableRowError):
        detail = [{"loc": ["body"], "msg": str(exc), "type": "import_refused"}]
        return JSONResponse(status_code=422, content={"detail": detail})
    if isinstance(exc, QueryRefusedError):
        detail = [{"loc": ["query", exc.field], "msg": str(exc), "type": "refused"}]
        return JSONResponse(status_code=422, content={"detail": detail})
    status = next((s for t, s in STATUS_FOR.items() if isinstance(exc, t)), 422)
    if isinstance(exc, ItemNotFoundError) and exc.codes:
        content = {"detail": str(exc), "codes": list(exc.codes)}
        return JSONResponse(status_code=404, content=content)
    return JSONResponse(status_code=status, content={"detail": str(exc)})


async def validation_error_response(_: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 shape (`loc`, `type`, `input`), each `msg` in words: what
    was given and what the field expects, never a pattern or a validator's text."""
    assert isinstance(exc, RequestValidationError)
    detail = [
        {
            "type": problem["type"],
            "loc": problem["loc"],
            "msg": english(problem),
            "input": problem.get("input"),
        }
        for problem in exc.errors()
    ]
    return JSONResponse(status_code=422, content={"detail": jsonable_encoder(detail)})

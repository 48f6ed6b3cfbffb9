"""`POST /claims/replay/uke`: a レセ電 file (RECEIPTC.UKE) replayed unit by
unit under the rules of each line's date, its own arithmetic checked; the
answer as JSON, the unit report as CSV, or the file written back."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from service.contract.fields import KnownAt
from service.contract.items import split_ids
from service.contract.sheets import ENCODING_HELP, SheetEncoding
from service.importers.shobyomei import bundled_diseases
from service.replay.uke import UkeError, read_uke
from service.replay.uke_replay import (
    COLUMNS,
    UnitAnswer,
    cells,
    replay_uke,
    report_csv,
    tally,
)
from service.replay.uke_write import write_back
from service.web.dependencies import ScheduleDep, SettingsDep

router = APIRouter(prefix="/claims", tags=["claims"])
THE_FILE = {
    "requestBody": {
        "content": {
            "application/x-uke": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"file": {"type": "string"}}}
            },
        },
        "required": True,
    }
}


def _refused(status: int, loc: list[str], message: str) -> HTTPException:
    """A refusal in the shape of FastAPI's own 422 (loc, msg, type)."""
    return HTTPException(status, [{"loc": loc, "msg": message, "type": "uke_refused"}])


class UkeProblemOut(BaseModel):
    line: int
    field: str
    message: str


class UkeReplayOut(BaseModel):
    file: str
    receipts: int
    units: int
    agree: int
    differ: int
    unreadable: int
    problems: list[UkeProblemOut]
    answers: list[dict[str, object]]


@router.post(
    "/replay/uke",
    response_model=UkeReplayOut,
    responses={
        200: {"content": {"text/csv": {}, "application/x-uke": {}}},
        413: {"description": "file too large"},
    },
    openapi_extra=THE_FILE,
)
async def replay_uke_file(
    request: Request,
    schedule: ScheduleDep,
    settings: SettingsDep,
    known_at: KnownAt | None = None,
    scenario: Annotated[str | None, Query(max_length=2000)] = None,
    format: Literal["json", "csv", "uke"] = "json",
    encoding: Annotated[SheetEncoding, Query(description=ENCODING_HELP)] = "utf-8",
) -> UkeReplayOut | Response:
    """The file as the body (`Content-Type: application/x-uke`) or a file
    upload (multipart, field `file`); `format=csv` the unit report, `uke` the
    file written back with kaitei's 点数."""
    content = await _file(request, settings.max_import_bytes)
    try:
        uke = read_uke("RECEIPTC.UKE", content)
    except UkeError as error:
        raise _refused(422, ["body"], str(error)) from None

    def replayed() -> list[UnitAnswer]:
        book = schedule.rules(None, known_at, split_ids(scenario))
        return list(replay_uke(uke, book, bundled_diseases()))

    answers = await run_in_threadpool(replayed)
    if format == "uke":
        return Response(
            write_back(content, uke, answers), media_type="application/x-uke"
        )
    if format == "csv":
        return Response(
            report_csv(answers, encoding), media_type=f"text/csv; charset={encoding}"
        )
    counted = tally(answers)
    return UkeReplayOut(
        file=uke.name,
        receipts=counted.receipts,
        units=counted.units,
        agree=counted.units - counted.differing,
        differ=counted.differing,
        unreadable=counted.unreadable,
        problems=[UkeProblemOut(**vars(p)) for p in uke.all_problems()],
        answers=[_json(a) for a in answers],
    )


async def _file(request: Request, limit: int) -> bytes:
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        try:
            form = await request.form(max_files=1, max_fields=4)
        except Exception:  # multipart's own parse errors
            raise _refused(422, ["body"], "not a multipart form with `file`") from None
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise _refused(422, ["body", "file"], "send the file in `file`")
        content = await upload.read()
    else:
        content = await request.body()
    if len(content) > limit:
        raise _refused(413, ["body"], f"over {limit} bytes (KAITEI_MAX_IMPORT_BYTES)")
    if not content:
        raise _refused(422, ["body"], "no file was sent")
    return content


def _json(answer: UnitAnswer) -> dict[str, object]:
    return dict(zip(COLUMNS, cells(answer), strict=True))

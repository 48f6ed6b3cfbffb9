"""`/ui/uke`: a month's レセ電 file (RECEIPTC.UKE) dropped on a page, and
unit by unit where its 点数 differ from the rules of their date, and why; the
file's own arithmetic checked; the unit report and the written-back file to
download from the API (`POST /claims/replay/uke?format=csv|uke`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from service.importers.shobyomei import bundled_diseases
from service.replay.uke import UkeError, UkeFile, read_uke
from service.replay.uke_replay import UnitAnswer, replay_uke, tally
from service.web.dependencies import ScheduleDep, SettingsDep
from service.web.ui.render import PageError, page
from service.web.ui.uploads import uploaded

router = APIRouter(include_in_schema=False)
SHOWN = 500  # units listed on the page (differing first)


@router.get("/ui/uke", response_class=HTMLResponse)
def uke_form(request: Request, schedule: ScheduleDep) -> HTMLResponse:
    return page(request, schedule, "uke.html", result=None)


@router.post("/ui/uke", response_class=HTMLResponse)
async def uke_page(
    request: Request, schedule: ScheduleDep, settings: SettingsDep
) -> HTMLResponse:
    """Replay the uploaded file; the page of its units."""
    try:
        missing = "照合するレセ電ファイル（RECEIPTC.UKE）を選んでください。"
        name, content, _ = await uploaded(request, settings.max_import_bytes, missing)
        uke = read_uke(name, content)
    except PageError as error:
        return page(
            request, schedule, "uke.html", status=error.status, error=str(error)
        )
    except UkeError as error:
        message = f"レセ電ファイルとして読めません: {error.ja or error}"
        return page(request, schedule, "uke.html", status=422, error=message)

    def replayed() -> list[UnitAnswer]:
        return list(replay_uke(uke, schedule.rules(None), bundled_diseases()))

    answers = await run_in_threadpool(replayed)
    return page(request, schedule, "uke.html", result=_result(name, uke, answers))


def _result(name: str, uke: UkeFile, answers: list[UnitAnswer]) -> dict[str, object]:
    counted = tally(answers)
    ordered = sorted(answers, key=lambda a: a.status == "agrees")
    return {
        "name": name,
        "month": uke.billing_month,
        "institution": uke.institution,
        "receipts": counted.receipts,
        "units": counted.units,
        "differ": counted.differing,
        "unreadable": counted.unreadable,
        "problems": uke.all_problems(),
        "answers": ordered[:SHOWN],
        "more": max(0, len(ordered) - SHOWN),
    }

"""`kaitei replay RECEIPTC.UKE`: a レセ電 file replayed unit by unit under the
rules of each line's date, its own arithmetic checked, written back with
kaitei's 点数 when asked."""

from __future__ import annotations

from pathlib import Path

from domain.rulebook import RuleBook
from service.cli.common import console, refusals
from service.contract.fields import number
from service.importers.shobyomei import bundled_diseases
from service.replay.uke import read_uke
from service.replay.uke_replay import replay_uke, tally, write_report
from service.replay.uke_write import write_back

SHOWN = 20


def replay_uke_file(
    path: Path, book: RuleBook, report: Path | None, write_uke: Path | None
) -> None:
    """Read, check, replay; print the problems, the differing units (up to
    20 without a report) and the counts; write the report and the file back."""
    with refusals(str(path)):
        content = path.read_bytes()
        uke = read_uke(path.name, content)
        answers = list(replay_uke(uke, book, bundled_diseases()))
        if report is not None:
            write_report(report, answers)
        if write_uke is not None:
            write_uke.write_bytes(write_back(content, uke, answers))
    problems = uke.all_problems()
    for problem in problems[:SHOWN]:
        console.print(f"{path.name}: {problem}")
    if report is None:
        differing = [a for a in answers if a.status == "differs"]
        for a in differing[:SHOWN]:
            console.print(
                f"RE {a.receipt} line {a.line} ({a.shikibetsu} {a.codes}): billed "
                f"{a.billed_points} × {a.times}, kaitei "
                f"{'' if a.kaitei_total is None else number(a.kaitei_total)}"
                + (f" ({a.reason})" if a.reason else "")
            )
        if len(differing) > SHOWN:
            console.print(
                f"… and {len(differing) - SHOWN} more units differ (--report)"
            )
    counted = tally(answers)
    console.print(
        f"{counted.receipts} receipts, {counted.units} units: "
        f"{counted.units - counted.differing} agree, {counted.differing} differ, "
        f"{counted.unreadable} receipts unreadable; {len(problems)} problems in the "
        "file"
        + (f"; report in {report}" if report else "")
        + (f"; written back to {write_uke}" if write_uke else "")
    )

"""`kaitei replay`'s work, imported when a replay runs (the pricer's compiled
kernel, pyarrow and Dask take a second or more to load)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from service.cli.common import (
    as_instant,
    console,
    fail,
    opened,
    refusals,
    scenario_ids,
)
from service.cli.uke import replay_uke_file
from service.contract.fields import number
from service.replay.distributed import replay_on_this_machine
from service.replay.files import size_of
from service.replay.report import report_format
from service.replay.run import replay_file
from service.replay.uke_replay import is_uke
from service.settings import Settings


def run_replay(
    claims_file: Path,
    known_at: str | None,
    scenario: str | None,
    report: Path | None,
    write_uke: Path | None,
    workers: int,
) -> None:
    """Replay the file (a .UKE per 算定単位), print what differs and the counts."""
    moment = as_instant(known_at)
    if is_uke(claims_file):
        with opened() as schedule:
            book = schedule.rules(None, moment, scenario_ids(scenario))
        replay_uke_file(claims_file, book, report, write_uke)
        return
    if write_uke is not None:
        raise fail("--write-uke: the claims file is not a .UKE")
    with refusals():
        size = size_of(claims_file)
        if report is not None:
            report_format(report)
    with opened() as schedule:
        book = schedule.rules(None, moment, scenario_ids(scenario))
    settings = Settings.from_env()
    with (
        refusals(),
        Progress(console=Console(stderr=True), transient=True) as progress,
    ):
        task = progress.add_task("replaying", total=size)
        told = lambda n: progress.advance(task, n)  # noqa: E731
        limit = settings.max_claim_lines
        if workers == 1:
            tally = replay_file(claims_file, book, report, limit, told)
        else:
            tally = replay_on_this_machine(
                claims_file, book, report, limit, workers, told
            )
    if report is None:
        for d in tally.differing:
            why = f"line {d.line}: {d.reason}" if d.reason else "priced differently"
            console.print(
                f"{d.claim_id}: billed {number(d.billed_points)}, kaitei "
                f"{number(d.total_points)} 点 ({why})"
            )
        more = tally.claims - tally.matched - len(tally.differing)
        if more > 0:
            console.print(
                f"… and {more} more claims differ (--report lists every line)"
            )
    console.print(
        f"{tally.claims} claims: {tally.matched} matched, "
        f"{tally.claims - tally.matched} mismatched; {tally.lines} lines, "
        f"{tally.rejected} rejected" + (f"; report in {report}" if report else "")
    )

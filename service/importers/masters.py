"""Importing a master file: one revision per file, in publication order, with its
抹消 rows recorded as corrections of the files that published the codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from domain.changes import change_from_dict
from domain.errors import MasterOrderError, MasterRowError
from domain.master_rows import (
    MasterFile,
    MovedAbolition,
    master_revision,
    moved_abolitions,
    not_in_file,
    refused,
)
from domain.publications import ChangeCounts, counted, master_of
from service.application import FeeSchedule, Recorded
from service.importers.mhlw import read_master_name

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class MasterImported:
    """What importing a master file did: the revision recorded (or not, when
    imported before), its changes in codes, and a full file's codes that the
    history holds and the file lacks (kept as they were)."""

    recorded: Recorded
    counts: ChangeCounts
    kept: tuple[str, ...] = ()

    @property
    def created(self) -> bool:
        return self.recorded.created


def import_master(
    schedule: FeeSchedule,
    master: MasterFile,
    effective_from: date | None,
    recorded_by: str,
    progress: Progress | None = None,
) -> MasterImported:
    """Record a master file as one revision (a file that changes nothing too);
    `created` is False when it was imported before. A full file is compared
    with the history it lands on: only what differs is recorded."""
    told = progress or (lambda _fraction, _text: None)
    told(0.1, "記録済みの履歴を読んでいます")
    schedule.catch_up()
    # the names only (a revision's changes are read when its 抹消 rows need
    # them: a full file's JSON alone takes ~0.5 s to parse)
    imported = [
        str(r["revision_id"])
        for r in schedule.view.publications()
        if master_of(r["revision_id"]) == master.master
    ]
    # s_ALL20261001.zip and the s_ALL20261001.csv inside it are one publication
    same = [n for n in imported if Path(n).stem == Path(master.name).stem]
    if same:
        again = Recorded(same[0], created=False, position=schedule.position())
        return MasterImported(again, ChangeCounts())
    later = sorted(
        (name for name in imported if read_master_name(name) > master.published),
        key=read_master_name,
    )
    if later:
        raise MasterOrderError(
            f"{master.name} (published {master.published}) is older than "
            f"{later[-1]}, already imported: import master files in "
            "publication order"
        )
    book = schedule.rules(None)
    told(0.3, f"{len(master.rows):,} 行を履歴と照合しています")
    moved = moved_abolitions(master, book)
    if moved:
        _withdraw_abolitions(schedule, master, moved, recorded_by)
        book = schedule.rules(None)
    kept = not_in_file(master, book)
    draft = master_revision(master, book, effective_from, kept)
    told(0.7, f"{len(draft.changes):,} 件の変更を記録しています")
    withdrawn = [r for r in master.rows if r.kind == "1"]
    earlier = schedule.view.revisions(imported) if withdrawn else []
    for revision_id, codes, remaining in retractions(master, earlier):
        schedule.correct(
            revision_id,
            retraction_reason(master.name, codes),
            master.name,
            tuple(change_from_dict(c) for c in remaining),
            recorded_by,
        )
    # A file that changes nothing kaitei models is recorded too: importing it
    # again is a no-op, and the store lists every publication it has read.
    recorded = schedule.record_revision(draft, recorded_by)
    told(1.0, "記録しました")
    counts = counted((c.op, c.code) for c in draft.changes)
    return MasterImported(recorded, counts, kept)


def _withdraw_abolitions(
    schedule: FeeSchedule,
    master: MasterFile,
    moved: list[MovedAbolition],
    writer: str,
) -> None:
    """Correct each file that abolished a code from a day `master` moves later:
    it no longer says so. One correction per earlier file."""
    by_revision: dict[str, set[tuple[str, date]]] = {}
    for m in moved:
        said = [
            f.revision
            for f in schedule.view.facts(m.code)
            if f.change.op == "abolish" and f.effective_from == m.earlier
        ]
        if said:
            by_revision.setdefault(said[-1], set()).add((m.code, m.earlier))
    for revision_id, withdrawn in by_revision.items():
        revision = schedule.revision(revision_id)
        remaining = tuple(
            c
            for c in revision.changes
            if c.op != "abolish"
            or (c.code, c.effective_date(revision.effective_from)) not in withdrawn
        )
        codes = ", ".join(sorted(code for code, _ in withdrawn))
        schedule.correct(
            revision_id,
            f"廃止年月日 moved later by {master.name}: {codes}",
            master.name,
            remaining,
            writer,
        )


def retractions(
    master: MasterFile, recorded: list[dict[str, object]]
) -> list[tuple[str, list[str], list[dict[str, object]]]]:
    """For each earlier master revision that published codes this file's 抹消 rows
    retract: (revision id, those codes, what the revision says without them).

    One entry per revision, so two retractions of one file's codes both hold. A
    code this file already retracted (its corrections were recorded, the file
    itself not: the process stopped between the saves) is skipped, so the file
    can be imported again. `recorded` are the view's revision rows of master
    files, oldest first."""
    out: dict[str, tuple[list[str], list[dict[str, object]]]] = {}
    problems = []
    for row in (r for r in master.rows if r.kind == "1"):
        publishing = [
            r
            for r in recorded
            if any(c["code"] == row.code for c in r["changes"])  # type: ignore[attr-defined]
        ]
        if not publishing:
            if not _retracted_by(master.name, row.code, recorded):
                problems.append(
                    f"line {row.line} ({row.code}): 抹消 of a code no imported "
                    "master file published"
                )
            continue
        latest = publishing[-1]
        codes, remaining = out.setdefault(
            str(latest["revision_id"]),
            ([], list(latest["changes"])),  # type: ignore[call-overload]
        )
        codes.append(row.code)
        remaining[:] = [c for c in remaining if c["code"] != row.code]
    if problems:
        raise MasterRowError(refused(master.name, problems))
    return [(rid, codes, remaining) for rid, (codes, remaining) in out.items()]


def retraction_reason(name: str, codes: list[str]) -> str:
    return f"抹消 of {', '.join(codes)} in {name}"


def _retracted_by(name: str, code: str, recorded: list[dict[str, object]]) -> bool:
    """Whether a correction recorded from file `name` retracted `code`."""
    for revision in recorded:
        for correction in json.loads(str(revision.get("corrections") or "[]")):
            said = correction["reason"]
            if correction["source"] == name and said.startswith("抹消 of "):
                codes = said.removeprefix("抹消 of ").rsplit(" in ", 1)[0]
                if code in codes.split(", "):
                    return True
    return False

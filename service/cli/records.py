"""`kaitei import`: revision documents and master files recorded."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from service.application import FeeSchedule
from service.application.context import os_user
from service.cli.common import as_date, console, fail, opened, refusals
from service.importers.documents import read_document
from service.importers.masters import import_master
from service.importers.mhlw import (
    MasterFileError,
    is_master_file,
    read_master,
    read_master_name,
)
from service.importers.tensuhyo import (
    import_table,
    is_table_file,
    not_imported,
    read_table,
)

FilesArg = Annotated[
    list[Path],
    typer.Argument(
        help="Revision documents (YAML/JSON), 基本マスター files of the "
        "医科診療行為, 医薬品 or 特定器材マスター (s_ALLYYYYMMDD.zip|csv, "
        "s_YYYYMMDD.csv; y_…, t_…; a viewer's y_ALL….tsv) or 医科電子点数表 tables "
        "(03-2背反テーブル2.csv, 05算定回数テーブル.csv, …)."
    ),
]
EffectiveFromOption = Annotated[
    str | None,
    typer.Option(
        "--effective-from",
        help="Date for master rows without 変更年月日 (YYYY-MM-DD, 和暦), or "
        "'published' for each file's publication date; for a later edition of a "
        "電子点数表 table, the day the rules it drops or changes end.",
    ),
]


ListKeptOption = Annotated[
    bool,
    typer.Option(
        "--list-kept",
        help="Print every code a full master file lacks and kaitei kept "
        "(by default the first 20 and the count).",
    ),
]


def import_files(
    files: FilesArg,
    effective_from: EffectiveFromOption = None,
    list_kept: ListKeptOption = False,
) -> None:
    """Record revision documents or master files; files already recorded are skipped."""
    files = in_publication_order(files)
    with (
        opened(reads=False) as schedule,
        Progress(console=Console(stderr=True), transient=True) as progress,
    ):
        task = progress.add_task("importing", total=len(files))
        for path in files:
            progress.update(task, description=path.name)
            if is_master_file(path):
                import_master_file(schedule, path, effective_from, list_kept)
            elif is_table_file(path.name) and not_imported(path.name):
                console.print(f"{path}: skipped: {not_imported(path.name)}")
            elif is_table_file(path.name):
                import_table_file(schedule, path, effective_from)
            else:
                record_file(schedule, path)
            progress.advance(task)


def in_publication_order(files: list[Path]) -> list[Path]:
    """Master files reordered among themselves by publication date (the full
    file before change files of its day), as they must be recorded; other
    files keep their places (the order between masters does not matter).
    `kaitei import masters/*` lists s_2022… before s_ALL…."""
    masters = [f for f in files if is_master_file(f)]
    try:
        ordered = iter(sorted(masters, key=_publication))
    except MasterFileError as error:
        raise fail(str(error)) from None
    return [next(ordered) if is_master_file(f) else f for f in files]


def _publication(path: Path) -> tuple[date, bool]:
    return read_master_name(path.name), "_ALL" not in path.name


SHOWN_KEPT = 20


def import_master_file(
    schedule: FeeSchedule, path: Path, effective_from: str | None, list_kept: bool
) -> None:
    with refusals(str(path)):
        master = read_master(path.name, path.read_bytes())
        day = (
            master.published
            if effective_from == "published"
            else as_date(effective_from)
            if effective_from
            else None
        )
        done = import_master(schedule, master, day, os_user())
    if not done.created:
        console.print(f"{path}: already imported as {done.recorded.id}, nothing new")
        return
    recorded, counts = done.recorded, done.counts
    console.print(
        f"{path}: {master.name} recorded, {len(recorded.events) - 1} item events "
        f"from {len(master.rows)} rows (position {recorded.position}): "
        f"{counts.introduced} 新設, {counts.changed} 変更, {counts.abolished} 廃止"
    )
    if done.kept:
        shown = done.kept if list_kept else done.kept[:SHOWN_KEPT]
        more = len(done.kept) - len(shown)
        console.print(
            f"{path}: {len(done.kept)} codes held are not in this full file; "
            f"kept as they were, not abolished: {', '.join(shown)}"
            + (f" … and {more} more (--list-kept prints all)" if more else "")
        )


def import_table_file(
    schedule: FeeSchedule, path: Path, effective_from: str | None
) -> None:
    """A 医科電子点数表 table; `--effective-from` ends the rules an earlier
    edition had and this one drops or changes."""
    with refusals(str(path)):
        table = read_table(path.name, path.read_bytes())
        ended = None
        if effective_from == "published":
            ended = table.edition
        elif effective_from:
            ended = as_date(effective_from)
        recorded, skipped = import_table(schedule, table, ended, os_user())
    if not recorded.created:
        console.print(f"{path}: already imported, nothing new")
        return
    console.print(
        f"{path}: {table.revision_id} recorded, {len(recorded.events) - 1} item "
        f"events from {len(table.rows)} rows (position {recorded.position})"
    )
    if skipped:
        shown = ", ".join(skipped[:5]) + (" …" if len(skipped) > 5 else "")
        console.print(
            f"{path}: {len(skipped)} codes not recorded in kaitei, their rows "
            f"skipped: {shown}"
        )


def record_file(schedule: FeeSchedule, path: Path) -> None:
    with refusals(str(path)):
        draft = read_document(path)
        recorded = schedule.record_revision(draft, os_user())
    verb = "recorded" if recorded.created else "already recorded, nothing new"
    console.print(f"{path}: {draft.id} {verb} (position {recorded.position})")

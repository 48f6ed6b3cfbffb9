"""What a fresh store starts from: every 医科診療行為マスター file to 2025-09 as
published (`data/masters/`), the seed-sourced rules on their codes
(`data/revisions/`), then the 背反 and 算定回数 tables of the 医科電子点数表
(`data/tensuhyo/`)."""

from __future__ import annotations

import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from domain.tensuhyo import Table
from service.application import FeeSchedule
from service.application.context import os_user
from service.importers.documents import bundled_documents, read_document
from service.importers.masters import import_master
from service.importers.mhlw import read_master, read_master_name
from service.importers.tensuhyo import import_table, read_table

DATA = Path(__file__).resolve().parents[2] / "data"
MASTER_ARCHIVE = DATA / "masters" / "ika-shinryo-koi.zip"
TABLE_ARCHIVE = DATA / "tensuhyo" / "ika.zip"

Progress = Callable[[str], None]


def bundled_masters(archive: Path = MASTER_ARCHIVE) -> list[str]:
    """The master files shipped with kaitei, in publication order (the full file
    before the change files of its day)."""
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
    return sorted(names, key=lambda n: (read_master_name(n), not n.startswith("s_ALL")))


def bundled_tables() -> list[Table]:
    """The 医科電子点数表 tables kaitei imports (背反 and 算定回数), as read."""
    with zipfile.ZipFile(TABLE_ARCHIVE) as opened:
        return [
            read_table(name, opened.read(name))
            for name in sorted(opened.namelist())
            if name[:2] in ("03", "05")
        ]


def bundle_ids() -> list[str]:
    """The revision ids the bundle records, in the order it records them."""
    documents = [read_document(p).id for p in bundled_documents()]
    return bundled_masters() + documents + [t.revision_id for t in bundled_tables()]


def load_bundle(schedule: FeeSchedule, progress: Progress | None = None) -> int:
    """Record the bundle into a store that holds nothing else; how many
    publications were recorded. A load cut off half-way is resumed; a store that
    holds anything not from the bundle is left as it is."""
    schedule.catch_up()
    held = {str(r["revision_id"]) for r in schedule.view.revisions()}
    wanted = bundle_ids()
    if held - set(wanted) or set(wanted) <= held:
        return 0
    report = progress or (lambda _: None)

    def say(number: int, name: str) -> None:
        if number % 10 == 0 or number == len(wanted):
            report(_line(number, len(wanted), name, started))

    started, writer, done = time.monotonic(), os_user(), 0
    report(
        f"kaitei: loading the bundled schedule into the store: {len(wanted)} "
        "publications, once (under a minute)"
    )
    with zipfile.ZipFile(MASTER_ARCHIVE) as archive:
        for number, name in enumerate(bundled_masters(), 1):
            if name not in held:
                master = read_master(name, archive.read(name))
                import_master(schedule, master, master.published, writer)
                done += 1
            say(number, name)
    for number, path in enumerate(bundled_documents(), len(bundled_masters()) + 1):
        draft = read_document(path)
        if draft.id not in held:
            schedule.record_revision(draft, writer)
            done += 1
        say(number, draft.id)
    first = len(bundled_masters()) + len(bundled_documents()) + 1
    for number, table in enumerate(bundled_tables(), first):
        if table.revision_id not in held:
            import_table(schedule, table, None, writer)
            done += 1
        say(number, table.name)
    return done


def _line(number: int, total: int, name: str, started: float) -> str:
    elapsed = time.monotonic() - started
    return f"kaitei: bundle {number}/{total} {name} ({elapsed:.0f} s)"

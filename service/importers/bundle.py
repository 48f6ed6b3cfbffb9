"""What a fresh store starts from: every 医科診療行為マスター file to 2025-09 as
published (`data/masters/`), the seed-sourced rules on their codes
(`data/revisions/`), then the tables of the 医科電子点数表
(`data/tensuhyo/`)."""

from __future__ import annotations

import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from eventsourcing.persistence import IntegrityError

from domain.errors import DomainError
from domain.tensuhyo import Table
from service.application import FeeSchedule
from service.application.context import os_user
from service.importers.documents import bundled_documents, read_document
from service.importers.masters import import_master
from service.importers.mhlw import read_master, read_master_name
from service.importers.tensuhyo import import_table, not_imported, read_table
from service.store import bulk_loading_env

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


def table_files() -> list[str]:
    """The 医科電子点数表 tables kaitei imports: the 入院料 groups (01), 背反
    (03-x), 入院基本料 (04) and 算定回数 (05)."""
    with zipfile.ZipFile(TABLE_ARCHIVE) as opened:
        return [n for n in sorted(opened.namelist()) if not_imported(n) is None]


def bundled_tables() -> list[Table]:
    """The bundled tables, as read."""
    with zipfile.ZipFile(TABLE_ARCHIVE) as opened:
        return [read_table(name, opened.read(name)) for name in table_files()]


def bundle_ids() -> list[str]:
    """The revision ids the bundle records, in the order it records them."""
    documents = [read_document(p).id for p in bundled_documents()]
    return bundled_masters() + documents + [t.revision_id for t in bundled_tables()]


def needs_bundle(schedule: FeeSchedule) -> bool:
    """Whether the store holds nothing but (part of) the bundle and not all of
    it. Cheap: reads no table (a table edition's id starts with its name)."""
    schedule.catch_up()
    held = {str(p["revision_id"]) for p in schedule.view.publications()}
    named = set(bundled_masters()) | {read_document(p).id for p in bundled_documents()}
    stems = [name.removesuffix(".csv") for name in table_files()]

    def bundled(rid: str) -> bool:
        return rid in named or any(rid.startswith(f"{s} ") for s in stems)

    complete = named <= held and all(
        any(rid.startswith(f"{s} ") for rid in held) for s in stems
    )
    return not complete and all(bundled(rid) for rid in held)


def load_bundle(schedule: FeeSchedule, progress: Progress | None = None) -> int:
    """Record the bundle into a store that holds nothing else; how many
    publications were recorded. A load cut off half-way is resumed; a store that
    holds anything not from the bundle is left as it is."""
    if not needs_bundle(schedule):
        return 0
    held = {str(p["revision_id"]) for p in schedule.view.publications()}
    wanted = bundle_ids()
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


def load_bundle_into(
    database_url: str, schedule: FeeSchedule, progress: Progress | None = None
) -> int:
    """`load_bundle` through a second application that keeps every item in
    memory (faster: 60 s instead of 80 s on PostgreSQL here); if another
    process's write makes it fail, the load resumes through `schedule`."""
    if not needs_bundle(schedule):
        return 0
    loader = FeeSchedule(bulk_loading_env(database_url))
    try:
        return load_bundle(loader, progress)
    except (IntegrityError, DomainError) as error:
        if progress:
            progress(f"kaitei: bundle load resumed without the item cache ({error})")
    finally:
        loader.close()
    return load_bundle(schedule, progress)


def _line(number: int, total: int, name: str, started: float) -> str:
    elapsed = time.monotonic() - started
    return f"kaitei: bundle {number}/{total} {name} ({elapsed:.0f} s)"

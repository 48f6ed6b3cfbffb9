"""What a fresh store starts from: every 医科診療行為マスター file to 2025-09, every
医薬品マスター file from 2024-03 to the full file of 2026-01-16 and every
特定器材マスター file from 2024-03 to 2025-08, as published (`data/masters/`),
the seed-sourced rules on their codes (`data/revisions/`) and the tables of the
医科電子点数表 (`data/tensuhyo/`)."""

from __future__ import annotations

import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from eventsourcing.persistence import IntegrityError

from domain.errors import DomainError
from domain.revisions import RevisionDraft
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
# every master's archive, in the order they load (the 医科 master first)
MASTER_ARCHIVES = (
    MASTER_ARCHIVE,
    DATA / "masters" / "iyakuhin.zip",
    DATA / "masters" / "tokutei-kizai.zip",
)
TABLE_ARCHIVE = DATA / "tensuhyo" / "ika.zip"

Progress = Callable[[str], None]


def bundled_masters(archive: Path | None = None) -> list[str]:
    """The master files shipped with kaitei (of one archive, or all of them),
    each master's in publication order (the full file before the change files
    of its day)."""
    names = []
    for path in (archive,) if archive else MASTER_ARCHIVES:
        with zipfile.ZipFile(path) as opened:
            names += sorted(opened.namelist(), key=_publication_order)
    return names


def _publication_order(name: str) -> tuple[object, bool]:
    return read_master_name(name), "_ALL" not in name


def _master_files() -> list[tuple[Path, str]]:
    return [(a, name) for a in MASTER_ARCHIVES for name in bundled_masters(a)]


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
    tables = [t.revision_id for t in bundled_tables()]
    first = bundled_masters(MASTER_ARCHIVE)
    return first + documents + tables + bundled_masters()[len(first) :]


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
    steps = _steps(schedule, os_user())
    report = progress or (lambda _: None)
    started, done = time.monotonic(), 0
    report(
        f"kaitei: loading the bundled schedule into the store: {len(steps)} "
        "publications, once (a minute or two)"
    )
    told = started
    for number, (revision_id, name, record) in enumerate(steps, 1):
        if revision_id not in held:
            record()
            done += 1
        # every tenth, and any step after 15 s without a word (the drug
        # master's full file takes a minute on PostgreSQL)
        if number % 10 == 0 or number == len(steps) or time.monotonic() - told > 15:
            report(_line(number, len(steps), name, started))
            told = time.monotonic()
    return done


Step = tuple[str, str, Callable[[], object]]  # revision id, name, how to record


def _steps(schedule: FeeSchedule, writer: str) -> list[Step]:
    """What the bundle records, in order: the 医科 master, the documents and
    the tables written on its codes, then the 医薬品 and 特定器材 masters (the
    tables are checked against a book of 10,000 items, not 30,000). Each step:
    the revision id it records, its name, and how to record it."""

    def master(path: Path, name: str) -> Callable[[], object]:
        def record() -> object:
            with zipfile.ZipFile(path) as archive:
                read = read_master(name, archive.read(name))
            return import_master(schedule, read, read.published, writer)

        return record

    def document(draft: RevisionDraft) -> Callable[[], object]:
        return lambda: schedule.record_revision(draft, writer)

    def table(read: Table) -> Callable[[], object]:
        return lambda: import_table(schedule, read, None, writer)

    masters = [(n, n, master(p, n)) for p, n in _master_files()]
    first = len(bundled_masters(MASTER_ARCHIVE))
    drafts = [read_document(p) for p in bundled_documents()]
    return [
        *masters[:first],
        *[(d.id, d.id, document(d)) for d in drafts],
        *[(t.revision_id, t.name, table(t)) for t in bundled_tables()],
        *masters[first:],
    ]


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

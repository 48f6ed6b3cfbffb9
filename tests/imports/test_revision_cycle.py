"""Every real master file to 2025-09 (the whole 2024 revision cycle), imported as
published, in order, on each store: the cases a real cycle brings, on real rows."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest

from domain.errors import ItemNotFoundError
from projections.rows import from_instant
from service.application import FeeSchedule
from service.importers.masters import import_master
from service.importers.mhlw import read_master
from service.store import eventsourcing_env
from tests.bundled import postgres_copy, sqlite_copy
from tests.conftest import STORES
from tests.imports.test_mhlw_files import MASTERS


def names() -> list[str]:
    with zipfile.ZipFile(MASTERS) as archive:
        found = archive.namelist()
    return sorted(found, key=lambda n: n.removeprefix("s_ALL").removeprefix("s_"))


@pytest.fixture(scope="module", params=STORES)
def cycle(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FeeSchedule, dict[str, datetime]]]:
    """The bundle, which imports every file in publication order (as `kaitei
    import --effective-from published`), and a moment just before each file."""
    if request.param == "sqlite":
        urls: Iterator[str] = iter([sqlite_copy(tmp_path_factory.mktemp("cycle"))])
    else:
        urls = postgres_copy()
    schedule = FeeSchedule(eventsourcing_env(next(urls)))
    # what kaitei knew just before a file: all that the files before it recorded
    rows = schedule.view.revisions()
    tick = timedelta(microseconds=1)
    after = [from_instant(rows[0]["recorded_at"]) - tick] + [
        from_instant(r["recorded_at"]) + tick for r in rows
    ]
    before = {str(r["revision_id"]): after[n] for n, r in enumerate(rows)}
    yield schedule, before
    schedule.close()
    next(urls, None)


def value(schedule: FeeSchedule, code: str, day: str, known_at=None) -> object:
    return schedule.item(code, date.fromisoformat(day), known_at).state.value


def test_the_whole_cycle_imports_and_answers_the_masters_values(cycle) -> None:
    schedule, _ = cycle

    assert len(names()) == 79
    assert value(schedule, "111000110", "2024-05-31") == 288  # 初診料
    assert value(schedule, "111000110", "2024-06-01") == 291
    assert [value(schedule, "197000110", d) for d in ("2024-05-31", "2024-06-01")] == [
        640,
        670,
    ]
    assert value(schedule, "197000110", "2025-04-01") == 690  # s_20250307.csv
    assert value(schedule, "120005710", "2024-06-03") == 56
    with pytest.raises(ItemNotFoundError, match="abolished from 2024-06-01"):
        schedule.item("120003270", date(2024, 6, 3), None)


def test_importing_every_file_again_records_nothing(cycle) -> None:
    schedule, _ = cycle
    before = schedule.position()

    with zipfile.ZipFile(MASTERS) as archive:
        for name in names():
            master = read_master(name, archive.read(name))
            import_master(schedule, master, master.published, "t")

    assert schedule.position() == before


def test_an_abolition_moved_later_is_billable_to_its_new_last_day(cycle) -> None:
    # 111013850: 廃止年月日 20230507 in s_20230414.csv, 20230531 in s_20230424.csv.
    schedule, imported_at = cycle

    assert value(schedule, "111013850", "2023-05-20") == 214
    with pytest.raises(ItemNotFoundError, match="abolished from 2023-06-01"):
        schedule.item("111013850", date(2023, 6, 1), None)
    before = imported_at["s_20230424.csv"]
    with pytest.raises(ItemNotFoundError, match="abolished from 2023-05-08"):
        schedule.item("111013850", date(2023, 5, 20), before)
    retracted = [e for e in schedule.history("111013850") if e.status == "retracted"]
    assert [(e.op, e.effective_from) for e in retracted] == [
        ("abolish", date(2023, 5, 8))
    ]


def test_an_undated_amendment_of_a_pending_code_applies_from_its_start(cycle) -> None:
    # 113702490 新規 from 2024-06-01 (s_20240306.csv), renamed by an undated 5 row
    # of s_20240321.csv before it took effect.
    schedule, _ = cycle

    item = schedule.item("113702490", date(2024, 6, 1), None)
    renamed = [e for e in schedule.history("113702490") if e.op == "rename"]

    assert item.state.name == "抗菌薬適正使用体制加算（医学管理等）"
    assert [(e.effective_from, e.revision) for e in renamed] == [
        (date(2024, 6, 1), "s_20240321.csv")
    ]


def test_an_undated_row_of_a_revision_file_takes_the_revisions_date(cycle) -> None:
    # 120002370 薬剤情報提供料 10 → 4: an undated 5 row of s_20240321.csv, a file
    # whose dated rows are for 2024-06-01.
    schedule, _ = cycle

    assert value(schedule, "120002370", "2024-05-31") == 10
    assert value(schedule, "120002370", "2024-06-01") == 4


def test_a_code_withdrawn_by_a_1_row_was_never_in_force(cycle) -> None:
    # 150444810: 新規 for 2024-06-01 in s_20240306.csv, 抹消 in s_20240321.csv.
    schedule, imported_at = cycle

    with pytest.raises(ItemNotFoundError):
        schedule.item("150444810", date(2024, 6, 1), None)
    before = imported_at["s_20240321.csv"]
    assert schedule.item("150444810", date(2024, 6, 1), before).state.name.startswith(
        "自家皮膚非培養細胞移植術"
    )
    assert {e.status for e in schedule.history("150444810")} == {"retracted"}


def test_a_file_of_attribute_only_rows_changes_no_modelled_field(cycle) -> None:
    # s_20240329.csv: 2,104 rows, 2,099 of them 5 rows with every modelled field
    # blank and no 変更年月日; it imports without a date and changes only its
    # few modelled rows.
    schedule, _ = cycle

    changes = next(iter(schedule.revisions(["s_20240329.csv"])))["changes"]

    assert 0 < len(changes) <= 5

"""The real 医科診療行為マスター files in shared/masters, imported in order."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from domain.errors import ItemNotFoundError
from service.application import FeeSchedule
from service.importers.masters import import_master
from service.importers.mhlw import read_master
from service.store import eventsourcing_env
from tests.conftest import STORES, postgres_schema

# Real files from shared/masters/ika-shinryo-koi (支払基金 基本マスター, public data),
# copied into the repository so that the tests run wherever it is checked out.
MASTERS = (
    Path(__file__).resolve().parents[2] / "data" / "masters" / "ika-shinryo-koi.zip"
)
# Every change file up to the first one with undated rows (s_20220415.csv).
IN_ORDER = [
    "s_ALL20220218.zip",
    "s_20220304.csv",
    "s_20220311.csv",
    "s_20220318.csv",
    "s_20220325.csv",
    "s_20220331.csv",
    "s_20220404.csv",
]


def master(name: str):
    with zipfile.ZipFile(MASTERS) as archive:
        return read_master(name, archive.read(name))


@pytest.fixture(scope="module", params=STORES)
def imported(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FeeSchedule]:
    if request.param == "sqlite":
        urls: Iterator[str] = iter(
            [f"sqlite:///{tmp_path_factory.mktemp('mhlw') / 'k.sqlite3'}"]
        )
    else:
        urls = postgres_schema()
    url = next(urls)
    schedule = FeeSchedule(eventsourcing_env(url))
    for name in IN_ORDER:
        import_master(schedule, master(name), None, "test")
    yield schedule
    schedule.close()
    next(urls, None)  # drops the PostgreSQL schema


def value(schedule: FeeSchedule, code: str, day: str) -> object:
    return schedule.item(code, date.fromisoformat(day), None).state.value


def test_shoshinryo_is_288_before_and_after_the_2022_revision(
    imported: FeeSchedule,
) -> None:
    assert value(imported, "111000110", "2022-03-31") == 288
    assert value(imported, "111000110", "2022-04-01") == 288
    assert imported.item("111000110", date(2022, 4, 1), None).state.kubun == "A000"


def test_shoshinryo_online_is_introduced_on_2022_04_01_at_251(
    imported: FeeSchedule,
) -> None:
    found = imported.item("111014210", date(2022, 4, 1), None)

    assert (found.state.value, found.state.name) == (251, "初診料（情報通信機器）")
    assert (found.valid_from, found.revision) == (date(2022, 4, 1), "s_20220304.csv")
    with pytest.raises(ItemNotFoundError, match="introduced from 2022-04-01"):
        imported.item("111014210", date(2022, 3, 31), None)


def test_an_abolished_code_is_billable_to_its_last_day_only(
    imported: FeeSchedule,
) -> None:
    assert imported.item("111013970", date(2022, 3, 31), None)
    with pytest.raises(ItemNotFoundError, match="last billable day 2022-03-31"):
        imported.item("111013970", date(2022, 4, 1), None)


def test_meal_charges_are_yen(imported: FeeSchedule) -> None:
    meal = imported.item("197000110", date(2022, 4, 1), None).state

    assert (meal.value, meal.unit) == (640, "yen")


def test_a_change_row_revises_and_renames_from_its_date(
    imported: FeeSchedule,
) -> None:
    # s_20220304.csv: 113032110 遠隔連携診療料 500.00 → 750.00 and a new name, 20220401
    before = imported.item("113032110", date(2022, 3, 31), None).state
    after = imported.item("113032110", date(2022, 4, 1), None).state

    assert (before.value, before.name) == (500, "遠隔連携診療料")
    assert (after.value, after.name) == (750, "遠隔連携診療料（診断を目的）")
    # s_20220304.csv: 113002510 慢性維持透析患者外来医学管理料 2250.00 → 2211.00
    assert value(imported, "113002510", "2022-04-01") == 2211


def test_republished_rows_record_nothing_new(imported: FeeSchedule) -> None:
    # 111014210 is a 新規 row in s_20220304.csv and again in every later file.
    facts = imported.view.facts("111014210")
    position = imported.position()

    again = import_master(imported, master("s_20220304.csv"), None, "test")

    assert [f.revision for f in facts] == ["s_20220304.csv"]
    assert again is not None
    assert not again.created
    assert imported.position() == position


def test_each_change_file_is_a_revision_named_after_it(imported: FeeSchedule) -> None:
    recorded = {r["revision_id"]: r for r in imported.revisions()}

    assert recorded["s_20220304.csv"]["source"] == "s_20220304.csv"
    assert "2022-03-04 公表" in recorded["s_20220304.csv"]["title"]
    evidence = recorded["s_20220304.csv"]["changes"][0]["evidence"]
    assert evidence.startswith('"')
    assert evidence.count('","') == 149

"""The bundle as a new user finds it: every 医科診療行為マスター file to 2025-09, and
the seed-sourced rules of data/revisions on the real codes."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from domain.errors import ItemNotFoundError
from domain.supplies import kind_of
from service.application import FeeSchedule
from service.importers.bundle import (
    MASTER_ARCHIVE,
    bundle_ids,
    bundled_masters,
    load_bundle,
)
from service.importers.documents import bundled_documents, read_document
from tests.servers import kaitei_serve

SAIISHIN, MEAL, FUTAN = "112007410", "197000110", "futan.shokuji.ippan"
TENSUHYO = Path(__file__).resolve().parents[2] / "data" / "tensuhyo" / "ika.zip"


@pytest.fixture
def bundled(bundled_schedule: FeeSchedule) -> FeeSchedule:
    return bundled_schedule


def state(schedule: FeeSchedule, code: str, day: str):
    return schedule.item(code, date.fromisoformat(day), None)


def test_saishinryo_is_73_then_75_citing_its_sources(bundled: FeeSchedule) -> None:
    may, june = (
        state(bundled, SAIISHIN, "2024-05-31"),
        state(bundled, SAIISHIN, "2024-06-01"),
    )

    valued = [
        (h.op, h.revision) for h in bundled.history(SAIISHIN) if "value" in h.fields
    ]

    assert (may.state.value, june.state.value) == (73, 75)
    # the master, which seed 002 agrees with
    assert valued == [("introduce", "s_ALL20220218.zip"), ("revise", "s_20240306.csv")]


def test_meal_charges_and_standard_burdens_change_on_2024_06_01(
    bundled: FeeSchedule,
) -> None:
    assert state(bundled, MEAL, "2024-05-31").state.value == 640
    assert state(bundled, MEAL, "2024-06-01").state.value == 670
    assert state(bundled, MEAL, "2024-06-01").state.unit == "yen"
    assert state(bundled, MEAL, "2025-04-01").state.value == 690  # s_20250307.csv
    reading = [h for h in bundled.history(MEAL) if h.op == "interpret"]
    assert "告示第六十四号" in (reading[0].text or "")
    assert state(bundled, FUTAN, "2024-05-31").state.value == 460
    assert state(bundled, FUTAN, "2024-06-01").state.value == 490


def test_diabetes_leaves_the_tokutei_list_and_anaphylaxis_joins(
    bundled: FeeSchedule,
) -> None:
    before = state(bundled, "113001910", "2024-05-31").state.eligible_diseases
    after = state(bundled, "113001910", "2024-06-01").state.eligible_diseases

    assert "E11" in before
    assert "T782" not in before
    assert "E11" not in after
    assert {"T782", "G610", "J45"} <= set(after)


def test_seikatsu_ii_is_its_real_code_new_in_2024_and_excludes_gairai_kanri(
    bundled: FeeSchedule,
) -> None:
    with pytest.raises(ItemNotFoundError, match="introduced from 2024-06-01"):
        state(bundled, "113707110", "2024-05-31")
    found = state(bundled, "113707110", "2024-06-01").state

    assert (found.value, found.kubun) == (333, "B001-3-3")
    assert {"112011010", "120005710"} <= {x.code for x in found.exclusions}
    with pytest.raises(ItemNotFoundError, match="区分番号, not an item code"):
        state(bundled, "B001-3-3", "2024-06-01")  # the made-up code is gone


def test_the_ippanmei_tokurei_ends_and_taisei_kyoka_is_abolished(
    bundled: FeeSchedule,
) -> None:
    assert state(bundled, "120005470", "2023-12-31").state.value == 9
    with pytest.raises(ItemNotFoundError):
        state(bundled, "120005470", "2024-01-01")
    assert state(bundled, "190194870", "2024-05-31").state.value == 200
    with pytest.raises(ItemNotFoundError, match="abolished from 2024-06-01"):
        state(bundled, "190194870", "2024-06-01")


def test_the_tokutei_shoho_kasan_is_replaced_in_2024(bundled: FeeSchedule) -> None:
    assert state(bundled, "120003270", "2024-05-31").state.value == 66
    with pytest.raises(ItemNotFoundError, match="abolished from 2024-06-01"):
        state(bundled, "120003270", "2024-06-01")
    new = state(bundled, "120005710", "2024-06-01").state

    assert (new.value, new.addon_to) == (56, ("120002910",))
    assert "E11" not in new.eligible_diseases


def test_the_bundle_holds_the_whole_master(bundled: FeeSchedule) -> None:
    on_the_revision = bundled.schedule(date(2024, 6, 1), None)

    assert len(bundled_masters(MASTER_ARCHIVE)) == 79
    assert len(bundled_masters()) == 79 + 25 + 11  # 医科, 医薬品, 特定器材
    assert len(on_the_revision) > 10_000
    assert state(bundled, "111000110", "2024-06-01").state.value == 291
    assert [
        state(bundled, c, "2024-06-01").state.value for c in ("120004270", "120003570")
    ] == [10, 8]


def test_loading_again_records_nothing(bundled: FeeSchedule) -> None:
    before = bundled.position()

    assert load_bundle(bundled) == 0
    assert bundled.position() == before


def test_every_bundled_change_cites_its_evidence() -> None:
    for path in bundled_documents():
        draft = read_document(path)
        missing = [c.code for c in draft.changes if not c.evidence]
        assert missing == [], path.name
        assert draft.source


@pytest.fixture
def served(database_url: str) -> Iterator[str]:
    with kaitei_serve(
        database_url, {"KAITEI_LOAD_BUNDLED": "1"}, Path(__file__).parent
    ) as base:
        yield base


def test_a_fresh_serve_answers_from_the_bundle(served: str) -> None:
    may = httpx.get(f"{served}/items/{SAIISHIN}", params={"as_of": "2024-05-31"})
    june = httpx.get(f"{served}/items/{SAIISHIN}", params={"as_of": "R6.6.1"})

    assert may.json()["value"] == 73
    assert june.json()["value"] == 75
    assert httpx.get(f"{served}/items/113707110").json()["kubun"] == "B001-3-3"


def test_the_2016_interpretation_is_in_the_history_and_changes_no_value(
    bundled: FeeSchedule,
) -> None:
    history = bundled.history("120004270")
    reading = history[0]

    assert (reading.effective_from, reading.op) == (date(2016, 6, 14), "interpret")
    assert reading.until == date(2017, 3, 31)
    assert "先発医薬品のない後発医薬品" in (reading.text or "")
    assert "疑義解釈資料の送付について(その4)" in reading.source
    assert state(bundled, "120004270", "2023-06-01").state.value == 7
    with pytest.raises(ItemNotFoundError):
        state(bundled, "120004270", "2016-07-01")  # kaitei holds the item from 2020


def test_seikatsu_ryoyo_burdens_change_their_meal_part_only(
    bundled: FeeSchedule,
) -> None:
    meal, stay = "futan.seikatsu.shokuhi.ippan-1", "futan.seikatsu.kyojuhi"

    assert state(bundled, meal, "2024-05-31").state.value == 460
    assert state(bundled, meal, "2024-06-01").state.value == 490
    assert state(bundled, stay, "2024-06-01").state.value == 370


def test_the_schedule_on_2025_09_01_is_the_official_code_list(
    bundled: FeeSchedule,
) -> None:
    # The 医科電子点数表's 補助マスターテーブル (支払基金, maintained to 2025-12) lists
    # one row per code of the master with its 省略名称 and 新設年月日: those with
    # 新設 up to 2025-09-01 are exactly what the published master files give then.
    with zipfile.ZipFile(TENSUHYO) as archive:
        text = archive.read("01補助マスターテーブル.csv").decode("cp932")
    official = {
        row[1]: row[2].rstrip("\u3000")
        for row in csv.reader(io.StringIO(text))
        if row[25] <= "20250901"
    }
    ours = {
        i.state.code: i.state.name
        for i in bundled.schedule(date(2025, 9, 1), None)
        if i.state.code.isdigit() and kind_of(i.state.code) is None
    }

    assert len(official) == 10_168
    assert set(ours) - set(official) == set()
    assert set(official) - set(ours) == set()
    assert {c: n for c, n in ours.items() if official[c] != n} == {}


def test_the_readme_figures_are_the_bundles(bundled: FeeSchedule) -> None:
    # README's walk-through says how many publications a first start records
    # and how many items the schedule of 2024-06-01 holds, by kind
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    publications = re.search(r"([\d,]+) publications\. It prints", readme)
    items = re.search(r"# ([\d,]+) items\n", readme)
    kinds = re.search(r"# ([\d,]+) \(drug ([\d,]+), material ([\d,]+)\)", readme)
    assert publications
    assert items
    assert kinds
    on = bundled.schedule(date(2024, 6, 1), None)
    count = {
        k: sum(1 for i in on if (kind_of(i.state.code) or "procedure") == k)
        for k in ("procedure", "drug", "material")
    }
    assert int(publications[1]) == len(bundle_ids())
    assert int(items[1].replace(",", "")) == len(on)
    assert [int(x.replace(",", "")) for x in kinds.groups()] == [
        count["procedure"],
        count["drug"],
        count["material"],
    ]

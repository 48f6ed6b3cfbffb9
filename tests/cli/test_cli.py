"""The `kaitei` command as a user runs it, on both stores."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import yaml

from tests.builders import BASELINE, R6
from tests.bundled import sqlite_template
from tests.servers import kaitei_serve


def kaitei(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return kaitei_with({**os.environ, "KAITEI_DATABASE_URL": database_url}, *args)


def kaitei_with(
    env: dict[str, str], *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, with this environment, in `cwd`."""
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def write_documents(folder: Path) -> list[str]:
    base = folder / "2020-base.yaml"
    base.write_text(yaml.safe_dump(BASELINE, allow_unicode=True), encoding="utf-8")
    r6 = folder / "2024-r6.json"
    r6.write_text(json.dumps(R6, ensure_ascii=False), encoding="utf-8")
    return [str(base), str(r6)]


def test_import_then_item_answers_as_of_each_date(
    database_url: str, tmp_path: Path
) -> None:
    imported = kaitei(database_url, "import", *write_documents(tmp_path))

    before = kaitei(database_url, "item", "A001", "--as-of", "2024-05-31", "--json")
    after = kaitei(database_url, "item", "A001", "--as-of", "R6.6.1", "--json")

    assert imported.returncode == 0, imported.stderr
    assert json.loads(before.stdout)["value"] == 73
    assert json.loads(after.stdout)["value"] == 75


def test_reimporting_records_nothing_and_exits_0(
    database_url: str, tmp_path: Path
) -> None:
    files = write_documents(tmp_path)
    kaitei(database_url, "import", *files)

    again = kaitei(database_url, "import", *files)

    assert again.returncode == 0
    assert again.stdout.count("already recorded") == 2


def test_a_bad_document_exits_non_zero_with_a_one_line_reason(
    database_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        yaml.safe_dump(
            {**R6, "changes": [{"op": "revise", "code": "A001", "value": -5}]}
        ),
        encoding="utf-8",
    )

    result = kaitei(database_url, "import", str(bad))

    assert result.returncode != 0
    assert "changes.0.revise.value" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_item_not_in_force_exits_non_zero_saying_why(
    database_url: str, tmp_path: Path
) -> None:
    kaitei(database_url, "import", *write_documents(tmp_path))

    result = kaitei(database_url, "item", "A001", "--as-of", "2019-12-31")

    assert result.returncode == 1
    assert "introduced from 2020-04-01" in result.stderr


def test_schedule_csv_and_rebuild_give_the_same_answer(
    database_url: str, tmp_path: Path
) -> None:
    kaitei(database_url, "import", *write_documents(tmp_path))
    before = kaitei(database_url, "schedule", "--as-of", "2024-06-01", "--csv")

    rebuilt = kaitei(database_url, "rebuild")
    after = kaitei(database_url, "schedule", "--as-of", "2024-06-01", "--csv")

    assert rebuilt.returncode == 0, rebuilt.stderr
    assert before.stdout == after.stdout
    assert before.stdout.startswith("\ufeffcode,name")  # Excel reads it as UTF-8
    assert "A001,再診料,point,75,2024-06-01" in after.stdout
    sjis = subprocess.run(
        [
            sys.executable,
            "-m",
            "service",
            "schedule",
            "--as-of",
            "2024/06/01",
            "--csv",
            "--encoding",
            "cp932",
        ],
        env={**os.environ, "KAITEI_DATABASE_URL": database_url},
        capture_output=True,
        timeout=120,
        check=False,
    )
    text = sjis.stdout.decode("cp932")
    assert "\r\n" in text  # CRLF, as Excel writes
    assert text.replace("\r\n", "\n") == before.stdout.removeprefix("\ufeff")


def test_import_reads_master_files_and_asks_for_missing_dates(
    database_url: str, tmp_path: Path
) -> None:
    from tests.imports.test_imports_api import csv_file, new, row

    full = tmp_path / "s_ALL20220218.csv"
    full.write_bytes(csv_file(new("112007410", "再診料", "73.00", "20200401")))
    change = tmp_path / "s_20240301.csv"
    change.write_bytes(csv_file(row("5", "112007410", c12="75.00")))

    refused = kaitei(database_url, "import", str(full), str(change))
    dated = kaitei(
        database_url, "import", "--effective-from", "2024-06-01", str(full), str(change)
    )
    june = kaitei(database_url, "item", "112007410", "--as-of", "2024-06-01", "--json")

    assert refused.returncode == 1
    assert "変更年月日" in refused.stderr
    assert "line 1 (112007410)" in refused.stderr
    assert dated.returncode == 0, dated.stderr
    assert "already imported" in dated.stdout
    assert json.loads(june.stdout)["value"] == 75


def test_price_prints_each_line_with_its_revision_or_reason(
    database_url: str, tmp_path: Path
) -> None:
    kaitei(database_url, "import", *write_documents(tmp_path))
    claim = tmp_path / "claim.json"
    claim.write_text(
        json.dumps(
            {
                "id": "2024-05-0001",
                "billed_points": 146,
                "lines": [
                    {"code": "A001", "date": "2024-05-31"},
                    {"code": "A001", "date": "R6.6.3"},
                    {"code": "B001-3-3", "date": "2024-06-03"},
                ],
            }
        ),
        encoding="utf-8",
    )

    table = kaitei(database_url, "price", str(claim))
    as_json = kaitei(database_url, "price", str(claim), "--json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "x", "lines": [{"code": "A001", "date": "2024-02-30"}]}')
    refused = kaitei(database_url, "price", str(bad))

    assert table.returncode == 0, table.stderr
    assert "unknown_code" in table.stdout
    assert (
        "total 148 points, 1480 yen (billed 146 points, difference 2)" in table.stdout
    )
    priced = json.loads(as_json.stdout)
    assert [x["revision"] for x in priced["lines"]] == ["mst-2020", "r6-2024", None]
    assert refused.returncode == 1
    assert "lines.0.date" in refused.stderr


def test_replay_streams_claims_and_writes_a_spreadsheet_report(
    database_url: str, tmp_path: Path
) -> None:
    import csv

    kaitei(database_url, "import", *write_documents(tmp_path))
    claims = tmp_path / "claims.jsonl"
    may = {
        "id": "may",
        "billed_points": 73,
        "lines": [{"code": "A001", "date": "2024-05-31"}],
    }
    june = {
        "id": "june",
        "billed_points": 73,
        "lines": [{"code": "A001", "date": "2024-06-03"}],
    }
    claims.write_text(f"{json.dumps(may)}\n\n{json.dumps(june)}\n", encoding="utf-8")
    report = tmp_path / "report.csv"

    replayed = kaitei(database_url, "replay", str(claims), "--report", str(report))
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(may) + '\n{"id": "x", "lines": []}\n', encoding="utf-8")
    refused = kaitei(database_url, "replay", str(bad))

    assert replayed.returncode == 0, replayed.stderr
    assert "2 claims: 1 matched, 1 mismatched" in replayed.stdout
    rows = list(csv.DictReader(report.open(encoding="utf-8-sig")))
    assert [
        (r["claim_id"], r["amount"], r["revision"], r["claim_matched"]) for r in rows
    ] == [
        ("may", "73", "mst-2020", "yes"),
        ("june", "75", "r6-2024", "no"),
    ]
    assert refused.returncode == 1
    assert f"{bad}:2: lines" in refused.stderr


def test_history_and_diff_print_what_changed(database_url: str, tmp_path: Path) -> None:
    kaitei(database_url, "import", *write_documents(tmp_path))

    history = kaitei(database_url, "history", "Ａ００１", "--json")
    diff = kaitei(database_url, "diff", "2024-05-31", "R6.6.1")
    diff_csv = kaitei(database_url, "diff", "2024-05-31", "2024-06-01", "--csv")
    backwards = kaitei(database_url, "diff", "2024-06-01", "2024-05-31")

    assert [e["after"] for e in json.loads(history.stdout)][1] == {"value": 75}
    assert "changed (1)" in diff.stdout
    assert "r6-2024" in diff.stdout
    assert diff_csv.stdout.startswith("\ufeffkubun,chapter,change,code")  # Excel
    assert ",changed,A001,再診料,value,73,75," in diff_csv.stdout.splitlines()[1]
    assert backwards.returncode == 1
    assert "after" in backwards.stderr


def test_verify_exits_1_naming_an_edited_event(
    database_url: str, tmp_path: Path
) -> None:
    from tests.api.test_verify_api import tamper

    kaitei(database_url, "import", *write_documents(tmp_path))
    intact = kaitei(database_url, "verify")
    tamper(database_url, 2)
    broken = kaitei(database_url, "verify")

    assert intact.returncode == 0
    assert "4 events" in intact.stdout
    assert broken.returncode == 1
    assert "event 2" in broken.stderr


def test_price_gives_seed_002_table_2_figures_on_the_bundle(
    bundled_url: str, tmp_path: Path
) -> None:
    database_url = bundled_url
    visit = {  # 002_8ea418abf8c24ad7.txt 表2
        "may": ["112007410", "112011010", "113001910", "120002910", "120003270"],
        "june": ["112007410", "113707110", "120002910"],
    }
    totals = {}
    for name, codes in visit.items():
        day = "2024-05-20" if name == "may" else "2024-06-03"
        claim = tmp_path / f"{name}.json"
        lines = [{"code": c, "date": day, "disease": "I10"} for c in codes]
        claim.write_text(json.dumps({"id": name, "lines": lines}), encoding="utf-8")
        totals[name] = json.loads(
            kaitei(database_url, "price", str(claim), "--json").stdout
        )["total_points"]

    assert totals == {"may": 406, "june": 468}


def test_search_finds_by_name_and_kubun_on_the_bundle(bundled_url: str) -> None:
    by_name = json.loads(
        kaitei(bundled_url, "search", "初診料", "--as-of", "R6.6.1", "--json").stdout
    )
    by_kubun = kaitei(bundled_url, "search", "b001-3-3", "--as-of", "2024-06-01")

    assert by_name["items"][0]["code"] == "111000110"
    assert by_name["items"][0]["value"] == 291
    assert by_kubun.returncode == 0
    assert "113707110" in by_kubun.stdout
    assert "113707210" in by_kubun.stdout


def test_sources_and_a_date_past_the_data_are_told(bundled_url: str) -> None:
    listed = kaitei(bundled_url, "sources")
    later = kaitei(bundled_url, "item", "111000110", "--as-of", "2026-06-01")
    inside = kaitei(bundled_url, "item", "111000110", "--as-of", "2025-09-01")

    assert "data through 2025-09-01" in listed.stdout
    assert "s_20250901.csv" in listed.stdout
    assert later.returncode == 0
    assert "after 2025-09-01" in later.stderr
    assert inside.stderr == ""


def test_a_kubun_as_an_item_code_names_its_codes(bundled_url: str) -> None:
    found = kaitei(bundled_url, "item", "A000", "--as-of", "2024-06-01")

    assert found.returncode == 1
    assert found.stderr.count("\n") == 1
    assert "111000110 初診料" in found.stderr


def test_price_prints_the_rule_and_the_unchecked_units(
    bundled_url: str, tmp_path: Path
) -> None:
    claim = tmp_path / "claim.json"
    lines = [
        {"code": "113041710", "date": "2024-07-01", "disease": "E78"},
        {"code": "111000110", "date": "2024-07-10"},
        {"code": "112708970", "date": "2024-07-10"},  # 医療情報取得加算（再診）: ３月 1
    ]
    claim.write_text(json.dumps({"id": "c", "lines": lines}), encoding="utf-8")

    shown = kaitei(bundled_url, "price", str(claim)).stdout.replace("\n", " ")

    assert "line 0: excluded" in shown
    assert "03-2背反テーブル2" in shown
    assert "line 2: unchecked: ３月" in shown


def test_one_store_from_any_directory(tmp_path: Path) -> None:
    """No KAITEI_DATABASE_URL: `serve` started in one folder and the CLI run in
    another use the one store in the user's data directory."""
    data = tmp_path / "data"
    store = data / "kaitei" / "kaitei.sqlite3"
    store.parent.mkdir(parents=True)
    shutil.copyfile(sqlite_template(), store)
    env = {k: v for k, v in os.environ.items() if k != "KAITEI_DATABASE_URL"}
    env["XDG_DATA_HOME"] = str(data)
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    with kaitei_serve(None, env={"XDG_DATA_HOME": str(data)}, cwd=first) as base:
        assert httpx.get(f"{base}/items/111000110?as_of=2024-06-03").json()["value"]
    found = kaitei_with(env, "search", "初診料", "--as-of", "2024/6/3", cwd=second)
    assert found.returncode == 0, found.stderr
    assert "111000110" in found.stdout
    listed = kaitei_with(env, "sources", cwd=second)
    assert f"store: {store}" in listed.stdout.replace("\n", "")
    assert not list(second.iterdir())  # no ./kaitei.sqlite3 made here


def test_an_empty_store_is_refused_when_the_bundle_may_not_load(
    tmp_path: Path,
) -> None:
    store = tmp_path / "empty.sqlite3"
    env = {**os.environ, "KAITEI_DATABASE_URL": f"sqlite:///{store}"}
    env["KAITEI_LOAD_BUNDLED"] = "0"
    claims = tmp_path / "c.csv"
    claims.write_text("claim_id,code,date\r\n1,111000110,2024/6/3\r\n")
    for command in (["search", "初診料"], ["replay", str(claims)]):
        done = kaitei_with(env, *command)
        assert done.returncode == 2, done.stderr
        assert f"the store at {store} is empty" in done.stderr
        assert done.stdout == ""


def test_a_read_on_an_empty_store_loads_the_bundle_first(tmp_path: Path) -> None:
    store = tmp_path / "new.sqlite3"
    done = kaitei(f"sqlite:///{store}", "item", "111000110", "--as-of", "2024/6/3")
    assert done.returncode == 0, done.stderr
    assert f"the store is {store}" in done.stderr
    assert "loading the bundled schedule into the store" in done.stderr
    assert "291" in done.stdout

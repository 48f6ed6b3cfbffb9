"""A claims CSV as Excel saves it on Japanese Windows (CP932, CRLF, dates as
2024/5/20), replayed by `kaitei replay` on the bundled store; slash dates in the
API and the CLI too."""

from __future__ import annotations

import csv
from pathlib import Path

from fastapi.testclient import TestClient

from tests.cli.test_cli import kaitei

# seed 002's 表2 visit of 2024-05-20 (406 点) and 初診料 of 2024-06-03 (291 点)
ROWS = [
    ("5月-1", "112007410", "2024/5/20", "I10", "406"),
    ("5月-1", "112011010", "2024/5/20", "I10", "406"),
    ("5月-1", "113001910", "2024/5/20", "I10", "406"),
    ("5月-1", "120002910", "2024/5/20", "I10", "406"),
    ("5月-1", "120003270", "2024/5/20", "I10", "406"),
    ("6月-1", "111000110", "2024/06/03", "", "291"),
]
HEADER = "claim_id,code,date,disease,billed_points"


def excel_csv(folder: Path, encoding: str) -> Path:
    path = folder / f"請求_{encoding}.csv"
    text = "\r\n".join([HEADER, *(",".join(r) for r in ROWS)]) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def test_a_cp932_excel_csv_replays_like_utf8(bundled_url: str, tmp_path: Path) -> None:
    reports = {}
    for encoding in ("cp932", "utf-8-sig"):
        report = tmp_path / f"report_{encoding}.csv"
        done = kaitei(
            bundled_url,
            "replay",
            str(excel_csv(tmp_path, encoding)),
            "--report",
            str(report),
        )
        assert done.returncode == 0, done.stderr
        assert "2 claims: 2 matched, 0 mismatched" in done.stdout
        reports[encoding] = report.read_bytes()
    assert reports["cp932"] == reports["utf-8-sig"]
    rows = list(csv.DictReader(reports["cp932"].decode("utf-8-sig").splitlines()))
    assert rows[0]["claim_id"] == "5月-1"
    assert rows[-1]["date"] == "2024-06-03"
    assert rows[-1]["unit_value"] == "291"


def test_a_file_neither_utf8_nor_cp932_is_one_line(
    bundled_url: str, tmp_path: Path
) -> None:
    broken = tmp_path / "claims.csv"
    broken.write_bytes(HEADER.encode() + b"\r\nx,\x81\x20,2024/5/20,,\r\n")
    done = kaitei(bundled_url, "replay", str(broken))
    assert done.returncode != 0
    assert done.stderr.strip().count("\n") == 0
    assert "claims.csv: line 2, byte 3 (0x81) is neither UTF-8 nor CP932" in done.stderr


def test_slash_dates_in_the_api_and_the_cli(
    bundled_client: TestClient, bundled_url: str
) -> None:
    found = bundled_client.get("/items/111000110", params={"as_of": "2024/6/3"})
    assert found.json()["value"] == 291
    compact = bundled_client.get("/items/111000110", params={"as_of": "20240531"})
    assert compact.json()["value"] == 288
    claim = {"id": "x", "lines": [{"code": "111000110", "date": "2024/05/20"}]}
    assert (
        bundled_client.post("/claims/price", json=claim).json()["total_points"] == 288
    )
    printed = kaitei(bundled_url, "item", "111000110", "--as-of", "2024/6/3")
    assert printed.returncode == 0, printed.stderr
    assert "291" in printed.stdout


def test_without_a_report_the_claims_that_differ_are_named(
    bundled_url: str, tmp_path: Path
) -> None:
    claims = tmp_path / "claims.csv"
    claims.write_text(
        "claim_id,code,date,disease,billed_points\r\n"
        "ok,111000110,2024/06/03,,291\r\n"
        "off,111000110,2024/06/03,,300\r\n"
        "off,111000110,2024/06/03,,300\r\n"  # 初診料 twice: 算定回数 rejects it
        "none,112007410,2024/06/03,,\r\n",
        encoding="utf-8",
    )
    done = kaitei(bundled_url, "replay", str(claims))
    assert done.returncode == 0, done.stderr
    assert "off: billed 300, kaitei 291 点 (line 1: limit_exceeded)" in done.stdout
    assert "ok:" not in done.stdout
    assert "3 claims: 2 matched, 1 mismatched" in done.stdout
    report = tmp_path / "report.csv"
    assert (
        kaitei(bundled_url, "replay", str(claims), "--report", str(report)).returncode
        == 0
    )
    rows = list(csv.DictReader(report.read_text(encoding="utf-8-sig").splitlines()))
    matched = {r["claim_id"]: r["claim_matched"] for r in rows}
    assert matched == {"ok": "yes", "off": "no", "none": ""}

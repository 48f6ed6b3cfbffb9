"""The diff a clerk downloads (issue 27, point 3): one 章 at a time, values as
plain numbers with their unit apart, no JSON in a cell, Excel's limits kept;
the rules added or removed one row a pair; CP932 when asked."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

WINDOW = {"from": "2024-05-31", "to": "2024-06-01"}


def sheet(client: TestClient, path: str, **params: str) -> list[dict[str, str]]:
    answer = client.get(path, params={**WINDOW, "format": "csv", **params})
    assert answer.status_code == 200, answer.text
    text = answer.content.decode(params.get("encoding", "utf-8-sig"))
    return list(csv.DictReader(io.StringIO(text)))


def test_one_chapter_of_the_2024_diff_opens_cleanly(bundled_client) -> None:
    rows = sheet(bundled_client, "/schedule/diff", chapter="A")
    assert rows
    assert {r["chapter"] for r in rows} == {"A"}
    assert all(r["kubun"].startswith("A") for r in rows)
    cells = [v for r in rows for v in r.values()]
    assert max(len(c) for c in cells) <= 32_767
    assert not any(c.startswith(("{", "[")) for c in cells)  # no JSON
    shoshin = [r for r in rows if r["code"] == "111000110" and r["field"] == "value"]
    assert [(r["before"], r["after"], r["unit"]) for r in shoshin] == [
        ("288", "291", "point")
    ]
    assert shoshin[0]["revision"] == "s_20240306.csv"
    assert shoshin[0]["published"] == "2024-03-06"


def test_added_rows_read_like_changed_rows(bundled_client) -> None:
    added = sheet(bundled_client, "/schedule/diff", kind="added", q="113707110")
    assert [(r["change"], r["before"], r["after"], r["unit"]) for r in added] == [
        ("added", "", "333", "point")
    ]


def test_rule_changes_are_one_row_a_pair(bundled_client) -> None:
    rows = sheet(bundled_client, "/schedule/diff/rules", q="113001810")
    assert rows
    assert {r["rule"] for r in rows} <= {
        "limits",
        "exclusions",
        "groups",
        "eligible_diseases",
        "addon_to",
    }
    assert {r["change"] for r in rows} <= {"added", "removed"}
    removed = [r for r in rows if r["rule"] == "eligible_diseases"]
    assert ("E11", "removed") in {(r["other"], r["change"]) for r in removed}


def test_cp932_for_tools_that_want_shift_jis(bundled_client) -> None:
    rows = sheet(bundled_client, "/schedule/diff", chapter="A", encoding="cp932")
    assert any(r["name"] == "初診料" for r in rows)


def test_the_whole_schedule_in_cp932_says_what_utf8_says(bundled_client) -> None:
    """Every name of 2024-06-01 (drugs and materials too) goes into Shift_JIS as
    is: the masters are published in it."""
    asked = {"as_of": "2024/06/01", "format": "csv"}
    utf8 = bundled_client.get("/schedule", params=asked)
    sjis = bundled_client.get("/schedule", params={**asked, "encoding": "cp932"})
    assert utf8.content.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads UTF-8
    assert sjis.headers["content-type"] == "text/csv; charset=cp932"
    assert sjis.content.decode("cp932") == utf8.content.decode("utf-8-sig")
    assert "\r\n" in sjis.content.decode("cp932")
    assert "ガスター" in sjis.content.decode("cp932")
    refused = bundled_client.get("/schedule", params={**asked, "encoding": "sjis"})
    assert refused.status_code == 422
    assert "encoding" in refused.text


def test_a_character_shift_jis_cannot_hold_is_shown_as_geta() -> None:
    from service.contract.sheets import sheet_bytes

    assert sheet_bytes("A,𠮷野家\r\n", "cp932").decode("cp932") == "A,〓野家\r\n"
    assert sheet_bytes("A,吉野家\r\n") == "\ufeffA,吉野家\r\n".encode()

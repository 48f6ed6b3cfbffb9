"""The 2026 revision from the files a clerk downloads: the real rows of the full
files of 2026-09-01 and 2026-10-01 (shared/masters/ika-shinryo-koi-2026-excerpt,
UTF-8 as a viewer re-saved them) imported on top of the bundled history."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from domain.master_rows import master_revision
from service.application import FeeSchedule
from service.importers.mhlw import read_master

EXCERPT = Path(__file__).parents[2] / ".." / "shared" / "masters"
EXCERPT = EXCERPT / "ika-shinryo-koi-2026-excerpt"
SEPTEMBER, OCTOBER = EXCERPT / "s_ALL20260901.csv", EXCERPT / "s_ALL20261001.csv"
BUKKA = [f"1808{n}10" for n in ("199", "200", "201", "202", "203", "204")]


def send(client: TestClient, name: str, content: bytes):
    return client.post(
        "/imports/mhlw",
        params={"filename": name},
        content=content,
        headers={"content-type": "application/octet-stream"},
    )


def item(client: TestClient, code: str, on: str):
    return client.get(f"/items/{code}", params={"as_of": on})


def as_cp932_zip(path: Path) -> bytes:
    """The same rows as the 支払基金 ships them: CP932 inside a zip."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(path.name, path.read_text(encoding="utf-8").encode("cp932"))
    return archive.getvalue()


@pytest.fixture
def imported(bundled_client: TestClient) -> tuple[TestClient, dict[str, object]]:
    first = send(bundled_client, SEPTEMBER.name, SEPTEMBER.read_bytes())
    assert first.status_code == 201, first.text
    second = send(bundled_client, OCTOBER.name, OCTOBER.read_bytes())
    assert second.status_code == 201, second.text
    return bundled_client, second.json()


def test_saishin_is_75_until_may_and_76_from_june_2026(imported) -> None:
    client, _ = imported
    before, after = (
        item(client, "112007410", "2026-05-31"),
        item(client, "112007410", "2026-06-01"),
    )
    assert (before.json()["value"], after.json()["value"]) == (75, 76)
    assert after.json()["revision"] == "s_ALL20260901.csv"
    assert after.json()["beyond_data_through"] is False
    # 初診料 stays 291: the row equals the history, nothing is recorded for it
    shoshin = client.get("/items/111000110/history").json()["history"]
    assert [e["op"] for e in shoshin if e["effective_from"] == "2026-06-01"] == [
        "set_attributes"
    ]


def test_the_bukka_codes_are_new_from_june_2026(imported) -> None:
    client, answer = imported
    assert item(client, "180819910", "2026-05-31").status_code == 404
    found = item(client, "180819910", "2026-06-01").json()
    assert (found["value"], found["unit"]) == (2, "point")
    assert found["attributes"] == {
        "price_adjustment_kind": "1",
        "price_adjustment_group": "001",
    }
    partners = [p["code"] for p in found["goes_with"]]
    assert "111000110" in partners
    assert "112007410" not in partners
    assert answer["introduced"] == len(BUKKA)
    # 再診料's variants (76) and the 初診料 variants gain their group; 111000110
    # and 112007410 had theirs from the 2026-09-01 file
    assert answer["changed"] == 8
    assert answer["abolished"] == 0


def test_a_code_in_neither_file_is_kept_and_reported(imported) -> None:
    client, answer = imported
    kept = answer["kept"]
    assert answer["kept_count"] == len(kept) > 10_000
    assert "113001910" in kept
    assert "112007410" not in kept
    assert not set(BUKKA) & set(kept)
    before = item(client, "113001910", "2026-05-31").json()
    after = item(client, "113001910", "2026-11-01").json()
    assert after["value"] == before["value"]
    assert after["revision"] == before["revision"]


def test_importing_again_records_nothing(imported) -> None:
    client, _ = imported
    position = client.get("/audit/verify").json()["events"]
    again = send(client, OCTOBER.name, OCTOBER.read_bytes())
    as_zip = send(client, "s_ALL20261001.zip", as_cp932_zip(OCTOBER))
    assert (again.status_code, again.json()["created"]) == (200, False)
    assert (as_zip.status_code, as_zip.json()["id"]) == (200, "s_ALL20261001.csv")
    assert client.get("/audit/verify").json()["events"] == position


def test_sources_mark_full_files_with_their_counts(imported) -> None:
    client, _ = imported
    sources = client.get("/sources").json()
    assert sources["data_through"] == "2026-10-01"
    october = next(s for s in sources["sources"] if s["name"] == OCTOBER.name)
    assert october["full"] is True
    assert (october["introduced"], october["changed"]) == (len(BUKKA), 8)
    assert "据え置き" in october["title"]


def test_a_june_2026_claim_is_priced_under_the_2026_values(imported) -> None:
    client, _ = imported
    claim = {
        "id": "2026-06-0001",
        "lines": [
            {"code": "112007410", "date": "2026-06-03"},
            {"code": "180820010", "date": "2026-06-03"},
        ],
    }
    priced = client.post("/claims/price", json=claim).json()
    saishin, bukka = priced["lines"]
    assert (saishin["unit_value"], saishin["unchecked"]) == (76, [])
    assert bukka["status"] == "priced"
    assert bukka["unit_value"] == 2
    assert bukka["unchecked"] == ["物価対応料区分"]
    assert priced["total_points"] == 78
    assert priced["beyond_data_through"] is False


def test_the_2026_diff_shows_saishin_and_the_new_bukka(imported) -> None:
    client, _ = imported
    diff = client.get(
        "/schedule/diff", params={"from": "2026-05-31", "to": "2026-06-01"}
    ).json()
    added = {i["code"] for i in diff["added"]}
    assert added == set(BUKKA)
    changed = {(c["code"], c["field"]): c for c in diff["changed"]}
    value = changed[("112007410", "value")]
    assert (value["before"], value["after"]) == (75, 76)
    group = changed[("112007410", "attributes")]["after"]
    assert group == ["price_adjustment_kind=2", "price_adjustment_group=002"]


def test_cp932_in_a_zip_records_what_the_utf8_file_records(
    bundled_schedule: FeeSchedule,
) -> None:
    book = bundled_schedule.rules(None)
    utf8 = read_master(OCTOBER.name, OCTOBER.read_bytes())
    cp932 = read_master("s_ALL20261001.zip", as_cp932_zip(OCTOBER))
    assert utf8.rows == cp932.rows
    assert utf8.layout == cp932.layout == "令和8年度版"
    assert [r.attributes for r in utf8.rows] == [r.attributes for r in cp932.rows]
    said = master_revision(utf8, book, None).changes
    assert said == master_revision(cp932, book, None).changes
    assert len(said) > 0


def test_an_older_layout_row_and_a_2026_row_read_alike() -> None:
    """外来管理加算 (52 点 in both) in the full file of 2022-02-18 and of 2026-10-01."""
    full = EXCERPT.parent / "ika-shinryo-koi" / "s_ALL20220218.zip"
    old = read_master(full.name, full.read_bytes())
    new = read_master(OCTOBER.name, OCTOBER.read_bytes())
    before = next(r for r in old.rows if r.code == "112011010")
    after = next(r for r in new.rows if r.code == "112011010")
    shared = ("code", "name", "unit_kind", "value", "kubun", "last_day")
    assert {f: getattr(before, f) for f in shared} == {
        f: getattr(after, f) for f in shared
    }
    assert before.attributes is None  # the 令和6年度版 has no cols 132–137
    assert after.attributes is not None
    assert after.attributes["price_adjustment_group"] == "000"
    assert old.layout == "令和4年度版・令和6年度版"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        (
            "s_ALL20261001.csv",
            ("\r\n".join([*_lines(OCTOBER)[:3], _lines(OCTOBER)[3] + ',""']) + "\r\n"),
            "line 4 has 151 fields",
        ),
        (
            "s_ALL20280401.csv",
            "\r\n".join(line + ',""' * 10 for line in _lines(OCTOBER)[:2]),
            "line 1 has 160 fields; the 令和8年度版 layout, published from 2026-03-25",
        ),
        ("s_ALL20261001.zip", None, "not a whole zip file"),
    ],
)
def test_a_file_kaitei_cannot_read_is_refused_and_nothing_written(
    bundled_client: TestClient, name: str, content: str | None, says: str
) -> None:
    body = as_cp932_zip(OCTOBER)[:-40] if content is None else content.encode()
    before = bundled_client.get("/audit/verify").json()["events"]
    refused = send(bundled_client, name, body)
    assert refused.status_code == 422
    (detail,) = refused.json()["detail"]
    assert detail["loc"] == ["body"]
    assert says in detail["msg"]
    assert name in detail["msg"]
    assert bundled_client.get("/audit/verify").json()["events"] == before


def test_a_file_upload_imports_like_the_body(bundled_client: TestClient) -> None:
    sent = bundled_client.post(
        "/imports/mhlw",
        files={"file": ("s_ALL20260901.csv", SEPTEMBER.read_bytes(), "text/csv")},
    )
    assert sent.status_code == 201, sent.text
    assert (sent.json()["id"], sent.json()["changed"]) == ("s_ALL20260901.csv", 2)
    assert item(bundled_client, "112007410", "2026-06-01").json()["value"] == 76

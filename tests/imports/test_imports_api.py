"""`POST /imports/mhlw`: the master rules, on small files written here."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

# 1-based master columns (shared/masters/README.md)
KIND, CODE, NAME, UNIT, VALUE, CHANGED_ON, LAST_DAY = 1, 3, 5, 11, 12, 87, 88


def row(kind: str, code: str, **columns: str) -> str:
    fields = [""] * 150
    fields[KIND - 1], fields[1], fields[CODE - 1] = kind, "S", code
    for column, text in columns.items():
        fields[int(column[1:]) - 1] = text
    return ",".join(f'"{f}"' for f in fields)


def csv_file(*rows: str) -> bytes:
    return "\r\n".join(rows).encode("cp932") + b"\r\n"


def new(code: str, name: str, value: str, on: str, unit: str = "3") -> str:
    return row(
        "3",
        code,
        c5=name,
        c11=unit,
        c12=value,
        c87=on,
        c88="99999999",
        c85="A",
        c92="001",
        c93="00",
    )


def send(client: TestClient, name: str, content: bytes, **params: str):
    return client.post(
        "/imports/mhlw",
        params={"filename": name, **params},
        content=content,
        headers={"content-type": "application/octet-stream"},
    )


@pytest.fixture
def seeded(client: TestClient) -> TestClient:
    full = csv_file(new("112007410", "再診料", "73.00", "20200401"))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("s_ALL20220218.csv", full)
    assert send(client, "s_ALL20220218.zip", archive.getvalue()).status_code == 201
    return client


def test_a_change_row_changes_only_its_non_empty_fields(seeded: TestClient) -> None:
    response = send(
        seeded,
        "s_20240301.csv",
        csv_file(row("5", "112007410", c12="75.00", c87="20240601")),
    )
    june = seeded.get("/items/112007410", params={"as_of": "2024-06-01"}).json()

    assert response.status_code == 201
    assert response.json()["changes"] == 1
    assert (june["value"], june["name"], june["kubun"]) == (75, "再診料", "A001")
    assert june["revision"] == "s_20240301.csv"


def test_an_abolition_row_ends_after_its_last_valid_day(seeded: TestClient) -> None:
    send(
        seeded,
        "s_20240301.csv",
        csv_file(row("9", "112007410", c87="20240601", c88="20240531")),
    )

    last = seeded.get("/items/112007410", params={"as_of": "2024-05-31"})
    gone = seeded.get("/items/112007410", params={"as_of": "2024-06-01"})

    assert last.status_code == 200
    assert gone.status_code == 404


def test_undated_rows_need_an_effective_date_and_nothing_is_written(
    seeded: TestClient,
) -> None:
    undated = csv_file(row("5", "112007410", c5="再診料（新）"))
    before = seeded.get("/revisions").json()

    refused = send(seeded, "s_20240301.csv", undated)
    after_refusal = seeded.get("/revisions").json()
    accepted = send(seeded, "s_20240301.csv", undated, effective_from="R6.6.1")

    assert refused.status_code == 422
    assert "line 1 (112007410)" in refused.json()["detail"][0]["msg"]
    assert after_refusal == before
    assert accepted.status_code == 201
    june = seeded.get("/items/112007410", params={"as_of": "2024-06-01"}).json()
    assert june["name"] == "再診料（新）"


def test_published_takes_the_date_in_the_file_name(seeded: TestClient) -> None:
    undated = csv_file(row("5", "112007410", c12="74.00"))

    send(seeded, "s_20240301.csv", undated, effective_from="published")

    march = seeded.get("/items/112007410", params={"as_of": "2024-03-01"}).json()
    assert march["value"] == 74


def test_files_out_of_publication_order_are_refused(seeded: TestClient) -> None:
    later = csv_file(row("5", "112007410", c12="75.00", c87="20240601"))
    earlier = csv_file(new("111000110", "初診料", "288.00", "20220401"))
    send(seeded, "s_20240301.csv", later)

    response = send(seeded, "s_20230301.csv", earlier)

    assert response.status_code == 409
    assert "publication order" in response.json()["detail"]
    assert (
        seeded.get("/items/111000110", params={"as_of": "2022-04-01"}).status_code
        == 404
    )


def test_reimporting_a_file_is_a_no_op(seeded: TestClient) -> None:
    content = csv_file(row("5", "112007410", c12="75.00", c87="20240601"))
    first = send(seeded, "s_20240301.csv", content)

    again = send(seeded, "s_20240301.csv", content)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["position"] == first.json()["position"]


def test_a_retraction_row_corrects_the_file_that_published_the_code(
    seeded: TestClient,
) -> None:
    published = csv_file(
        new("111014210", "初診料（情報通信機器）", "251.00", "20240601")
    )
    send(seeded, "s_20240301.csv", published)
    before = datetime.now(UTC).isoformat()
    retraction = csv_file(row("1", "111014210"))

    first = send(seeded, "s_20240315.csv", retraction)
    again = send(seeded, "s_20240315.csv", retraction)

    june = {"as_of": "2024-06-01"}
    assert (first.status_code, again.status_code) == (201, 200)
    assert seeded.get("/items/111014210", params=june).status_code == 404
    then = seeded.get("/items/111014210", params=june | {"known_at": before})
    assert then.json()["value"] == 251
    corrected = seeded.get("/revisions/s_20240301.csv").json()
    assert corrected["changes"] == []
    assert (
        corrected["corrections"][0]["reason"] == "抹消 of 111014210 in s_20240315.csv"
    )


def test_two_retractions_of_codes_one_file_published_both_hold(
    seeded: TestClient,
) -> None:
    published = csv_file(
        new("111014210", "初診料（情報通信機器）", "251.00", "20240601"),
        new("112024210", "再診料（情報通信機器）", "75.00", "20240601"),
        new("112011010", "外来管理加算", "52.00", "20240601"),
    )
    send(seeded, "s_20240301.csv", published)

    retracted = send(
        seeded,
        "s_20240315.csv",
        csv_file(row("1", "111014210"), row("1", "112024210")),
    )

    june = {"as_of": "2024-06-01"}
    assert retracted.status_code == 201, retracted.text
    assert seeded.get("/items/111014210", params=june).status_code == 404
    assert seeded.get("/items/112024210", params=june).status_code == 404
    assert seeded.get("/items/112011010", params=june).json()["value"] == 52
    changes = seeded.get("/revisions/s_20240301.csv").json()["changes"]
    assert [c["code"] for c in changes] == ["112011010"]


def test_a_file_whose_retractions_were_recorded_but_not_the_file_imports_again(
    seeded: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = csv_file(
        new("111014210", "初診料（情報通信機器）", "251.00", "20240601")
    )
    send(seeded, "s_20240301.csv", published)
    retraction = csv_file(row("1", "111014210"))
    schedule = seeded.app.state.schedule

    def crash(*_: object) -> None:
        raise RuntimeError("the process died after the corrections")

    with monkeypatch.context() as patched:
        patched.setattr(schedule, "record_revision", crash)
        with pytest.raises(RuntimeError):
            send(seeded, "s_20240315.csv", retraction)
    again = send(seeded, "s_20240315.csv", retraction)

    assert again.status_code == 201, again.text
    assert seeded.get("/revisions/s_20240315.csv").status_code == 200
    corrections = seeded.get("/revisions/s_20240301.csv").json()["corrections"]
    assert len(corrections) == 1  # not corrected a second time


def test_a_retraction_of_a_code_never_published_is_refused(seeded: TestClient) -> None:
    response = send(seeded, "s_20240301.csv", csv_file(row("1", "111999999")))

    assert response.status_code == 422
    assert "line 1 (111999999)" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize(
    ("name", "content", "where"),
    [
        ("master.csv", b"", ["query", "filename"]),
        ("s_20241301.csv", b"", ["query", "filename"]),
        ("s_20240301.csv", b'"5","S"\r\n', ["body"]),
        ("s_20240301.csv", "再診料".encode(), ["body"]),
        ("s_ALL20240301.zip", b"not a zip", ["body"]),
    ],
)
def test_bad_files_are_422_naming_what_is_wrong(
    seeded: TestClient, name: str, content: bytes, where: list[str]
) -> None:
    response = send(seeded, name, content)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == where


def test_an_oversized_file_is_413(seeded: TestClient) -> None:
    settings = seeded.app.state.settings  # type: ignore[attr-defined]
    seeded.app.state.settings = replace(settings, max_import_bytes=100)  # type: ignore[attr-defined]

    response = send(seeded, "s_20240301.csv", b"x" * 101)

    assert response.status_code == 413

"""`POST /imports/tensuhyo`: a 医科電子点数表 table as the request body."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.imports.test_tensuhyo_import import WEEK, real, second_edition

URL = "/imports/tensuhyo"


def test_a_later_edition_over_http_ends_the_rules_it_drops(
    bundled_client: TestClient,
) -> None:
    sent = bundled_client.post(
        URL,
        params={"filename": WEEK, "effective_from": "R7.10.1"},
        content=second_edition(),
    )
    again = bundled_client.post(
        URL,
        params={"filename": WEEK, "effective_from": "2025-10-01"},
        content=second_edition(),
    )
    anp = bundled_client.get("/items/160116310", params={"as_of": "2025-10-01"})

    assert sent.status_code == 201, sent.text
    assert sent.json()["rows"] == 348
    assert again.status_code == 200
    assert "160162350" not in {x["code"] for x in anp.json()["exclusions"]}


def test_the_same_edition_again_records_nothing(bundled_client: TestClient) -> None:
    answer = bundled_client.post(URL, params={"filename": WEEK}, content=real(WEEK))

    assert answer.status_code == 200
    assert answer.json()["created"] is False


def test_a_bad_table_is_422_and_a_bad_name_names_the_filename(
    bundled_client: TestClient,
) -> None:
    before = bundled_client.get("/health").json()["position"]
    broken = bundled_client.post(
        URL, params={"filename": WEEK}, content=b'"0","1601163"\r\n'
    )
    unnamed = bundled_client.post(URL, params={"filename": "x.csv"}, content=b"")

    assert broken.status_code == 422
    assert "line 1" in broken.json()["detail"][0]["msg"]
    assert unnamed.status_code == 422
    assert unnamed.json()["detail"][0]["loc"] == ["query", "filename"]
    assert bundled_client.get("/health").json()["position"] == before

"""History, changes in a window and the schedule diff, on the bundled schedule."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from service.application import FeeSchedule
from service.importers.documents import bundled_documents, read_document


@pytest.fixture
def bundled(client: TestClient, schedule: FeeSchedule) -> TestClient:
    for path in bundled_documents():
        schedule.record_revision(read_document(path), "医事課")
    return client


def test_history_lists_every_change_oldest_effective_first(bundled: TestClient) -> None:
    response = bundled.get("/items/１１２００７４１０/history")
    history = response.json()["history"]

    assert response.status_code == 200
    assert [(h["effective_from"], h["op"]) for h in history] == [
        ("2020-04-01", "introduce"),
        ("2024-06-01", "revise"),
    ]
    revised = history[1]
    assert (revised["before"], revised["after"]) == ({"value": 73}, {"value": 75})
    assert revised["revision"] == "r6-2024"
    assert "002_8ea418abf8c24ad7.txt" in revised["source"]
    assert revised["recorded_by"] == "医事課"
    assert revised["recorded_at"].endswith("+00:00")


def test_history_includes_rule_changes_and_abolitions(bundled: TestClient) -> None:
    tokutei = bundled.get("/items/113001910/history").json()["history"]
    taisei = bundled.get("/items/190194870/history").json()["history"]

    eligibility = tokutei[-1]
    assert eligibility["op"] == "set_eligibility"
    assert "E11" in eligibility["before"]["eligible_diseases"]
    assert "E11" not in eligibility["after"]["eligible_diseases"]
    assert (taisei[-1]["op"], taisei[-1]["after"]) == ("abolish", None)
    assert taisei[-1]["before"]["value"] == 200


def test_history_of_an_unknown_code_is_404(bundled: TestClient) -> None:
    assert bundled.get("/items/999999999/history").status_code == 404


def test_the_diff_across_the_2024_revision(bundled: TestClient) -> None:
    found = bundled.get(
        "/schedule/diff", params={"from": "2024-05-31", "to": "2024-06-01"}
    ).json()
    changed = {(c["code"], c["field"]): c for c in found["changed"]}

    assert [i["code"] for i in found["added"]] == ["B001-3-3"]
    assert {i["code"] for i in found["abolished"]} == {"190194870", "190194970"}
    saishin = changed[("112007410", "value")]
    assert (saishin["before"], saishin["after"], saishin["revision"]) == (
        73,
        75,
        "r6-2024",
    )
    assert changed[("197000110", "value")]["after"] == 670
    assert ("113001910", "eligible_diseases") in changed
    assert ("113001910", "value") not in changed


def test_the_diff_as_csv_groups_added_abolished_changed(bundled: TestClient) -> None:
    response = bundled.get(
        "/schedule/diff",
        params={"from": "R6.5.31", "to": "R6.6.1", "format": "csv"},
    )
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))

    assert response.headers["content-type"].startswith("text/csv")
    assert [r["change"] for r in rows[:3]] == ["added", "abolished", "abolished"]
    assert {"changed"} == {r["change"] for r in rows[3:]}


def test_changes_lists_what_is_effective_in_the_window(bundled: TestClient) -> None:
    found = bundled.get(
        "/changes", params={"from": "2024-01-01", "to": "2024-01-31"}
    ).json()["changes"]

    assert [(c["code"], c["op"]) for c in found] == [
        ("120005470", "abolish"),
        ("120005570", "abolish"),
    ]
    assert found[0]["before"]["value"] == 9


@pytest.mark.parametrize("path", ["/changes", "/schedule/diff"])
def test_from_after_to_is_422_naming_to(bundled: TestClient, path: str) -> None:
    response = bundled.get(path, params={"from": "2024-06-01", "to": "2024-05-01"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "to"]

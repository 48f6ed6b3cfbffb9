"""History, changes in a window and the schedule diff, on the bundled schedule."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from service.application.context import os_user


@pytest.fixture
def bundled(bundled_client: TestClient) -> TestClient:
    return bundled_client


def test_history_lists_every_change_oldest_effective_first(bundled: TestClient) -> None:
    response = bundled.get("/items/１１２００７４１０/history")
    history = response.json()["history"]

    assert response.status_code == 200
    valued = [h for h in history if h["op"] in ("introduce", "revise")]

    assert [(h["effective_from"], h["op"]) for h in valued] == [
        ("2020-04-01", "introduce"),
        ("2024-06-01", "revise"),
    ]
    assert [h["effective_from"] for h in history] == sorted(
        h["effective_from"] for h in history
    )
    revised = valued[1]
    assert (revised["before"], revised["after"]) == ({"value": 73}, {"value": 75})
    assert revised["revision"] == "s_20240306.csv"
    assert "s_20240306.csv" in revised["source"]
    assert revised["recorded_by"] == os_user()  # who loaded the bundle
    assert revised["recorded_at"].endswith("+00:00")


def test_history_includes_rule_changes_and_abolitions(bundled: TestClient) -> None:
    tokutei = bundled.get("/items/113001910/history").json()["history"]
    taisei = bundled.get("/items/190194870/history").json()["history"]

    eligibility = next(
        h
        for h in tokutei
        if h["op"] == "set_eligibility" and h["effective_from"] == "2024-06-01"
    )
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

    added = {i["code"]: i for i in found["added"]}
    abolished = {i["code"] for i in found["abolished"]}

    assert added["113707110"]["kubun"] == "B001-3-3"  # 生活習慣病管理料(Ⅱ)
    assert added["120005710"]["value"] == 56
    assert {"190194870", "190194970", "120003270"} <= abolished
    saishin = changed[("112007410", "value")]
    assert (saishin["before"], saishin["after"], saishin["revision"]) == (
        73,
        75,
        "s_20240306.csv",
    )
    assert changed[("111000110", "value")]["after"] == 291
    assert changed[("197000110", "value")]["after"] == 670
    assert ("113001910", "eligible_diseases") in changed
    assert ("113001910", "value") not in changed
    # a rule's change names the table edition that made it, not the master
    shoshin_rules = changed[("111000110", "exclusions")]
    assert shoshin_rules["revision"].startswith("03-4背反テーブル4")
    assert "03-4背反テーブル4.csv" in shoshin_rules["source"]
    assert shoshin_rules["valid_from"] == "2024-06-01"


def test_the_diff_as_csv_groups_added_abolished_changed(bundled: TestClient) -> None:
    response = bundled.get(
        "/schedule/diff",
        params={"from": "R6.5.31", "to": "R6.6.1", "format": "csv"},
    )
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))

    assert response.headers["content-type"].startswith("text/csv")
    kinds = [r["change"] for r in rows]
    order = ["added", "abolished", "changed"]

    assert kinds == sorted(kinds, key=order.index)
    assert set(kinds) == set(order)


def test_changes_lists_what_is_effective_in_the_window(bundled: TestClient) -> None:
    found = bundled.get(
        "/changes", params={"from": "2024-01-01", "to": "2024-01-31"}
    ).json()["changes"]

    by_code = {c["code"]: c for c in found}

    assert (by_code["120005470"]["op"], by_code["120005570"]["op"]) == (
        "abolish",
        "abolish",
    )
    assert by_code["120005470"]["before"]["value"] == 9
    assert {c["effective_from"][:7] for c in found} == {"2024-01"}


@pytest.mark.parametrize("path", ["/changes", "/schedule/diff"])
def test_from_after_to_is_422_naming_to(bundled: TestClient, path: str) -> None:
    response = bundled.get(path, params={"from": "2024-06-01", "to": "2024-05-01"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "to"]

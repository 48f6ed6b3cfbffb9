"""What a clerk reads of an item on the bundled store: the last day in force
(inclusive), and a history of the changes that matter."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.cli.test_cli import kaitei


def test_the_last_day_in_force_is_given_beside_valid_to(
    bundled_client: TestClient,
) -> None:
    found = bundled_client.get("/items/111000110", params={"as_of": "2024-05-31"})
    assert found.json()["value"] == 288
    assert found.json()["valid_to"] == "2024-06-01"
    assert found.json()["last_day"] == "2024-05-31"
    current = bundled_client.get("/items/111000110", params={"as_of": "2024-06-01"})
    assert current.json()["last_day"] is None


def test_shoshins_history_of_its_value_is_two_entries(
    bundled_client: TestClient,
) -> None:
    every = bundled_client.get("/items/111000110/history").json()["history"]
    value = bundled_client.get(
        "/items/111000110/history", params={"only": "value"}
    ).json()["history"]
    assert len(every) > 10
    assert [(e["op"], e["effective_from"], e["revision"]) for e in value] == [
        ("introduce", "2020-04-01", "s_ALL20220218.zip"),
        ("revise", "2024-06-01", "s_20240306.csv"),
    ]
    # each change is named for the 改定 it belongs to, beside its file name
    assert [e.get("revision_name") for e in value] == [None, "令和6年度診療報酬改定"]
    refused = bundled_client.get("/items/111000110/history", params={"only": "x"})
    assert refused.status_code == 422


def test_kaitei_history_prints_the_value_changes_as_a_table(bundled_url: str) -> None:
    shown = kaitei(bundled_url, "history", "111000110")
    every = kaitei(bundled_url, "history", "111000110", "--all")
    assert shown.returncode == 0, shown.stderr
    rows = [line for line in shown.stdout.splitlines() if "│ 20" in line]
    assert len(rows) == 2
    assert "288 → 291" in rows[1]
    assert "令和6年度診療報酬改定 (s_20240306.csv)" in rows[1]
    assert "--all" in shown.stdout
    assert "背反" in every.stdout


def test_publications_are_named_for_the_revision_they_belong_to(
    bundled_client: TestClient,
) -> None:
    """The 2022 and 2024 改定's files and the 薬価改定 full files are named; an
    interim change file is not (its title says what it is)."""
    held = bundled_client.get("/sources").json()["sources"]
    named = {s["name"]: s["revision_name"] for s in held}
    assert named["s_20220304.csv"] == "令和4年度診療報酬改定"
    assert named["s_20240306.csv"] == "令和6年度診療報酬改定"
    assert named["s_20240726.csv"] == "令和6年度診療報酬改定"  # amended after 06-01
    assert named["y_ALL20240321.zip"] == "令和6年度薬価改定"
    assert named["y_ALL20260116.tsv"] == "令和7年度薬価改定"
    assert named["s_20241101.csv"] is None
    assert named["r6-2024"] is None  # a document: its title names it

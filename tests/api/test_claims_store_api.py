"""`POST /claims` and `POST /claims/replay`: claims as billed, repriced later."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.test_claims_api import (
    GAIRAI,
    SAISHIN,
    SHOHOSEN,
    TOKUTEI_100,
    TOKUTEI_SHOHO,
    line,
)

MAY = "2024-05-20"


@pytest.fixture
def bundled(bundled_client: TestClient) -> TestClient:
    return bundled_client


def table2(claim_id: str = "2024-05-0001", billed: int = 406) -> dict[str, Any]:
    codes = (SAISHIN, GAIRAI, TOKUTEI_100, SHOHOSEN, TOKUTEI_SHOHO)
    return {
        "id": claim_id,
        "billed_points": billed,
        "lines": [line(code, MAY) for code in codes],
    }


def replay(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post(
        "/claims/replay", json={"from": "2024-05-01", "to": "2024-05-31", **body}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_a_claim_billed_right_replays_as_matched(bundled: TestClient) -> None:
    stored = bundled.post("/claims", json=table2())
    again = bundled.post("/claims", json=table2())

    assert (stored.status_code, again.status_code) == (201, 200)
    assert replay(bundled) == {"count": 1, "matched": 1, "mismatched": []}


def test_a_backdated_revision_shows_which_line_changed_and_why(
    bundled: TestClient,
) -> None:
    bundled.post("/claims", json=[table2(), table2("2024-06-0001")])
    bundled.post(
        "/revisions",
        json={
            "id": "erratum-2024-05",
            "title": "再診料 訂正 (test)",
            "effective_from": "2024-05-01",
            "source": "test",
            "changes": [{"op": "revise", "code": SAISHIN, "value": 74}],
        },
    )

    result = replay(bundled)
    streamed = bundled.post(
        "/claims/replay",
        json={"from": "2024-05-01", "to": "2024-05-31"},
        headers={"Accept": "application/x-ndjson"},
    )

    assert streamed.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(text) for text in streamed.text.splitlines()]
    assert lines[:-1] == result["mismatched"]  # one mismatch a line, then counts
    assert lines[-1] == {"count": 2, "matched": 0, "mismatched": 2}
    assert (result["count"], result["matched"]) == (2, 0)
    first = result["mismatched"][0]
    assert (first["billed_points"], first["total_points"]) == (406, 407)
    assert first["lines_changed"] == [
        {
            "index": 0,
            "code": SAISHIN,
            "date": MAY,
            "before": {
                "status": "priced",
                "unit_value": 73,
                "amount": 73,
                "revision": "s_ALL20220218.zip",
                "reason": None,
            },
            "after": {
                "status": "priced",
                "unit_value": 74,
                "amount": 74,
                "revision": "erratum-2024-05",
                "reason": None,
            },
            "revision": "erratum-2024-05",
        }
    ]


def test_replay_only_looks_at_claims_with_a_line_in_the_window(
    bundled: TestClient,
) -> None:
    bundled.post("/claims", json=table2())

    june = bundled.post(
        "/claims/replay", json={"from": "2024-06-01", "to": "2024-06-30"}
    ).json()

    assert june == {"count": 0, "matched": 0, "mismatched": []}


def test_the_same_id_with_other_lines_is_409_and_stores_nothing(
    bundled: TestClient,
) -> None:
    bundled.post("/claims", json=table2())

    response = bundled.post("/claims", json=[table2("new-one"), table2(billed=400)])

    assert response.status_code == 409
    assert replay(bundled)["count"] == 1


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"from": "2024-06-01", "to": "2024-05-01"}, ["body", "to"]),
        ({"from": "2024-06-01"}, ["body", "to"]),
        ({"from": "2024-06-01", "to": "2024-06-30", "limit": 1}, ["body", "limit"]),
    ],
)
def test_a_bad_replay_window_is_422_naming_the_field(
    bundled: TestClient, body: dict[str, Any], where: list[str]
) -> None:
    response = bundled.post("/claims/replay", json=body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == where


def test_a_streamed_replay_is_refused_before_it_streams(bundled: TestClient) -> None:
    response = bundled.post(
        "/claims/replay",
        json={"from": "2024-05-01", "to": "2024-05-31", "scenario": "no-such"},
        headers={"Accept": "application/x-ndjson"},
    )

    assert 400 <= response.status_code < 500
    assert "scenario" in response.text
    assert not response.headers["content-type"].startswith("application/x-ndjson")

"""`/items/{code}` and `/schedule` over HTTP: as_of, known_at, 404 reasons, CSV."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from tests.builders import BASELINE, R6


def test_the_walkthrough_answers_73_then_75(client: TestClient) -> None:
    client.post("/revisions", json=BASELINE)
    client.post("/revisions", json=R6)

    before = client.get("/items/A001", params={"as_of": "2024-05-31"}).json()
    after = client.get("/items/A001", params={"as_of": "2024-06-01"}).json()

    assert (before["value"], before["revision"]) == (73, "mst-2020")
    assert (after["value"], after["source"]) == (75, "令和6年厚生労働省告示第57号")
    assert after["valid_from"] == "2024-06-01"


def test_an_abolished_item_is_404_saying_since_when(client: TestClient) -> None:
    client.post("/revisions", json=BASELINE)
    client.post(
        "/revisions", json={**R6, "changes": [{"op": "abolish", "code": "A001"}]}
    )

    response = client.get("/items/A001", params={"as_of": "2024-06-01"})

    assert response.status_code == 404
    assert "abolished from 2024-06-01" in response.json()["detail"]


def test_a_code_never_recorded_is_404_saying_so(client: TestClient) -> None:
    response = client.get("/items/B001-3-3", params={"as_of": "2024-06-01"})

    assert response.status_code == 404
    assert "never" in response.json()["detail"] or "ever" in response.json()["detail"]


def test_known_at_answers_what_was_recorded_then(client: TestClient) -> None:
    client.post("/revisions", json=BASELINE)
    between = datetime.now(UTC).isoformat()
    client.post("/revisions", json=R6)

    then = client.get(
        "/items/A001", params={"as_of": "2024-06-01", "known_at": between}
    )
    naive = client.get(
        "/items/A001", params={"as_of": "2024-06-01", "known_at": "2024-01-01T00:00:00"}
    )

    assert then.json()["value"] == 73
    assert naive.status_code == 422
    assert naive.json()["detail"][0]["loc"] == ["query", "known_at"]


@pytest.mark.parametrize("known_at", ["0.5", "1717200000", "yesterday"])
def test_known_at_is_iso_text_not_seconds_since_1970(
    client: TestClient, known_at: str
) -> None:
    client.post("/revisions", json=BASELINE)

    response = client.get("/items/A001", params={"known_at": known_at})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "known_at"]


def test_a_misspelt_query_parameter_is_refused(client: TestClient) -> None:
    response = client.get("/items/A001", params={"asof": "2024-06-01"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "asof"]


def test_the_schedule_as_json_and_csv(client: TestClient) -> None:
    client.post("/revisions", json=BASELINE)
    client.post(
        "/revisions",
        json={
            **R6,
            "changes": [
                {"op": "revise", "code": "A001", "value": 75},
                {
                    "op": "introduce",
                    "code": "B001-3-3",
                    "name": "生活習慣病管理料(Ⅱ)",
                    "unit": "point",
                    "value": 333,
                    "limits": [{"per": "month", "max": 1}],
                    "exclusions": [{"code": "A001-gairai", "scope": "day"}],
                },
            ],
        },
    )

    old = client.get("/schedule", params={"as_of": "2024-05-31"}).json()
    new = client.get("/schedule", params={"as_of": "2024-06-01"}).json()
    csv = client.get("/schedule", params={"as_of": "2024-06-01", "format": "csv"})

    assert [i["code"] for i in old["items"]] == ["A001"]
    assert [(i["code"], i["value"]) for i in new["items"]] == [
        ("A001", 75),
        ("B001-3-3", 333),
    ]
    assert new["items"][1]["limits"] == [{"per": "month", "max": 1}]
    assert csv.headers["content-type"].startswith("text/csv")
    assert "B001-3-3,生活習慣病管理料(Ⅱ),point,333" in csv.text


def test_health_answers_once_the_store_does(client: TestClient) -> None:
    assert client.get("/health").json()["status"] == "ok"


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert "/revisions" in client.get("/openapi.json").json()["paths"]

"""`scenario=`: named proposals answer as if enacted; nothing else changes."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from tests.builders import BASELINE, R6

PROPOSAL = {**R6, "id": "r6-proposal", "status": "proposed"}


def test_a_proposal_is_seen_only_through_its_scenario(client: TestClient) -> None:
    client.post("/revisions", json=BASELINE)
    client.post("/revisions", json=PROPOSAL)
    june = {"as_of": "2024-06-01"}

    plain = client.get("/items/A001", params=june).json()
    imagined = client.get("/items/A001", params=june | {"scenario": "r6-proposal"})
    schedule = client.get("/schedule", params=june | {"scenario": "r6-proposal"})

    assert plain["value"] == 73
    assert (imagined.json()["value"], imagined.json()["revision"]) == (
        75,
        "r6-proposal",
    )
    assert [i["value"] for i in schedule.json()["items"]] == [75]
    may = client.get(
        "/items/A001", params={"as_of": "2024-05-31", "scenario": "r6-proposal"}
    )
    assert may.json()["value"] == 73


def test_a_scenario_can_introduce_an_item(client: TestClient) -> None:
    client.post("/revisions", json=BASELINE)
    client.post(
        "/revisions",
        json={
            **PROPOSAL,
            "changes": [
                {
                    "op": "introduce",
                    "code": "B001-3-3",
                    "name": "生活習慣病管理料(Ⅱ)",
                    "unit": "point",
                    "value": 333,
                }
            ],
        },
    )
    june = {"as_of": "2024-06-01"}

    assert client.get("/items/B001-3-3", params=june).status_code == 404
    found = client.get("/items/B001-3-3", params=june | {"scenario": "r6-proposal"})
    assert found.json()["value"] == 333


def test_unknown_or_enacted_scenario_ids_are_refused_naming_the_parameter(
    client: TestClient,
) -> None:
    client.post("/revisions", json=BASELINE)

    unknown = client.get("/items/A001", params={"scenario": "r8-2026"})
    enacted = client.get("/schedule", params={"scenario": "mst-2020"})

    assert unknown.status_code == enacted.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["query", "scenario"]
    assert "r8-2026" in unknown.json()["detail"][0]["msg"]
    assert "not a proposal" in enacted.json()["detail"][0]["msg"]


def test_a_scenario_needs_the_proposal_recorded_by_known_at(client: TestClient) -> None:
    client.post("/revisions", json=BASELINE)
    before = datetime.now(UTC).isoformat()
    client.post("/revisions", json=PROPOSAL)

    response = client.get(
        "/items/A001",
        params={"as_of": "2024-06-01", "known_at": before, "scenario": "r6-proposal"},
    )

    assert response.status_code == 422

"""`POST /revisions/{id}/corrections`: from now on in record time, never before."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from service.application import FeeSchedule
from tests.builders import BASELINE, R6

# An erratum moving R6's date: the values are the test builders', the shape is the
# one a 正誤表 or a 疑義解釈 takes.
ERRATUM = {
    "reason": "正誤表: 施行日の誤り",
    "source": "事務連絡 (test)",
    "changes": [
        {"op": "revise", "code": "A001", "value": 75, "effective_from": "2024-04-01"}
    ],
}


def value(client: TestClient, day: str, **params: str) -> object:
    return (
        client.get("/items/A001", params={"as_of": day, **params}).json().get("value")
    )


def test_a_correction_changes_answers_from_now_on_only(client: TestClient) -> None:
    client.post("/revisions", json=BASELINE)
    client.post("/revisions", json=R6)
    before_correction = datetime.now(UTC).isoformat()

    response = client.post("/revisions/r6-2024/corrections", json=ERRATUM)

    assert response.status_code == 201
    assert value(client, "2024-05-01") == 75
    assert value(client, "2024-03-31") == 73
    assert value(client, "2024-05-01", known_at=before_correction) == 73
    found = client.get("/items/A001", params={"as_of": "2024-05-01"}).json()
    assert (found["revision"], found["source"]) == ("r6-2024", "事務連絡 (test)")


def test_history_keeps_the_original_and_the_correction(client: TestClient) -> None:
    client.post("/revisions", json=BASELINE)
    client.post("/revisions", json=R6)
    client.post("/revisions/r6-2024/corrections", json=ERRATUM)

    history = client.get("/items/A001/history").json()["history"]
    revision = client.get("/revisions/r6-2024").json()

    assert [(h["effective_from"], h["status"]) for h in history] == [
        ("2020-04-01", "current"),
        ("2024-04-01", "current"),
        ("2024-06-01", "retracted"),
    ]
    assert history[2]["after"] == {"value": 75}
    assert "retracted_at" in history[2]
    assert revision["changes"][0]["effective_from"] == "2024-04-01"
    assert revision["corrections"][0]["reason"] == "正誤表: 施行日の誤り"


def test_a_rebuild_after_a_correction_equals_the_incremental_view(
    client: TestClient, schedule: FeeSchedule
) -> None:
    client.post("/revisions", json=BASELINE)
    client.post("/revisions", json=R6)
    client.post("/revisions/r6-2024/corrections", json=ERRATUM)
    incremental = schedule.view.dump()

    schedule.rebuild()

    assert schedule.view.dump() == incremental
    assert value(client, "2024-05-01") == 75


def test_a_correction_can_retract_everything_a_revision_said(
    client: TestClient,
) -> None:
    client.post("/revisions", json=BASELINE)
    client.post("/revisions", json=R6)

    client.post(
        "/revisions/r6-2024/corrections",
        json={"reason": "抹消", "source": "MHLW (test)", "changes": []},
    )

    assert value(client, "2024-06-01") == 73


def test_bad_corrections_are_refused_and_write_nothing(client: TestClient) -> None:
    client.post("/revisions", json=BASELINE)
    client.post("/revisions", json=R6)
    client.post("/revisions", json={**R6, "id": "draft", "status": "proposed"})
    client.post("/revisions/draft/withdraw")
    position = client.get("/health").json()["position"]

    unknown = client.post("/revisions/nope/corrections", json=ERRATUM)
    withdrawn = client.post("/revisions/draft/corrections", json=ERRATUM)
    bad_change = client.post(
        "/revisions/r6-2024/corrections",
        json={**ERRATUM, "changes": [{"op": "revise", "code": "B000", "value": 1}]},
    )
    no_reason = client.post(
        "/revisions/r6-2024/corrections", json={**ERRATUM, "reason": ""}
    )

    assert unknown.status_code == 404
    assert withdrawn.status_code == 409
    assert bad_change.status_code == 422
    assert bad_change.json()["detail"][0]["loc"] == ["body", "changes", 0, "code"]
    assert no_reason.status_code == 422
    assert client.get("/health").json()["position"] == position
    assert value(client, "2024-05-01") == 73


def test_a_corrected_proposal_is_enacted_as_corrected(client: TestClient) -> None:
    client.post("/revisions", json=BASELINE)
    client.post("/revisions", json={**R6, "id": "draft", "status": "proposed"})
    client.post("/revisions/draft/corrections", json=ERRATUM)

    assert value(client, "2024-05-01") == 73
    assert value(client, "2024-05-01", scenario="draft") == 75
    client.post("/revisions/draft/enact")
    assert value(client, "2024-05-01") == 75

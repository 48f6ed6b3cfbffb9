"""`interpret`: a 疑義解釈 recorded on an item, changing no value, kept in history."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.builders import BASELINE

READING = {
    "id": "gigi",
    "title": "疑義解釈 (test)",
    "effective_from": "2021-06-01",
    "source": "事務連絡 (test)",
    "changes": [
        {"op": "interpret", "code": "A001", "text": "…と解する", "until": "2022-03-31"}
    ],
}


def test_an_interpretation_changes_no_value_and_shows_in_history(
    client: TestClient,
) -> None:
    client.post("/revisions", json=BASELINE)

    response = client.post("/revisions", json=READING)
    history = client.get("/items/A001/history").json()["history"]
    item = client.get("/items/A001", params={"as_of": "2021-07-01"}).json()

    assert response.status_code == 201
    assert (item["value"], item["revision"]) == (73, "mst-2020")
    assert history[-1]["op"] == "interpret"
    assert (history[-1]["text"], history[-1]["until"]) == ("…と解する", "2022-03-31")


def test_an_interpretation_needs_its_text_and_a_known_item(client: TestClient) -> None:
    client.post("/revisions", json=BASELINE)
    no_text = {**READING, "changes": [{"op": "interpret", "code": "A001"}]}
    unknown = {**READING, "changes": [{**READING["changes"][0], "code": "B000"}]}

    missing = client.post("/revisions", json=no_text)
    never = client.post("/revisions", json=unknown)

    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"][-1] == "text"
    assert never.status_code == 422
    assert never.json()["detail"][0]["loc"] == ["body", "changes", 0, "code"]

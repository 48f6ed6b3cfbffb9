"""`/revisions` over HTTP: status codes, errors naming the field, nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.application import FeeSchedule
from tests.builders import BASELINE, R6


def bad_revision(*changes: dict[str, Any]) -> dict[str, Any]:
    return {**R6, "id": "bad", "changes": list(changes)}


def test_recording_a_revision_answers_201_with_its_events(client: TestClient) -> None:
    response = client.post("/revisions", json=BASELINE)

    assert response.status_code == 201
    body = response.json()
    assert body["id"] == "mst-2020"
    assert [e["type"] for e in body["events"]] == [
        "Revision.Recorded",
        "FeeItem.Introduced",
    ]
    assert body["position"] == body["events"][-1]["position"]


def test_the_same_body_again_is_200_and_records_nothing(
    client: TestClient, schedule: FeeSchedule
) -> None:
    client.post("/revisions", json=BASELINE)
    position = schedule.position()

    response = client.post("/revisions", json=BASELINE)

    assert response.status_code == 200
    assert response.json()["events"] == []
    assert schedule.position() == position


def test_the_same_id_with_another_body_is_409(client: TestClient) -> None:
    client.post("/revisions", json=BASELINE)

    response = client.post("/revisions", json={**BASELINE, "title": "other"})

    assert response.status_code == 409
    assert "mst-2020" in response.json()["detail"]


def test_a_negative_value_is_422_naming_the_change_and_nothing_is_written(
    client: TestClient, schedule: FeeSchedule
) -> None:
    client.post("/revisions", json=BASELINE)
    position = schedule.position()

    response = client.post(
        "/revisions",
        json=bad_revision(
            {"op": "revise", "code": "A001", "value": 75},
            {"op": "revise", "code": "A001", "value": -1},
        ),
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == [
        "body",
        "changes",
        1,
        "revise",
        "value",
    ]
    assert schedule.position() == position


def test_revising_an_unknown_code_is_422_naming_the_change(
    client: TestClient, schedule: FeeSchedule
) -> None:
    client.post("/revisions", json=BASELINE)
    position = schedule.position()

    response = client.post(
        "/revisions",
        json=bad_revision(
            {"op": "revise", "code": "A001", "value": 75},
            {"op": "revise", "code": "Z999", "value": 1},
        ),
    )

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "changes", 1, "code"]
    assert "Z999" in error["msg"]
    assert schedule.position() == position
    assert (
        client.get("/items/A001", params={"as_of": "2024-06-01"}).json()["value"] == 73
    )


def test_introducing_an_item_already_in_force_is_422(client: TestClient) -> None:
    client.post("/revisions", json=BASELINE)

    response = client.post(
        "/revisions",
        json=bad_revision(
            {
                "op": "introduce",
                "code": "A001",
                "name": "再診料",
                "unit": "point",
                "value": 75,
            }
        ),
    )

    assert response.status_code == 422
    assert "already in force" in response.json()["detail"][0]["msg"]


def test_abolishing_an_item_not_in_force_is_422(client: TestClient) -> None:
    response = client.post(
        "/revisions", json=bad_revision({"op": "abolish", "code": "A308-taisei-1"})
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "changes", 0, "code"]


def test_unknown_ops_fields_and_bad_dates_are_422_naming_them(
    client: TestClient, schedule: FeeSchedule
) -> None:
    cases = {
        ("body", "changes", 0): bad_revision({"op": "frobnicate", "code": "A001"}),
        ("body", "changes", 0, "revise", "points"): bad_revision(
            {"op": "revise", "code": "A001", "value": 1, "points": 1}
        ),
        ("body", "effective_from"): {**R6, "effective_from": "2024-02-30"},
        ("body", "changes", 0, "revise", "effective_from"): bad_revision(
            {"op": "revise", "code": "A001", "value": 1, "effective_from": "R6.13.1"}
        ),
        ("body", "changes"): {**R6, "changes": []},
        ("body", "status"): {**R6, "status": "rumoured"},
        ("body", "changes", 0, "revise", "code"): bad_revision(
            {"op": "revise", "code": "A001; DROP TABLE x", "value": 1}
        ),
    }

    for loc, body in cases.items():
        response = client.post("/revisions", json=body)
        assert response.status_code == 422, loc
        assert tuple(response.json()["detail"][0]["loc"]) == loc

    assert schedule.position() == 0


def test_wareki_dates_and_fullwidth_codes_are_accepted(client: TestClient) -> None:
    client.post("/revisions", json=BASELINE)

    response = client.post(
        "/revisions",
        json={
            **R6,
            "effective_from": "令和6年6月1日",
            "changes": [{"op": "revise", "code": "Ａ００１", "value": 75}],
        },
    )

    assert response.status_code == 201
    assert client.get("/items/A001", params={"as_of": "R6.6.1"}).json()["value"] == 75


def test_revisions_are_listed_with_who_recorded_them(client: TestClient) -> None:
    client.post("/revisions", json=BASELINE)
    client.post("/revisions", json=R6)

    listed = client.get("/revisions").json()["revisions"]
    one = client.get("/revisions/r6-2024").json()

    assert [r["id"] for r in listed] == ["mst-2020", "r6-2024"]
    assert one["changes"] == [{"op": "revise", "code": "A001", "value": 75}]
    assert one["recorded_by"]
    assert one["recorded_at"]
    assert client.get("/revisions/nope").status_code == 404


def test_a_proposal_is_enacted_once_and_withdrawn_ones_cannot_be(
    client: TestClient,
) -> None:
    client.post("/revisions", json=BASELINE)
    client.post("/revisions", json={**R6, "id": "p1", "status": "proposed"})
    client.post("/revisions", json={**R6, "id": "p2", "status": "proposed"})

    enacted = client.post("/revisions/p1/enact", json={"effective_from": "2024-07-01"})
    again = client.post("/revisions/p1/enact")
    client.post("/revisions/p2/withdraw")
    withdrawn = client.post("/revisions/p2/enact")

    assert enacted.status_code == 201
    assert (
        client.get("/items/A001", params={"as_of": "2024-06-30"}).json()["value"] == 73
    )
    assert (
        client.get("/items/A001", params={"as_of": "2024-07-01"}).json()["value"] == 75
    )
    assert (again.status_code, withdrawn.status_code) == (409, 409)


def test_writes_need_a_token_when_tokens_are_configured(schedule: FeeSchedule) -> None:
    from service.web.app import create_app

    with TestClient(create_app(schedule, tokens={"suzuki": "s3cret"})) as client:
        missing = client.post("/revisions", json=BASELINE)
        wrong = client.post(
            "/revisions", json=BASELINE, headers={"Authorization": "Bearer nope"}
        )
        right = client.post(
            "/revisions", json=BASELINE, headers={"Authorization": "Bearer s3cret"}
        )
        read = client.get("/revisions/mst-2020")

    assert (missing.status_code, wrong.status_code, right.status_code) == (
        401,
        403,
        201,
    )
    assert "s3cret" not in wrong.text
    assert read.json()["recorded_by"] == "suzuki"


@pytest.mark.parametrize(
    "path",
    [
        "/revisions",
        "/revisions/mst-2020/enact",
        "/revisions/mst-2020/withdraw",
        "/revisions/mst-2020/corrections",
        "/claims",
        "/imports/mhlw?filename=s_20240301.csv",
    ],
)
def test_every_write_needs_the_token_and_never_echoes_it(
    schedule: FeeSchedule, path: str
) -> None:
    from service.web.app import create_app

    with TestClient(create_app(schedule, tokens={"suzuki": "s3cret"})) as client:
        missing = client.post(path, json={})
        wrong = client.post(path, json={}, headers={"Authorization": "Bearer n0pe"})

    assert (missing.status_code, wrong.status_code) == (401, 403)
    assert "n0pe" not in wrong.text
    assert "s3cret" not in wrong.text + missing.text

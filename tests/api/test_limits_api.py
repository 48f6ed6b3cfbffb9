"""Bodies over KAITEI_MAX_BODY_BYTES are 413 and write nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from service.application import FeeSchedule
from service.web.app import create_app
from tests.builders import BASELINE


@pytest.fixture
def small(
    schedule: FeeSchedule, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    monkeypatch.setenv("KAITEI_MAX_BODY_BYTES", "2000")
    with TestClient(create_app(schedule, tokens={})) as client:
        yield client


def big_revision() -> bytes:
    padded = {**BASELINE, "title": "x" * 400, "changes": BASELINE["changes"] * 40}
    return json.dumps(padded).encode()


def test_a_declared_oversized_body_is_413(small: TestClient) -> None:
    response = small.post(
        "/revisions",
        content=big_revision(),
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 413
    assert response.json()["detail"][0]["loc"] == ["body"]
    assert small.get("/revisions").json()["revisions"] == []


def test_a_streamed_oversized_body_is_413(small: TestClient) -> None:
    body = big_revision()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 500):
            yield body[start : start + 500]

    response = small.post(
        "/revisions", content=chunks(), headers={"content-type": "application/json"}
    )

    assert response.status_code == 413
    assert small.get("/revisions").json()["revisions"] == []


def test_a_body_under_the_limit_is_accepted(small: TestClient) -> None:
    assert small.post("/revisions", json=BASELINE).status_code == 201

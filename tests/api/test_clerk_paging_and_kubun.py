"""A clerk's first day, continued: search results a page at a time, and a
区分番号 typed on a claim line answered with the codes filed under it."""

from __future__ import annotations

from fastapi.testclient import TestClient


def codes(client: TestClient, **params: object) -> tuple[int, list[str]]:
    found = client.get(
        "/search", params={"q": "初診料", "as_of": "2024-06-03", **params}
    )
    assert found.status_code == 200, found.text
    return found.json()["count"], [i["code"] for i in found.json()["items"]]


def test_search_pages_with_offset(bundled_client: TestClient) -> None:
    count, everything = codes(bundled_client, limit=1000)
    _, first = codes(bundled_client, limit=3)
    _, second = codes(bundled_client, limit=3, offset=3)
    assert count == len(everything) > 6
    assert first + second == everything[:6]
    _, past = codes(bundled_client, offset=count)
    assert past == []


def test_a_kubun_on_a_claim_line_is_answered_with_its_codes(
    bundled_client: TestClient,
) -> None:
    priced = bundled_client.post(
        "/claims/price",
        json={"id": "k", "lines": [{"code": "A000", "date": "2024-06-03"}]},
    )
    assert priced.status_code == 200, priced.text
    line = priced.json()["lines"][0]
    assert line["reason"] == "unknown_code"
    assert "A000 は区分番号です" in line["detail"]
    assert "111000110 初診料" in line["detail"]

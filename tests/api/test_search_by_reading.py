"""Search by the master's reading (カナ名称) on the bundled store: half-width,
full-width and hiragana alike, ranked after names and before what only holds it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize("typed", ["ｼｮｼﾝ", "しょしん", "ショシン"])
def test_shoshin_is_found_by_its_reading(
    bundled_client: TestClient, typed: str
) -> None:
    found = bundled_client.get(
        "/search", params={"q": typed, "as_of": "2024-06-03"}
    ).json()
    codes = [i["code"] for i in found["items"]]
    assert codes[0] == "111000110"
    assert found["items"][0]["kana"] == "ｼｮｼﾝﾘｮｳ"


def test_saishin_by_reading_and_a_name_prefix_first(bundled_client: TestClient) -> None:
    by_reading = bundled_client.get("/search", params={"q": "サイシン"}).json()
    assert "112007410" in [i["code"] for i in by_reading["items"]]
    by_name = bundled_client.get("/search", params={"q": "再診料"}).json()
    assert by_name["items"][0]["code"] == "112007410"  # the exact name first

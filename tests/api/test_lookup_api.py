"""`/search`, `/sources`, 区分番号 at `/items/{code}` and `beyond_data_through`,
on the bundled schedule (every master file to 2025-09 and the seed rules)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

JUNE = {"as_of": "2024-06-01"}


def search(client: TestClient, q: str, **params: Any) -> dict[str, Any]:
    response = client.get("/search", params={"q": q, **JUNE, **params})
    assert response.status_code == 200, response.text
    return dict(response.json())


def codes(found: dict[str, Any]) -> list[str]:
    return [i["code"] for i in found["items"]]


def test_a_name_finds_the_exact_item_first(bundled_client: TestClient) -> None:
    found = search(bundled_client, "初診料")

    assert codes(found)[0] == "111000110"
    assert found["items"][0]["value"] == 291
    assert found["count"] == len(found["items"]) > 1
    assert all("初診料" in i["name"] for i in found["items"])


def test_a_kubun_finds_every_code_filed_under_it(bundled_client: TestClient) -> None:
    found = search(bundled_client, "A000")

    assert "111000110" in codes(found)
    assert {i["kubun"] for i in found["items"]} == {"A000"}


def test_a_kubun_prefix_finds_its_branches_not_other_numbers(
    bundled_client: TestClient,
) -> None:
    found = search(bundled_client, "b001-3", limit=1000)
    kubun = {i["kubun"] for i in found["items"]}

    assert {"B001-3", "B001-3-3"} <= kubun
    assert "113707110" in codes(found)
    assert not any(k.startswith("B001-3") and k[6:7].isdigit() for k in kubun)


def test_full_width_and_half_width_forms_match(bundled_client: TestClient) -> None:
    half_kana = search(bundled_client, "ﾆｺﾁﾝ依存症")
    ascii_digit = search(bundled_client, "生活習慣病管理料2")  # the master writes ２
    full_width_code = search(bundled_client, "１１１０００１１０")

    assert half_kana["count"] > 0
    assert all("ニコチン依存症" in i["name"] for i in half_kana["items"])
    assert "113707110" in codes(ascii_digit)
    assert codes(full_width_code) == ["111000110"]


def test_search_answers_on_its_date(bundled_client: TestClient) -> None:
    may = search(bundled_client, "120003270", as_of="2024-05-31")
    june = search(bundled_client, "120003270")

    assert (may["count"], june["count"]) == (1, 0)  # abolished from 2024-06-01


def test_limit_caps_the_items_not_the_count(bundled_client: TestClient) -> None:
    found = search(bundled_client, "A", limit=3)

    assert len(found["items"]) == 3
    assert found["count"] > 3


@pytest.mark.parametrize(
    ("params", "field"),
    [({"q": ""}, "q"), ({"q": "A000", "limit": 0}, "limit"), ({}, "q")],
)
def test_bad_search_is_422_naming_the_field(
    bundled_client: TestClient, params: dict[str, Any], field: str
) -> None:
    response = bundled_client.get("/search", params=params)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", field]


def test_a_kubun_at_items_is_404_naming_its_codes(bundled_client: TestClient) -> None:
    response = bundled_client.get("/items/B001-3-3", params={"as_of": "2024-06-03"})

    assert response.status_code == 404
    assert response.json()["codes"] == ["113707110", "113707210"]
    assert "区分番号" in response.json()["detail"]
    assert "113707110 生活習慣病管理料２" in response.json()["detail"]


def test_sources_list_every_publication_and_the_data_horizon(
    bundled_client: TestClient,
) -> None:
    found = bundled_client.get("/sources").json()
    by_name = {s["name"]: s for s in found["sources"]}

    assert found["data_through"] == "2025-09-01"
    # 医科 masters, seeds, tables, then the 医薬品 and 特定器材 masters
    assert found["count"] == len(found["sources"]) == 79 + 8 + 6 + 25 + 11
    assert by_name["s_ALL20220218.zip"]["kind"] == "master_full"
    assert by_name["s_20240306.csv"]["published"] == "2024-03-06"
    assert (by_name["r6-2024"]["kind"], by_name["r6-2024"]["published"]) == (
        "revision",
        None,
    )
    assert by_name["r6-2024"]["recorded_at"].endswith("+00:00")


def test_answers_past_the_data_say_so(bundled_client: TestClient) -> None:
    now = bundled_client.get("/items/111000110", params={"as_of": "2025-09-01"})
    later = bundled_client.get("/items/111000110", params={"as_of": "2026-06-01"})
    found = search(bundled_client, "初診料", as_of="2026-06-01")
    diff = bundled_client.get(
        "/schedule/diff", params={"from": "2026-05-31", "to": "2026-06-01"}
    ).json()
    claim = {"id": "c", "lines": [{"code": "111000110", "date": "2026-06-02"}]}
    priced = bundled_client.post("/claims/price", json=claim).json()

    assert now.json()["beyond_data_through"] is False
    assert later.json()["beyond_data_through"] is True
    assert later.json()["value"] == 291  # what kaitei knows, flagged
    assert found["beyond_data_through"] is True
    assert diff["beyond_data_through"] is True
    assert priced["beyond_data_through"] is True


def test_the_2024_ward_is_in_force_from_the_revision(
    bundled_client: TestClient,
) -> None:
    may = search(bundled_client, "地域包括医療病棟入院料", as_of="2024-05-31")
    june = search(bundled_client, "地域包括医療病棟入院料")

    assert may["count"] == 0
    assert june["count"] > 0
    assert {i["valid_from"] for i in june["items"]} == {"2024-06-01"}

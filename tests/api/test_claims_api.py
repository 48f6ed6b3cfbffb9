"""`POST /claims/price` on the bundled schedule: the real master and the seed rules."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

SAISHIN, GAIRAI, TOKUTEI_100, SHOHOSEN, TOKUTEI_SHOHO = (
    "112007410",
    "112011010",
    "113001910",
    "120002910",
    "120003270",
)
TOKUTEI_SHOHO_2024 = "120005710"  # 特定疾患処方管理加算 from 2024-06-01
SEIKATSU_II, SHOSHIN, MEAL = "113707110", "111000110", "197000110"


@pytest.fixture
def bundled(bundled_client: TestClient) -> TestClient:
    return bundled_client


def line(code: str, day: str, disease: str | None = "I10", quantity: int = 1):
    return {"code": code, "date": day, "quantity": quantity, "disease": disease}


def price(client: TestClient, *lines: dict[str, Any], **claim: Any) -> dict[str, Any]:
    response = client.post(
        "/claims/price", json={"id": "2024-0001", "lines": list(lines), **claim}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_seed_002_table_2_visit_is_406_points_before_the_revision(
    bundled: TestClient,
) -> None:
    # 002_8ea418abf8c24ad7.txt 表2 【現行の算定イメージ】: 73 + 52 + 147 + 68 + 66 = 406
    day = "2024-05-20"
    priced = price(
        bundled,
        line(SAISHIN, day),
        line(GAIRAI, day),
        line(TOKUTEI_100, day),
        line(SHOHOSEN, day),
        line(TOKUTEI_SHOHO, day),
        billed_points=406,
    )

    assert [x["amount"] for x in priced["lines"]] == [73, 52, 147, 68, 66]
    assert (priced["total_points"], priced["total_yen"]) == (406, 4060)
    assert priced["difference_points"] == 0


def test_seed_002_table_2_visit_is_468_points_after_the_revision(
    bundled: TestClient,
) -> None:
    # 表2 【改定後の算定イメージ】: 75 + 333 + 60 = 468; 外来管理加算 and
    # 特定疾患処方管理加算 are not billable with 生活習慣病管理料(Ⅱ) (表1).
    day = "2024-06-03"
    priced = price(
        bundled,
        line(SAISHIN, day),
        line(SEIKATSU_II, day),
        line(GAIRAI, day),
        line(SHOHOSEN, day),
        line(TOKUTEI_SHOHO_2024, day, "J45"),  # a 特定疾患: rejected for the exclusion
        line(TOKUTEI_SHOHO, day, "J45"),  # abolished on 2024-05-31
    )
    by_code = {x["code"]: x for x in priced["lines"]}

    assert priced["total_points"] == 468
    assert by_code[SAISHIN]["revision"] == "s_20240306.csv"
    assert by_code[GAIRAI]["reason"] == "excluded"
    assert by_code[TOKUTEI_SHOHO_2024]["reason"] == "excluded"
    assert by_code[TOKUTEI_SHOHO]["reason"] == "not_in_force"
    assert by_code[GAIRAI]["amount"] == 0


def test_a_disease_removed_in_2024_is_eligible_in_may_and_not_in_june(
    bundled: TestClient,
) -> None:
    priced = price(
        bundled,
        line(TOKUTEI_100, "2024-05-20", "E11"),
        line(TOKUTEI_100, "2024-06-03", "E11"),
        line(TOKUTEI_100, "2024-06-10", "J45"),
        line(TOKUTEI_100, "2024-06-17", None),
    )

    assert [x["status"] for x in priced["lines"]] == [
        "priced",
        "rejected",
        "priced",
        "rejected",
    ]
    assert priced["lines"][1]["reason"] == "ineligible_disease"
    assert priced["lines"][3]["reason"] == "ineligible_disease"


def test_meals_across_the_boundary_are_priced_in_yen_by_meal_date(
    bundled: TestClient,
) -> None:
    # seed 002 告示第六十四号 and the master: 入院時食事療養(Ⅰ) 640 → 670 yen a meal
    priced = price(
        bundled,
        line(MEAL, "2024-05-31", None, quantity=3),
        line(MEAL, "2024-06-01", None, quantity=3),
    )

    assert [x["amount"] for x in priced["lines"]] == [1920, 2010]
    assert [x["unit"] for x in priced["lines"]] == ["yen", "yen"]
    assert (priced["total_points"], priced["total_yen"]) == (0, 3930)


def test_tokutei_is_twice_a_month_and_not_with_shoshinryo(
    bundled: TestClient,
) -> None:
    # seed 003: 月2回まで; 初診料を算定した日は算定できない
    priced = price(
        bundled,
        line(SHOSHIN, "2024-07-01", None),
        line(TOKUTEI_100, "2024-07-01", "J45"),
        line(TOKUTEI_100, "2024-07-08", "J45"),
        line(TOKUTEI_100, "2024-07-15", "J45"),
        line(TOKUTEI_100, "2024-07-22", "J45"),
    )

    assert [x["reason"] for x in priced["lines"]] == [
        None,
        "excluded",
        None,
        None,
        "limit_exceeded",
    ]
    assert priced["total_points"] == 291 + 147 + 147  # 初診料 291 from 2024-06-01


def test_an_add_on_needs_its_base_on_the_same_day(bundled: TestClient) -> None:
    priced = price(
        bundled,
        line(SAISHIN, "2024-05-20"),
        line(GAIRAI, "2024-05-21"),
    )

    assert priced["lines"][1]["reason"] == "missing_base"


def test_unknown_and_not_yet_in_force_codes_are_rejected(bundled: TestClient) -> None:
    priced = price(
        bundled,
        line("999999999", "2024-06-03"),
        line(SEIKATSU_II, "2024-05-20"),
    )

    assert [x["reason"] for x in priced["lines"]] == ["unknown_code", "not_in_force"]
    assert priced["total_points"] == 0


def test_a_proposal_prices_claims_only_in_its_scenario(bundled: TestClient) -> None:
    bundled.post(
        "/revisions",
        json={
            "id": "r8-draft",
            "title": "試案",
            "effective_from": "2026-06-01",
            "status": "proposed",
            "source": "test",
            "changes": [{"op": "revise", "code": SAISHIN, "value": 80}],
        },
    )
    claim = {"id": "c", "lines": [line(SAISHIN, "2026-06-02")]}

    plain = bundled.post("/claims/price", json=claim).json()
    imagined = bundled.post(
        "/claims/price", params={"scenario": "r8-draft"}, json=claim
    ).json()

    assert (plain["total_points"], imagined["total_points"]) == (75, 80)
    assert imagined["lines"][0]["revision"] == "r8-draft"


def test_billing_more_than_the_rules_allow_shows_a_negative_difference(
    bundled: TestClient,
) -> None:
    priced = price(bundled, line(SAISHIN, "2024-05-20"), billed_points=80)

    assert (priced["total_points"], priced["difference_points"]) == (73, -7)


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"id": "c", "lines": []}, ["body", "lines"]),
        (
            {"id": "c", "lines": [line(SAISHIN, "2024-13-01")]},
            ["body", "lines", 0, "date"],
        ),
        (
            {"id": "c", "lines": [{**line(SAISHIN, "2024-06-01"), "quantity": 0}]},
            ["body", "lines", 0, "quantity"],
        ),
        (
            {"id": "c", "lines": [line("A01", "2024-06-01")]},
            ["body", "lines", 0, "code"],
        ),
        # a number is not read as seconds since 1970
        ({"id": "c", "lines": [line(SAISHIN, 0)]}, ["body", "lines", 0, "date"]),
    ],
)
def test_bad_claims_are_422_naming_the_field(
    bundled: TestClient, body: dict[str, Any], where: list[Any]
) -> None:
    response = bundled.post("/claims/price", json=body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][: len(where)] == where

"""The 医科電子点数表's 背反, 算定回数 and 入院基本料 rules in claims, on the
bundled store: real codes, real rows (data/tensuhyo/ika.zip,
shared/tensuhyo/README.md)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

SHOSHIN, SEIKATSU_1 = (
    "111000110",
    "113041710",
)  # 初診料, 生活習慣病管理料１（脂質異常症）
TOKUTEI = "113001810"  # 特定疾患療養管理料（診療所）
ANP, BNP = "160116310", "160162350"
NICOTINE_FIRST = "113008310"  # ニコチン依存症管理料１（初回）: 初回 1 from 20250501
JOHO_SAISHIN = "112708970"  # 医療情報取得加算（再診）: ３月 1
SAISHIN = "112007410"


def line(code: str, day: str, disease: str | None = None) -> dict[str, Any]:
    return {"code": code, "date": day, "disease": disease}


def price(client: TestClient, *lines: dict[str, Any]) -> list[dict[str, Any]]:
    response = client.post("/claims/price", json={"id": "c", "lines": list(lines)})
    assert response.status_code == 200, response.text
    return list(response.json()["lines"])


def test_shoshin_is_billed_over_seikatsu_1_in_the_month_whatever_the_order(
    bundled_client: TestClient,
) -> None:
    # 03-2: ("111000110", "113041710", 背反区分 1): 初診料 is billed, not ②.
    first = price(
        bundled_client,
        line(SHOSHIN, "2024-07-01"),
        line(SEIKATSU_1, "2024-07-20", "E78"),
    )
    later = price(
        bundled_client,
        line(SEIKATSU_1, "2024-07-01", "E78"),
        line(SHOSHIN, "2024-07-20"),
    )

    assert [x["status"] for x in first] == ["priced", "rejected"]
    assert [x["status"] for x in later] == ["rejected", "priced"]
    for rejected in (first[1], later[0]):
        assert rejected["reason"] == "excluded"
        assert rejected["rule"]["table"] == "03-2背反テーブル2"
        assert rejected["rule"]["scope"] == "month"
        assert rejected["rule"]["since"] == "2022-04-01"
    assert later[0]["rule"]["other_line"] == 1
    assert later[0]["amount"] == 0


def test_tokutei_a_third_time_in_a_month_cites_the_santei_kaisu_table(
    bundled_client: TestClient,
) -> None:
    priced = price(
        bundled_client,
        *(line(TOKUTEI, f"2024-07-{d:02d}", "J45") for d in (2, 9, 16)),
    )

    assert [x["status"] for x in priced] == ["priced", "priced", "rejected"]
    rule = priced[2]["rule"]
    assert (rule["table"], rule["per"], rule["max"], rule["unit"]) == (
        "05算定回数テーブル",
        "month",
        2,
        "月",
    )
    assert "since the table began" in priced[2]["detail"]


def test_a_one_week_pair_in_the_same_week_and_in_consecutive_weeks(
    bundled_client: TestClient,
) -> None:
    # 03-4: ＡＮＰ and ＢＮＰ, 背反区分 3 (the first billed stays), 1週間につき
    same_week = price(
        bundled_client, line(ANP, "2024-07-07"), line(BNP, "2024-07-13")
    )  # Sunday and Saturday of one week
    next_week = price(bundled_client, line(ANP, "2024-07-13"), line(BNP, "2024-07-14"))

    assert [x["status"] for x in same_week] == ["priced", "rejected"]
    assert same_week[1]["rule"]["table"] == "03-4背反テーブル4"
    assert [x["status"] for x in next_week] == ["priced", "priced"]


def test_a_rule_is_not_applied_before_its_shinsetsu(bundled_client: TestClient) -> None:
    # 05: ニコチン依存症管理料１（初回） 初回 1, 新設 20250501
    before = price(
        bundled_client,
        line(NICOTINE_FIRST, "2024-07-01"),
        line(NICOTINE_FIRST, "2024-07-15"),
    )
    after = price(
        bundled_client,
        line(NICOTINE_FIRST, "2025-07-01"),
        line(NICOTINE_FIRST, "2025-07-15"),
    )

    assert [x["status"] for x in before] == ["priced", "priced"]
    assert [x["status"] for x in after] == ["priced", "rejected"]
    assert after[1]["rule"]["since"] == "2025-05-01"


def test_a_three_month_limit_is_unchecked_without_the_patients_other_claims(
    bundled_client: TestClient,
) -> None:
    priced = price(
        bundled_client,
        line(SAISHIN, "2024-07-01"),
        line(JOHO_SAISHIN, "2024-07-01"),
        line(SAISHIN, "2024-07-08"),
        line(JOHO_SAISHIN, "2024-07-08"),
    )
    kasan = [x for x in priced if x["code"] == JOHO_SAISHIN]

    assert kasan[0]["status"] == "priced"
    assert kasan[0]["unchecked"] == ["３月"]  # the patient's earlier claims are unknown
    assert kasan[1]["reason"] == "limit_exceeded"  # twice in one claim is too many


def test_an_item_answers_its_table_rules(bundled_client: TestClient) -> None:
    item = bundled_client.get(
        f"/items/{TOKUTEI}", params={"as_of": "2024-07-01"}
    ).json()
    limits = [x for x in item["limits"] if x.get("table") == "05算定回数テーブル"]

    assert limits == [
        {
            "table": "05算定回数テーブル",
            "row": limits[0]["row"],
            "since": "2010-04-01",
            "edition": "2025-12-01",
            "per": "month",
            "max": 2,
            "unit": "月",
        }
    ]
    assert not [
        x for x in item["limits"] if x.get("table") is None
    ]  # one rule, not two


# 04 group 001 (手引き p.17–18) is carried by 急性期一般入院料１ (01 field 20).
KYUSEIKI_1 = "190117710"
SOGO_1, CHIIKI_SHIEN = "190190410", "190099870"  # 加算識別 1, 2 in group 001
KIKANGATA, KYORYOKUGATA = "190117170", "190119910"  # both 加算識別 3
CHIIKI_IKO = "190127810"  # 精神科地域移行実施加算: groups 018, 067, … not 001


def test_an_nyuinryo_carries_one_kasan_of_each_kasan_shikibetsu(
    bundled_client: TestClient,
) -> None:
    day = "2024-07-01"
    priced = price(
        bundled_client,
        *(
            line(code, day)
            for code in (KYUSEIKI_1, SOGO_1, CHIIKI_SHIEN, KIKANGATA, KYORYOKUGATA)
        ),
    )

    assert [x["status"] for x in priced] == ["priced"] * 4 + ["rejected"]
    rejected = priced[4]
    assert rejected["reason"] == "not_in_group"
    rule = rejected["rule"]
    assert (rule["kind"], rule["table"], rule["group"], rule["ident"]) == (
        "group",
        "04入院基本料テーブル",
        "001",
        3,
    )
    assert (rule["other_code"], rule["other_line"]) == (KIKANGATA, 3)
    assert rejected["amount"] == 0


def test_a_kasan_outside_the_nyuinryos_group_is_rejected(
    bundled_client: TestClient,
) -> None:
    day = "2024-07-01"
    priced = price(bundled_client, line(KYUSEIKI_1, day), line(CHIIKI_IKO, day))
    next_day = price(
        bundled_client, line(KYUSEIKI_1, day), line(CHIIKI_IKO, "2024-07-02")
    )

    assert priced[1]["reason"] == "not_in_group"
    assert priced[1]["rule"]["table"] == "01補助マスターテーブル"
    assert priced[1]["rule"]["group"] == "001"
    assert "group 001" in priced[1]["detail"]
    # no 入院料 billed on its day: priced, and the group left for a person
    assert next_day[1]["status"] == "priced"
    assert next_day[1]["unchecked"] == ["入院料"]


def test_an_item_answers_its_nyuin_groups(bundled_client: TestClient) -> None:
    ward = bundled_client.get(f"/items/{KYUSEIKI_1}", params={"as_of": "2024-07-01"})
    kasan = bundled_client.get(f"/items/{KIKANGATA}", params={"as_of": "2024-07-01"})

    assert [g["group"] for g in ward.json()["groups"]] == ["001"]
    assert "ident" not in ward.json()["groups"][0]
    in_001 = [g for g in kasan.json()["groups"] if g["group"] == "001"]
    assert [(g["ident"], g["table"]) for g in in_001] == [(3, "04入院基本料テーブル")]

"""The 医薬品マスター and 特定器材マスター as bundled: every file of
shared/masters/iyakuhin and tokutei-kizai imported as published (the full files
of 2024-03, every change file to 2025-08, the 医薬品 full file of 2026-01-16 on
top), answered like a 診療行為 and priced on claims by the 告示's rounding."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from service.importers.mhlw import read_master

SHARED = Path(__file__).parents[2] / ".." / "shared" / "masters"


def item(client: TestClient, code: str, on: str) -> dict[str, object]:
    answer = client.get(f"/items/{code}", params={"as_of": on})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def price(client: TestClient, *lines: dict[str, object]) -> dict[str, object]:
    answer = client.post("/claims/price", json={"id": "t", "lines": list(lines)})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_a_drug_is_answered_with_its_unit_and_master_fields(bundled_client) -> None:
    gaster = item(bundled_client, "610406079", "2024-09-30")
    assert (gaster["kind"], gaster["value"], gaster["revision"]) == (
        "drug",
        16.5,
        "y_ALL20240321.zip",
    )
    fields = gaster["attributes"]
    assert isinstance(fields, dict)
    assert (fields["unit_name"], fields["yj_code"], fields["generic_name"]) == (
        "ｇ",
        "2325003B2029",
        "【般】ファモチジン散２％",
    )


def test_each_master_says_how_far_its_data_runs(bundled_client) -> None:
    through = bundled_client.get("/sources").json()["data_through_by_master"]
    assert through == {
        "医科診療行為マスター": "2025-09-01",
        "医薬品マスター": "2026-01-16",
        "特定器材マスター": "2025-08-29",
    }


def test_the_april_2025_price_comes_from_the_full_file_of_2026(bundled_client) -> None:
    # 610406079 ガスター散２％: 16.50 yen until 2025-03-31, 15.10 from 2025-04-01,
    # a price no change file has (y_ALL20260116.tsv, first 31 fields)
    before = item(bundled_client, "610406079", "2025-03-31")
    after = item(bundled_client, "610406079", "2025-04-01")
    assert (before["value"], after["value"]) == (16.5, 15.1)
    assert after["revision"] == "y_ALL20260116.tsv"


def test_a_change_file_price_holds_from_its_date(bundled_client) -> None:
    # y_20240613.csv: 622911101 147.90 → 143.90 from 2024-07-01
    assert item(bundled_client, "622911101", "2024-06-30")["value"] == 147.9
    assert item(bundled_client, "622911101", "2024-07-01")["value"] == 143.9
    line = {"code": "622911101", "date": "2024-06-30"}
    assert price(bundled_client, line)["total_points"] == 15  # 147.90 yen
    later = price(bundled_client, {**line, "date": "2024-07-01"})
    assert later["total_points"] == 14  # 143.90 yen: 五捨五超入 of 14.39


def test_a_transitional_drug_is_billable_on_its_last_day_only(bundled_client) -> None:
    # 610407023 フェアストン錠６０: 経過措置年月日 2025-03-31 (col 34) in
    # y_ALL20240321.zip, absent from the full file of 2026-01-16
    last = price(bundled_client, {"code": "610407023", "date": "2025-03-31"})
    after = price(bundled_client, {"code": "610407023", "date": "2025-04-01"})
    assert last["lines"][0]["status"] == "priced"  # type: ignore[index]
    refused = after["lines"][0]  # type: ignore[index]
    assert (refused["status"], refused["reason"]) == ("rejected", "not_in_force")
    assert "last billable day 2025-03-31" in refused["detail"]


def one_drug_unit(client: TestClient, *doses: tuple[str, str]) -> dict[str, object]:
    lines = [
        {
            "code": code,
            "date": "2024-05-01",
            "dose": dose,
            "group": "rp1",
            "quantity": 7,
        }
        for code, dose in doses
    ]
    return price(client, *lines)


def test_one_unit_of_three_drugs_is_rounded_by_the_kokuji(bundled_client) -> None:
    # 620005410 5.00 yen/錠, 610407112 10.00 yen/g, 610453041 10.00 yen/錠,
    # 610406227 10.10 yen/g (y_ALL20240321.zip)
    fifteen = one_drug_unit(
        bundled_client,
        ("620005410", "1"),
        ("610407112", "0.5"),
        ("610453041", "0.5"),
    )
    twenty_five = one_drug_unit(
        bundled_client,
        ("620005410", "1"),
        ("610407112", "1"),
        ("610453041", "1"),
    )
    above = one_drug_unit(
        bundled_client,
        ("620005410", "1"),
        ("610407112", "1"),
        ("610406227", "1"),
    )
    # 15 円以下 1 点; 25.00 円 (2.5) → 2 点; 25.10 円 (2.51) → 3 点; 7 days each
    assert [d["total_points"] for d in (fifteen, twenty_five, above)] == [7, 14, 21]
    lines = above["lines"]
    assert isinstance(lines, list)
    assert [x["amount"] for x in lines] == [0, 0, 21]  # on the unit's last line
    assert {(x["unit_yen"], x["unit_points"]) for x in lines} == {(25.1, 3)}
    assert lines[2]["rounding"].startswith("薬剤料")


def test_drugs_without_a_group_are_units_of_their_own(bundled_client) -> None:
    alone = price(
        bundled_client,
        {"code": "620005410", "date": "2024-05-01"},
        {"code": "610407112", "date": "2024-05-01"},
    )
    assert alone["total_points"] == 2  # 5 円 → 1 点, 10 円 → 1 点


def test_a_material_is_rounded_half_up(bundled_client) -> None:
    # 700030000 フィルム 大角 115.00 yen/枚 → 11.5 → 12 点; two 枚 → 23 点
    one = price(bundled_client, {"code": "700030000", "date": "2024-06-03"})
    two = price(
        bundled_client, {"code": "700030000", "date": "2024-06-03", "dose": "2"}
    )
    assert (one["total_points"], two["total_points"]) == (12, 23)
    assert one["lines"][0]["kind"] == "material"  # type: ignore[index]


def test_a_material_price_steps_down_through_its_transition(bundled_client) -> None:
    # 729120000 スライディングラグ: 29,000 → 27,200 (t_20250214.csv, from
    # 2025-03-01) → 25,400 (t_20250516.csv, from 2025-06-01)
    values = [
        item(bundled_client, "729120000", day)["value"]
        for day in ("2025-02-28", "2025-03-01", "2025-06-01")
    ]
    assert values == [29000, 27200, 25400]


def test_a_claim_mixing_a_visit_drugs_and_a_material(bundled_client) -> None:
    priced = price(
        bundled_client,
        {"code": "111000110", "date": "2024-06-03"},  # 初診料 291
        {"code": "620005410", "date": "2024-06-03", "group": "1", "quantity": 7},
        {"code": "700030000", "date": "2024-06-03"},  # 12
    )
    assert priced["total_points"] == 291 + 7 + 12
    assert priced["total_yen"] == 3100


def test_a_dose_on_a_procedure_or_groups_that_disagree_are_refused(
    bundled_client,
) -> None:
    dose = bundled_client.post(
        "/claims/price",
        json={
            "id": "t",
            "lines": [{"code": "111000110", "date": "2024-06-03", "dose": 1}],
        },
    )
    assert dose.status_code == 422
    assert "only those lines take a dose" in dose.text
    lines = [
        {"code": "620005410", "date": "2024-06-03", "group": "a", "quantity": q}
        for q in (7, 14)
    ]
    mixed = bundled_client.post("/claims/price", json={"id": "t", "lines": lines})
    assert mixed.status_code == 422
    assert "lines[1].quantity: 14" in mixed.text


def test_the_40_and_42_field_layouts_read_alike() -> None:
    # y_20250520.csv's first row (42 fields) and the same row without the two
    # fields the layout gained in 2024-09 (長期収載品関連, 選定療養区分)
    path = SHARED / "iyakuhin" / "y_20250520.csv"
    row = path.read_bytes().splitlines()[0]
    shorter = b",".join(row.split(b",")[:40])
    new = read_master("y_20250520.csv", row).rows[0]
    old = read_master("y_20240521.csv", shorter).rows[0]
    core = ("kind", "code", "name", "kana", "unit_kind", "value", "changed_on")
    assert [getattr(old, f) for f in core] == [getattr(new, f) for f in core]
    assert new.unit() == old.unit() == "yen"


def test_a_malformed_drug_row_is_refused_and_nothing_written(bundled_client) -> None:
    before = bundled_client.get("/sources").json()["count"]
    row = (SHARED / "iyakuhin" / "y_20250520.csv").read_bytes().splitlines()[0]
    fields = row.split(b",")
    fields[11] = '"十五円"'.encode("cp932")
    answer = bundled_client.post(
        "/imports/mhlw",
        params={"filename": "y_20260201.csv"},
        content=b",".join(fields) + b"\r\n",
        headers={"content-type": "application/octet-stream"},
    )
    assert answer.status_code == 422
    assert "y_20260201.csv" in answer.text
    assert "line 1" in answer.text
    assert "新又は現金額 '十五円' is not a number" in answer.text
    assert bundled_client.get("/sources").json()["count"] == before


def test_the_april_2025_drug_price_revision_as_a_diff(bundled_client) -> None:
    found = bundled_client.get(
        "/schedule/diff",
        params={"from": "2025-03-31", "to": "2025-04-01", "item_kind": "drug"},
    ).json()
    codes = {c["code"] for c in found["changed"]}
    assert codes
    assert all(code.startswith("6") for code in codes)
    moves = found["moves"]
    assert moves["fell"] > 5_000
    assert moves["fell"] > moves["rose"]
    assert moves["median_percent"] < 0
    gaster = [c for c in found["changed"] if c["code"] == "610406079"]
    assert [(c["before"], c["after"]) for c in gaster if c["field"] == "value"] == [
        (16.5, 15.1)
    ]


def test_the_schedule_lists_drugs_apart(bundled_client) -> None:
    drugs = bundled_client.get(
        "/schedule", params={"as_of": "2024-06-03", "kind": "drug"}
    ).json()["items"]
    materials = bundled_client.get(
        "/schedule", params={"as_of": "2024-06-03", "kind": "material"}
    ).json()["items"]
    assert len(drugs) > 19_000
    assert {d["kind"] for d in drugs} == {"drug"}
    assert 1_300 < len(materials) < 1_400


def test_a_drug_is_found_by_its_generic_name_and_yj_code(bundled_client) -> None:
    def codes(q: str) -> list[str]:
        found = bundled_client.get(
            "/search", params={"q": q, "as_of": "2024-06-03", "limit": 500}
        )
        assert found.status_code == 200, found.text
        return [i["code"] for i in found.json()["items"]]

    assert codes("2325003B2029") == ["610406079"]
    assert "610406079" in codes("2325003B2ZZZ")  # its 一般名コード
    assert "610406079" in codes("ファモチジン散")  # in its 一般名処方の記載
    assert codes("ガスター散")[0] == "610406079"


def test_the_drugs_of_2026_01_16_are_the_full_file_of_that_day(
    bundled_client,
) -> None:
    # every code of y_ALL20260116.tsv is in force at the file's price (621498801:
    # its 経過措置 of 2025-09-30 cleared by y_20250715.csv, so never ended);
    # the codes the history holds and the file lacks are the ones the import
    # reported kept (never abolished by guess)
    rows = (SHARED / "iyakuhin" / "y_ALL20260116.tsv").read_text("utf-8")
    fields = [r.split("\t") for r in rows.splitlines() if r]
    prices = {f[2]: float(f[11]) for f in fields}
    # four rows carry prices from 2026-02-01 (a 変更年月日 after the file's date)
    latest = max(f[29] for f in fields)
    day = f"{latest[:4]}-{latest[4:6]}-{latest[6:]}"
    held = bundled_client.get(
        "/schedule", params={"as_of": day, "kind": "drug"}
    ).json()["items"]
    ours = {i["code"]: i["value"] for i in held}
    differing = {c: (p, ours.get(c)) for c, p in prices.items() if ours.get(c) != p}
    assert differing == {}
    title = next(
        s["title"]
        for s in bundled_client.get("/sources").json()["sources"]
        if s["name"] == "y_ALL20260116.tsv"
    )
    kept = len(set(ours) - set(prices))
    assert f"{kept} コードはファイルになく据え置き" in title

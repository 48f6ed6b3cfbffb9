"""Drugs and materials on the pages, in Chromium: a drug's item page with its
price steps and master fields, and in-house dispensing priced by 剤."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def test_in_house_dispensing_is_priced_by_its_units(page: Page) -> None:
    page.goto("/ui/price")
    rows = [
        "120001210,2024-06-03",  # 処方料（その他） 42
        "610406079,2024-06-03,14,,1,rp1",  # ガスター散２％ 16.50 円 × 1 g
        "610453041,2024-06-03,14,,1,rp1",  # カルバマゼピン錠 10.00 円 × 1
        "700030000,2024-06-03,1,,2",  # フィルム 大角 115 円 × 2 枚 → 23 点
    ]
    page.get_by_label("明細").fill("\n".join(rows))
    page.get_by_role("button", name="計算").click()
    # rp1: 26.50 円 → 3 点 × 14 日 = 42; 42 + 42 + 23
    expect(page.get_by_test_id("total-1")).to_contain_text("107")
    units = page.get_by_test_id("supply")
    expect(units.nth(1)).to_contain_text("26.50 円")
    expect(units.nth(1)).to_contain_text("3 点 × 14")


def test_disagreeing_days_in_one_unit_are_refused_in_words(page: Page) -> None:
    page.goto("/ui/price")
    page.get_by_label("明細").fill(
        "610406079,2024-06-03,14,,1,rp1\n610453041,2024-06-03,7,,1,rp1"
    )
    page.get_by_role("button", name="計算").click()
    expect(page.locator("body")).to_contain_text("回数をそろえてください")


def test_a_drug_page_shows_its_price_steps_and_fields(page: Page) -> None:
    page.goto("/ui/items/610406079?as_of=2025-04-01")
    body = page.locator("body")
    expect(body).to_contain_text("ガスター散２％")
    expect(body).to_contain_text("15.1")
    expect(body).to_contain_text("16.5")
    expect(body).to_contain_text("薬価基準収載医薬品コード")
    expect(body).to_contain_text("【般】ファモチジン散２％")

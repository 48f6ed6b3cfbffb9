"""Search by reading on the search page, in a real browser: ｼｮｼﾝ typed in
half-width kana finds 初診料."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def test_half_width_kana_finds_shoshin(page: Page) -> None:
    page.goto("/")
    page.get_by_label("コード・区分番号・名称・読み").fill("ｼｮｼﾝ")
    page.get_by_label("適用日").fill("2024-06-03")
    page.get_by_role("button", name="検索").click()

    first = page.get_by_role("row").nth(1)
    expect(first).to_contain_text("111000110")
    expect(first).to_contain_text("初診料")
    expect(first).to_contain_text("291")

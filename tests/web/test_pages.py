"""The web pages in a real browser (Debian's chromium, headless, driven by
Playwright) on the bundled store: what a 医事課 user clicks through. Each test
keeps a screenshot in tests/artifacts/ (not committed) for a person to look at."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import SHOTS

MAY_VISIT = ["112007410", "112011010", "113001910", "120002910", "120003270"]
JUNE_VISIT = ["112007410", "113707110", "120002910"]  # seed 002 表2


def test_search_shoshin_by_keyboard_and_open_it(page: Page) -> None:
    page.goto("/")
    page.keyboard.type("初診料")  # the box has the focus
    page.get_by_label("適用日").fill("2024-06-03")
    page.get_by_label("コード・区分番号・名称").press("Enter")

    row = page.get_by_role("row").filter(has_text="111000110")
    expect(row).to_contain_text("291")
    row.get_by_role("link", name="初診料", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("111000110 初診料")
    expect(page.get_by_test_id("value")).to_contain_text("291")


def test_the_timeline_shows_288_to_291_with_its_sources(page: Page) -> None:
    page.goto("/ui/items/111000110?as_of=2024-05-31")
    expect(page.get_by_test_id("value")).to_contain_text("288")

    steps = page.get_by_role("table", name="推移").get_by_role("row")
    expect(steps.filter(has_text="291")).to_contain_text("2024-06-01")
    expect(steps.filter(has_text="291")).to_contain_text("s_20240306.csv")
    expect(steps.filter(has_text="288")).to_contain_text("s_ALL20220218.zip")
    assert page.locator("svg.timeline g.step").count() == 2
    partner = page.get_by_role("table", name="算定ルール").get_by_role("row")
    kanri = partner.filter(has_text="113041710")  # 03-2 row 2: 背反, same month
    expect(kanri).to_contain_text(
        "生活習慣病管理料（脂質異常症を主病）"
    )  # its name then
    expect(kanri).to_contain_text("03-2背反テーブル2 2 行目")

    page.get_by_label("適用日（この日に有効な内容）").fill("2024-06-01")
    page.get_by_role("button", name="表示").click()
    expect(page.get_by_test_id("value")).to_contain_text("291")
    assert "as_of=2024-06-01" in page.get_by_role(
        "link", name="この表示へのリンク"
    ).get_attribute("href")  # type: ignore[operator]


def test_the_2024_diff_lists_shoshin_and_saishin_and_downloads_csv(
    page: Page,
) -> None:
    page.goto("/ui/diff?from=2024-05-31&to=2024-06-01&chapter=A&kind=changed")

    shoshin = (
        page.get_by_role("row")
        .filter(has_text="111000110")
        .filter(has_text="点数・金額")
    )
    saishin = (
        page.get_by_role("row")
        .filter(has_text="112007410")
        .filter(has_text="点数・金額")
    )
    expect(shoshin).to_contain_text("291")
    expect(saishin).to_contain_text("75")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV をダウンロード").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "111000110" in text
    assert "112007410" in text
    rows = list(csv.DictReader(io.StringIO(text)))  # the page's filters kept
    assert {(r["chapter"], r["change"]) for r in rows} == {("A", "changed")}


def test_pricing_seed_002s_visit_on_two_dates(page: Page) -> None:
    page.goto("/ui/price")
    page.get_by_label("明細").fill("\n".join(f"{c},,1,I10" for c in MAY_VISIT))
    page.get_by_label("適用日 A").fill("2024-05-20")
    page.get_by_role("button", name="計算").click()
    expect(page.get_by_test_id("total-1")).to_contain_text("406")
    expect(page.get_by_test_id("total-1")).to_contain_text("4,060 円")

    page.get_by_label("明細").fill("\n".join(f"{c},,1,I10" for c in JUNE_VISIT))
    page.get_by_label("適用日 A").fill("2024-06-03")
    page.get_by_role("button", name="計算").click()
    expect(page.get_by_test_id("total-1")).to_contain_text("468")


def test_the_same_claim_on_a_second_date_highlights_what_differs(
    page: Page,
) -> None:
    page.goto("/ui/price")
    page.get_by_label("明細").fill("\n".join(f"{c},,1,I10" for c in MAY_VISIT))
    page.get_by_label("適用日 A").fill("2024-05-20")
    page.get_by_label("比較する適用日 B").fill("2024-06-03")
    page.get_by_role("button", name="計算").click()

    expect(page.get_by_test_id("total-1")).to_contain_text("406")
    gone = page.locator("tr.differs").filter(has_text="120003270")
    expect(gone).to_contain_text("この日に有効でない")
    expect(page.locator("tr.differs").filter(has_text="112011010")).to_have_count(0)


def test_bad_input_is_answered_in_words_with_the_form_kept(page: Page) -> None:
    page.goto("/ui/price")
    page.get_by_label("明細").fill("11200741X,2024-05-20")
    page.get_by_role("button", name="計算").click()
    expect(page.get_by_role("alert")).to_contain_text("明細 1 行目")
    expect(page.get_by_label("明細")).to_have_value("11200741X,2024-05-20")

    page.goto("/ui/items/999999999")
    expect(page.get_by_role("alert")).to_contain_text("記録されていません")

    page.goto("/ui/diff?from=2024-05-31&to=2024-06-01&chapter=Z")
    expect(page.get_by_role("alert")).to_contain_text("章「Z」はありません")
    assert "Traceback" not in page.content()


def test_a_name_typed_for_the_code_is_priced_and_the_rest_answered_in_japanese(
    page: Page,
) -> None:
    """初診料 typed as a name is the one item so named on the line's date; a part
    of a name lists what it finds; a bad count is said in Japanese."""
    page.goto("/ui/price")
    page.get_by_label("明細").fill("初診料,2024/5/20\n初診料,2024/6/3")
    page.get_by_role("button", name="計算").click()
    expect(page.get_by_test_id("total-1")).to_contain_text("579")  # 288 + 291
    expect(page.locator("tbody tr").filter(has_text="111000110")).to_have_count(2)

    page.get_by_label("明細").fill("初診,2024-06-03")
    page.get_by_role("button", name="計算").click()
    expect(page.get_by_role("alert")).to_contain_text("「初診」に当たる項目が")
    expect(page.get_by_role("alert")).to_contain_text("111000110 初診料")

    page.get_by_label("明細").fill("111000110,2024-06-03,x")
    page.get_by_role("button", name="計算").click()
    expect(page.get_by_role("alert")).to_contain_text("回数「x」は整数ではありません")
    page.screenshot(path=SHOTS / "price-name-typed.png", full_page=True)
    shown = page.get_by_role("alert").inner_text()
    assert "Input should" not in shown
    assert "pattern" not in shown


def test_the_item_page_fits_a_tablet(browser: Browser, site: str) -> None:
    context = browser.new_context(
        base_url=site, locale="ja-JP", viewport={"width": 768, "height": 1024}
    )
    tablet = context.new_page()
    for path in ("/ui/items/111000110?as_of=2024-06-03", "/ui/price", "/"):
        tablet.goto(path)
        expect(tablet.get_by_role("heading", level=1)).to_be_visible()
        wide = tablet.evaluate("document.documentElement.scrollWidth")
        assert wide <= 768, f"{path} is {wide} px wide on a 768 px tablet"
    tablet.goto("/ui/items/111000110?as_of=2024-06-03")
    SHOTS.mkdir(exist_ok=True)
    tablet.screenshot(path=SHOTS / "item-tablet.png", full_page=True)
    context.close()


def test_sources_and_the_notice_past_data_through(page: Page) -> None:
    page.goto("/ui/sources")
    expect(page.get_by_text("2025-09-01").first).to_be_visible()
    expect(
        page.get_by_role("cell", name="s_ALL20220218.zip", exact=True)
    ).to_be_visible()

    page.goto("/ui/items/111000110?as_of=2026-06-01")
    expect(page.get_by_role("status")).to_contain_text("最終公表日 2025-09-01")


def test_the_whole_2024_diff_opens_on_an_index_of_its_chapters(page: Page) -> None:
    page.goto("/ui/diff?from=2024-05-31&to=2024-06-01")

    chapters = page.get_by_role("navigation", name="章")
    expect(chapters.get_by_role("link")).to_have_count(15)
    chapters.get_by_role("link", name="K 手術", exact=False).click()

    assert page.url.endswith("#ch-K")
    expect(page.get_by_role("heading", name="K 手術", exact=False)).to_be_in_viewport()

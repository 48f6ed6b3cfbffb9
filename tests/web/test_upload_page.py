"""Bringing in the 2026 full file on the sources page, in a real browser, and
what the item page of 初診料 then shows: its 物価対応料 group."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.web.conftest import SHOTS

EXCERPT = Path(__file__).parents[2] / ".." / "shared" / "masters"
OCTOBER = EXCERPT / "ika-shinryo-koi-2026-excerpt" / "s_ALL20261001.csv"


def as_downloaded(folder: Path) -> Path:
    """The rows as the 支払基金 ships them: CP932 inside s_ALL20261001.zip."""
    path = folder / "s_ALL20261001.zip"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(OCTOBER.name, OCTOBER.read_text(encoding="utf-8").encode("cp932"))
    path.write_bytes(archive.getvalue())
    return path


def test_upload_the_2026_file_then_see_shoshins_bukka_group(
    page: Page, tmp_path: Path
) -> None:
    page.goto("/ui/sources")
    page.get_by_label("ファイル").set_input_files(as_downloaded(tmp_path))
    page.get_by_role("button", name="取り込む").click()

    result = page.get_by_role("status", name="取り込み結果")
    expect(result).to_contain_text("s_ALL20261001.zip を取り込みました: 6 新設、")
    expect(result).to_contain_text("廃止とせず記録どおりに据え置きました")
    expect(page.get_by_text("最終公表日（data_through）: 2026-10-01")).to_be_visible()
    expect(
        page.get_by_role("cell", name="s_ALL20261001.zip", exact=True)
    ).to_be_visible()
    row = page.get_by_role("row").filter(has_text="s_ALL20261001.zip")
    expect(row).to_contain_text("令和8年度診療報酬改定")  # its rows take effect 06-01
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "sources-after-upload.png")

    page.goto("/ui/items/111000110?as_of=2026-06-01")
    attributes = page.get_by_label("マスター属性")
    expect(attributes).to_contain_text("物価対応料区分")
    expect(attributes).to_contain_text("物価対応料に関する診療行為")
    group = page.get_by_role("list", name="物価対応料グループ")
    expect(group.get_by_role("link", name="180819910")).to_be_visible()
    expect(group).to_contain_text("2 点")
    expect(page.get_by_role("status")).to_have_count(0)  # not past data_through


def test_a_file_that_is_not_a_master_is_refused_in_words(
    page: Page, tmp_path: Path
) -> None:
    other = tmp_path / "請求データ.csv"
    other.write_text("a,b\r\n", encoding="cp932")
    page.goto("/ui/sources")
    page.get_by_label("ファイル").set_input_files(other)
    page.get_by_role("button", name="取り込む").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "基本マスター（医科診療行為・医薬品・特定器材）のファイル名ではありません"
    )
    expect(page.get_by_text("最終公表日（data_through）: 2025-09-01")).to_be_visible()

"""A レセ電 file dropped on the page, in Chromium: the units whose 点数 differ
from the rules of their date, and a broken file's problems in words."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from playwright.sync_api import Page, expect

from domain.claims import Claim, ClaimLine
from service.importers.shobyomei import bundled_diseases
from service.replay.uke_write import draft_uke


def test_a_june_shoshin_billed_at_mays_points_is_shown(
    page: Page, tmp_path: Path
) -> None:
    visits = [
        Claim(f"c{n}", (ClaimLine("111000110", day, disease="I10"),), patient=f"p{n}")
        for n, day in enumerate((date(2024, 5, 20), date(2024, 6, 3)))
    ]
    source = tmp_path / "RECEIPTC.UKE"
    source.write_bytes(draft_uke(visits, bundled_diseases(), points=[288, 288]))

    page.goto("/ui/uke")
    page.get_by_label("レセ電ファイル").set_input_files(str(source))
    page.get_by_role("button", name="照合する").click()

    expect(page.get_by_test_id("receipts")).to_contain_text("2")
    expect(page.get_by_test_id("differ")).to_contain_text("違い 1")
    differing = page.locator("tr.differs")
    expect(differing).to_have_count(1)
    expect(differing).to_contain_text("288 × 1")
    expect(differing).to_contain_text("291")


def test_a_cut_file_is_answered_in_words(page: Page, tmp_path: Path) -> None:
    sample = Path(__file__).parents[2] / ".." / "shared" / "uke" / "samples"
    lines = (sample / "02.csv").read_text(encoding="utf-8").splitlines()[:40]
    source = tmp_path / "RECEIPTC.UKE"
    source.write_text("\n".join(lines), encoding="utf-8")

    page.goto("/ui/uke")
    page.get_by_label("レセ電ファイル").set_input_files(str(source))
    page.get_by_role("button", name="照合する").click()

    expect(page.get_by_test_id("problems")).to_contain_text("40 行目 GO")
    expect(page.get_by_test_id("problems")).to_contain_text(
        "ファイルが途中で切れています"
    )
    assert "cut short" not in page.content()

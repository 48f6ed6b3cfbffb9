"""レセ電 files (RECEIPTC.UKE, 医科): the real ORCA samples of shared/uke read
with their own arithmetic holding, a file of the realistic claim mix on the
bundled rules replayed unit by unit and written back, and broken files
reported naming line and field while the rest is replayed."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from bench.mix import claims
from domain.claims import Claim, ClaimLine
from domain.rulebook import RuleBook
from service.importers.shobyomei import bundled_diseases
from service.replay.uke import read_uke
from service.replay.uke_replay import UnitAnswer, replay_uke
from service.replay.uke_write import draft_uke, write_back
from tests.cli.test_cli import kaitei

SAMPLES = Path(__file__).parents[2] / ".." / "shared" / "uke" / "samples"
# records a file holds, as shared/uke/samples/README.md counts them
# (receipts, SI + IY + TO records) and its GO (総件数, 総合計点数)
COUNTED = {
    "01.csv": (7, 57, (7, 3834)),
    "02.csv": (10, 50, (10, 5542)),
    "03.csv": (7, 60, (7, 4188)),
    "04.csv": (10, 41, (10, 5542)),
    "05.csv": (7, 54, (7, 4188)),
    "kokuho_201811.csv": (7, 30, (13, 5656)),
    "kokuho_201812.csv": (4, 15, (7, 3366)),
    "kokuho_201901.csv": (9, 43, (12, 5322)),
    "shaho_201811.csv": (27, 107, (31, 12529)),
    "shaho_201812.csv": (20, 99, (24, 10251)),
    "shaho_201901.csv": (26, 170, (29, 23860)),
}


@pytest.fixture
def book(bundled_book: RuleBook) -> RuleBook:
    return bundled_book


@pytest.mark.parametrize("name", sorted(COUNTED))
def test_every_sample_reads_with_its_arithmetic_holding(name: str) -> None:
    uke = read_uke(name, (SAMPLES / name).read_bytes())
    items = sum(len(u.items) for r in uke.receipts for u in r.units)
    assert (len(uke.receipts), items, uke.go) == COUNTED[name]
    assert uke.all_problems() == []
    assert uke.billing_month is not None
    assert uke.billing_month.year in (2018, 2019)  # 和暦 平成30・31年


def test_cp932_crlf_with_its_end_mark_reads_as_utf8_lf() -> None:
    text = (SAMPLES / "shaho_201901.csv").read_text(encoding="utf-8")
    as_written = (text.replace("\n", "\r\n") + "\x1a").encode("cp932")
    plain, written = (
        read_uke("a.UKE", text.encode()),
        read_uke("b.UKE", as_written),
    )
    assert [r.units for r in plain.receipts] == [r.units for r in written.receipts]
    assert written.all_problems() == []


def test_units_carry_their_shikibetsu_and_close_on_their_points() -> None:
    uke = read_uke("01.csv", (SAMPLES / "01.csv").read_bytes())
    panel = uke.receipts[1].units[7]  # 検体検査: 15 records, 点数 112 on the last
    assert (panel.shikibetsu, len(panel.items), panel.points) == ("60", 12, 112)
    assert panel.items[0].code == "160020010"


def test_a_truncated_file_reports_where_it_stops() -> None:
    lines = (SAMPLES / "02.csv").read_text(encoding="utf-8").splitlines()
    uke = read_uke("cut.UKE", "\n".join(lines[:40]).encode())
    problems = uke.all_problems()
    assert [(p.line, p.field) for p in problems if p.field == "GO"] == [(40, "GO")]
    assert len(uke.receipts) > 3  # those before the cut are read


def test_a_wrong_field_count_or_points_leave_the_others_read() -> None:
    lines = (SAMPLES / "01.csv").read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].removesuffix(",")  # SI of receipt 1: 43 fields
    lines[11] = lines[11].replace(",,282,", ",,２８２,")  # SI of receipt 2: 点数
    uke = read_uke("bad.UKE", "\n".join(lines).encode())
    found = [(p.line, p.field) for p in uke.all_problems()]
    assert (5, "SI") in found
    assert (12, "点数") in found
    clean = [r.number for r in uke.receipts if not r.problems]
    assert clean == ["3", "4", "5", "6", "7"]


def mix_file(book: RuleBook) -> tuple[bytes, list[UnitAnswer]]:
    """The realistic mix (2024-06 to 2025-02, rules firing) drafted as a
    レセ電 file and written back with kaitei's 点数."""
    diseases = bundled_diseases()
    draft = draft_uke(claims(400), diseases)
    uke = read_uke("RECEIPTC.UKE", draft)
    answers = list(replay_uke(uke, book, diseases))
    return write_back(draft, uke, answers), answers


def test_the_mix_written_back_replays_with_no_difference(book: RuleBook) -> None:
    written, first = mix_file(book)
    uke = read_uke("RECEIPTC.UKE", written)
    again = list(replay_uke(uke, book, bundled_diseases()))

    assert uke.all_problems() == []
    assert {a.status for a in again} == {"agrees"}
    assert len(again) == len(first) > 5_000
    assert any(a.reason for a in again)  # rules fired (and are named)
    unchanged = write_back(written, uke, again)
    assert unchanged == written  # byte-identical where kaitei agrees


def test_three_altered_points_are_exactly_the_three_units_reported(
    book: RuleBook,
) -> None:
    written, _ = mix_file(book)
    uke = read_uke("RECEIPTC.UKE", written)
    lines = written.decode("cp932").split("\r\n")
    picked = [u.line for r in uke.receipts[:30:10] for u in r.units[:1]]
    for at in picked:
        cells = lines[at - 1].split(",")
        cells[5] = str(int(cells[5]) + 7)
        lines[at - 1] = ",".join(cells)
    altered = read_uke("RECEIPTC.UKE", "\r\n".join(lines).encode("cp932"))
    answers = list(replay_uke(altered, book, bundled_diseases()))

    assert sorted(a.line for a in answers if a.status == "differs") == sorted(picked)
    sums = [p for p in altered.all_problems() if p.field == "合計点数"]
    assert len(sums) == 3  # and the receipts' 合計点数 no longer add up


def test_shoshin_is_288_in_may_and_291_in_june_2024(book: RuleBook) -> None:
    visits = [
        Claim(f"c{n}", (ClaimLine("111000110", day),), patient=f"p{n}")
        for n, day in enumerate((date(2024, 5, 20), date(2024, 6, 3)))
    ]
    uke = read_uke("RECEIPTC.UKE", draft_uke(visits, bundled_diseases()))
    answers = list(replay_uke(uke, book, bundled_diseases()))
    assert [a.kaitei_total for a in answers] == [288, 291]


def test_kaitei_replay_takes_a_uke_file(bundled_url: str, tmp_path: Path) -> None:
    lines = (SAMPLES / "01.csv").read_text(encoding="utf-8").splitlines()
    source = tmp_path / "RECEIPTC.UKE"
    source.write_bytes(("\r\n".join(lines) + "\r\n\x1a").encode("cp932"))
    report = tmp_path / "units.csv"
    done = kaitei(bundled_url, "replay", str(source), "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert "7 receipts, 46 units" in done.stdout
    rows = list(csv.DictReader(report.open(encoding="utf-8-sig")))
    assert len(rows) == 46
    assert rows[0]["codes"] == "111000110"
    assert rows[0]["billed_points"] == "282"
    assert "not yet in force on 2019-01-09" in rows[0]["reason"]


def test_the_api_replays_a_uke_body_or_upload(bundled_client) -> None:
    content = (SAMPLES / "kokuho_201901.csv").read_bytes()
    sent = bundled_client.post(
        "/claims/replay/uke",
        content=content,
        headers={"content-type": "application/x-uke"},
    )
    assert sent.status_code == 200, sent.text
    answer = sent.json()
    assert (answer["receipts"], answer["units"], answer["problems"]) == (9, 41, [])
    uploaded = bundled_client.post(
        "/claims/replay/uke",
        params={"format": "csv"},
        files={"file": ("RECEIPTC.UKE", content)},
    )
    assert uploaded.status_code == 200
    assert uploaded.text.splitlines()[0].lstrip("\ufeff").startswith("receipt,line")
    back = bundled_client.post(
        "/claims/replay/uke",
        params={"format": "uke"},
        content=content,
        headers={"content-type": "application/x-uke"},
    )
    assert back.status_code == 200
    assert back.content != content  # 2019 codes are not in force: 点数 rewritten
    refused = bundled_client.post(
        "/claims/replay/uke",
        content=b"not a claim file",
        headers={"content-type": "application/x-uke"},
    )
    assert refused.status_code == 422
    assert "not a レセ電 file" in refused.text

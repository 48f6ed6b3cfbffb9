"""Reading a レセ電 file (RECEIPTC.UKE, 医科): its records into receipts
(レセプト) and their 点数・回数算定単位, with the file's own arithmetic checked.

The layout is the 記録条件仕様（医科用）令和4年4月版 as `shared/uke/LAYOUT.md`
transcribes it (spec pages cited there): CSV without quotes, one record a
line, CP932 with CRLF and a final 0x1A as written (UTF-8 and LF read alike);
西暦 (YYYYMM, YYYYMMDD) or, in older files, 和暦 (GYYMM, GYYMMDD) dates. A
record that breaks the layout never stops the reading: it is a `Problem`
naming its line and field, its receipt is unreadable, the others are read."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from service.textfiles import EncodingError, decode

# fields a record has (the 0-based positions of LAYOUT.md, plus one)
FIELDS = {
    "IR": 10, "RE": 38, "HO": 15, "KO": 12, "SN": 9, "JD": 33, "MF": 33,
    "GR": 3, "SY": 8, "SI": 44, "IY": 44, "TO": 48, "CO": 5, "SJ": 3, "GO": 4,
}  # fmt: skip
ITEMS = ("SI", "IY", "TO")  # the records of a 算定単位
DAYS_AT = {"SI": 13, "IY": 13, "TO": 17}  # where 算定日 1日 … 31日 start
ERAS = {"1": 1867, "2": 1911, "3": 1925, "4": 1988, "5": 2018}  # 明治 … 令和
MEALS = "97"  # 診療識別 食事療養・生活療養・標準負担額: not in 合計点数
# 負担区分 (別表21) → whether 医保 and the first 公費 share the unit [receiptisan]
HOKEN = frozenset("12349")
FIRST_KOHI = frozenset("24579")


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    message: str
    ja: str = ""  # the same in Japanese, for the page

    @property
    def japanese(self) -> str:
        return self.ja or self.message

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


@dataclass(frozen=True)
class Item:
    """One SI, IY or TO record of a unit: the code and its 数量/使用量."""

    line: int
    record: str
    code: str
    amount: Decimal | None  # SI 数量データ, IY/TO 使用量


@dataclass
class Unit:
    """One 点数・回数算定単位: a run of SI/IY/TO records closed by the one that
    carries its 点数; every record has its 回数 and its days."""

    shikibetsu: str  # 診療識別, carried forward
    futan: str  # 負担区分
    items: list[Item] = field(default_factory=list)
    points: int | None = None  # 点数 as billed (a meal's in yen)
    times: int = 0  # 回数
    days: tuple[int, ...] = ()  # the count on day 1 … 31 of the 診療年月
    comments: list[int] = field(default_factory=list)  # CO lines

    @property
    def line(self) -> int:
        """The record that closes the unit (carries its 点数)."""
        return self.items[-1].line

    @property
    def billed(self) -> int:
        return (self.points or 0) * self.times


@dataclass
class Receipt:
    """One RE and what follows it: one patient, one month."""

    line: int
    number: str  # レセプト番号
    kind: str  # レセプト種別 (別表5)
    month: date | None  # 診療年月, the first of the month
    patient: str  # カルテ番号等, else the レセプト番号
    admission: date | None = None  # 入院年月日
    diseases: list[tuple[str, bool]] = field(default_factory=list)  # code, 主傷病
    units: list[Unit] = field(default_factory=list)
    totals: list[int | None] = field(default_factory=list)  # HO, then each KO
    has_ho: bool = False
    problems: list[Problem] = field(default_factory=list)  # unreadable
    # the file's arithmetic not holding (合計点数): reported, still replayed
    findings: list[Problem] = field(default_factory=list)

    @property
    def billed(self) -> int | None:
        """The main payer's 合計点数 (HO's, else the first KO's)."""
        return self.totals[0] if self.totals else None


@dataclass
class UkeFile:
    name: str
    institution: str = ""
    billing_month: date | None = None
    receipts: list[Receipt] = field(default_factory=list)
    go: tuple[int, int] | None = None  # GO 総件数, 総合計点数
    problems: list[Problem] = field(default_factory=list)  # of the whole file

    def all_problems(self) -> list[Problem]:
        found = self.problems + [
            p for r in self.receipts for p in (*r.problems, *r.findings)
        ]
        return sorted(found, key=lambda p: p.line)


class UkeError(ValueError):
    ja = ""  # the same in Japanese, for the page

    """A file that is not a レセ電 file at all (nothing to replay)."""


def read_uke(name: str, content: bytes) -> UkeFile:
    """The file's receipts and units, every problem found named."""
    try:
        text, _ = decode(name, content)
    except EncodingError as error:
        refused = UkeError(str(error))
        refused.ja = error.ja
        raise refused from None
    text = text.rstrip("\x1a")
    lines = text.splitlines()
    if not lines or not lines[0].startswith("IR,"):
        refused = UkeError(
            f"{name}: line 1: not a レセ電 file (it starts with an IR record)"
        )
        refused.ja = (
            f"{name}: 1 行目が IR レコードではありません（レセ電ファイルではない）"
        )
        raise refused
    reader = _Reader(UkeFile(name))
    for number, raw in enumerate(lines, 1):
        if raw.strip():
            reader.record(number, raw.split(","))
    return reader.done(len(lines))


class _Reader:
    def __init__(self, uke: UkeFile) -> None:
        self.uke = uke
        self.receipt: Receipt | None = None
        self.unit: Unit | None = None
        self.shikibetsu = ""
        self.line = 0

    def record(self, line: int, cells: list[str]) -> None:
        kind = cells[0]
        wanted = FIELDS.get(kind)
        if wanted is None:
            self._problem(
                line,
                "レコード識別情報",
                f"{kind!r} is not a 医科 record",
                f"「{kind}」は医科のレコードではありません",
            )
            return
        if len(cells) != wanted:
            self._problem(
                line,
                kind,
                f"has {len(cells)} fields; the 医科 {kind} record has {wanted}",
                f"項目が {len(cells)} 個あります"
                f"（医科の {kind} レコードは {wanted} 個）",
            )
            return
        try:
            self.line = line
            getattr(self, f"_{kind.lower()}", self._other)(cells)
        except _FieldError as bad:
            self._problem(line, bad.field, bad.message, bad.ja)

    def done(self, last: int) -> UkeFile:
        self._close_receipt()
        if self.uke.go is None:
            self.uke.problems.append(
                Problem(
                    last,
                    "GO",
                    "no GO record at the end: the file is cut short",
                    "最後に GO レコードがありません（ファイルが途中で切れています）",
                )
            )
        else:
            self._check_go(last)
        return self.uke

    def _problem(self, line: int, name: str, message: str, ja: str) -> None:
        found = Problem(line, name, message, ja)
        (self.receipt.problems if self.receipt else self.uke.problems).append(found)

    def _ir(self, cells: list[str]) -> None:
        self.uke.institution = cells[6]
        self.uke.billing_month = _month(cells[7], "請求年月")

    def _re(self, cells: list[str]) -> None:
        self._close_receipt()
        self.shikibetsu = ""
        self.receipt = Receipt(
            self.line, cells[1], cells[2], None, cells[13] or cells[1]
        )
        self.uke.receipts.append(self.receipt)
        self.receipt.month = _month(cells[3], "診療年月")
        if cells[8]:
            self.receipt.admission = _day(cells[8], "入院年月日")

    def _ho(self, cells: list[str]) -> None:
        receipt = self._in_receipt("HO")
        receipt.has_ho = True
        receipt.totals.insert(0, _number(cells[5], "合計点数"))

    def _ko(self, cells: list[str]) -> None:
        self._in_receipt("KO").totals.append(_number(cells[5], "合計点数"))

    def _sy(self, cells: list[str]) -> None:
        self._in_receipt("SY").diseases.append((cells[1], cells[6] == "01"))

    def _si(self, cells: list[str]) -> None:
        receipt = self._in_receipt(cells[0])
        if cells[1]:
            if self.unit is not None:
                self._unclosed(receipt)
            self.shikibetsu = cells[1]
        if not self.shikibetsu:
            raise _FieldError(
                "診療識別",
                "blank on the first record of a receipt",
                "レセプトの最初の明細で空です",
            )
        at = DAYS_AT[cells[0]]
        days = tuple(
            _count(c, f"算定日 {n + 1}日") for n, c in enumerate(cells[at : at + 31])
        )
        last = _last_day(receipt.month)
        late = [n for n, count in enumerate(days, 1) if count and n > last]
        if late:
            raise _FieldError(
                f"算定日 {late[0]}日",
                "the 診療年月 has no such day",
                "診療年月にない日です",
            )
        times = _count(cells[6], "回数")
        if times != sum(days):
            raise _FieldError(
                "回数",
                f"{times}, but its 算定日 add up to {sum(days)}",
                f"{times} ですが、算定日の合計は {sum(days)} です",
            )
        unit = self.unit or Unit(self.shikibetsu, cells[2], times=times, days=days)
        if unit.items and (unit.times, unit.days) != (times, days):
            raise _FieldError(
                "回数",
                "differs from the other records of its 算定単位",
                "同じ算定単位のほかの明細と違います",
            )
        amount = _decimal(cells[4], "数量データ" if cells[0] == "SI" else "使用量")
        unit.items.append(Item(self.line, cells[0], cells[3], amount))
        self.unit = unit
        if cells[5]:
            unit.points = _number(cells[5], "点数")
            receipt.units.append(unit)
            self.unit = None

    _iy = _si
    _to = _si

    def _co(self, cells: list[str]) -> None:
        receipt = self._in_receipt(cells[0])
        if self.unit is not None:
            self.unit.comments.append(self.line)
        elif receipt.units:
            receipt.units[-1].comments.append(self.line)

    def _go(self, cells: list[str]) -> None:
        self._close_receipt()
        self.receipt = None
        self.uke.go = (_count(cells[1], "総件数"), _count(cells[2], "総合計点数"))

    def _other(self, cells: list[str]) -> None:
        """SN, JD, MF, GR, SJ: read, not used."""
        self._in_receipt(cells[0])

    def _in_receipt(self, kind: str) -> Receipt:
        if self.receipt is None:
            raise _FieldError(
                kind,
                "outside a receipt (no RE before it)",
                "レセプトの外にあります（前に RE レコードがありません）",
            )
        return self.receipt

    def _unclosed(self, receipt: Receipt) -> None:
        assert self.unit is not None
        receipt.problems.append(
            Problem(
                self.unit.items[0].line,
                "点数",
                "the 算定単位 that starts here has no record carrying its 点数",
                "ここから始まる算定単位に点数を持つ明細がありません",
            )
        )
        self.unit = None

    def _close_receipt(self) -> None:
        receipt = self.receipt
        if receipt is None:
            return
        if self.unit is not None:
            self._unclosed(receipt)
        self._check_totals(receipt)
        self.receipt = None

    def _check_totals(self, receipt: Receipt) -> None:
        """HO 合計点数 = Σ 点数 × 回数 of its units (食事 97 apart), else the
        first KO's of the first 公費's units [LAYOUT.md, HO]."""
        if receipt.problems or receipt.billed is None:
            return
        payers = HOKEN if receipt.has_ho else FIRST_KOHI
        shares = [u for u in receipt.units if u.shikibetsu != MEALS]
        if any(u.futan not in HOKEN | FIRST_KOHI for u in shares):
            return  # a 負担区分 letter: which payers it covers is not transcribed
        found = sum(u.billed for u in shares if u.futan in payers)
        if found != receipt.billed:
            receipt.findings.append(
                Problem(
                    receipt.line + 1,
                    "合計点数",
                    f"{receipt.billed}, but its 算定単位 add up to {found}",
                    f"{receipt.billed} ですが、算定単位の合計は {found} です",
                )
            )

    def _check_go(self, last: int) -> None:
        assert self.uke.go is not None
        count = sum(len(r.totals) for r in self.uke.receipts)
        total = sum(r.billed or 0 for r in self.uke.receipts)
        if (count, total) != self.uke.go:
            self.uke.problems.append(
                Problem(
                    last,
                    "GO",
                    f"総件数 {self.uke.go[0]} and 総合計点数 {self.uke.go[1]}, but the "
                    f"file's receipts give {count} and {total}",
                    f"総件数 {self.uke.go[0]}・総合計点数 {self.uke.go[1]} ですが、"
                    f"レセプトから数えると {count} 件・{total} 点です",
                )
            )


class _FieldError(ValueError):
    def __init__(self, name: str, message: str, ja: str) -> None:
        super().__init__(message)
        self.field, self.message, self.ja = name, message, ja


def _not_a_number(name: str, text: str) -> _FieldError:
    said = f"「{text}」は数字ではありません"
    return _FieldError(name, f"{text!r} is not a number", said)


def _count(text: str, name: str) -> int:
    if not text:
        return 0
    if not (text.isascii() and text.isdigit()):
        raise _not_a_number(name, text)
    return int(text)


def _number(text: str, name: str) -> int | None:
    return _count(text, name) if text else None


def _decimal(text: str, name: str) -> Decimal | None:
    if not text:
        return None
    if not text.isascii():
        raise _not_a_number(name, text)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _not_a_number(name, text) from None
    if not value.is_finite() or value < 0:
        raise _not_a_number(name, text)
    return value


def _last_day(month: date | None) -> int:
    return calendar.monthrange(month.year, month.month)[1] if month else 31


def _month(text: str, name: str) -> date:
    """YYYYMM, or 和暦 GYYMM."""
    try:
        if len(text) == 6:
            return date(int(text[:4]), int(text[4:]), 1)
        if len(text) == 5 and text[0] in ERAS:
            return date(ERAS[text[0]] + int(text[1:3]), int(text[3:]), 1)
    except ValueError:
        pass
    raise _FieldError(
        name,
        f"{text!r} is not a 年月 (YYYYMM, or 和暦 GYYMM)",
        f"「{text}」は年月（YYYYMM か和暦 GYYMM）ではありません",
    )


def _day(text: str, name: str) -> date:
    """YYYYMMDD, or 和暦 GYYMMDD."""
    try:
        if len(text) == 8:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if len(text) == 7 and text[0] in ERAS:
            return date(ERAS[text[0]] + int(text[1:3]), int(text[3:5]), int(text[5:]))
    except ValueError:
        pass
    raise _FieldError(
        name,
        f"{text!r} is not a 年月日 (YYYYMMDD, or 和暦 GYYMMDD)",
        f"「{text}」は年月日（YYYYMMDD か和暦 GYYMMDD）ではありません",
    )

"""The publications kaitei records and what each one's name says: a master file
(`s_ALL20220218.zip`, `s_20240306.csv`) carries its publication date; a revision
document (a 告示, 通知, 疑義解釈 typed in) carries none."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

# s_: 医科診療行為マスター, y_: 医薬品マスター, t_: 特定器材マスター (a .tsv is a
# viewer's re-save of a full file: tab-separated UTF-8)
MASTER_FILE_NAME = re.compile(
    r"^(?P<master>[syt])_(?P<all>ALL)?(?P<published>\d{8})\.(?P<ext>csv|zip|tsv)$"
)
MASTER_TITLES = {
    "s": "医科診療行為マスター",
    "y": "医薬品マスター",
    "t": "特定器材マスター",
}


def master_of(name: str) -> str | None:
    """Which master a file name is of (`s`, `y`, `t`), or None."""
    match = MASTER_FILE_NAME.match(name)
    return match["master"] if match else None


Kind = Literal["master_full", "master_change", "revision"]

# What a master file's rows are part of, by master and the day they take effect:
# the 改定 a clerk names. Each name is cited; any other day is an interim change,
# named by its title alone.
REVISION_NAMES: dict[tuple[str, date], str] = {
    # the 2022 revision (../shared/masters/README.md), in force 2022-04-01; the
    # name as seeds/001 writes it (令和 4 年度診療報酬改定の結果検証に係る特別調査)
    ("s", date(2022, 4, 1)): "令和4年度診療報酬改定",
    # seeds/004 (「令和6年度診療報酬改定の概要(医科全体版)」); masters README: "the
    # whole 2024 revision cycle (first published 2024-03-06 for 2024-06-01)"
    ("s", date(2024, 6, 1)): "令和6年度診療報酬改定",
    # 材料価格 with it: the rows of t_ALL20240315.zip take effect 2024-06-01
    ("t", date(2024, 6, 1)): "令和6年度診療報酬改定",
    # masters README: y_ALL20240321.zip has "the 2024 薬価改定 of 2024-04-01", and
    # y_ALL20260116.tsv "the prices of the 2025-04-01 薬価改定"
    ("y", date(2024, 4, 1)): "令和6年度薬価改定",
    ("y", date(2025, 4, 1)): "令和7年度薬価改定",
    # ika-shinryo-koi-2026-excerpt: "the 2026 cycle (in force 2026-06-01)"
    ("s", date(2026, 6, 1)): "令和8年度診療報酬改定",
}


def revision_name(name: str, effective_from: date) -> str | None:
    """The 改定 a master file's change belongs to (令和6年度診療報酬改定 for
    s_20240306.csv's rows of 2024-06-01), or None for an interim change or a
    document (whose title says what it is)."""
    master = master_of(name)
    return REVISION_NAMES.get((master, effective_from)) if master else None


@dataclass(frozen=True)
class Publication:
    """One publication the store holds, as a user lists them."""

    kind: Kind
    name: str
    title: str
    source: str
    published: date | None
    effective_from: date
    status: str
    recorded_at: datetime
    recorded_by: str

    @property
    def revision_name(self) -> str | None:
        """The 改定 it belongs to (令和6年度診療報酬改定), if it is part of one."""
        return revision_name(self.name, self.effective_from)


def kind_of(name: str) -> Kind:
    match = MASTER_FILE_NAME.match(name)
    if match is None:
        return "revision"
    return "master_full" if match["all"] else "master_change"


def published_on(name: str) -> date | None:
    """The publication date a master file's name carries; None for others."""
    match = MASTER_FILE_NAME.match(name)
    if match is None:
        return None
    text = match["published"]
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def data_through(publications: list[Publication], master: str = "s") -> date | None:
    """The newest publication date of `master`'s files the store holds (the
    医科診療行為マスター by default): for a later date kaitei may not know a
    change that was published after it."""
    dates = [
        p.published for p in publications if p.published and master_of(p.name) == master
    ]
    return max(dates) if dates else None


@dataclass(frozen=True)
class ChangeCounts:
    """What a publication did, in codes: 新設, 変更, 廃止."""

    introduced: int = 0
    changed: int = 0
    abolished: int = 0


def counted(changes: Iterable[tuple[str, str]]) -> ChangeCounts:
    """(op, code) pairs as codes introduced, changed and abolished: a code
    introduced is not also counted changed; one abolished and nothing else is
    counted abolished (a code's rules set by a table count as changed)."""
    ops: dict[str, set[str]] = {}
    for op, code in changes:
        ops.setdefault(code, set()).add(op)
    introduced = sum(1 for o in ops.values() if "introduce" in o)
    abolished = sum(1 for o in ops.values() if o == {"abolish"})
    return ChangeCounts(introduced, len(ops) - introduced - abolished, abolished)

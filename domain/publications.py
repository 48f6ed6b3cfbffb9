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

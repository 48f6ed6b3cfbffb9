"""Finding items the way a 医事課 user types them: a 9-digit レセ電 code, a
区分番号 (`A000`, `B001-3-3`, or the start of one), a part of the name or of its
reading (the master's カナ名称: ｼｮｼﾝ, しょしん and ショシン find 初診料), with
full-width and half-width forms (ｼｮｼﾝ, ＡＢＣ, １２３) read alike (NFKC)."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from domain.master_fields import as_map
from domain.timeline import Interval

RECEIPT_CODE = re.compile(r"^\d{9}$")
KUBUN = re.compile(r"^[A-Z]\d{3}(-\d+)*$")  # a whole 区分番号
KUBUN_START = re.compile(r"^[A-Z]\d{0,3}$")  # `A`, `A0`, `B00`: the start of one


@functools.lru_cache(maxsize=1 << 16)
def folded(text: str) -> str:
    """The form two spellings of one text share: NFKC, case-folded, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


@functools.lru_cache(maxsize=1 << 16)
def reading(text: str) -> str:
    """A text as its reading compares: folded, hiragana as katakana."""
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in folded(text))


def query_form(query: str) -> str:
    """The query as a code or 区分番号 is written: NFKC, upper case, ASCII hyphen."""
    text = unicodedata.normalize("NFKC", query).strip().upper()
    return re.sub(r"[‐‑‒–—―−ー]", "-", text)  # hyphens and the 長音 typed for one


def is_kubun(text: str) -> bool:
    return KUBUN.match(query_form(text)) is not None


def filed_under(kubun: str, items: Iterable[Interval]) -> list[Interval]:
    """The items whose 区分番号 is `kubun` or starts with it (`B001-3` files
    B001-3 and B001-3-3, not B001-31)."""
    wanted = query_form(kubun)
    return [
        i
        for i in items
        if i.state.kubun
        and (i.state.kubun == wanted or i.state.kubun.startswith(wanted + "-"))
    ]


def search(query: str, items: Iterable[Interval]) -> list[Interval]:
    """The items `query` finds, best first: a code, a 区分番号, or a name part."""
    form = query_form(query)
    pool = list(items)
    if RECEIPT_CODE.match(form):
        return [i for i in pool if i.state.code == form]
    if DRUG_CODE.match(form):  # 薬価基準収載医薬品コード (YJ) or 一般名コード
        return [i for i in pool if form in _drug_codes(i)]
    if KUBUN.match(form):
        return sorted(filed_under(form, pool), key=_by_kubun)
    if KUBUN_START.match(form):
        found = [i for i in pool if (i.state.kubun or "").startswith(form)]
        if found:
            return sorted(found, key=_by_kubun)
    return _by_name(query, pool)


# a YJ code (薬価基準収載医薬品コード: 7 digits, a letter, 4 more) or its
# 一般名コード (the last digits ZZZ)
DRUG_CODE = re.compile(r"^\d{7}[A-Z][0-9A-Z]{4}$")


def _drug_codes(item: Interval) -> tuple[str, ...]:
    fields = as_map(item.state.attributes) if item.state.attributes else {}
    return tuple(fields[k] for k in ("yj_code", "generic_code") if k in fields)


def _generic_name(item: Interval) -> str:
    return as_map(item.state.attributes).get("generic_name", "")


def _by_kubun(item: Interval) -> tuple[list[int], str]:
    number = [int(p) for p in re.findall(r"\d+", item.state.kubun or "")]
    return number, item.state.code


def _by_name(query: str, pool: list[Interval]) -> list[Interval]:
    """Exact names first, then names that start with the query, readings that
    start with it, names that hold it, readings that hold it; codes such as
    `futan.shokuji.ippan` are matched too."""
    part, read = folded(query), reading(query)
    if not part:
        return []
    ranked = []
    for item in pool:
        name = folded(item.state.name)
        kana = reading(item.state.kana) if item.state.kana else ""
        if name == part:
            rank = 0
        elif name.startswith(part):
            rank = 1
        elif kana.startswith(read):
            rank = 2
        elif part in name:
            rank = 3
        elif read in kana:
            rank = 4
        elif part in item.state.code.casefold():
            rank = 5
        elif item.state.attributes and part in folded(_generic_name(item)):
            rank = 6  # a drug's 一般名処方の標準的な記載
        else:
            continue
        ranked.append((rank, item.state.code, item))
    return [item for _, _, item in sorted(ranked, key=lambda r: (r[0], r[1]))]

"""Reading the 傷病名マスター (基本マスター, 支払基金; CP932, quoted, master kind
`B`): the bundled full file of 2024-06-01, read once per process when a claim
line first names a disease by 傷病名コード or name."""

from __future__ import annotations

import csv
import functools
import io
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from domain.diseases import DiseaseMaster, DiseaseName

BUNDLED = Path(__file__).resolve().parents[2] / "data" / "masters" / "b_20240601.zip"
# 1-based columns: 3 傷病名コード, 6 基本名称, 10 カナ名称, 16 ICD-10（1）,
# 22 収載年月日, 24 廃止年月日 (checked against the rows of b_20240601.txt)
CODE, NAME, KANA, ICD10, LISTED, LAST_DAY = 2, 5, 9, 15, 21, 23
STILL_IN_USE = "99999999"


@functools.cache
def bundled_diseases() -> DiseaseMaster:
    return read_diseases(BUNDLED.name, BUNDLED.read_bytes())


def read_diseases(name: str, content: bytes) -> DiseaseMaster:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        (member,) = archive.namelist()
        text = archive.read(member).decode("cp932")
    return DiseaseMaster.of(name, _rows(text))


def _rows(text: str) -> Iterator[DiseaseName]:
    for fields in csv.reader(io.StringIO(text, newline="")):
        if len(fields) <= LAST_DAY or fields[1] != "B":
            continue
        last = fields[LAST_DAY]
        yield DiseaseName(
            fields[CODE],
            fields[NAME],
            fields[KANA],
            fields[ICD10].replace(".", ""),
            _day(fields[LISTED]) if fields[LISTED].strip("0") else date.min,
            None if last in ("", STILL_IN_USE) else _day(last),
        )


def _day(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))

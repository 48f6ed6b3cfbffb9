"""Claims shaped like a real month's, on real bundled codes, in which the rules
fire: the benchmarks' workload and the replay tests' input.

Outpatient months (1–4 visits): 再診料 with 外来管理加算, 特定疾患療養管理料 on
most visits (its 月2回 limit fires on the third), 処方箋料 with 一般名処方加算,
now and then 初診料 (背反 with 再診料's month) or 生活習慣病管理料１, ＡＮＰ/ＢＮＰ
in one week (背反), an add-on without its base, 医療情報取得加算（再診） (３月 1,
counted across the patient's claims). Most visits dispense in house (処方料,
調剤料 and 1–4 剤 of 1–3 real drugs for 7–30 days: about as many drug lines as
診療行為 lines; some drugs end their 経過措置 or change price within the
months), some take an X-ray on film (a material line). Inpatient months:
急性期一般入院料１ each day with 入院基本料等加算 (one per 加算識別). Patients
have several months."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from domain.claims import Claim, ClaimLine

MONTHS = [date(2024, m, 1) for m in range(6, 13)] + [date(2025, m, 1) for m in (1, 2)]
WARD = "190117710"  # 急性期一般入院料１
WARD_ADDONS = ("190190410", "190099870", "190117170", "190119910", "190127810")
# real drugs of the bundled 医薬品マスター with the doses a 剤 takes of them:
# ガスター散２％ (g), カルバマゼピン錠, ムコダイン錠, 桃核承気湯エキス錠,
# トリアゾラム錠 (経過措置 to 2024-09-30), フェアストン錠 (to 2025-03-31),
# 622911101 (147.90 → 143.90 yen from 2024-07-01)
DRUGS = (
    ("610406079", ("0.5", "1")),
    ("610453041", ("1", "2")),
    ("610407447", ("1", "3")),
    ("620005410", ("3", "6")),
    ("610412126", ("1",)),
    ("610407023", ("1",)),
    ("622911101", ("1",)),
)


def outpatient(claim_id: str, patient: str, month: date, rng: random.Random) -> Claim:
    lines: list[ClaimLine] = []
    visits = sorted(rng.sample(range(0, 27), rng.randint(1, 4)))
    for v in visits:
        day = month + timedelta(days=v)
        if v == visits[0] and rng.random() < 0.15:
            lines.append(ClaimLine("111000110", day))  # 初診料
        lines.append(ClaimLine("112007410", day))  # 再診料
        if rng.random() < 0.7:
            lines.append(ClaimLine("112011010", day))  # 外来管理加算
        if rng.random() < 0.8:
            lines.append(ClaimLine("113001810", day, disease="J45"))
        if rng.random() < 0.1:
            lines.append(ClaimLine("113041710", day, disease="E78"))
        if rng.random() < 0.3:
            lines.append(ClaimLine("112708970", day))  # 医療情報取得加算（再診）
        if rng.random() < 0.8:
            lines += dispensed(day, rng)
        else:
            lines.append(ClaimLine("120002910", day))  # 処方箋料
            if rng.random() < 0.6:
                lines.append(ClaimLine("120004270", day))  # 一般名処方加算１
        if rng.random() < 0.05:  # 単純撮影の写真診断 on film (フィルム 大角)
            lines.append(ClaimLine("170000410", day))
            lines.append(ClaimLine("700030000", day, dose=Decimal(rng.randint(1, 2))))
        if rng.random() < 0.1:
            lines.append(ClaimLine(rng.choice(("160116310", "160162350")), day))
        if rng.random() < 0.03:
            lines.append(ClaimLine("112011010", day + timedelta(days=1)))  # no base
    return Claim(claim_id, tuple(lines), patient=patient)


def dispensed(day: date, rng: random.Random) -> list[ClaimLine]:
    """In-house dispensing: 処方料, 調剤料 and 1–4 剤 (内服 for 7–30 days)."""
    lines = [ClaimLine("120001210", day), ClaimLine("120000710", day)]
    for rp in range(rng.randint(1, 4)):
        days = rng.choice((7, 14, 28, 30))
        for code, doses in rng.sample(DRUGS, rng.randint(1, 3)):
            dose = Decimal(rng.choice(doses))
            lines.append(ClaimLine(code, day, days, dose=dose, group=f"rp{rp}"))
    return lines


def inpatient(claim_id: str, patient: str, month: date, rng: random.Random) -> Claim:
    lines: list[ClaimLine] = []
    for d in range(rng.randint(3, 14)):
        day = month + timedelta(days=d)
        lines.append(ClaimLine(WARD, day))
        lines += [ClaimLine(a, day) for a in WARD_ADDONS if rng.random() < 0.3]
        if rng.random() < 0.3:
            lines.append(ClaimLine("160162350", day))
    return Claim(claim_id, tuple(lines), patient=patient, admission=f"{patient}-a")


def claims(n: int, seed: int = 14) -> list[Claim]:
    """`n` claims of n // 3 patients, each patient's in month order."""
    rng = random.Random(seed)
    out: list[Claim] = []
    patients = max(1, n // 3)
    for p in range(patients):
        months = sorted(rng.sample(MONTHS, rng.randint(1, 4)))
        kind = inpatient if rng.random() < 0.05 else outpatient
        for month in months:
            if len(out) < n:
                out.append(kind(f"c{len(out)}", f"p{p}", month, rng))
    while len(out) < n:
        out.append(outpatient(f"c{len(out)}", "p-last", MONTHS[0], rng))
    return out

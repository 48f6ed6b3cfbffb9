"""The columnar pricer equals the single-claim path with the real rule set
loaded: claims built from codes that carry 電子点数表 rules, so that 背反,
算定回数 and 入院基本料 rules fire often."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from domain.billing import price_claim
from domain.claims import Claim, ClaimLine
from service.application import FeeSchedule
from service.pricing.bulk import REASON_CODE, BulkPricer, Lines


def test_bulk_equals_single_on_the_bundled_rules(bundled_schedule: FeeSchedule) -> None:
    book = bundled_schedule.rules(None)
    july = date(2024, 7, 1)
    ruled = [
        i.state
        for i in bundled_schedule.schedule(july, None)
        if i.state.exclusions or i.state.limits or i.state.groups
    ]
    rng = random.Random(14)
    pool = [s.code for s in rng.sample(ruled, 80)]
    partners = [x.code for s in rng.sample(ruled, 40) for x in s.exclusions[:3]]
    wards = [s.code for s in ruled if s.ward is not None][:6]
    kasan = [s.code for s in ruled if s.allowed_with][:30]
    codes = pool + partners + ["111000110", "112007410", "113001810", "113041710"]
    codes += wards * 3 + kasan
    batch = [
        Claim(
            f"c{n}",
            tuple(
                ClaimLine(
                    rng.choice(codes),
                    july + timedelta(days=rng.randrange(31)),
                    rng.choice((1, 1, 1, 2)),
                    rng.choice((None, "J45", "E78", "I10")),
                )
                for _ in range(rng.randint(1, 12))
            ),
        )
        for n in range(400)
    ]

    bulk = BulkPricer(book).price(Lines.of(batch), workers=2, min_part=1)

    at, rejected, grouped = 0, 0, 0
    for n, claim in enumerate(batch):
        single = price_claim(claim, book)
        for line in single.lines:
            assert bulk.reason[at] == REASON_CODE[line.reason or ""], (claim, line)
            assert Decimal(int(bulk.amount_cents[at])) / 100 == line.amount
            rejected += line.reason in ("excluded", "limit_exceeded")
            grouped += line.reason == "not_in_group"
            at += 1
        assert Decimal(int(bulk.points_cents[n])) / 100 == single.total_points
    assert rejected > 100  # the rules did fire
    assert grouped >= 5  # and the 入院基本料 groups

"""The columnar bulk path prices every claim exactly as the single-claim path."""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.billing import price_claim
from domain.claims import Claim, ClaimLine
from domain.rulebook import RuleBook
from domain.rules import Exclusion, Limit
from domain.timeline import Interval, ItemState
from service.pricing.bulk import REASON_CODE, BulkPricer, Lines

# codes of several widths (one over 16 characters): the column hash must not
# depend on the width of the array a code sits in
CODES = ["A000", "A001", "A002", "B000", "B001-3-3", "futan.shokuji.ippan"]
START = date(2024, 4, 1)
DAYS = 90

days = st.integers(0, DAYS).map(lambda n: START + timedelta(days=n))
# every limit unit: counted in a window, across claims (counted in the claim),
# 14 days (line by line), or not countable (never fires)
PERS = [
    "day",
    "week",
    "month",
    "claim",
    "months_3",
    "patient",
    "first_visit",
    "weeks_2",
    "unchecked",
]


@st.composite
def items(draw: st.DrawFn) -> RuleBook:
    intervals = []
    for code in draw(st.lists(st.sampled_from(CODES), unique=True, min_size=1)):
        cuts = sorted(draw(st.sets(st.integers(0, DAYS), min_size=1, max_size=9)))
        ends = [*cuts[1:], None]
        for start, end in zip(cuts, ends, strict=True):
            if draw(st.integers(0, 5)) == 0:
                continue  # a gap: abolished for a while
            state = ItemState(
                code=code,
                name=code,
                unit=draw(st.sampled_from(["point", "point", "yen", "percent_add"])),
                value=Decimal(draw(st.integers(0, 50000))) / 100,
                addon_to=tuple(draw(st.lists(st.sampled_from(CODES), max_size=2))),
                limits=tuple(
                    Limit(p, m, special=sp)
                    for p, m, sp in draw(
                        st.lists(
                            st.tuples(
                                st.sampled_from(PERS), st.integers(1, 3), st.booleans()
                            ),
                            max_size=2,
                        )
                    )
                ),
                exclusions=tuple(
                    Exclusion(c, s, keep=k, special=sp)
                    for c, s, k, sp in draw(
                        st.lists(
                            st.tuples(
                                st.sampled_from(CODES),
                                st.sampled_from(["day", "month", "week", "same_time"]),
                                st.sampled_from(["first", "this", "other"]),
                                st.booleans(),
                            ),
                            max_size=3,
                        )
                    )
                ),
                eligible_diseases=tuple(
                    draw(st.lists(st.sampled_from(["E11", "I10", "J4"]), max_size=2))
                ),
            )
            valid_to = START + timedelta(days=end) if end is not None else None
            intervals.append(
                Interval(
                    START + timedelta(days=start), valid_to, state, f"r{start}", "s"
                )
            )
    return RuleBook.of(intervals)


lines = st.builds(
    ClaimLine,
    code=st.sampled_from([*CODES, "Z999"]),
    date=days,
    quantity=st.integers(1, 3),
    disease=st.sampled_from([None, "E119", "I10", "J45", "K25"]),
)
claims = st.lists(
    st.builds(
        lambda ls: Claim("c", tuple(ls)), st.lists(lines, min_size=1, max_size=8)
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=int(os.environ.get("KAITEI_BULK_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(book=items(), batch=claims, parts=st.integers(1, 4))
def test_bulk_and_single_claim_pricing_agree(
    book: RuleBook, batch: list[Claim], parts: int
) -> None:
    # parts > 1: cut at claim boundaries and priced in threads, as large inputs are
    bulk = BulkPricer(book).price(Lines.of(batch), workers=parts, min_part=1)

    at = 0
    for n, claim in enumerate(batch):
        single = price_claim(claim, book)
        for line in single.lines:
            assert bulk.reason[at] == REASON_CODE[line.reason or ""], (claim, line)
            assert Decimal(int(bulk.amount_cents[at])) / 100 == line.amount
            at += 1
        assert Decimal(int(bulk.points_cents[n])) / 100 == single.total_points
        assert Decimal(int(bulk.total_yen_cents()[n])) / 100 == single.total_yen

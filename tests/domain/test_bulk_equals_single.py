"""The columnar bulk path prices every claim exactly as the single-claim path."""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.billing import price_claim
from domain.claims import Claim, ClaimLine
from domain.rulebook import RuleBook
from domain.rules import Exclusion, Grouping, Limit
from domain.timeline import Interval, ItemState
from service.pricing.answers import Answering
from service.pricing.bulk import REASON_CODE, BulkPricer, Lines
from service.pricing.claimed import Patients
from service.replay.run import priced_in_turn

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
    "admission",
    "first_time",
    "years_5",
    "unchecked",
]
# 入院基本料: an 入院料 of a group, or a 加算 allowed with groups, by 加算識別
GROUPS = [
    (),
    (Grouping("G1", table="04", row=1),),
    (Grouping("G2", table="04", row=2),),
    (Grouping("G1", ident=1, table="04", row=3), Grouping("G2", ident=1, row=4)),
    (Grouping("G1", ident=2, table="04", row=5),),
]


@st.composite
def items(draw: st.DrawFn, pers: list[str] = PERS) -> RuleBook:
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
                    Limit(p, m, special=sp, table="05", row=m)
                    for p, m, sp in draw(
                        st.lists(
                            st.tuples(
                                st.sampled_from(pers), st.integers(1, 3), st.booleans()
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
                groups=draw(st.sampled_from(GROUPS)),
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
# claims of a few patients, some in an admission, in no particular date order
ACROSS = ["months_3", "weeks_2", "patient", "admission", "first_time", "years_5"]
few_lines = st.builds(
    ClaimLine,
    code=st.sampled_from(CODES[:3]),
    date=days,
    quantity=st.integers(1, 2),
    disease=st.sampled_from([None, "E119", "I10"]),
)
patients_claims = st.lists(
    st.builds(
        lambda ls, p, a: Claim("c", tuple(ls), patient=p, admission=a and p and a),
        st.lists(few_lines, min_size=1, max_size=6),
        st.sampled_from([None, "p1", "p2"]),
        st.sampled_from([None, "a1", "a2"]),
    ),
    min_size=1,
    max_size=10,
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
    assert_priced_alike(book, batch, parts)


def assert_priced_alike(book: RuleBook, batch: list[Claim], parts: int) -> None:
    """Every line's reason and amount and every claim's totals, in bulk and
    one claim at a time."""
    bulk = BulkPricer(book).price(Lines.of(batch), workers=parts, min_part=1)
    at = 0
    for n, claim in enumerate(batch):
        single = price_claim(claim, book)
        for line in single.lines:
            assert bulk.reason[at] == REASON_CODE[line.reason or ""], (claim, line)
            assert Decimal(int(bulk.amount_cents[at])) / 100 == line.amount, line
            at += 1
        assert Decimal(int(bulk.points_cents[n])) / 100 == single.total_points
        assert Decimal(int(bulk.total_yen_cents()[n])) / 100 == single.total_yen


@settings(
    max_examples=int(os.environ.get("KAITEI_BULK_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    book=items(ACROSS + PERS),
    batch=patients_claims,
    cut=st.integers(0, 10),
    shards=st.integers(1, 3),
)
def test_patients_claims_priced_in_bulk_say_what_the_single_path_says(
    book: RuleBook, batch: list[Claim], cut: int, shards: int
) -> None:
    # the same claims in two batches (as a replay reads them), the patients'
    # log kept between them; every word of each line's answer agrees
    pricer = BulkPricer(book)
    patients, answering = Patients(pricer, shards), Answering(pricer)
    answers = []
    for part in (batch[:cut], batch[cut:]):
        if not part:
            continue
        coded = pricer.coded(Lines.of(part))
        priced, claimed = patients.priced(
            coded, [c.patient for c in part], [c.admission for c in part]
        )
        answers.append((priced, answering.of(priced, claimed.who)))

    singles = [p for _, p, _ in priced_in_turn(batch, book)]
    lines = [x for p in singles for x in p.lines]
    reason = np.concatenate([p.reason for p, _ in answers])
    amount = np.concatenate([p.amount_cents for p, _ in answers])
    words = {
        f: [x for _, a in answers for x in _listed(getattr(a, f))]
        for f in ("unit", "revision", "unchecked", "special", "rule_table", "rule_row")
    }
    points = np.concatenate([p.points_cents for p, _ in answers])
    for at, line in enumerate(lines):
        assert reason[at] == REASON_CODE[line.reason or ""], (at, line)
        assert Decimal(int(amount[at])) / 100 == line.amount
        assert words["unit"][at] == line.unit
        assert words["revision"][at] == line.revision
        assert words["unchecked"][at] == (" ".join(line.unchecked) or None), line
        assert words["special"][at] == line.special_condition, line
        assert words["rule_table"][at] == (line.rule or {}).get("table"), line
        row = (line.rule or {}).get("row")
        assert words["rule_row"][at] == (-1 if row is None else row), line
    assert [Decimal(int(c)) / 100 for c in points] == [p.total_points for p in singles]


def _listed(column: object) -> list[object]:
    return column.tolist() if isinstance(column, np.ndarray) else column.to_pylist()


# drugs (6…) and materials (7…) priced in yen: 剤 groups summed, the 告示's
# rounding at its boundaries (15 円, .5 of a point) hit by small prices and doses
SUPPLIES = ["610406079", "620005410", "622911101", "700030000", "729120000"]


@st.composite
def supply_book(draw: st.DrawFn) -> RuleBook:
    intervals = []
    for code in SUPPLIES:
        cut = draw(st.integers(1, DAYS))
        for start, end in ((0, cut), (cut, None)):
            cents = draw(st.sampled_from([500, 1000, 1010, 1500, 1550, 14790, 11500]))
            state = ItemState(
                code=code, name=code, unit="yen", value=Decimal(cents) / 100
            )
            valid_to = START + timedelta(days=end) if end is not None else None
            intervals.append(
                Interval(START + timedelta(days=start), valid_to, state, "r", "s")
            )
    return RuleBook.of(intervals)


supply_lines = st.builds(
    ClaimLine,
    code=st.sampled_from([*SUPPLIES, "A000"]),
    date=st.integers(0, 3).map(lambda n: START + timedelta(days=n * 30)),
    quantity=st.integers(1, 3),
    dose=st.sampled_from(
        [None, Decimal("0.5"), Decimal("1"), Decimal("2.25"), Decimal("0.00001")]
    ),
    group=st.sampled_from([None, "1", "2"]),
)
supply_claims = st.lists(
    st.builds(
        lambda ls: Claim("c", tuple(ls)), st.lists(supply_lines, min_size=1, max_size=8)
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=int(os.environ.get("KAITEI_BULK_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(book=supply_book(), batch=supply_claims, parts=st.integers(1, 3))
def test_drug_groups_and_materials_price_alike_in_bulk(
    book: RuleBook, batch: list[Claim], parts: int
) -> None:
    assert_priced_alike(book, batch, parts)

"""What a priced claim answers is the same however it is written: the JSON
written straight from the domain equals the documented model's, on claims of
the bundled schedule in which every rule fires."""

from __future__ import annotations

import json

from bench.mix import claims
from service.application import FeeSchedule
from service.contract.claims import PricedClaimOut, priced_claim_json
from service.replay.run import priced_in_turn


def test_the_fast_answer_is_the_models_answer(bundled_schedule: FeeSchedule) -> None:
    book = bundled_schedule.rules(None)
    priced = [p for _, p, _ in priced_in_turn(claims(300), book)]
    reasons = {x.reason for p in priced for x in p.lines}

    assert {"excluded", "limit_exceeded", "not_in_group", "missing_base"} <= reasons
    for n, answer in enumerate(priced):
        beyond = n % 2 == 0
        fast = json.loads(priced_claim_json(answer, beyond))
        documented = json.loads(PricedClaimOut.of(answer, beyond).model_dump_json())
        assert fast == documented
        assert list(fast) == list(documented)  # the same keys, in the same order

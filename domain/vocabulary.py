"""The closed vocabularies of the domain, checked by mypy: change ops, revision
statuses, limit periods and exclusion scopes. Units stay an open set (the
master's 点数識別 may gain kinds); the priced ones are named here."""

from __future__ import annotations

from typing import Literal, get_args

Op = Literal[
    "introduce",
    "revise",
    "abolish",
    "rename",
    "set_limits",
    "set_exclusions",
    "set_groups",
    "set_eligibility",
    "set_addon_to",
    "reclassify",
    "set_attributes",
    "interpret",
]
Status = Literal["enacted", "proposed", "withdrawn"]
Submitted = Literal["enacted", "proposed"]  # a revision is recorded as one of these
# 算定回数: at most N per … The first four are counted within a claim; the
# periods and spans after them need the patient's other claims (a claim without
# `patient` is checked within itself and marked unchecked); `unchecked` is a
# unit kaitei cannot count from claim data (一連, 手術当り, 部位, …), named in the
# limit's `unit`.
Per = Literal[
    "day",
    "week",
    "month",
    "claim",
    "weeks_2",
    "months_2",
    "months_3",
    "months_4",
    "months_6",
    "months_12",
    "years_5",
    "patient",
    "admission",
    "admission_first_day",
    "discharge",
    "first_visit",
    "first_time",
    "unchecked",
]
# 背反: not billable together within the same … (`same_time`, 同時: the same date,
# as claim lines carry no time).
Scope = Literal["day", "month", "week", "same_time"]
Keep = Literal["first", "this", "other"]  # 背反区分 3 / 1 / 2
# point (点) and yen (円) are priced on claims; the master's other 点数識別 kinds
# (%加算, %減算, 減点, マイナス点数) are recorded as they are. An item's unit stays
# an open set (a str): a 点数識別 the master adds later is kept as `kind_N`.
KnownUnit = Literal[
    "point", "yen", "percent_add", "percent_sub", "point_reduction", "point_minus"
]
PRICED_UNITS = ("point", "yen")

OPS: tuple[Op, ...] = get_args(Op)
KNOWN_UNITS: tuple[KnownUnit, ...] = get_args(KnownUnit)
PERIODS: tuple[Per, ...] = get_args(Per)
SCOPES: tuple[Scope, ...] = get_args(Scope)

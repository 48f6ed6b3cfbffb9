"""Items in the read model: their facts and bitemporal validity intervals."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from eventsourcing.persistence import Tracking

from domain.timeline import Fact, Interval
from projections.rows import (
    INTERVAL_COLUMNS,
    fact_from_row,
    fact_row,
    instant,
    interval_from_row,
    interval_row,
)
from projections.sql_base import (
    COLUMNS,
    CURRENT,
    FACT_COLUMNS,
    Cursor,
    SQLViewBase,
    chunks,
    record_filter,
)
from projections.views import ItemStep


class ItemsSQL(SQLViewBase):
    """Facts and intervals: written by the projection, read by lookups."""

    def record_item_changes(self, steps: Sequence[ItemStep], last: Tracking) -> None:
        """Many changes in few statements: the facts inserted many rows at a
        time, the intervals advanced step by step in memory (the rows written
        are those one statement per step would write)."""
        moments = [instant(step.recorded_at) for step in steps]
        with self._cursor(commit=True) as c:
            facts = [
                _fact_values(step.position, 0, step.fact, moment)
                for step, moment in zip(steps, moments, strict=True)
            ]
            self._insert_rows(c, "facts", FACT_COLUMNS, facts)
            self._advance_intervals(
                c,
                [
                    (step.fact.change.code, step.intervals, moment)
                    for step, moment in zip(steps, moments, strict=True)
                ],
            )
            self._track(c, last)

    def current_facts(self, codes: Collection[str]) -> dict[str, list[Fact]]:
        found: dict[str, list[Fact]] = {code: [] for code in codes}
        for chunk in chunks(sorted(found), 500):
            rows = self._rows(
                "SELECT * FROM {facts} WHERE retracted_at IS NULL AND code IN "
                f"({', '.join('?' * len(chunk))}) ORDER BY position, ordinal",
                chunk,
            )
            for r in rows:
                found[r["code"]].append(fact_from_row(r))
        return found

    def record_item_correction(
        self,
        code: str,
        revision: str,
        reason: str,
        facts: Sequence[Fact],
        intervals: Sequence[Interval],
        recorded_at: datetime,
        tracking: Tracking,
    ) -> None:
        moment = instant(recorded_at)
        with self._cursor(commit=True) as c:
            c.execute(
                self._sql(
                    "UPDATE {facts} SET retracted_at = ? WHERE code = ? AND "
                    "revision = ? AND retracted_at IS NULL"
                ),
                (moment, code, revision),
            )
            position = tracking.notification_id
            self._insert_rows(
                c,
                "facts",
                FACT_COLUMNS,
                [
                    _fact_values(position, n, fact, moment)
                    for n, fact in enumerate(facts)
                ],
            )
            c.execute(
                self._sql(
                    "INSERT INTO {retractions} (position, code, revision, reason) "
                    "VALUES (?, ?, ?, ?)"
                ),
                (tracking.notification_id, code, revision, reason),
            )
            self._advance_intervals(c, [(code, intervals, moment)])
            self._track(c, tracking)

    def _advance_intervals(
        self, c: Cursor, steps: Sequence[tuple[str, Sequence[Interval], str]]
    ) -> None:
        """For each (code, intervals, moment) in order, make `intervals` the item's
        current history from `moment`, closing the rows it no longer has. The
        items' current rows are read at once and each step is diffed in memory
        against the one before."""
        codes = sorted({code for code, _, _ in steps})
        current: dict[str, set[tuple[str | None, ...]]] = {k: set() for k in codes}
        for chunk in chunks(codes, 500):
            c.execute(
                self._sql(
                    f"SELECT {COLUMNS} FROM {{intervals}} WHERE {CURRENT} AND "
                    f"code IN ({', '.join('?' * len(chunk))})"
                ),
                chunk,
            )
            for r in c.fetchall():
                current[r["code"]].add(tuple(r[k] for k in INTERVAL_COLUMNS))
        closed: list[tuple[str, str, str | None]] = []  # rows stored before
        opened: list[list[Any]] = []  # [row, recorded_from, recorded_to]
        still_open: dict[tuple[str | None, ...], int] = {}  # row → its index
        for code, intervals, moment in steps:
            wanted = {interval_row(i) for i in intervals}
            for gone in current[code] - wanted:
                if gone in still_open:
                    opened[still_open.pop(gone)][2] = moment
                else:
                    closed.append((moment, code, gone[1]))
            for new in wanted - current[code]:
                still_open[new] = len(opened)
                opened.append([new, moment, None])
            current[code] = wanted
        for moment, code, valid_from in closed:
            c.execute(
                self._sql(
                    "UPDATE {intervals} SET recorded_to = ? WHERE code = ? AND "
                    f"valid_from = ? AND {CURRENT}"
                ),
                (moment, code, valid_from),
            )
        rows = [(*row, start, end) for row, start, end in opened]
        columns = (*INTERVAL_COLUMNS, "recorded_from", "recorded_to")
        self._insert_rows(c, "intervals", columns, rows)

    def facts(self, code: str, known_at: datetime | None = None) -> list[Fact]:
        moment = instant(known_at) if known_at else "9999"  # after every instant
        rows = self._rows(
            "SELECT * FROM {facts} WHERE code = ? AND recorded_at <= ? AND "
            "(retracted_at IS NULL OR retracted_at > ?) ORDER BY position, ordinal",
            (code, moment, moment),
        )
        return [fact_from_row(r) for r in rows]

    def fact_rows(
        self, code: str | None = None, codes_between: tuple[date, date] | None = None
    ) -> list[dict[str, Any]]:
        params: tuple[str, ...]
        if code is not None:
            where, params = "WHERE code = ?", (code,)
        elif codes_between is not None:
            where = (
                "WHERE code IN (SELECT code FROM {facts} "
                "WHERE effective_from >= ? AND effective_from <= ?)"
            )
            params = tuple(d.isoformat() for d in codes_between)
        else:
            where, params = "", ()
        rows = self._rows(
            f"SELECT * FROM {{facts}} {where} ORDER BY position, ordinal", params
        )
        return [
            {**dict(r), "fact": fact_from_row(r), "change": json.loads(r["change"])}
            for r in rows
        ]

    def interval_records(self) -> list[tuple[str, str | None, Interval]]:
        rows = self._rows(
            f"SELECT {COLUMNS}, recorded_from, recorded_to FROM {{intervals}}"
        )
        return [
            (r["recorded_from"], r["recorded_to"], interval_from_row(r)) for r in rows
        ]

    def intervals_of(
        self, codes: Sequence[str] | None, known_at: datetime | None
    ) -> list[Interval]:
        record, params = record_filter(known_at)
        if codes is None:
            rows = self._rows(
                f"SELECT {COLUMNS} FROM {{intervals}} WHERE {record}", params
            )
            return [interval_from_row(r) for r in rows]
        found: list[Interval] = []
        unique = sorted(set(codes))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            rows = self._rows(
                f"SELECT {COLUMNS} FROM {{intervals}} WHERE code IN "
                f"({', '.join('?' * len(chunk))}) AND {record}",
                (*chunk, *params),
            )
            found += [interval_from_row(r) for r in rows]
        return found

    def codes_changed_after(self, position: int) -> set[str]:
        rows = self._rows(
            "SELECT code FROM {facts} WHERE position > ? UNION "
            "SELECT code FROM {retractions} WHERE position > ?",
            (position, position),
        )
        return {r["code"] for r in rows}


def _fact_values(
    position: int, ordinal: int, fact: Fact, moment: str
) -> tuple[Any, ...]:
    """A facts row, in FACT_COLUMNS order."""
    return (position, ordinal, fact.change.code, *fact_row(fact), moment)

"""Auditing: an item's history, every change in a window, the chain verified."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.errors import ItemNotFoundError
from domain.timeline import refuse_backwards
from service.application.history import history_entries, within
from service.application.kernel import Kernel
from service.application.results import HistoryEntry, Verification


class Auditing(Kernel):
    def history(self, code: str) -> list[HistoryEntry]:
        """Every change recorded to an item, oldest effective first."""
        self.look()
        rows = self.view.fact_rows(code=code)
        if not rows:
            raise ItemNotFoundError(f"no item {code} has ever been recorded")
        return history_entries(rows, self.view.recorded_by())

    def changes(self, start: date, end: date) -> list[HistoryEntry]:
        """Every change effective in [start, end], by date then code."""
        refuse_backwards(start, end)
        self.look()
        grouped: dict[str, list[dict[str, Any]]] = {}
        for row in self.view.fact_rows(codes_between=(start, end)):
            grouped.setdefault(row["code"], []).append(row)
        recorded_by = self.view.recorded_by()
        found = [
            entry
            for rows in grouped.values()
            for entry in within(history_entries(rows, recorded_by), start, end)
        ]
        return sorted(found, key=lambda e: (e.effective_from, e.code, e.position))

    def verify(self) -> Verification:
        """Recompute the hash chain over the stored events; name the first event
        whose content, or whose place in the log, does not match its link."""
        self.look()
        with self._catching_up:
            self.chain.extend()
        return self.chain.verify()

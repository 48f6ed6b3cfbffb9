"""The rule book as recorded now, held in memory and refreshed per changed item."""

from __future__ import annotations

from domain.rulebook import RuleBook
from domain.timeline import Interval
from projections.views import ScheduleView


class CurrentBook:
    """What is recorded now, up to `position` of the log."""

    def __init__(self) -> None:
        self.book = RuleBook()
        self.position = -1  # nothing loaded yet

    def refresh(self, view: ScheduleView, position: int) -> None:
        """Reload the histories of the items changed since the last refresh."""
        if position == self.position:
            return
        if self.position <= 0:
            self.book = RuleBook.of(view.intervals_of(None, None))
        else:
            codes = sorted(view.codes_changed_after(self.position))
            fresh: dict[str, list[Interval]] = {code: [] for code in codes}
            for interval in view.intervals_of(codes, None):
                fresh[interval.state.code].append(interval)
            self.book = self.book.with_items(fresh)
        self.position = position

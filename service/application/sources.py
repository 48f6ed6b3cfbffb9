"""Sources: every publication the store holds, and the date its data runs to."""

from __future__ import annotations

from datetime import date

from domain.publications import (
    MASTER_TITLES,
    ChangeCounts,
    Publication,
    counted,
    data_through,
    kind_of,
    published_on,
)
from projections.rows import from_instant
from service.application.kernel import Kernel


class Sources(Kernel):
    def sources(self) -> list[Publication]:
        """Every publication recorded, in the order it was recorded."""
        self.look()
        return [
            Publication(
                kind=kind_of(r["revision_id"]),
                name=r["revision_id"],
                title=r["title"],
                source=r["source"],
                published=published_on(r["revision_id"]),
                effective_from=date.fromisoformat(r["effective_from"]),
                status=r["status"],
                recorded_at=from_instant(r["recorded_at"]),
                recorded_by=r["recorded_by"],
            )
            for r in self.view.publications()
        ]

    def data_through(self) -> date | None:
        """The newest publication date the store holds (None: no dated one).
        Kept per log position this process has caught up to: every answer
        that asks has just caught up, so this adds no query to a lookup."""
        position = self.current.position
        cached = getattr(self, "_data_through", None)
        if cached is None or cached[0] != position:
            cached = (position, data_through(self.sources()))
            self._data_through = cached
        return cached[1]

    def data_through_by_master(self) -> dict[str, date | None]:
        """Each master's newest publication date held, by its name."""
        held = self.sources()
        return {
            title: data_through(held, master) for master, title in MASTER_TITLES.items()
        }

    def beyond_data_through(self, *days: date) -> bool:
        """Whether an answer for these dates may miss a later publication."""
        through = self.data_through()
        return through is not None and any(day > through for day in days)

    def publication_counts(self) -> dict[str, ChangeCounts]:
        """What each publication changed, in codes (新設, 変更, 廃止), by its
        name; kept per log position (it reads every revision's changes)."""
        position = self.current.position
        cached = getattr(self, "_counts", None)
        if cached is None or cached[0] != position:
            self.look()
            counts = {
                r["revision_id"]: counted((c["op"], c["code"]) for c in r["changes"])
                for r in self.view.revisions()
            }
            cached = (position, counts)
            self._counts = cached
        return cached[1]

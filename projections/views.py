"""The schedule read model's interface: what the projection writes and the
application reads, whatever the store."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from eventsourcing.persistence import Tracking, TrackingRecorder

from domain.timeline import Fact, Interval


@dataclass(frozen=True)
class ItemStep:
    """One item change to project: its fact, log position, the item's intervals
    after it, and its record time."""

    fact: Fact
    position: int
    intervals: Sequence[Interval]
    recorded_at: datetime


class ScheduleView(TrackingRecorder, ABC):
    """Every item's validity intervals, bitemporally, plus the revisions index."""

    @abstractmethod
    def record_item_changes(self, steps: Sequence[ItemStep], last: Tracking) -> None:
        """For each step in order: store its fact and make its intervals the
        item's current history, as of its record time."""

    @abstractmethod
    def current_facts(self, codes: Collection[str]) -> dict[str, list[Fact]]:
        """Each code's facts not retracted, in record order ([] when none)."""

    @abstractmethod
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
        """Retract the revision's facts of `code`, store `facts` in their place."""

    @abstractmethod
    def record_revision(self, row: dict[str, Any], tracking: Tracking) -> None: ...

    @abstractmethod
    def correct_revision(
        self,
        revision_id: str,
        changes: list[dict[str, Any]],
        correction: dict[str, Any],
        tracking: Tracking,
    ) -> None: ...

    @abstractmethod
    def set_revision_status(
        self,
        revision_id: str,
        status: str,
        effective_from: date | None,
        tracking: Tracking,
    ) -> None: ...

    @abstractmethod
    def facts(self, code: str, known_at: datetime | None = None) -> list[Fact]:
        """The item's facts in record order, those recorded by `known_at`."""

    @abstractmethod
    def interval_records(self) -> list[tuple[str, str | None, Interval]]:
        """Every interval row ever written, with its record span: (recorded_from,
        recorded_to or None while current, interval)."""

    @abstractmethod
    def intervals_of(
        self, codes: Sequence[str] | None, known_at: datetime | None
    ) -> list[Interval]:
        """The histories of `codes` (None: every item) as recorded at `known_at`."""

    @abstractmethod
    def codes_changed_after(self, position: int) -> set[str]:
        """Codes with a fact recorded after log position `position`."""

    @abstractmethod
    def revisions(self, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """The revisions as recorded (those named in `ids`), oldest record first."""

    @abstractmethod
    def publications(self) -> list[dict[str, Any]]:
        """Every revision without its changes (id, title, source, status,
        effective_from, recorded_at, recorded_by), oldest record first."""

    @abstractmethod
    def recorded_by(self) -> dict[str, str]:
        """Who recorded each revision, by id (without reading their changes)."""

    @abstractmethod
    def fact_rows(
        self, code: str | None = None, codes_between: tuple[date, date] | None = None
    ) -> list[dict[str, Any]]:
        """Facts with their position and record time: of one code, of every code
        with a fact effective in `codes_between`, or (both None) all."""

    @abstractmethod
    def chain_head(self) -> tuple[int, str] | None:
        """The last chained position and its hash."""

    @abstractmethod
    def append_chain(self, links: Sequence[tuple[int, str]]) -> None: ...

    @abstractmethod
    def chain_links(self, after: int, limit: int) -> list[tuple[int, str]]: ...

    @abstractmethod
    def record_claim(self, row: dict[str, Any], tracking: Tracking) -> None: ...

    @abstractmethod
    def claims_of_patient(self, patient: str) -> list[dict[str, Any]]:
        """The stored claims of one patient, by first line date."""

    @abstractmethod
    def claims_between(
        self, start: date, end: date, batch: int = 500
    ) -> Iterator[dict[str, Any]]:
        """Stored claims with a line dated in [start, end], oldest record first."""

    @abstractmethod
    def dump(self) -> list[tuple[Any, ...]]:
        """Every stored interval row, for comparing a rebuild with the original."""

    @abstractmethod
    def batch(self, last: Tracking) -> AbstractContextManager[None]:
        """One transaction for many events, tracked once at `last`."""

    @abstractmethod
    def drop(self) -> None:
        """Forget everything projected (and the tracking), for a rebuild."""

"""The use cases: record revisions, answer what was in force on a date."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Notification
from eventsourcing.postgres import PostgresFactory

from domain.chain import GENESIS, link
from domain.changes import Change, change_from_dict
from domain.claim_records import StoredClaim
from domain.claims import Claim, ClaimLine, PricedClaim, price_claim
from domain.errors import (
    ItemNotFoundError,
    QueryRefusedError,
    RevisionConflictError,
    UnknownRevisionError,
)
from domain.fee_items import FeeItem
from domain.revisions import Revision, RevisionDraft, apply_changes
from domain.revisions import correct as correct_revision
from domain.rulebook import RuleBook
from domain.timeline import Fact, Interval, intervals
from projections.rows import from_instant
from projections.schedule import ScheduleProjection, catch_up
from projections.stores import PostgresScheduleView, SQLiteScheduleView
from projections.views import ScheduleView
from service import transcodings
from service.api.history import diff, history_entries, within
from service.masters import (
    MasterFile,
    MasterOrderError,
    is_master_file,
    master_revision,
    read_master_name,
    retraction_reason,
    retractions,
)
from service.settings import startup_lock

__all__ = ["FeeSchedule", "Recorded", "RevisionDraft"]

SAVE_ATTEMPTS = 5  # a version conflict with a concurrent writer is retried


@dataclass(frozen=True)
class Recorded:
    """What recording a revision did: the events written and the log position."""

    id: str
    created: bool
    position: int
    events: list[dict[str, Any]] = field(default_factory=list)


class FeeSchedule(Application[UUID]):
    """Records revisions of the fee schedule and answers as-of questions."""

    name = "kaitei"

    def __init__(self, env: dict[str, str] | None = None) -> None:
        with startup_lock(env or {}):
            self._start(env)

    def _start(self, env: dict[str, str] | None) -> None:
        super().__init__(env)
        view_class = (
            PostgresScheduleView
            if isinstance(self.factory, PostgresFactory)
            else SQLiteScheduleView
        )
        self.view = cast(ScheduleView, self.factory.tracking_recorder(view_class))
        self.projection = ScheduleProjection(view=self.view)
        self._catching_up = threading.Lock()
        self._current = RuleBook()  # what is recorded now, up to _current_position
        self._current_position = -1  # nothing loaded yet
        self._chained = -1  # the hash chain is known to reach this position
        self.catch_up()

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcodings.register(transcoder)

    def catch_up(self) -> int:
        """Bring the read model up to the last recorded event."""
        with self._catching_up:
            last = self.recorder.max_notification_id() or 0
            if last == self._current_position == self._chained:
                return 0  # one query: nothing new since this process last looked
            processed, reached = catch_up(self, self.projection)
            self._refresh_current(reached)
            if reached > self._chained:
                self._chain_up()
            return processed

    def rebuild(self) -> int:
        """Drop the read model and project every event again."""
        with self._catching_up:
            self.view.drop()
            self._current, self._current_position = RuleBook(), -1
            processed, reached = catch_up(self, self.projection)
            self._refresh_current(reached)
            return processed

    def _refresh_current(self, position: int) -> None:
        """Reload into memory the histories of items changed since last time."""
        if position == self._current_position:
            return
        if self._current_position <= 0:
            self._current = RuleBook.of(self.view.intervals_of(None, None))
        else:
            codes = sorted(self.view.codes_changed_after(self._current_position))
            fresh: dict[str, list[Interval]] = {code: [] for code in codes}
            for interval in self.view.intervals_of(codes, None):
                fresh[interval.state.code].append(interval)
            self._current = self._current.with_items(fresh)
        self._current_position = position

    def _chain_up(self, batch: int = 1000) -> None:
        """Hash every event not yet chained onto the chain (any process may)."""
        for _ in range(SAVE_ATTEMPTS):
            head = self.view.chain_head()
            position, previous = head or (0, GENESIS)
            try:
                while True:
                    events = self.recorder.select_notifications(
                        start=position + 1, limit=batch
                    )
                    if not events:
                        self._chained = position
                        return
                    links = []
                    for n in events:
                        previous = _link(previous, n)
                        links.append((n.id, previous))
                    self.view.append_chain(links)
                    position = events[-1].id
            except IntegrityError:
                continue  # another process chained the same events first

    def verify(self, batch: int = 1000) -> dict[str, Any]:
        """Recompute the hash chain over the stored events; name the first event
        whose content, or whose place in the log, does not match its link."""
        self.catch_up()
        with self._catching_up:
            self._chain_up()
        previous, after, count = GENESIS, 0, 0
        while True:
            events = self.recorder.select_notifications(start=after + 1, limit=batch)
            links = self.view.chain_links(after, len(events) or 1)
            if not events and not links:
                return {"ok": True, "events": count}
            for i, (position, digest) in enumerate(links):
                event = events[i] if i < len(events) else None
                if event is None or event.id != position:
                    return _bad(count, position, event, "an event was removed or moved")
                previous = _link(previous, event)
                if previous != digest:
                    return _bad(count, position, event, "its content does not match")
                count += 1
            after = links[-1][0]

    def position(self) -> int:
        return self.recorder.max_notification_id() or 0

    # Commands

    def record_revision(self, draft: RevisionDraft, recorded_by: str) -> Recorded:
        """Record all of a revision's changes, or none; resubmission is a no-op."""
        for _ in range(SAVE_ATTEMPTS):
            try:
                return self._record_once(draft, recorded_by)
            except IntegrityError:
                continue  # another writer saved the same item first: re-validate
        raise RevisionConflictError(
            f"revision {draft.id!r}: the items it changes kept being changed by "
            "concurrent writers; nothing was recorded, submit it again"
        )

    def _record_once(self, draft: RevisionDraft, recorded_by: str) -> Recorded:
        existing = self._revision_or_none(draft.id)
        if existing is not None:
            return self._resubmitted(existing, draft)
        now = datetime.now(UTC)
        revision = Revision.record(
            draft.id,
            draft.title,
            draft.source,
            draft.status,
            draft.effective_from,
            draft.changes,
            recorded_by,
            now,
        )
        items = apply_changes(revision, self._item_or_none, now)
        if draft.status != "enacted":
            items = []  # a proposal is checked now but changes nothing until enacted
        return self._saved(draft.id, revision, *items)

    def _resubmitted(self, existing: Revision, draft: RevisionDraft) -> Recorded:
        if existing.says_the_same_as(
            draft.title, draft.source, draft.status, draft.effective_from, draft.changes
        ):
            return Recorded(draft.id, created=False, position=self.position())
        raise RevisionConflictError(
            f"revision {draft.id!r} is already recorded with another body; "
            "use a new id, or POST /revisions/{id}/corrections"
        )

    def enact(
        self, revision_id: str, effective_from: date | None, recorded_by: str
    ) -> Recorded:
        """A proposal becomes law: its changes are recorded on their items."""
        for _ in range(SAVE_ATTEMPTS):
            revision = self.revision(revision_id)
            now = datetime.now(UTC)
            revision.enact(effective_from, recorded_by, now)
            items = apply_changes(revision, self._item_or_none, now)
            try:
                return self._saved(revision_id, revision, *items)
            except IntegrityError:
                continue
        raise RevisionConflictError(f"revision {revision_id!r}: concurrent writers")

    def correct(
        self,
        revision_id: str,
        reason: str,
        source: str,
        changes: tuple[Change, ...],
        recorded_by: str,
    ) -> Recorded:
        """Replace what a recorded revision says, from now on in record time."""
        for _ in range(SAVE_ATTEMPTS):
            revision = self.revision(revision_id)
            now = datetime.now(UTC)
            items = correct_revision(
                revision, reason, source, changes, recorded_by, self._item_or_none, now
            )
            try:
                return self._saved(revision_id, revision, *items)
            except IntegrityError:
                continue
        raise RevisionConflictError(f"revision {revision_id!r}: concurrent writers")

    def withdraw(self, revision_id: str, recorded_by: str) -> Recorded:
        revision = self.revision(revision_id)
        revision.withdraw(recorded_by, datetime.now(UTC))
        return self._saved(revision_id, revision)

    def _saved(self, revision_id: str, *aggregates: Aggregate) -> Recorded:
        recordings = self.save(*aggregates)
        self.catch_up()
        events = [_describe(r.domain_event, r.notification.id) for r in recordings]
        return Recorded(
            revision_id,
            created=True,
            position=recordings[-1].notification.id,
            events=events,
        )

    def import_master(
        self, master: MasterFile, effective_from: date | None, recorded_by: str
    ) -> Recorded | None:
        """Record a master file as one revision; None when it changes nothing."""
        self.catch_up()
        imported = {
            r["revision_id"]: r
            for r in self.view.revisions()
            if is_master_file(Path(r["revision_id"]))
        }
        if master.name in imported:
            return Recorded(master.name, created=False, position=self.position())
        later = sorted(
            (name for name in imported if read_master_name(name) > master.published),
            key=read_master_name,
        )
        if later:
            raise MasterOrderError(
                f"{master.name} (published {master.published}) is older than "
                f"{later[-1]}, already imported: import master files in "
                "publication order"
            )
        draft = master_revision(master, self.rules(None), effective_from)
        retracted = retractions(master, list(imported.values()))
        for revision_id, codes, remaining in retracted:
            self.correct(
                revision_id,
                retraction_reason(master.name, codes),
                master.name,
                tuple(change_from_dict(c) for c in remaining),
                recorded_by,
            )
        if not draft.changes and not any(row.kind == "1" for row in master.rows):
            return None
        # A file of 抹消 rows only is still recorded, so importing it again is a no-op.
        return self.record_revision(draft, recorded_by)

    # Queries

    def revision(self, revision_id: str) -> Revision:
        revision = self._revision_or_none(revision_id)
        if revision is None:
            raise UnknownRevisionError(revision_id)
        return revision

    def revisions(self, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        self.catch_up()
        return self.view.revisions(ids)

    def rules(
        self,
        codes: Sequence[str] | None,
        known_at: datetime | None = None,
        scenario: Sequence[str] = (),
    ) -> RuleBook:
        """The histories of `codes` (None: all) as recorded at `known_at`, with
        the proposals named in `scenario` treated as enacted."""
        self.catch_up()
        proposed = self._scenario_facts(scenario, known_at)
        if known_at is None:
            book = self._current
        else:
            book = RuleBook.of(self.view.intervals_of(codes, known_at))
        if not proposed:
            return book
        wanted = (
            proposed
            if codes is None
            else {c: proposed[c] for c in codes if c in proposed}
        )
        return book.with_items(
            {
                code: intervals([*self.view.facts(code, known_at), *extra])
                for code, extra in wanted.items()
            }
        )

    def _scenario_facts(
        self, scenario: Sequence[str], known_at: datetime | None
    ) -> dict[str, list[Fact]]:
        """The changes of the named proposals, as facts recorded after the rest."""
        if not scenario:
            return {}
        recorded = {r["revision_id"]: r for r in self.view.revisions(scenario)}
        facts: dict[str, list[Fact]] = {}
        for revision_id in dict.fromkeys(scenario):
            row = recorded.get(revision_id)
            if row is None or (
                known_at is not None and from_instant(row["recorded_at"]) > known_at
            ):
                raise QueryRefusedError(
                    "scenario", f"scenario: no revision {revision_id!r} is recorded"
                )
            if row["status"] != "proposed":
                raise QueryRefusedError(
                    "scenario",
                    f"scenario: revision {revision_id!r} is {row['status']}, "
                    "not a proposal",
                )
            start = date.fromisoformat(row["effective_from"])
            for change in map(change_from_dict, row["changes"]):
                fact = Fact(
                    change, change.effective_date(start), revision_id, row["source"]
                )
                facts.setdefault(change.code, []).append(fact)
        return facts

    def item(
        self,
        code: str,
        as_of: date,
        known_at: datetime | None,
        scenario: Sequence[str] = (),
    ) -> Interval:
        """The item as in force on `as_of`, as recorded at `known_at` (None: now)."""
        history = self.rules([code], known_at, scenario).history(code)
        found = next((i for i in history if i.covers(as_of)), None)
        if found is None:
            reason = _why_not_in_force(code, as_of, list(history))
            if known_at is not None:
                reason += f" (as recorded at {known_at.isoformat()})"
            raise ItemNotFoundError(reason)
        return found

    def price(
        self,
        claim: Claim,
        known_at: datetime | None = None,
        scenario: Sequence[str] = (),
    ) -> PricedClaim:
        """The claim priced line by line under the rules in force on each date."""
        codes = sorted({line.code for line in claim.lines})
        return price_claim(claim, self.rules(codes, known_at, scenario))

    def store_claims(self, claims: Sequence[Claim], recorded_by: str) -> Recorded:
        """Store claims as billed, all or none; the same claim again is a no-op."""
        now = datetime.now(UTC)
        new: list[StoredClaim] = []
        for claim in claims:
            try:
                stored: StoredClaim = self.repository.get(
                    StoredClaim.create_id(claim.id)
                )
            except AggregateNotFoundError:
                new.append(StoredClaim.record(claim, recorded_by, now))
                continue
            if not stored.says_the_same_as(claim):
                raise RevisionConflictError(
                    f"claim {claim.id!r} is already stored with other lines or "
                    "billed_points; nothing was stored"
                )
        ids = ", ".join(c.id for c in claims)
        if not new:
            return Recorded(ids, created=False, position=self.position())
        try:
            return self._saved(ids, *new)
        except IntegrityError:
            raise RevisionConflictError(
                f"claims {ids}: stored concurrently; nothing was stored, send again"
            ) from None

    def replay(
        self,
        start: date,
        end: date,
        known_at: datetime | None = None,
        scenario: Sequence[str] = (),
    ) -> Iterator[Replayed]:
        """Reprice every stored claim with a line in [start, end]: each against
        what it was billed and against the rules recorded when it was stored."""
        _refuse_backwards(start, end)
        book = self.rules(None, known_at, scenario)
        recorded: BooksAsRecorded | None = None  # read with the first claim
        for row in self.view.claims_between(start, end):
            recorded = recorded or BooksAsRecorded(self.view.interval_records())
            claim = _stored_claim(row)
            codes = {line.code for line in claim.lines}
            then = recorded.at(codes, row["recorded_at"])
            yield Replayed(price_claim(claim, then), price_claim(claim, book))

    def history(self, code: str) -> list[dict[str, Any]]:
        """Every change recorded to an item, oldest effective first."""
        self.catch_up()
        rows = self.view.fact_rows(code=code)
        if not rows:
            raise ItemNotFoundError(f"no item {code} has ever been recorded")
        return history_entries(rows, self.view.recorded_by())

    def changes(self, start: date, end: date) -> list[dict[str, Any]]:
        """Every change effective in [start, end], by date then code."""
        _refuse_backwards(start, end)
        self.catch_up()
        grouped: dict[str, list[dict[str, Any]]] = {}
        for row in self.view.fact_rows(codes_between=(start, end)):
            grouped.setdefault(row["code"], []).append(row)
        recorded_by = self.view.recorded_by()
        found = [
            entry
            for rows in grouped.values()
            for entry in within(history_entries(rows, recorded_by), start, end)
        ]
        return sorted(
            found, key=lambda e: (e["effective_from"], e["code"], e["position"])
        )

    def diff(
        self,
        start: date,
        end: date,
        known_at: datetime | None = None,
        scenario: Sequence[str] = (),
    ) -> dict[str, Any]:
        """What was added, abolished and changed between two dates."""
        _refuse_backwards(start, end)
        book = self.rules(None, known_at, scenario)
        return diff(book.in_force(start), book.in_force(end))

    def schedule(
        self, as_of: date, known_at: datetime | None, scenario: Sequence[str] = ()
    ) -> list[Interval]:
        return self.rules(None, known_at, scenario).in_force(as_of)

    def _revision_or_none(self, revision_id: str) -> Revision | None:
        try:
            revision: Revision = self.repository.get(Revision.create_id(revision_id))
        except AggregateNotFoundError:
            return None
        return revision

    def _item_or_none(self, code: str) -> FeeItem | None:
        try:
            item: FeeItem = self.repository.get(FeeItem.create_id(code))
        except AggregateNotFoundError:
            return None
        return item


class BooksAsRecorded:
    """Rule books as recorded at any instant, from every interval row held in
    memory: replaying many stored claims, each against the rules recorded when it
    was stored, without a query per claim. The same rows as
    `view.intervals_of(codes, known_at)`: recorded_from <= at < recorded_to."""

    def __init__(self, records: Iterable[tuple[str, str | None, Interval]]) -> None:
        self.by_code: dict[str, list[tuple[str, str | None, Interval]]] = {}
        for record in records:
            self.by_code.setdefault(record[2].state.code, []).append(record)

    def at(self, codes: Iterable[str], moment: str) -> RuleBook:
        """The histories of `codes` as recorded at `moment` (an instant's text)."""
        return RuleBook.of(
            interval
            for code in codes
            for start, end, interval in self.by_code.get(code, ())
            if start <= moment and (end is None or end > moment)
        )


@dataclass(frozen=True)
class Replayed:
    """A stored claim priced as when it was stored, and as now (or known_at)."""

    then: PricedClaim
    now: PricedClaim

    @property
    def matched(self) -> bool:
        billed = self.now.billed_points
        return billed is None or billed == self.now.total_points


def _refuse_backwards(start: date, end: date) -> None:
    """A window [start, end] must not end before it starts."""
    if start > end:
        raise QueryRefusedError("from", f"from {start} is after to {end}")


def _stored_claim(row: dict[str, Any]) -> Claim:
    body = row["body"]
    billed = body["billed_points"]
    return Claim(
        row["claim_id"],
        tuple(
            ClaimLine(
                x["code"], date.fromisoformat(x["date"]), x["quantity"], x["disease"]
            )
            for x in body["lines"]
        ),
        None if billed is None else Decimal(billed),
    )


def _link(previous: str, n: Notification) -> str:
    # A store edited by hand may hand back text where bytes were written.
    state = n.state if isinstance(n.state, bytes) else str(n.state).encode()
    return link(
        previous, n.id, str(n.originator_id), n.originator_version, n.topic, state
    )


def _bad(
    count: int, position: int, event: Notification | None, reason: str
) -> dict[str, Any]:
    first_bad: dict[str, Any] = {"position": position, "reason": reason}
    if event is not None:
        first_bad |= {
            "originator_id": str(event.originator_id),
            "originator_version": event.originator_version,
            "topic": event.topic,
        }
    return {"ok": False, "events": count, "first_bad": first_bad}


def _why_not_in_force(code: str, as_of: date, history: list[Interval]) -> str:
    if not history:
        return f"no item {code} has ever been recorded"
    if as_of < history[0].valid_from:
        return (
            f"{code} is not yet in force on {as_of}: "
            f"it is introduced from {history[0].valid_from}"
        )
    ended = [i.valid_to for i in history if i.valid_to and i.valid_to <= as_of]
    abolished = max(ended) if ended else as_of
    again = [i.valid_from for i in history if i.valid_from > as_of]
    reason = (
        f"{code} is not in force on {as_of}: abolished from {abolished} "
        f"(last billable day {abolished - timedelta(days=1)})"
    )
    return reason + (f"; in force again from {again[0]}" if again else "")


def _describe(event: object, position: int) -> dict[str, Any]:
    """One recorded event as the API reports it."""
    described: dict[str, Any] = {
        "type": type(event).__qualname__,
        "position": position,
        "version": getattr(event, "originator_version", None),
        "recorded_at": _iso(getattr(event, "timestamp", None)),
    }
    for key in ("code", "revision_id", "effective_from"):
        if hasattr(event, key):
            value = getattr(event, key)
            described[key] = _iso(value)
    return described


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, date | datetime) else value

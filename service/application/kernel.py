"""The application's core: the event store and its read model, the catch-up that
keeps them together, the rule book held in memory and the hash chain. The use
cases (recording, reading, replaying, auditing) build on it."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder

from domain.fee_items import FeeItem
from domain.revisions import Revision
from projections.schedule import ScheduleProjection, catch_up
from projections.views import ScheduleView
from service.application import transcodings
from service.application.chain import Chain
from service.application.current import CurrentBook
from service.application.results import Recorded, describe
from service.application.watch import ChangeWatch, SQLiteWatch, Watch
from service.store import startup_lock, view_class


class Kernel(Application[UUID]):
    """The store, the read model and the in-memory rule book, kept in step."""

    name = "kaitei"

    def __init__(self, env: dict[str, str] | None = None) -> None:
        with startup_lock(env or {}):
            super().__init__(env)
            view = self.factory.tracking_recorder(view_class(self.factory))
            self.view = cast(ScheduleView, view)
            self.projection = ScheduleProjection(view=self.view)
            self._catching_up = threading.Lock()
            self.current = CurrentBook()  # what is recorded now
            self.chain = Chain(self.recorder, self.view)
            self.watch = change_watch(self.env, self.recorder)
            self.catch_up()
            # a bulk loader (its items cached, never copied) that began on an
            # empty store saved every item there is: one not cached is absent,
            # no query asks (another writer's item fails the save, and the load)
            cache = self.repository.cache
            self._only_cached = (
                cache is not None
                and not self.repository.deepcopy_from_cache
                and self.position() == 0
            )

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcodings.register(transcoder)

    def behind(self) -> bool:
        """Whether something may have been recorded, by any process, since the
        last catch-up. The watch knows without a query: PostgreSQL notifies,
        SQLite's data_version is a local call."""
        return self.current.position != self.chain.reached or self.watch.stale()

    def look(self) -> None:
        """Before a read: catch up if anything may be new."""
        if self.behind():
            self.catch_up()

    def catch_up(self) -> int:
        """Bring the read model, the rule book and the chain up to the last event."""
        with self._catching_up:
            self.watch.clear()  # a commit from now on makes it stale again
            last = self.recorder.max_notification_id() or 0
            if last == self.current.position == self.chain.reached:
                return 0  # one query: nothing new since this process last looked
            processed, reached = catch_up(self, self.projection)
            self.current.refresh(self.view, reached)
            if reached > self.chain.reached:
                self.chain.extend()
            return processed

    def rebuild(self) -> int:
        """Drop the read model and project every event again (the chain stays)."""
        with self._catching_up:
            self.view.drop()
            self.current = CurrentBook()
            processed, reached = catch_up(self, self.projection)
            self.current.refresh(self.view, reached)
            return processed

    def close(self) -> None:
        self.watch.close()
        super().close()

    def position(self) -> int:
        return self.recorder.max_notification_id() or 0

    def _saved(self, ids: str, *aggregates: Aggregate) -> Recorded:
        """Save the aggregates in one transaction and project them."""
        recordings = self.save(*aggregates)
        self.catch_up()
        events = [describe(r.domain_event, r.notification.id) for r in recordings]
        return Recorded(ids, True, recordings[-1].notification.id, events)

    def _revision_or_none(self, revision_id: str) -> Revision | None:
        try:
            revision: Revision = self.repository.get(Revision.create_id(revision_id))
        except AggregateNotFoundError:
            return None
        return revision

    def _item_or_none(self, code: str) -> FeeItem | None:
        item_id = FeeItem.create_id(code)
        if self._only_cached:
            assert self.repository.cache is not None
            try:
                return cast(FeeItem, self.repository.cache.get(item_id))
            except KeyError:
                return None
        try:
            item: FeeItem = self.repository.get(item_id)
        except AggregateNotFoundError:
            return None
        return item


def change_watch(env: Mapping[str, str], recorder: object) -> Watch:
    """A watch on the store's commits: PostgreSQL's events table, or SQLite's file."""
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.sqlite":
        return SQLiteWatch(env["SQLITE_DBNAME"])
    connect = {
        "dbname": env["POSTGRES_DBNAME"],
        "host": env["POSTGRES_HOST"],
        "port": int(env["POSTGRES_PORT"]),
        "user": env["POSTGRES_USER"],
        "password": env.get("POSTGRES_PASSWORD", ""),
        "connect_timeout": 5,
    }
    table = str(getattr(recorder, "events_table_name", "kaitei_events"))
    return ChangeWatch(connect, env.get("POSTGRES_SCHEMA", "public"), table)

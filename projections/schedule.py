"""The schedule projection: item events become intervals, revisions an index."""

from __future__ import annotations

import json
from functools import singledispatchmethod
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.projection import Projection

from domain.changes import change_to_dict
from domain.claim_records import StoredClaim
from domain.fee_items import FeeItem
from domain.revisions import Revision
from domain.timeline import intervals
from projections.rows import instant
from projections.views import ScheduleView


class ScheduleProjection(Projection[ScheduleView]):
    """Keeps every item's validity intervals and the list of revisions."""

    name = "schedule"

    @singledispatchmethod
    def process_event(self, _: object, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    @process_event.register
    def item_introduced(self, event: FeeItem.Introduced, tracking: Tracking) -> None:
        self._item_changed(event, tracking)

    @process_event.register
    def item_changed(self, event: FeeItem.ItemChanged, tracking: Tracking) -> None:
        self._item_changed(event, tracking)

    def _item_changed(
        self, event: FeeItem.Introduced | FeeItem.ItemChanged, tracking: Tracking
    ) -> None:
        fact = event.as_fact()
        history = intervals([*self.view.facts(event.code), fact])
        self.view.record_item_change(fact, history, event.timestamp, tracking)

    @process_event.register
    def item_corrected(
        self, event: FeeItem.RevisionCorrected, tracking: Tracking
    ) -> None:
        kept = [f for f in self.view.facts(event.code) if f.revision != event.revision]
        new = event.new_facts()
        self.view.record_item_correction(
            event.code,
            event.revision,
            event.reason,
            new,
            intervals([*kept, *new]),
            event.timestamp,
            tracking,
        )

    @process_event.register
    def revision_corrected(self, event: Revision.Corrected, tracking: Tracking) -> None:
        self.view.correct_revision(
            event.revision_id,
            [change_to_dict(c) for c in event.changes],
            {
                "reason": event.reason,
                "source": event.source,
                "recorded_at": instant(event.timestamp),
                "recorded_by": event.recorded_by,
            },
            tracking,
        )

    @process_event.register
    def revision_recorded(self, event: Revision.Recorded, tracking: Tracking) -> None:
        self.view.record_revision(
            {
                "revision_id": event.revision_id,
                "title": event.title,
                "source": event.source,
                "status": event.status,
                "effective_from": event.effective_from.isoformat(),
                "changes": [change_to_dict(c) for c in event.changes],
                "recorded_at": instant(event.timestamp),
                "recorded_by": event.recorded_by,
            },
            tracking,
        )

    @process_event.register
    def claim_recorded(self, event: StoredClaim.Recorded, tracking: Tracking) -> None:
        dates = [line.date.isoformat() for line in event.lines]
        self.view.record_claim(
            {
                "claim_id": event.claim_id,
                "first_date": min(dates),
                "last_date": max(dates),
                "body": json.dumps(
                    {
                        "lines": [
                            {
                                "code": x.code,
                                "date": x.date.isoformat(),
                                "quantity": x.quantity,
                                "disease": x.disease,
                            }
                            for x in event.lines
                        ],
                        "billed_points": None
                        if event.billed_points is None
                        else str(event.billed_points),
                        "recorded_by": event.recorded_by,
                    },
                    ensure_ascii=False,
                ),
                "recorded_at": instant(event.timestamp),
            },
            tracking,
        )

    @process_event.register
    def revision_enacted(self, event: Revision.Enacted, tracking: Tracking) -> None:
        self.view.set_revision_status(
            event.revision_id, "enacted", event.effective_from, tracking
        )

    @process_event.register
    def revision_withdrawn(self, event: Revision.Withdrawn, tracking: Tracking) -> None:
        self.view.set_revision_status(event.revision_id, "withdrawn", None, tracking)


def catch_up(
    app: Application[Any], projection: ScheduleProjection, batch_size: int = 500
) -> tuple[int, int]:
    """Process every notification the view has not tracked yet.

    Returns how many this call processed and the position the view has reached
    (which other processes sharing the store may have moved too)."""
    processed, refused_at = 0, -1
    while True:
        reached = projection.view.max_tracking_id(app.name) or 0
        notifications = app.recorder.select_notifications(
            start=reached + 1, limit=batch_size, topics=projection.topics
        )
        if not notifications:
            return processed, reached
        events = [app.mapper.to_domain_event(n) for n in notifications]
        try:
            with projection.view.batch(Tracking(app.name, notifications[-1].id)):
                for notification, event in zip(notifications, events, strict=True):
                    projection.process_event(event, Tracking(app.name, notification.id))
        except IntegrityError:
            if refused_at == reached:
                raise  # refused twice at the same position: not a concurrent projector
            refused_at = reached
            continue  # another process projected them first: read the position again
        processed += len(notifications)

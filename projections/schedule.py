"""The schedule projection: item events become intervals, revisions an index."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import singledispatchmethod
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.projection import Projection

from domain.changes import change_to_dict
from domain.fee_items import FeeItem
from domain.revisions import Revision
from domain.stored_claims import StoredClaim
from domain.timeline import intervals
from projections.rows import instant
from projections.views import ItemStep, ScheduleView

ItemEvent = FeeItem.Introduced | FeeItem.ItemChanged


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

    def _item_changed(self, event: ItemEvent, tracking: Tracking) -> None:
        self.process_item_events([(event, tracking)])

    def process_item_events(self, run: Sequence[tuple[ItemEvent, Tracking]]) -> None:
        """Item changes in log order, projected together: each item's facts are
        read once, and each change's intervals follow from the facts before it."""
        facts = self.view.current_facts({event.code for event, _ in run})
        steps = []
        for event, tracking in run:
            fact = event.as_fact()
            facts[event.code].append(fact)
            steps.append(
                ItemStep(
                    fact,
                    tracking.notification_id,
                    intervals(facts[event.code]),
                    event.timestamp,
                )
            )
        self.view.record_item_changes(steps, run[-1][1])

    def process_events(self, pairs: Sequence[tuple[object, Tracking]]) -> None:
        """Events in log order; each run of item changes goes in one step."""
        run: list[tuple[ItemEvent, Tracking]] = []
        for event, tracking in pairs:
            if isinstance(event, ItemEvent):
                run.append((event, tracking))
                continue
            if run:
                self.process_item_events(run)
                run = []
            self.process_event(event, tracking)
        if run:
            self.process_item_events(run)

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
                        "patient": event.patient,
                        "admission": event.admission,
                    },
                    ensure_ascii=False,
                ),
                "recorded_at": instant(event.timestamp),
                "patient": event.patient,
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
                projection.process_events(
                    [
                        (event, Tracking(app.name, notification.id))
                        for notification, event in zip(
                            notifications, events, strict=True
                        )
                    ]
                )
        except IntegrityError:
            if refused_at == reached:
                raise  # refused twice at the same position: not a concurrent projector
            refused_at = reached
            continue  # another process projected them first: read the position again
        processed += len(notifications)

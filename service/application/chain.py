"""The tamper-evident record kept beside the events: extended by whichever
process catches up first, verified on demand."""

from __future__ import annotations

from eventsourcing.persistence import (
    ApplicationRecorder,
    IntegrityError,
    Notification,
)

from domain.chain import GENESIS, link
from projections.views import ScheduleView
from service.application.results import BrokenLink, Verification

ATTEMPTS = 5  # another process chaining the same events first is retried
BATCH = 1000


class Chain:
    """SHA-256 links over every stored event, in the read model's chain table."""

    def __init__(self, recorder: ApplicationRecorder, view: ScheduleView) -> None:
        self.recorder, self.view = recorder, view
        self.reached = -1  # the chain is known to reach this position

    def extend(self) -> None:
        """Hash every event not yet chained onto the chain (any process may)."""
        for _ in range(ATTEMPTS):
            position, previous = self.view.chain_head() or (0, GENESIS)
            try:
                while True:
                    events = self.recorder.select_notifications(
                        start=position + 1, limit=BATCH
                    )
                    if not events:
                        self.reached = position
                        return
                    links = []
                    for n in events:
                        previous = _link(previous, n)
                        links.append((n.id, previous))
                    self.view.append_chain(links)
                    position = events[-1].id
            except IntegrityError:
                continue  # another process chained the same events first

    def verify(self) -> Verification:
        """Recompute the chain over the stored events; name the first event whose
        content, or whose place in the log, does not match its link."""
        previous, after, count = GENESIS, 0, 0
        while True:
            events = self.recorder.select_notifications(start=after + 1, limit=BATCH)
            links = self.view.chain_links(after, len(events) or 1)
            if not events and not links:
                return Verification(True, count)
            for i, (position, digest) in enumerate(links):
                event = events[i] if i < len(events) else None
                if event is None or event.id != position:
                    return _bad(count, position, event, "an event was removed or moved")
                previous = _link(previous, event)
                if previous != digest:
                    return _bad(count, position, event, "its content does not match")
                count += 1
            after = links[-1][0]


def _link(previous: str, n: Notification) -> str:
    # A store edited by hand may hand back text where bytes were written.
    state = n.state if isinstance(n.state, bytes) else str(n.state).encode()
    return link(
        previous, n.id, str(n.originator_id), n.originator_version, n.topic, state
    )


def _bad(
    count: int, position: int, event: Notification | None, reason: str
) -> Verification:
    if event is None:
        return Verification(False, count, BrokenLink(position, reason))
    return Verification(
        False,
        count,
        BrokenLink(
            position,
            reason,
            str(event.originator_id),
            event.originator_version,
            event.topic,
        ),
    )

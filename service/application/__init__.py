"""The use cases: record revisions and claims, answer what was in force on a date,
replay claims, audit the record. Imports `domain` and `projections` only."""

from __future__ import annotations

from domain.revisions import RevisionDraft
from service.application.auditing import Auditing
from service.application.recording import Recording
from service.application.replaying import BooksAsRecorded, Replaying
from service.application.results import Recorded
from service.application.sources import Sources

__all__ = ["BooksAsRecorded", "FeeSchedule", "Recorded", "RevisionDraft"]


class FeeSchedule(Recording, Replaying, Auditing, Sources):
    """Records revisions of the fee schedule and answers as-of questions."""

    name = "kaitei"  # eventsourcing names an application after its class otherwise

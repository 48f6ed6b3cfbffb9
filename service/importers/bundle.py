"""The bundled publications a fresh store starts from (`data/revisions/`)."""

from __future__ import annotations

from service.application import FeeSchedule
from service.application.context import os_user
from service.importers.documents import bundled_documents, read_document


def load_bundle(schedule: FeeSchedule) -> int:
    """Record the bundled revisions into an empty store; how many were recorded."""
    if schedule.position():
        return 0
    for path in bundled_documents():
        schedule.record_revision(read_document(path), os_user())
    return len(bundled_documents())

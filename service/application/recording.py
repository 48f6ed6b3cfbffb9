"""Recording: revisions (record, enact, correct, withdraw) and claims as billed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.changes import Change
from domain.claims import Claim
from domain.errors import RevisionConflictError, UnknownRevisionError
from domain.revisions import Revision, RevisionDraft, apply_changes
from domain.revisions import correct as correct_revision
from domain.stored_claims import StoredClaim
from service.application.kernel import Kernel
from service.application.results import Recorded

SAVE_ATTEMPTS = 5  # a version conflict with a concurrent writer is retried


class Recording(Kernel):
    """Commands: load, call the domain, save all or nothing, return what was done."""

    def record_revision(self, draft: RevisionDraft, recorded_by: str) -> Recorded:
        """Record all of a revision's changes, or none; resubmission is a no-op."""
        return self._retried(
            draft.id,
            lambda: self._record_once(draft, recorded_by),
            "the items it changes kept being changed by concurrent writers; "
            "nothing was recorded, submit it again",
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

        def once() -> Recorded:
            revision = self.revision(revision_id)
            now = datetime.now(UTC)
            revision.enact(effective_from, recorded_by, now)
            items = apply_changes(revision, self._item_or_none, now)
            return self._saved(revision_id, revision, *items)

        return self._retried(revision_id, once, "concurrent writers")

    def correct(
        self,
        revision_id: str,
        reason: str,
        source: str,
        changes: tuple[Change, ...],
        recorded_by: str,
    ) -> Recorded:
        """Replace what a recorded revision says, from now on in record time."""

        def once() -> Recorded:
            revision = self.revision(revision_id)
            now = datetime.now(UTC)
            items = correct_revision(
                revision, reason, source, changes, recorded_by, self._item_or_none, now
            )
            return self._saved(revision_id, revision, *items)

        return self._retried(revision_id, once, "concurrent writers")

    def withdraw(self, revision_id: str, recorded_by: str) -> Recorded:
        revision = self.revision(revision_id)
        revision.withdraw(recorded_by, datetime.now(UTC))
        return self._saved(revision_id, revision)

    def revision(self, revision_id: str) -> Revision:
        revision = self._revision_or_none(revision_id)
        if revision is None:
            raise UnknownRevisionError(revision_id)
        return revision

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

    def _retried(self, ids: str, once: Callable[[], Recorded], why: str) -> Recorded:
        """`once` again while another writer saved the same aggregate first."""
        for _ in range(SAVE_ATTEMPTS):
            try:
                return once()
            except IntegrityError:
                if not self.repository.deepcopy_from_cache:
                    raise  # its cache holds the unsaved changes: no retry here
                continue  # re-validate against what the other writer saved
        raise RevisionConflictError(f"revision {ids!r}: {why}")

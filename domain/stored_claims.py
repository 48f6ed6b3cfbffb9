"""A claim as billed, stored so that it can be repriced after the rules change."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.claims import Claim, ClaimLine


class StoredClaim(Aggregate):
    """One レセプト exactly as submitted, with what was billed."""

    class Recorded(Aggregate.Created):
        class_version = 2

        claim_id: str
        lines: tuple[ClaimLine, ...]
        billed_points: Decimal | None
        recorded_by: str
        patient: str | None
        admission: str | None

        @staticmethod
        def upcast_v1_v2(stored: dict[str, object]) -> None:
            """Version 1 knew no patient."""
            stored["patient"] = None
            stored["admission"] = None

    def __init__(
        self,
        claim_id: str,
        lines: tuple[ClaimLine, ...],
        billed_points: Decimal | None,
        recorded_by: str,
        patient: str | None,
        admission: str | None,
    ) -> None:
        self.claim_id = claim_id
        self.lines = tuple(lines)
        self.billed_points = billed_points
        self.recorded_by = recorded_by
        self.patient = patient
        self.admission = admission

    @staticmethod
    def create_id(claim_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/kaitei/claims/{claim_id}")

    @classmethod
    def record(cls, claim: Claim, recorded_by: str, timestamp: datetime) -> StoredClaim:
        return cls._create(
            cls.Recorded,
            id=cls.create_id(claim.id),
            timestamp=timestamp,
            claim_id=claim.id,
            lines=tuple(claim.lines),
            billed_points=claim.billed_points,
            recorded_by=recorded_by,
            patient=claim.patient,
            admission=claim.admission,
        )

    def as_claim(self) -> Claim:
        return Claim(
            self.claim_id, self.lines, self.billed_points, self.patient, self.admission
        )

    def says_the_same_as(self, claim: Claim) -> bool:
        return self.as_claim() == claim

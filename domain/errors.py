"""The domain's one error family: every refusal names the value it refuses."""

from __future__ import annotations

from datetime import date


class DomainError(Exception):
    """A rule was violated; the caller can correct the request."""


class ChangeRefusedError(DomainError, ValueError):
    """One change of a revision cannot be applied; names the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.index: int | None = None


class ItemAlreadyInForceError(ChangeRefusedError):
    """`introduce` of an item that is already in force on that date."""

    def __init__(self, code: str, effective_from: date) -> None:
        super().__init__(
            "code", f"{code} is already in force on {effective_from}: use revise"
        )


class ItemNotInForceError(ChangeRefusedError):
    """A change to an item that is not in force on its effective date."""

    def __init__(self, code: str, op: str, effective_from: date) -> None:
        super().__init__(
            "code", f"{op} of {code}: no such item in force on {effective_from}"
        )


class UnknownRevisionError(DomainError, LookupError):
    """No revision is recorded under this id."""

    def __init__(self, revision_id: str) -> None:
        super().__init__(f"no revision {revision_id!r} is recorded")


class RevisionConflictError(DomainError):
    """The same revision id was recorded with another body, or state moved on."""


class RevisionStatusError(DomainError):
    """The revision's status does not allow this step (enact twice, withdrawn)."""


class ItemNotFoundError(DomainError, LookupError):
    """No item is in force under this code on the date asked; says why (and,
    for a 区分番号, which codes it files that day)."""

    def __init__(self, message: str, codes: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.codes = codes


class QueryRefusedError(DomainError, ValueError):
    """A query parameter names something kaitei cannot use (e.g. `scenario`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class MasterRowError(DomainError, ValueError):
    """A master file's row cannot be applied to what is recorded; names the row."""


class MasterOrderError(DomainError):
    """A master file older than one already imported: order matters."""


class TableRowError(DomainError, ValueError):
    """A 医科電子点数表 file or row cannot be recorded; names file, line and field."""

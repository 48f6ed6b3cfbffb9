"""Reading: the rule book as recorded at an instant (with scenarios), an item or
the whole schedule on a date, the diff of two dates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from domain.errors import ItemNotFoundError
from domain.lookup import filed_under, is_kubun, search
from domain.rulebook import RuleBook
from domain.timeline import Fact, Interval, intervals, refuse_backwards
from service.application.history import diff, named
from service.application.kernel import Kernel
from service.application.results import Diff
from service.application.scenarios import scenario_facts


class Reading(Kernel):
    """Queries in valid time (`as_of`) and record time (`known_at`)."""

    def rules(
        self,
        codes: Sequence[str] | None,
        known_at: datetime | None = None,
        scenario: Sequence[str] = (),
    ) -> RuleBook:
        """The histories of `codes` (None: all) as recorded at `known_at`, with
        the proposals named in `scenario` treated as enacted."""
        self.look()
        proposed = scenario_facts(self.view, scenario, known_at)
        if known_at is None:
            book = self.current.book
        else:
            book = RuleBook.of(self.view.intervals_of(codes, known_at))
        wanted = (
            proposed
            if codes is None
            else {c: proposed[c] for c in codes if c in proposed}
        )
        if not wanted:
            return book
        return book.with_items(
            {
                code: intervals([*self.view.facts(code, known_at), *extra])
                for code, extra in wanted.items()
            }
        )

    def item(
        self,
        code: str,
        as_of: date,
        known_at: datetime | None,
        scenario: Sequence[str] = (),
    ) -> Interval:
        """The item as in force on `as_of`, as recorded at `known_at` (None: now)."""
        book = self.rules([code], known_at, scenario)
        found = book.on(code, as_of)
        if found is None:
            if not book.history(code) and is_kubun(code):
                self._refuse_kubun(code, as_of, known_at, scenario)
            reason = book.why_not_in_force(code, as_of)
            if known_at is not None:
                reason += f" (as recorded at {known_at.isoformat()})"
            raise ItemNotFoundError(reason)
        return found

    def _refuse_kubun(
        self,
        kubun: str,
        as_of: date,
        known_at: datetime | None,
        scenario: Sequence[str],
    ) -> None:
        """A 区分番号 asked for as a code: name the codes it files that day."""
        filed = filed_under(kubun, self.schedule(as_of, known_at, scenario))
        if not filed:
            raise ItemNotFoundError(
                f"no item {kubun} has ever been recorded, and no item in force on "
                f"{as_of} is filed under it as its 区分番号"
            )
        named = ", ".join(f"{i.state.code} {i.state.name}" for i in filed[:10])
        more = f" and {len(filed) - 10} more" if len(filed) > 10 else ""
        raise ItemNotFoundError(
            f"{kubun} is a 区分番号, not an item code: on {as_of} it files "
            f"{named}{more}; ask for one of these codes, or search for {kubun}",
            tuple(i.state.code for i in filed),
        )

    def search(
        self,
        query: str,
        as_of: date,
        known_at: datetime | None = None,
        scenario: Sequence[str] = (),
    ) -> list[Interval]:
        """The items in force on `as_of` that `query` finds, best first: a
        9-digit code, a 区分番号 or its start, or a part of the name."""
        return search(query, self.schedule(as_of, known_at, scenario))

    def schedule(
        self, as_of: date, known_at: datetime | None, scenario: Sequence[str] = ()
    ) -> list[Interval]:
        return self.rules(None, known_at, scenario).in_force(as_of)

    def diff(
        self,
        start: date,
        end: date,
        known_at: datetime | None = None,
        scenario: Sequence[str] = (),
    ) -> Diff:
        """What was added, abolished and changed between two dates."""
        refuse_backwards(start, end)
        book = self.rules(None, known_at, scenario)
        found = diff(book.in_force(start), book.in_force(end))
        codes = {change.code for change in found.changed}
        return named(found, self._facts(codes, known_at, scenario), start, end)

    def _facts(
        self, codes: set[str], known_at: datetime | None, scenario: Sequence[str]
    ) -> dict[str, list[Fact]]:
        """The facts of `codes` as known at `known_at`, with a scenario's."""
        if known_at is None:
            facts = self.view.current_facts(codes)
        else:
            facts = {code: self.view.facts(code, known_at) for code in codes}
        for code, extra in scenario_facts(self.view, scenario, known_at).items():
            if code in facts:
                facts[code] = [*facts[code], *extra]
        return facts

    def revisions(self, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """The revisions as recorded (rows of the read model), oldest first."""
        self.look()
        return self.view.revisions(ids)

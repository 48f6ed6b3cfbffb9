"""`kaitei item|search|sources|schedule|history|diff`: the schedule on a date,
where it comes from, and how it changed."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from service.application.context import today_in_japan
from service.cli.common import (
    SCENARIO_HELP,
    as_date,
    as_instant,
    console,
    fail,
    items_table,
    normalise,
    note_if_beyond,
    opened,
    scenario_ids,
)
from service.contract.audit import field_json, history_json
from service.contract.diff_sheet import (
    KINDS,
    changed_codes,
    diff_rows,
    diff_sheet,
    wanted,
)
from service.contract.items import ItemAnswer, ItemOut, SearchOut, item_json
from service.contract.sheets import ENCODINGS
from service.contract.sources import SourceOut, SourcesOut
from service.contract.tables import schedule_csv
from service.contract.words import change_text, op_word
from service.settings import Settings, store_name

AsOf = Annotated[str, typer.Option("--as-of", help="YYYY-MM-DD, 2024/6/3 or 和暦")]
AsOfToday = Annotated[
    str | None,
    typer.Option("--as-of", help="YYYY-MM-DD, 2024/6/3 or 和暦; default today (Japan)"),
]
KnownAt = Annotated[str | None, typer.Option("--known-at")]
Scenario = Annotated[str | None, typer.Option(help=SCENARIO_HELP)]
AsJson = Annotated[bool, typer.Option("--json")]
AsCsv = Annotated[bool, typer.Option("--csv", help="CSV on stdout.")]
SheetEncodingOption = Annotated[
    str, typer.Option(help="The CSV's encoding: utf-8 (with BOM) or cp932.")
]


def item(
    code: str,
    as_of: AsOfToday = None,
    known_at: KnownAt = None,
    scenario: Scenario = None,
    as_json: AsJson = False,
) -> None:
    """One item as in force on a date (default today, as the API)."""
    day = as_date(as_of) if as_of else today_in_japan()
    moment = as_instant(known_at)
    with opened() as schedule:
        found = schedule.item(normalise(code), day, moment, scenario_ids(scenario))
        beyond = note_if_beyond(schedule, day)
    if as_json:
        answer = {**item_json(found), "beyond_data_through": beyond}
        print(ItemAnswer.model_validate(answer).model_dump_json(indent=2))
        return
    console.print(items_table([found], f"{code} as of {as_of}"))


def search(
    query: Annotated[
        str, typer.Argument(help="Code, 区分番号 (or its start) or name.")
    ],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Default today.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    as_json: AsJson = False,
) -> None:
    """Items in force on a date found by code, 区分番号 or a part of the name."""
    day = as_date(as_of) if as_of else today_in_japan()
    with opened() as schedule:
        found = schedule.search(query, day)
        beyond = note_if_beyond(schedule, day)
    if as_json:
        shown = [ItemOut.of(i) for i in found[:limit]]
        out = SearchOut(
            q=query,
            as_of=day,
            count=len(found),
            offset=0,
            beyond_data_through=beyond,
            items=shown,
        )
        print(out.model_dump_json(indent=2))
        return
    title = f"{query!r} on {day}: {len(found)} found" + (
        f", first {limit} shown" if len(found) > limit else ""
    )
    console.print(items_table(found[:limit], title, kubun=True))


def sources(as_json: AsJson = False) -> None:
    """Every publication the store holds, and the date its data runs to."""
    with opened() as schedule:
        held, through = schedule.sources(), schedule.data_through()
        counts = schedule.publication_counts()
        by_master = schedule.data_through_by_master()
    if as_json:
        out = SourcesOut(
            data_through=through,
            data_through_by_master=by_master,
            count=len(held),
            sources=[SourceOut.of(p, counts.get(p.name)) for p in held],
        )
        print(out.model_dump_json(indent=2))
        return
    store = store_name(Settings.from_env().database_url)
    each = ", ".join(f"{m} {d or '—'}" for m, d in by_master.items())
    table = Table(
        title=f"{len(held)} publications, data through {through or '—'} "
        f"({each}; store: {store})"
    )
    for column in ("kind", "name", "published", "effective", "recorded", "by"):
        table.add_column(column)
    table.add_column("新設・変更・廃止", justify="right")
    for p in held:
        c = counts.get(p.name)
        table.add_row(
            p.kind,
            f"{p.name} {p.revision_name}" if p.revision_name else p.name,
            str(p.published or ""),
            str(p.effective_from),
            p.recorded_at.isoformat()[:19],
            p.recorded_by,
            f"{c.introduced}・{c.changed}・{c.abolished}" if c else "",
        )
    console.print(table)


def schedule(
    as_of: AsOf,
    known_at: KnownAt = None,
    scenario: Scenario = None,
    csv: AsCsv = False,
    encoding: SheetEncodingOption = "utf-8",
) -> None:
    """Every item in force on a date."""
    day, moment = as_date(as_of), as_instant(known_at)
    if encoding not in ENCODINGS:
        raise fail(f"--encoding: utf-8 or cp932, not {encoding!r}")
    with opened() as fee_schedule:
        found = fee_schedule.schedule(day, moment, scenario_ids(scenario))
        note_if_beyond(fee_schedule, day)
    if csv:
        sys.stdout.buffer.write(schedule_csv(found, encoding))
        return
    console.print(items_table(found, f"schedule as of {as_of} ({len(found)} items)"))


def history(
    code: str,
    as_json: AsJson = False,
    every: Annotated[
        bool,
        typer.Option(
            "--all", help="Every change, rules and attributes too (default: value)."
        ),
    ] = False,
) -> None:
    """The changes to an item's value, name or being in force, oldest first
    (`--all`: every change recorded to it)."""
    with opened() as schedule:
        found = schedule.history(normalise(code))
    entries = found if every else [e for e in found if e.sets_value]
    if as_json:
        said = [history_json(e) for e in entries]
        print(json.dumps(said, ensure_ascii=False, indent=2))
        return
    hidden = len(found) - len(entries)
    table = Table(
        title=f"history of {normalise(code)}"
        + (f" ({hidden} changes to rules or attributes: --all)" if hidden else "")
    )
    for column in ("effective", "change", "what", "revision", "recorded", "by"):
        table.add_column(column)
    for e in entries:
        table.add_row(
            str(e.effective_from),
            op_word(e.op, code),
            change_text(e),
            f"{e.revision_name} ({e.revision})" if e.revision_name else e.revision,
            e.recorded_at.isoformat()[:19],
            e.recorded_by or "",
        )
    console.print(table)


def diff(
    start: Annotated[str, typer.Argument(help="From date (YYYY-MM-DD or 和暦).")],
    end: Annotated[str, typer.Argument(help="To date.")],
    known_at: KnownAt = None,
    scenario: Scenario = None,
    as_csv: AsCsv = False,
    chapter: Annotated[
        str, typer.Option(help="Only this 章 (A … O; - for no 区分番号).")
    ] = "",
    kind: Annotated[str, typer.Option(help="Only added, abolished or changed.")] = "",
    q: Annotated[str, typer.Option(help="Only codes, 区分番号 or names with it.")] = "",
    encoding: SheetEncodingOption = "utf-8",
) -> None:
    """What was added, abolished and changed between two dates (a 章, a kind of
    change or a name part at a time)."""
    first, last, moment = as_date(start), as_date(end), as_instant(known_at)
    if kind not in ("", *KINDS) or encoding not in ENCODINGS:
        raise fail("--kind: added, abolished or changed; --encoding: utf-8 or cp932")
    with opened() as schedule:
        found = schedule.diff(first, last, moment, scenario_ids(scenario))
        rows = diff_rows(found, schedule.rules(changed_codes(found), moment), last)
        note_if_beyond(schedule, last)
    kept = [r for r in rows if wanted(r, chapter, kind, q)]
    found = found.only({r.code for r in kept}.__contains__)
    if as_csv:
        sys.stdout.buffer.write(diff_sheet(kept, encoding))
        return
    console.print(items_table(found.added, f"added ({len(found.added)})"))
    console.print(items_table(found.abolished, f"abolished ({len(found.abolished)})"))
    table = Table(title=f"changed ({len(found.changed)})")
    for column in ("code", "name", "field", "before", "after", "revision"):
        table.add_column(column)
    for c in found.changed:
        before, after = _shown_change(field_json(c.before), field_json(c.after))
        table.add_row(c.code, c.name, c.field, before, after, c.revision)
    console.print(table)


def _shown_change(before: object, after: object) -> tuple[str, str]:
    """Lists as what left and what joined; other values as they are."""
    if isinstance(before, list) and isinstance(after, list):
        left = [json.dumps(x, ensure_ascii=False) for x in before if x not in after]
        joined = [json.dumps(x, ensure_ascii=False) for x in after if x not in before]
        return " ".join(f"-{x}" for x in left), " ".join(f"+{x}" for x in joined)
    return json.dumps(before, ensure_ascii=False), json.dumps(after, ensure_ascii=False)

"""An item's value over valid time as a step chart: coordinates for an inline
SVG (no script), one step per interval, labelled with its revision."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from domain.timeline import Interval

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 900, 260, 70, 30, 24, 40


@dataclass(frozen=True)
class Step:
    x1: float
    x2: float
    y: float
    value: str
    start: date
    end: date | None
    revision: str
    source: str
    recorded_at: str


@dataclass(frozen=True)
class Chart:
    steps: tuple[Step, ...]
    ticks: tuple[tuple[float, str], ...]  # x, year
    levels: tuple[tuple[float, str], ...]  # y, value
    marker: float | None  # x of the date asked
    ended: bool  # the last step ends (abolished)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: int = HEIGHT - BOTTOM


def chart(
    history: Sequence[Interval], as_of: date, recorded: dict[str, str]
) -> Chart | None:
    """The step chart of `history` (oldest first) around `as_of`."""
    history = merged(history)
    if not history:
        return None
    first = history[0].valid_from
    last = max(
        [i.valid_from for i in history]
        + [i.valid_to for i in history if i.valid_to]
        + [as_of]
    )
    end = last + timedelta(days=max(180, (last - first).days // 10))
    span = max((end - first).days, 1)
    values = [float(i.state.value) for i in history]
    low, high = min(values), max(values)
    pad = (high - low) * 0.15 or max(high * 0.1, 1.0)
    low, high = max(low - pad, 0.0), high + pad

    def x(day: date) -> float:
        inner = WIDTH - LEFT - RIGHT
        return round(LEFT + inner * (day - first).days / span, 1)

    def y(value: float) -> float:
        inner = HEIGHT - TOP - BOTTOM
        return round(TOP + inner * (high - value) / (high - low), 1)

    steps = tuple(
        Step(
            x(i.valid_from),
            x(i.valid_to or end),
            y(float(i.state.value)),
            _value(i),
            i.valid_from,
            i.valid_to,
            i.revision,
            i.source,
            recorded.get(i.revision, ""),
        )
        for i in history
    )
    years = range(first.year + 1, end.year + 1)
    ticks = tuple((x(date(year, 1, 1)), str(year)) for year in years)
    levels = tuple((y(v), _number(v)) for v in sorted(set(values)))
    marker = x(as_of) if first <= as_of <= end else None
    return Chart(
        steps, _thin(ticks), _thin_levels(levels), marker, bool(history[-1].valid_to)
    )


def merged(history: Sequence[Interval]) -> list[Interval]:
    """One step per change of value: contiguous intervals of the same value and
    unit (a rule or a name changed) are one step, named by the first."""
    steps: list[Interval] = []
    for interval in history:
        last = steps[-1] if steps else None
        if (
            last is not None
            and last.valid_to == interval.valid_from
            and (last.state.value, last.state.unit)
            == (interval.state.value, interval.state.unit)
        ):
            steps[-1] = replace(last, valid_to=interval.valid_to)
        else:
            steps.append(interval)
    return steps


def _value(interval: Interval) -> str:
    return _number(float(interval.state.value))


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def _thin(ticks: tuple[tuple[float, str], ...]) -> tuple[tuple[float, str], ...]:
    """At most about ten year labels."""
    every = max(1, len(ticks) // 10 + 1)
    return ticks[::every]


def _thin_levels(
    levels: tuple[tuple[float, str], ...],
) -> tuple[tuple[float, str], ...]:
    """Value labels at least 14 px apart."""
    kept: list[tuple[float, str]] = []
    for level in levels:
        if all(abs(level[0] - k[0]) >= 14 for k in kept):
            kept.append(level)
    return tuple(kept)

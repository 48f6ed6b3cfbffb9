"""The bundle's loader keeps every item in memory and never copies it (issue 25:
a first start within seconds of 30). What it records must be exactly what a
plain application records, event for event, answer for answer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from eventsourcing.persistence import IntegrityError

from domain.errors import DomainError
from service.application import FeeSchedule
from service.contract.items import item_json
from service.importers import bundle
from service.store import bulk_loading_env, eventsourcing_env
from tests.conftest import postgres_schema

STEPS = 14  # the 2022 full file and the 2022 revision's change files


@contextmanager
def second_store(database_url: str, tmp_path: Path) -> Iterator[str]:
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'plain.sqlite3'}"
    else:
        yield from postgres_schema()


def recorded(schedule: FeeSchedule) -> list[tuple[str, int, str]]:
    """Every event: its aggregate, version and kind, in the order recorded."""
    return [
        (str(n.originator_id), n.originator_version, n.topic)
        for n in schedule.recorder.select_notifications(start=1, limit=1_000_000)
    ]


def loaded(env: dict[str, str]) -> tuple[list[tuple[str, int, str]], list[object]]:
    schedule = FeeSchedule(env)
    try:
        for _, _, record in bundle._steps(schedule, "t")[:STEPS]:
            record()
        answers = [
            item_json(i)
            for day in (date(2022, 3, 31), date(2022, 4, 1), date(2022, 6, 1))
            for i in schedule.schedule(day, None)
        ]
        assert schedule.verify().ok
        return recorded(schedule), answers
    finally:
        schedule.close()


def test_the_cached_loader_records_what_a_plain_application_does(
    database_url: str, tmp_path: Path
) -> None:
    with second_store(database_url, tmp_path) as plain_url:
        cached = loaded(bulk_loading_env(database_url))
        plain = loaded(eventsourcing_env(plain_url))
    assert len(cached[0]) > 10_000
    assert cached[0] == plain[0]
    assert cached[1] == plain[1]


def test_a_loader_whose_save_conflicts_is_not_retried(database_url: str) -> None:
    """It takes an item it has not cached for absent: what another writer saved
    fails its revision, and the bundle load resumes through an uncached
    application (`load_bundle_into`)."""
    loader = FeeSchedule(bulk_loading_env(database_url))
    other = FeeSchedule(eventsourcing_env(database_url))
    try:
        steps = {name: record for _, name, record in bundle._steps(loader, "t")}
        theirs = {name: record for _, name, record in bundle._steps(other, "t")}
        theirs["s_ALL20220218.zip"]()  # another writer got there first
        with pytest.raises((DomainError, IntegrityError)):
            steps["s_20220304.csv"]()  # its items are not in the loader's cache
    finally:
        loader.close()
        other.close()

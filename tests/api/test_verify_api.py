"""The hash chain: `GET /audit/verify` and `kaitei verify` catch an edited event."""

from __future__ import annotations

import sqlite3
from urllib.parse import parse_qs, urlsplit

import psycopg
from fastapi.testclient import TestClient
from psycopg import sql

from tests.builders import BASELINE, R6
from tests.conftest import POSTGRES


def tamper(database_url: str, position: int) -> None:
    """Change one stored event behind kaitei's back, as an attacker with SQL would."""
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url[len("sqlite:///") :]) as conn:
            conn.execute(
                "UPDATE stored_events SET state = replace(state, '73', '37') "
                "WHERE rowid = ?",
                (position,),
            )
        return
    schema = parse_qs(urlsplit(database_url).query)["schema"][0]
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(
            sql.SQL(
                "UPDATE {}.kaitei_events SET state = "
                "convert_to(replace(convert_from(state, 'UTF8'), '73', '37'), 'UTF8') "
                "WHERE notification_id = %s"
            ).format(sql.Identifier(schema)),
            (position,),
        )


def test_an_untouched_record_verifies(client: TestClient) -> None:
    client.post("/revisions", json=BASELINE)
    client.post("/revisions", json=R6)

    assert client.get("/audit/verify").json() == {"ok": True, "events": 4}


def test_an_event_edited_in_the_database_is_named(
    client: TestClient, database_url: str
) -> None:
    client.post("/revisions", json=BASELINE)  # positions 1 (revision) and 2 (A001)
    client.post("/revisions", json=R6)
    client.get("/audit/verify")

    tamper(database_url, 2)
    result = client.get("/audit/verify").json()

    assert result["ok"] is False
    assert result["events"] == 1
    assert result["first_bad"]["position"] == 2
    assert result["first_bad"]["topic"] == "domain.fee_items:FeeItem.Introduced"


def test_a_rebuild_keeps_the_chain(client: TestClient, schedule) -> None:
    client.post("/revisions", json=BASELINE)
    schedule.rebuild()

    assert client.get("/audit/verify").json() == {"ok": True, "events": 2}

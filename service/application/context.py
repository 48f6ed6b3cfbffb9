"""What the application takes from the machine it runs on: today (as Japan
reckons it: the fee schedule's dates are Japanese dates) and the user."""

from __future__ import annotations

import getpass
from datetime import date, datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")  # Japan keeps no summer time


def today_in_japan() -> date:
    """The date in Japan now, whatever the server's own time zone."""
    return datetime.now(JST).date()


def os_user() -> str:
    """Who records when no token names a writer: the operating-system user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "anonymous"

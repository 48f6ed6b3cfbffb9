"""Every `KAITEI_*` variable, read once into one typed object (no I/O here)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from platformdirs import user_data_path

MiB = 2**20


class SettingsError(ValueError):
    """A configuration variable has a value kaitei cannot use; names it."""


def default_database_url() -> str:
    """One store wherever a command runs, in the user's data directory:
    $XDG_DATA_HOME/kaitei (~/.local/share/kaitei) on Linux, %LOCALAPPDATA%\\kaitei
    on Windows, ~/Library/Application Support/kaitei on macOS."""
    return f"sqlite:///{user_data_path('kaitei', appauthor=False) / 'kaitei.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    """What kaitei needs to know about its environment."""

    database_url: str = field(default_factory=default_database_url)
    load_bundled: bool = True
    tokens: Mapping[str, str] = field(default_factory=dict)  # name → token
    max_body_bytes: int = 4 * MiB
    max_import_bytes: int = 64 * MiB
    max_claim_lines: int = 2000

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings the variables give (default: this process's)."""
        env = os.environ if env is None else env
        return cls(
            database_url=env.get("KAITEI_DATABASE_URL") or default_database_url(),
            load_bundled=_flag(env, "KAITEI_LOAD_BUNDLED", default=True),
            tokens=parse_tokens(env.get("KAITEI_TOKENS")),
            max_body_bytes=_count(env, "KAITEI_MAX_BODY_BYTES", 4 * MiB),
            max_import_bytes=_count(env, "KAITEI_MAX_IMPORT_BYTES", 64 * MiB),
            max_claim_lines=_count(env, "KAITEI_MAX_CLAIM_LINES", 2000),
        )


def store_name(database_url: str) -> str:
    """The store as a user reads it: the SQLite file's path, or the
    PostgreSQL URL without its password."""
    if database_url.startswith("sqlite:///"):
        return database_url.removeprefix("sqlite:///")
    head, at, tail = database_url.rpartition("@")
    if not at:
        return database_url
    scheme, _, user = head.partition("://")
    return f"{scheme}://{user.split(':', 1)[0]}@{tail}"


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    text = env.get(name, "").strip().lower()
    if not text:
        return default
    if text not in ("0", "1", "true", "false", "yes", "no"):
        raise SettingsError(f"{name}={text!r}: use 1 or 0")
    return text in ("1", "true", "yes")


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise SettingsError(f"{name}={text!r}: use a whole number above 0")
    return int(text)


def parse_tokens(text: str | None) -> dict[str, str]:
    """`name:token,name2:token2` as {name: token}; SettingsError naming the entry."""
    tokens: dict[str, str] = {}
    for entry in filter(None, (e.strip() for e in (text or "").split(","))):
        name, sep, token = entry.partition(":")
        if not sep or not name.strip() or not token.strip():
            raise SettingsError("KAITEI_TOKENS: each entry must be name:token")
        tokens[name.strip()] = token.strip()
    return tokens

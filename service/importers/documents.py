"""Revision documents on disk (YAML or JSON, the `POST /revisions` body)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from pydantic import ValidationError

from domain.revisions import RevisionDraft
from service.contract.refusals import english
from service.contract.revisions import RevisionIn

BUNDLE_DIR = Path(__file__).resolve().parents[2] / "data" / "revisions"


class DocumentError(ValueError):
    """A revision document cannot be read; names the file and the field."""


def read_document(path: Path) -> RevisionDraft:
    """One revision from a YAML or JSON file, validated like the HTTP body."""
    try:
        text = path.read_text(encoding="utf-8")
        data = (
            json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
        )
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as error:
        raise DocumentError(f"{path}: cannot read: {error}") from None
    try:
        return RevisionIn.model_validate(data).to_draft()
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise DocumentError(f"{path}: {where}: {english(first)}") from None


def bundled_documents(folder: Path = BUNDLE_DIR) -> list[Path]:
    """The revision documents shipped with kaitei, in the order to record them."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml", ".json"))

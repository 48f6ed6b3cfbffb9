"""Schemathesis against kaitei's own OpenAPI schema, in-process, on a bundled store,
with valid and schema-violating (negative) requests: no 5xx, every answer fits the
schema it documents, and no request that breaks the schema is accepted."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
)

from service.application import FeeSchedule
from service.store import eventsourcing_env
from service.web.app import create_app
from tests.bundled import sqlite_copy

STORE = sqlite_copy(Path(tempfile.mkdtemp(prefix="kaitei-fuzz-")))
FEE_SCHEDULE = FeeSchedule(eventsourcing_env(STORE))
APP = create_app(FEE_SCHEDULE, tokens={})
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
schema.config.generation.update(modes=list(GenerationMode))  # positive and negative


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("KAITEI_FUZZ_EXAMPLES", 40)),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_answers_fit_the_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(
        checks=[
            not_a_server_error,
            response_schema_conformance,
            negative_data_rejection,
        ]
    )

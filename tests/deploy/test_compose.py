"""docker-compose.yml cannot be started here (no Docker engine): check what it says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def test_compose_runs_postgres_and_the_service_on_port_8000() -> None:
    services = compose()["services"]

    assert set(services) >= {"postgres", "kaitei"}
    assert services["postgres"]["image"].startswith("postgres:")
    assert "8000:8000" in services["kaitei"]["ports"]
    assert services["kaitei"]["depends_on"]["postgres"]["condition"] == (
        "service_healthy"
    )


def test_the_service_points_kaitei_database_url_at_the_postgres_service() -> None:
    kaitei = compose()["services"]["kaitei"]
    postgres = compose()["services"]["postgres"]["environment"]
    url = kaitei["environment"]["KAITEI_DATABASE_URL"]

    assert url == (
        f"postgresql://{postgres['POSTGRES_USER']}@postgres:5432/"
        f"{postgres['POSTGRES_DB']}"
    )


def test_the_service_healthcheck_asks_health_on_the_served_port() -> None:
    check = " ".join(compose()["services"]["kaitei"]["healthcheck"]["test"])
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert "http://127.0.0.1:8000/health" in check
    assert '"--port", "8000"' in dockerfile
    assert '"--host", "0.0.0.0"' in dockerfile


def test_the_events_survive_a_container_restart_on_a_named_volume() -> None:
    document = compose()
    mounts = document["services"]["postgres"]["volumes"]

    assert any(m.endswith(":/var/lib/postgresql/data") for m in mounts)
    assert mounts[0].split(":")[0] in document["volumes"]

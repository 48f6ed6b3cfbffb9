"""The browser fixtures of the page tests: Debian's chromium, headless, driven
by Playwright, on `kaitei serve`'s app over the bundled store; each test keeps
a screenshot in tests/artifacts/ (not committed) for a person to look at."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from service.application import FeeSchedule
from service.web.app import create_app

SHOTS = Path(__file__).parents[1] / "artifacts"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed (apt-get install chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox"]
        )
        yield launched
        launched.close()


@pytest.fixture
def site(bundled_schedule: FeeSchedule) -> Iterator[str]:
    """`kaitei serve`'s app on the bundled store, on a free port."""
    config = uvicorn.Config(
        create_app(bundled_schedule), host="127.0.0.1", port=0, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def page(browser: Browser, site: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(
        base_url=site, locale="ja-JP", viewport={"width": 1280, "height": 900}
    )
    opened = context.new_page()
    yield opened
    SHOTS.mkdir(exist_ok=True)
    name = request.node.name.replace("[", "-").replace("]", "")
    opened.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    context.close()

"""The web pages (Japanese, server-rendered HTML, no script needed): search,
an item's timeline, a 改定's diff, a claim priced on two dates, the sources."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.staticfiles import StaticFiles

from service.web.ui import pages, work
from service.web.ui.render import HERE

router = APIRouter()
router.include_router(pages.router)
router.include_router(work.router)
static = StaticFiles(directory=HERE / "static")

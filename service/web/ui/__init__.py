"""The web pages (Japanese, server-rendered HTML, no script needed; one small
script shows an upload's progress): search, an item's timeline, a 改定's diff,
a claim priced on two dates, the sources and a master file brought in."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.staticfiles import StaticFiles

from service.web.ui import pages, uke_page, uploads, work
from service.web.ui.render import HERE

router = APIRouter()
router.include_router(pages.router)
router.include_router(work.router)
router.include_router(uploads.router)
router.include_router(uke_page.router)
static = StaticFiles(directory=HERE / "static")

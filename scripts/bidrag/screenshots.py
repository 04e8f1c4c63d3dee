"""Screenshots of the start page and the latest decision, wide and phone-width."""

import sqlite3
from pathlib import Path

from .browser import chromium, live_server
from .project import Project

SIZES = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}


def take_screenshots(project: Project, out: Path) -> list[Path]:
    with sqlite3.connect(project.db_path) as connection:
        latest = connection.execute("select id from decisions order by decided_on desc, id limit 1").fetchone()
    pages = {"start": "/"}
    if latest:
        pages["decision"] = f"/bidrag/decisions/{latest[0]}"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with live_server(project) as base, chromium() as browser:
        for size_name, viewport in SIZES.items():
            page = browser.new_page(viewport=viewport)
            for name, path in pages.items():
                page.goto(base + path)
                target = out / f"{name}-{size_name}.png"
                page.screenshot(path=str(target), full_page=True)
                written.append(target)
            page.close()
    return written

"""Screenshots of the start page, the search page and the latest decision, wide and phone-width.

`bidrag screenshots` writes them to build/screenshots/; the README's pictures of the search page are
made with `python -m bidrag.screenshots docs/screenshots` and committed there.
"""

import sqlite3
import sys
from pathlib import Path

from .browser import chromium, live_server
from .project import Project

SIZES = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}
# The search page as the README shows it: a search with one facet chosen.
SEARCH = "/measures?q=AI&status=rejected&status=partly_granted"


def take_screenshots(project: Project, out: Path, only: tuple = ()) -> list[Path]:
    with sqlite3.connect(project.db_path) as connection:
        latest = connection.execute("select id from decisions order by decided_on desc, id limit 1").fetchone()
    pages = {"start": "/", "search": SEARCH}
    if latest:
        pages["decision"] = f"/bidrag/decisions/{latest[0]}"
    pages = {name: path for name, path in pages.items() if not only or name in only}
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


if __name__ == "__main__":
    for written in take_screenshots(Project(Path.cwd()), Path(sys.argv[1]), only=("search",)):
        print(written)

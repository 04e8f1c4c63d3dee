"""The site directory: every release, the live link, the journal of what was live, and one lock.

    releases/0001.db, 0002.db, ...   every release that was ever live, kept (immutable)
    releases/.staging/               a release being built and tested; nobody serves it
    bidrag.db -> releases/0002.db    the live release; replaced in one rename
    journal.jsonl                    one line per switch of the link, written before the switch
    .lock                            held by the one publish or rollback that may run

A release gets its final name only just before the link is switched to it, after a journal line
announcing the switch is on disk. Whatever step a publish is killed at, the next publish or rollback
(under the lock) can tell from the journal and the link what was live: a journal line whose switch
never happened is marked abandoned, and files that were never live are removed, so a rollback can
only ever go back to a release that visitors were served.
"""

import fcntl
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from . import pause
from .build import fsync

# A journal line: an intent to switch (publish, rollback; imported for sites from before the journal),
# the confirmation that the link was switched (live), or that an intent came to nothing (abandoned).
PUBLISH, ROLLBACK, IMPORTED, LIVE, ABANDONED = "publish", "rollback", "imported", "live", "abandoned"
INTENTS = (PUBLISH, ROLLBACK, IMPORTED)


class SiteError(Exception):
    pass


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Site:
    root: Path

    @property
    def releases(self) -> Path:
        return self.root / "releases"

    @property
    def staging(self) -> Path:
        return self.releases / ".staging"

    @property
    def live(self) -> Path:
        return self.root / "bidrag.db"  # the name Datasette gives the database

    @property
    def journal_path(self) -> Path:
        return self.root / "journal.jsonl"

    def current(self) -> Path | None:
        return self.live.resolve() if self.live.is_symlink() and self.live.exists() else None

    def published(self) -> list[Path]:
        return sorted(self.releases.glob("[0-9][0-9][0-9][0-9].db"))

    def release(self, name: str) -> Path:
        return self.releases / name

    @contextmanager
    def locked(self, step: str):
        """The one site-wide lock: a second publish or rollback is refused, never interleaved."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock.seek(0)
                holder = lock.read().strip() or "okänd"
                raise SiteError(
                    f"en annan publicering eller återställning pågår i {self.root}: låset {lock.name} hålls av "
                    f"process {holder}; försök igen när den är klar"
                ) from None
            lock.truncate(0)
            lock.write(str(os.getpid()))
            lock.flush()
            pause.point(f"{step}.locked")
            yield

    # --- the journal ---------------------------------------------------------------------------

    def entries(self) -> list[dict]:
        if not self.journal_path.exists():
            return []
        return [json.loads(line) for line in self.journal_path.read_text("utf-8").splitlines() if line.strip()]

    def _append(self, entry: dict) -> None:
        with open(self.journal_path, "a", encoding="utf-8") as journal:
            journal.write(json.dumps({"at": now(), **entry}, ensure_ascii=False) + "\n")
            journal.flush()
            os.fsync(journal.fileno())
        fsync(self.root)

    def history(self) -> list[str]:
        """The releases that are live or would be returned to by rollbacks, oldest first: a publish
        adds one; a rollback replaces the last two by the new release that restores the earlier."""
        entries = self.entries()
        abandoned = {e["release"] for e in entries if e["action"] == ABANDONED}
        stack: list[str] = []
        for entry in entries:
            if entry["action"] not in INTENTS or entry["release"] in abandoned:
                continue
            if entry["action"] == ROLLBACK:
                del stack[-2:]
            stack.append(entry["release"])
        return stack

    def next_number(self) -> int:
        names = [p.name for p in self.published()] + [e["release"] for e in self.entries()]
        return max((int(name.split(".")[0]) for name in names), default=0) + 1

    # --- recovery and the switch ---------------------------------------------------------------

    def recover(self) -> list[str]:
        """Under the lock: finish the journal after a killed publish, check the link, remove what was
        never live; return the history. Refuses when the link is not what the journal says."""
        if not self.journal_path.exists() and self.live.is_symlink():
            self._import_legacy()
        self._finish_last_switch()
        history = self.history()
        self._expect(history[-1] if history else None)
        self._remove_never_live()
        return history

    def _finish_last_switch(self) -> None:
        """A publish killed between its journal line and the confirmation: the link tells which side."""
        entries = self.entries()
        if entries and entries[-1]["action"] == ABANDONED and self._points_at() == entries[-1]["release"]:
            history = self.history()  # an undo killed before the link moved back: move it now
            self._relink(history[-1] if history else None)
            return
        done = {e["release"] for e in entries if e["action"] in (LIVE, ABANDONED)}
        last = next((e for e in reversed(entries) if e["action"] in INTENTS), None)
        if last is None or last["action"] == IMPORTED or last["release"] in done:
            return
        if self._points_at() == last["release"]:
            self._append({"action": LIVE, "release": last["release"]})  # killed just after the switch
        elif self._points_at() == last["previous"]:
            self._append({"action": ABANDONED, "release": last["release"]})  # killed before the switch

    def _points_at(self) -> str | None:
        if not self.live.is_symlink():
            return None
        target = os.readlink(self.live)
        return Path(target).name if Path(target).parent == Path("releases") else target

    def _expect(self, name: str | None) -> None:
        if name is None:
            if self.live.exists() or self.live.is_symlink():
                raise SiteError(f"{self.live} finns, men journalen {self.journal_path.name} har ingen publicering")
            return
        if not self.live.is_symlink():
            raise SiteError(f"{self.live} är ingen länk till en publicering; väntade länk till releases/{name}")
        if self._points_at() != name or not self.release(name).is_file():
            raise SiteError(
                f"{self.live} pekar på {os.readlink(self.live)}, men enligt {self.journal_path.name} är "
                f"releases/{name} publicerad; rätta länken (eller journalen) för hand innan du publicerar"
            )

    def clear_staging(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def _remove_never_live(self) -> None:
        self.clear_staging()
        ever = {e["release"] for e in self.entries() if e["action"] in INTENTS}
        abandoned = {e["release"] for e in self.entries() if e["action"] == ABANDONED}
        for path in self.published():
            if path.name not in ever or path.name in abandoned:
                path.unlink()

    def _import_legacy(self) -> None:
        """A site published before the journal: the releases up to the live one, in order, were live."""
        live = self._points_at()
        if not self.release(live).is_file():
            return  # not a link into releases/: recover() refuses it
        for path in self.published():
            if path.name <= live:
                self._append({"action": IMPORTED, "release": path.name, "previous": None})

    def switch(self, staged: Path, action: str, step: str, **details) -> Path:
        """Journal, name and switch to a tested release: each step is on disk before the next."""
        history = self.history()
        self._expect(history[-1] if history else None)  # the link may have been moved while this one built
        previous = self._points_at()
        final = self.release(staged.name)
        self._append({"action": action, "release": final.name, "previous": previous, **details})
        pause.point(f"{step}.journaled")
        os.replace(staged, final)
        fsync(self.releases)
        pause.point(f"{step}.renamed")
        self._link(final)
        self._append({"action": LIVE, "release": final.name})
        pause.point(f"{step}.switched")
        return final

    def undo(self, final: Path, previous: str | None) -> None:
        """Back to the previous release after a switched release failed; the failed one was never sound.
        Journaled first: killed before the link moves back, recovery moves it (_finish_last_switch)."""
        self._append({"action": ABANDONED, "release": final.name})
        pause.point("undo.journaled")
        self._relink(previous)
        pause.point("undo.relinked")
        final.unlink(missing_ok=True)

    def _relink(self, name: str | None) -> None:
        if name is None:
            self.live.unlink(missing_ok=True)
        else:
            self._link(self.release(name))

    def _link(self, release: Path) -> None:
        temp = self.root / ".bidrag.db.link"
        temp.unlink(missing_ok=True)
        temp.symlink_to(release.relative_to(self.root))
        os.replace(temp, self.live)
        fsync(self.root)

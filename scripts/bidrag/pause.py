"""Named pause points, so tests can stop a build or publish at an exact step instead of racing it.

With BIDRAG_PAUSE_AT=<name>[,<name>...] and BIDRAG_PAUSE_DIR=<directory>, reaching point <name> creates
<directory>/<name>.reached and waits until <directory>/<name>.release exists (a signal may end the
process meanwhile). Without them a point costs one dictionary lookup.
"""

import os
import time
from pathlib import Path

_POLL_SECONDS = 0.01


def point(name: str) -> None:
    if name not in os.environ.get("BIDRAG_PAUSE_AT", "").split(","):
        return
    directory = Path(os.environ["BIDRAG_PAUSE_DIR"])
    (directory / f"{name}.reached").touch()
    release = directory / f"{name}.release"
    while not release.exists():
        time.sleep(_POLL_SECONDS)

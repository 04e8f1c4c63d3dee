"""Where things live in a checkout: data in, database out, site configuration beside them."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def db_path(self) -> Path:
        return self.root / "build" / "bidrag.db"

    @property
    def metadata_path(self) -> Path:
        return self.root / "metadata.yml"

    @property
    def plugins_dir(self) -> Path:
        return self.root / "plugins"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def static_dir(self) -> Path:
        return self.root / "static"

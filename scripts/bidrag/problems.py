"""A problem found in the data: which file, which field, what is wrong."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class InvalidData(Exception):
    """The data tree has problems; nothing was built."""

    def __init__(self, problems):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.field, p.message))
        super().__init__(f"{len(self.problems)} fel i data")


def field_path(path) -> str:
    """('measures', 2, 'amount_granted') -> 'measures[3].amount_granted' (items count from 1)."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def kr(amount: int) -> str:
    return f"{amount:,}".replace(",", " ") + " kr"

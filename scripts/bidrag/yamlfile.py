"""Read a YAML file into plain data plus the line of every field, so errors can point at it."""

from dataclasses import dataclass, field
from pathlib import Path

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """Safe loader that leaves dates as text: the schema checks them as ISO 8601 strings."""


def without_timestamps(resolvers: dict) -> dict:
    """PyYAML's implicit resolvers minus the one that turns 2025-11-11 into a date object."""
    return {
        first: [(tag, regexp) for tag, regexp in entries if tag != "tag:yaml.org,2002:timestamp"]
        for first, entries in resolvers.items()
    }


_Loader.yaml_implicit_resolvers = without_timestamps(_BaseLoader.yaml_implicit_resolvers)


MAX_BYTES = 1_000_000  # a decision file is some 15 kB; anything near this is a mistake or an attack


class YamlError(Exception):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class YamlFile:
    path: Path
    data: object
    lines: dict = field(default_factory=dict)  # field path tuple -> 1-based line

    def line_of(self, path) -> int | None:
        """Line of the nearest enclosing field that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


def read_yaml(path: Path) -> YamlFile:
    size = Path(path).stat().st_size
    if size > MAX_BYTES:
        raise YamlError(f"filen är {size:,} byte; högst {MAX_BYTES:,} tillåts".replace(",", " "))
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise YamlError(f"filen är inte giltig UTF-8 (byte {error.start})") from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _refuse_aliases(node, set())
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = mark.line + 1 if mark else None
        raise YamlError(f"ogiltig YAML: {error.problem or error}", where) from None
    except yaml.YAMLError as error:
        raise YamlError(f"ogiltig YAML: {error}") from None
    finally:
        loader.dispose()
    lines: dict = {}
    if node is not None:
        _index_lines(node, (), lines)
    return YamlFile(Path(path), data, lines)


def _refuse_aliases(node, seen: set):
    """Anchors and aliases (&a, *a) can expand a small file exponentially; the data never needs them."""
    if id(node) in seen:
        raise YamlError("ankare och alias (&namn, *namn) används inte i datafilerna", node.start_mark.line + 1)
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            _refuse_aliases(key_node, seen)
            _refuse_aliases(value_node, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _refuse_aliases(item, seen)


def _index_lines(node, path, lines):
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise YamlError(f"fältet {key!r} förekommer två gånger", key_node.start_mark.line + 1)
            seen.add(key)
            lines[path + (key,)] = key_node.start_mark.line + 1
            _index_lines(value_node, path + (key,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            _index_lines(item, path + (index,), lines)

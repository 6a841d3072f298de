"""YAML documents that remember where every key and value came from.

PyYAML's ``safe_load`` returns plain values and forgets positions, so an error could only name a
key. Here the document is composed into nodes first (with a safe loader, so authors' YAML can
never construct Python objects), then turned into plain values while the line and column of each
key and value are kept in a side table keyed by the value's path, e.g.
``("modules", 0, "lessons", 1, "file")``.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import yaml

from builder.problems import Problems

#: libyaml's parser when PyYAML was built with it (about ten times faster), else the pure-Python one.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path_ = Tuple[Any, ...]
Pos = Tuple[int, int]


class Document:
    """Plain values from a YAML file plus the position of each value and key."""

    def __init__(self, file: str, data: Any, values: Dict[Path_, Pos], keys: Dict[Path_, Pos]):
        self.file = file
        self.data = data
        self._values = values
        self._keys = keys

    def pos(self, path: Path_) -> Pos:
        """Line and column of the value at *path*, or of its nearest ancestor."""
        path = tuple(path)
        while path:
            if path in self._values:
                return self._values[path]
            path = path[:-1]
        return self._values.get((), (1, 1))

    def key_pos(self, path: Path_) -> Pos:
        """Line and column of the key that holds *path* (falls back to the value)."""
        return self._keys.get(tuple(path)) or self.pos(path)


def _mark(node) -> Pos:
    return node.start_mark.line + 1, node.start_mark.column + 1


def load(text: str, file: str, problems: Problems) -> Optional[Document]:
    """Parse *text*; on a syntax error add a located problem and return None."""
    try:
        root = yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        problems.add(
            file,
            f"this is not valid YAML: {exc.problem}",
            line,
            col,
            hint="check the indentation and quoting on this line and the one above",
        )
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - other PyYAML errors carry no mark
        problems.add(file, f"this is not valid YAML: {exc}")
        return None
    if root is None:
        return Document(file, None, {(): (1, 1)}, {})

    constructor = yaml.SafeLoader("")
    values: Dict[Path_, Pos] = {}
    keys: Dict[Path_, Pos] = {}

    def convert(node, path: Path_):
        values[path] = _mark(node)
        if isinstance(node, yaml.MappingNode):
            out = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    problems.add(file, "a key must be a plain name", *_mark(key_node))
                    continue
                key = constructor.construct_object(key_node)
                if not isinstance(key, str):
                    key = str(key)
                if key in out:
                    first = keys[path + (key,)]
                    problems.add(
                        file,
                        f"'{key}' is given twice (first on line {first[0]})",
                        *_mark(key_node),
                        hint="remove one of them",
                    )
                    continue
                keys[path + (key,)] = _mark(key_node)
                out[key] = convert(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [convert(item, path + (i,)) for i, item in enumerate(node.value)]
        return constructor.construct_object(node)

    return Document(file, convert(root, ()), values, keys)

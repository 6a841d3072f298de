"""YAML documents that remember where every key and value came from, read within limits.

PyYAML's ``safe_load`` returns plain values and forgets positions, so an error could only name a
key. Here the parser's events are turned into plain values directly (no node graph), while the
line and column of each key and value are kept in a side table keyed by the value's path, e.g.
``("modules", 0, "lessons", 1, "file")``.

Authors' YAML never constructs Python objects and never runs away: only the YAML core types are
built (an explicit tag such as ``!include`` or ``!!python/name`` is refused), numbers are finite
and below :data:`builder.sources.limits.NUMBER_BOUND`, and the values (each use of an alias counted in
full), the nesting depth and the length of one value are bounded (:mod:`builder.sources.limits`), so an
alias bomb of a few hundred bytes is refused at its alias instead of filling memory. Every problem,
whether PyYAML's scanner, parser or constructor or one of these rules finds it, becomes one located
message through :func:`load`.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Tuple

import yaml
from yaml.constructor import SafeConstructor

from builder.problems import Problems
from builder.sources import limits

#: libyaml's parser when PyYAML was built with it (about ten times faster), else the pure-Python one.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path_ = Tuple[Any, ...]
Pos = Tuple[int, int]

_CORE = "tag:yaml.org,2002:"
#: Explicit tags an author may write: the YAML core types (``!!str 12`` keeps a number as text).
ALLOWED_TAGS = frozenset(_CORE + name for name in ("str", "int", "float", "bool", "null", "map", "seq"))
_TYPE_NAMES = {"int": "a whole number", "float": "a number", "bool": "true or false", "timestamp": "a date"}


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


class _Refused(Exception):
    """A rule of this module broken at *mark*: stops reading the document."""

    def __init__(self, mark, message: str, hint: Optional[str] = None):
        super().__init__(message)
        self.pos = _at(mark)
        self.message = message
        self.hint = hint


def _at(mark) -> Pos:
    return mark.line + 1, mark.column + 1


def load(text: str, file: str, problems: Problems) -> Optional[Document]:
    """Parse *text*; on any problem add a located one to *problems* and return None."""
    values: Dict[Path_, Pos] = {}
    keys: Dict[Path_, Pos] = {}
    before = len(problems)
    try:
        data = _Builder(file, values, keys, problems).run(text)
    except yaml.MarkedYAMLError as exc:
        _syntax_problem(exc, text, file, problems)
        return None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (a control character)
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        problems.add(
            file,
            f"this is not valid YAML: the character #x{exc.character:04x} is not allowed",
            line,
            col,
            hint="remove it (an invisible control character, often pasted from another program)",
        )
        return None
    except _Refused as exc:
        problems.add(file, exc.message, *exc.pos, hint=exc.hint)
        return None
    if len(problems) > before:
        return None
    return Document(file, data, values or {(): (1, 1)}, keys)


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, file: str, problems: Problems) -> None:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
    lines = text.split("\n")
    source_line = lines[line - 1] if line and line <= len(lines) else ""  # libyaml may point past the end
    if "\t" in source_line[: (col or 0)] or "tab" in (exc.problem or ""):
        at = source_line.find("\t") + 1
        problems.add(
            file,
            "a tab character: YAML indents with spaces only",
            line,
            at or col,
            hint="replace the tab on this line with spaces (set your editor to insert spaces)",
        )
        return
    problems.add(
        file,
        f"this is not valid YAML: {exc.problem}",
        line,
        col,
        hint="check the indentation and quoting on this line and the one above",
    )


class _Frame:
    """A mapping or sequence being built."""

    __slots__ = ("value", "is_list", "path", "mark", "anchor", "start", "height", "key", "skip", "is_key")

    def __init__(self, value, path: Optional[Path_], mark, anchor, start: int, is_key: bool):
        self.value = value
        self.is_list = isinstance(value, list)
        self.path = path  #: None inside a value that is dropped (a duplicate key's, a key's)
        self.mark = mark
        self.anchor = anchor
        self.start = start  #: the value count when it began (for its anchor's size)
        self.height = 1
        self.key = None  #: the key waiting for its value (mappings)
        self.skip = False  #: the value of the pending key is dropped
        self.is_key = is_key  #: a mapping or sequence written as a key


#: Scalar tags that are not text, and how to build them (None: PyYAML's constructor of the tag).
_NOT_TEXT = {_CORE + name: name for name in ("int", "float", "bool", "null", "timestamp")}


class _Builder:
    """Plain values from parser events, with positions, within :mod:`builder.sources.limits`.

    The hot path (one call per scalar) is kept flat: a quiz at the value limit has 250,000 of them.
    """

    def __init__(self, file: str, values: Dict[Path_, Pos], keys: Dict[Path_, Pos], problems: Problems):
        self.file = file
        self.values = values
        self.keys = keys
        self.problems = problems
        self.resolver = yaml.SafeLoader("")
        self.resolved: Dict[Tuple[str, Any], str] = {}  #: short plain scalars -> their tag
        self.stack: List[_Frame] = []
        #: anchor -> (value, values it holds, its height), once complete; None while being built
        self.anchors: Dict[str, Optional[Tuple[Any, int, int]]] = {}
        self.count = 0
        self.max_values = limits.value("yaml_values")
        self.max_depth = limits.value("yaml_depth")
        self.max_chars = limits.value("yaml_text_chars")
        self.root: Any = None
        self.documents = 0

    def run(self, text: str) -> Any:
        handlers = {
            yaml.ScalarEvent: self.scalar,
            yaml.MappingStartEvent: self.start,
            yaml.SequenceStartEvent: self.start,
            yaml.MappingEndEvent: self.end,
            yaml.SequenceEndEvent: self.end,
            yaml.AliasEvent: self.alias,
            yaml.DocumentStartEvent: self.document,
        }
        for event in yaml.parse(text, Loader=SAFE_LOADER):
            handler = handlers.get(type(event))
            if handler is not None:
                handler(event)
        return self.root

    def document(self, event) -> None:
        self.documents += 1
        if self.documents > 1:
            raise _Refused(
                event.start_mark,
                "this file holds a second YAML document ('---' starts one)",
                hint="remove the '---' line: a course file is one document",
            )

    # ------------------------------------------------------------------ limits
    def counted(self, mark, added: int, height: int) -> None:
        """Count *added* values *height* levels deep at the current level, or refuse past a limit."""
        self.count += added
        if self.count > self.max_values:
            raise _Refused(
                mark,
                f"this file holds more than {self.max_values:,} values (each use of an alias counts all the "
                "values it repeats)",
                hint="split the content, or use fewer aliases; " + limits.how_to_raise("yaml_values"),
            )
        if len(self.stack) + height > self.max_depth:
            raise _Refused(
                mark,
                f"this value is nested more than {self.max_depth} levels deep",
                hint="course files need only a few levels; " + limits.how_to_raise("yaml_depth"),
            )

    # ------------------------------------------------------------------ placing values
    def place(self, value: Any, mark, height: int, path_known: bool = False) -> None:
        """Put a finished value into its parent (or make it the document), noting its position.

        :param path_known: the position was noted when the value began (mappings and sequences).
        """
        stack = self.stack
        if not stack:
            self.root = value
            if not path_known:
                self.values[()] = _at(mark)
            return
        parent = stack[-1]
        if height >= parent.height:
            parent.height = height + 1
        if parent.is_key:
            return  # inside a key that is a mapping or sequence: reported when it ends
        if parent.is_list:
            if not path_known and parent.path is not None:
                self.values[parent.path + (len(parent.value),)] = _at(mark)
            parent.value.append(value)
        elif parent.key is not None:
            if not parent.skip:
                if not path_known and parent.path is not None:
                    self.values[parent.path + (parent.key,)] = _at(mark)
                parent.value[parent.key] = value
            parent.key, parent.skip = None, False
        else:
            self.take_key(parent, value, mark)

    def child_path(self) -> Optional[Path_]:
        """The path of a mapping or sequence that begins now (None when its positions are not kept)."""
        if not self.stack:
            return ()
        parent = self.stack[-1]
        if parent.path is None or parent.is_key:
            return None
        if parent.is_list:
            return parent.path + (len(parent.value),)
        if parent.key is None or parent.skip:
            return None  # a key, or a dropped value
        return parent.path + (parent.key,)

    def take_key(self, parent: _Frame, key: Any, mark) -> None:
        if isinstance(key, (dict, list)):  # an alias to a mapping or list, used as a key
            self.problems.add(self.file, "a key must be a plain name", *_at(mark))
            parent.key, parent.skip = "", True
            return
        if not isinstance(key, str):
            key = str(key)
        parent.key = key
        if parent.path is None:
            return
        path = parent.path + (key,)
        if key in parent.value:
            first = self.keys[path]
            self.problems.add(
                self.file, f"'{key}' is given twice (first on line {first[0]})", *_at(mark), hint="remove one of them"
            )
            parent.skip = True
            return
        self.keys[path] = _at(mark)

    # ------------------------------------------------------------------ events
    def start(self, event) -> None:
        is_map = type(event) is yaml.MappingStartEvent
        self.check_tag(event, _CORE + ("map" if is_map else "seq"))
        self.counted(event.start_mark, 1, 1)
        parent = self.stack[-1] if self.stack else None
        is_key = parent is not None and not parent.is_list and parent.key is None and not parent.is_key
        path = self.child_path()
        if path is not None:
            self.values[path] = _at(event.start_mark)
        if event.anchor is not None:
            self.anchors[event.anchor] = None
        frame = _Frame({} if is_map else [], path, event.start_mark, event.anchor, self.count - 1, is_key)
        self.stack.append(frame)

    def end(self, event) -> None:
        frame = self.stack.pop()
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (frame.value, self.count - frame.start, frame.height)
        if frame.is_key:
            self.problems.add(self.file, "a key must be a plain name", *_at(frame.mark))
            self.stack[-1].key, self.stack[-1].skip = "", True  # drop the value that follows
            return
        self.place(frame.value, frame.mark, frame.height, path_known=True)

    def alias(self, event) -> None:
        if event.anchor not in self.anchors:
            raise _Refused(
                event.start_mark,
                f"'*{event.anchor}' refers to no anchor: '&{event.anchor}' must come before it",
                hint=f"mark the value to repeat with '&{event.anchor}' above this line",
            )
        target = self.anchors[event.anchor]
        if target is None:
            raise _Refused(
                event.start_mark,
                f"'*{event.anchor}' repeats the value it is part of, which would never end",
                hint="an alias can only repeat a value that is complete above it",
            )
        value, size, height = target
        self.counted(event.start_mark, size, height)
        self.place(value, event.start_mark, height)

    def scalar(self, event) -> None:
        self.count += 1
        if self.count > self.max_values or len(self.stack) >= self.max_depth:
            self.counted(event.start_mark, 0, 1)  # raises with the message of the limit
        text = event.value
        if len(text) > self.max_chars:
            raise _Refused(
                event.start_mark,
                f"this value is {len(text):,} characters long; one value may be at most {self.max_chars:,}",
                hint="course texts are far shorter; " + limits.how_to_raise("yaml_text_chars"),
            )
        tag = event.tag
        if tag is None or tag == "!":
            if len(text) < 32:
                tag = self.resolved.get((text, event.implicit))
                if tag is None:
                    tag = self.resolved[(text, event.implicit)] = self.resolver.resolve(
                        yaml.ScalarNode, text, event.implicit
                    )
            else:
                tag = self.resolver.resolve(yaml.ScalarNode, text, event.implicit)
        else:
            self.check_tag(event, None)
        value = self.construct(tag, event) if tag in _NOT_TEXT else text
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1, 1)
        self.place(value, event.start_mark, 1)

    def check_tag(self, event, default: Optional[str]) -> Optional[str]:
        """The explicit tag of *event* (None when it has none), refused unless it is a core type."""
        tag = event.tag
        if tag is None or tag == "!":
            return default
        if tag not in ALLOWED_TAGS or (default is not None and tag != default):
            shown = "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag
            raise _Refused(
                event.start_mark,
                f"the tag '{shown}' is not allowed: course files hold plain text, numbers, true/false, "
                "lists and mappings",
                hint="remove the tag (to include another file, name it as a path: coursepack reads files itself)",
            )
        return tag

    def construct(self, tag: str, event) -> Any:
        """The Python value of a scalar that is not text: a finite number within the bound, true/false,
        null or a date."""
        text = event.value
        name = _NOT_TEXT[tag]
        if name == "int" and text.isdigit() and len(text) < 16:
            value: Any = int(text)  # the common case, without PyYAML's general (and slower) reading
        elif name == "int" and len(text.lstrip("+-0").replace("_", "")) > 20:  # before int() does quadratic work
            raise self.out_of_range(event)
        else:
            node = yaml.ScalarNode(tag, text, event.start_mark, event.end_mark, event.style)
            try:
                value = SafeConstructor.yaml_constructors[tag](self.resolver, node)
            except (ValueError, KeyError, OverflowError, TypeError, yaml.YAMLError) as exc:
                if name == "timestamp":
                    raise _Refused(
                        event.start_mark,
                        f"'{text}' is not a valid date ({exc})",
                        hint="write a real date as YYYY-MM-DD, or put the value in quotes if it is text",
                    ) from None
                raise _Refused(
                    event.start_mark,
                    f"'{text}' is not {_TYPE_NAMES.get(name, name)}",
                    hint="remove the tag, or put the value in quotes if it is text",
                ) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise _Refused(
                event.start_mark,
                f"'{text}' is not a finite number",
                hint="write an ordinary number such as 12.5 (no .nan, .inf, or exponents that overflow)",
            )
        if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= limits.NUMBER_BOUND:
            raise self.out_of_range(event)
        return value

    def out_of_range(self, event) -> _Refused:
        return _Refused(
            event.start_mark,
            f"'{_clip(event.value)}' is out of range: numbers in course files are below 10^15",
            hint="put the value in quotes if it is text",
        )


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"

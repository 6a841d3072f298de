"""quiz.yaml text for imported questions: a new file, or questions added to an existing one.

Questions are written in the house style of the example courses (two-space indents, texts in
double quotes) with comment lines above each question. Every text is written as a YAML
double-quoted scalar with escapes for whatever YAML would otherwise fold or refuse (line breaks,
control characters, U+2028/2029), so a hostile bank cannot shape the YAML around it.

Adding to a file never rewrites it: the new lines go after the last question of the list (or the
last pool) they join, so the author's comments and layout stay as they are.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Dict, List, Optional, Sequence, Tuple

from builder.questions.moodle import decimal_text

#: Characters a YAML double-quoted scalar must not hold as they are (PyYAML: not printable, or a line break).
_ESCAPE = re.compile('[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff"\\\\]')
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
#: Keys whose values are names, written without quotes when they can be.
BARE = ("id", "type", "whitespace")
#: The key order of a written question: these first, the type's own keys next, the explanation last.
LEADING = ("id", "type", "text", "weight")


def quote(text: str) -> str:
    """*text* as a YAML double-quoted scalar that reads back as exactly *text*."""
    return '"' + _ESCAPE.sub(lambda m: _NAMED.get(m.group(0), f"\\u{ord(m.group(0)):04x}"), text) + '"'


#: A text written without quotes: an id or a type name that YAML cannot read as anything else.
_PLAIN = re.compile(r"[a-z][a-z0-9_-]*\Z")
_WORDS = frozenset(("y", "n", "yes", "no", "on", "off", "true", "false", "null"))


def scalar(value: Any, bare: bool = False) -> str:
    """A YAML scalar; with *bare*, a text that is a plain word (an id, a type) is written without quotes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value)
    return text if bare and _PLAIN.match(text) and text not in _WORDS else quote(text)


def comment(text: str) -> str:
    """A comment line's text: one line, no control characters."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _value(key: str, value: Any, indent: str) -> List[str]:
    """``key: value`` lines at *indent* (lists of texts and of mappings as block lists)."""
    if isinstance(value, list) and value and all(isinstance(v, (Decimal, int, float)) for v in value):
        return [f"{indent}{key}: [{', '.join(scalar(v) for v in value)}]"]
    if isinstance(value, list) and value:
        lines = [f"{indent}{key}:"]
        for item in value:
            lines += _item(item, indent + "  ")
        return lines
    if isinstance(value, dict) and value:
        lines = [f"{indent}{key}:"]
        for k, v in value.items():
            lines += _value(str(k), v, indent + "  ")
        return lines
    if isinstance(value, (list, dict)):
        return [f"{indent}{key}: {'[]' if isinstance(value, list) else '{}'}"]
    return [f"{indent}{key}: {scalar(value, bare=key in BARE)}"]


def _item(item: Any, indent: str) -> List[str]:
    """One entry of a block list: a scalar, or a mapping (a mapping with only 'text' is written as its text)."""
    if isinstance(item, dict) and set(item) == {"text"}:
        item = item["text"]
    if isinstance(item, dict) and item:
        lines: List[str] = []
        for k, v in item.items():
            lines += _value(str(k), v, indent + "  ")
        lines[0] = indent + "- " + lines[0][len(indent) + 2 :]
        return lines
    if isinstance(item, list):
        return [f"{indent}- [{', '.join(scalar(v) for v in item)}]"] if item else [f"{indent}- []"]
    return [f"{indent}- {scalar(item)}"]


def question_lines(mapping: Dict[str, Any], comments: Sequence[str], indent: str) -> List[str]:
    """A question as a list entry at *indent*, with its comment lines above it."""
    order = [k for k in LEADING if k in mapping] + [k for k in mapping if k not in LEADING and k != "explanation"]
    order += ["explanation"] if "explanation" in mapping else []
    lines = [f"{indent}# {comment(text)}" for text in comments]
    body: List[str] = []
    for key in order:
        body += _value(key, mapping[key], indent + "  ")
    body[0] = indent + "- " + body[0][len(indent) + 2 :]
    return lines + body


class Written:
    """Text with the line range of each question in it (1-based, inclusive), for problems found later."""

    def __init__(self):
        self.lines: List[str] = []
        self.spans: List[Tuple[int, int, int]] = []  # (first line, last line, index of the question)

    def add(self, lines: Sequence[str], index: Optional[int] = None) -> None:
        first = len(self.lines) + 1
        self.lines.extend(lines)
        if index is not None:
            self.spans.append((first, len(self.lines), index))

    def question_at(self, line: Optional[int]) -> Optional[int]:
        for first, last, index in self.spans:
            if line is not None and first <= line <= last:
                return index
        return None

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def new_quiz(
    header: Sequence[str],
    title: str,
    pools: Sequence[Tuple[Optional[Dict[str, Any]], Sequence[Tuple[int, Dict[str, Any], Sequence[str]]]]],
    settings: Optional[Dict[str, Any]] = None,
) -> Written:
    """A whole quiz file: *pools* is [(pool keys or None for a plain list, [(index, mapping, comments)])]."""
    out = Written()
    out.add([f"# {comment(line)}" for line in header] + [f"title: {quote(title)}"])
    for key, value in (settings or {}).items():
        out.add(_value(key, value, ""))
    plain = len(pools) == 1 and pools[0][0] is None
    out.add(["questions:" if plain else "pools:"])
    for keys, questions in pools:
        indent = "  "
        if not plain:
            out.add(pool_head(keys or {}, "  "))
            indent = "      "
        for n, (index, mapping, comments) in enumerate(questions):
            out.add(([""] if n else []) + question_lines(mapping, comments, indent), index)
    return out


def pool_head(keys: Dict[str, Any], indent: str) -> List[str]:
    """The lines of a pool entry down to its 'questions:' key."""
    lines: List[str] = []
    for key, value in keys.items():
        lines += _value(key, value, indent + "  ")
    lines[0] = indent + "- " + lines[0][len(indent) + 2 :]
    return lines + [f"{indent}  questions:"]


# ============================================================================ adding to a file
class CannotInsert(Exception):
    """The list to add to is not written in a way lines can be added to (a flow list: ``[…]``)."""


def list_end(lines: Sequence[str], item_line: int) -> Tuple[int, int]:
    """Where a block list ends, from the line of its last entry (1-based): (index to insert at, the dash's column).

    :raises CannotInsert: when the entry does not start with ``- `` on its line.
    """
    text = lines[item_line - 1]
    stripped = text.lstrip(" ")
    if not stripped.startswith("-"):
        raise CannotInsert()
    dash = len(text) - len(stripped)
    end = item_line  # index after the last line that belongs to the entry
    for i in range(item_line, len(lines)):
        line = lines[i]
        if not line.strip():
            continue
        if len(line) - len(line.lstrip(" ")) <= dash:
            break
        end = i + 1
    return end, dash


def insert(lines: List[str], at: int, new: Sequence[str]) -> List[str]:
    """*lines* with *new* inserted before index *at*, after a blank line."""
    return lines[:at] + [""] + list(new) + lines[at:]

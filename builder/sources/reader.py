"""Typed, located access to a YAML document of the course sources: :class:`Reader`.

Every reader of course sources (``builder/sources/course.py`` for course.yaml and its blocks,
``builder/sources/quiz.py`` and the question types for the quiz file, ``builder/lint.py`` for ``lint:``)
checks values through it, so a problem is reported with its file, line and column and reading
goes on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Sequence

from builder.problems import Problems, did_you_mean, kind_of

if TYPE_CHECKING:  # for annotations only: importing yamldoc loads PyYAML, which lint's callers may not need
    from builder.sources import yamldoc


def where(path: Sequence[Any]) -> str:
    """A document path as the author reads it: ``modules[0].lessons[1].file``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class Reader:
    """Typed access to a YAML document that reports located problems instead of raising."""

    def __init__(self, doc: yamldoc.Document, problems: Problems):
        self.doc = doc
        self.problems = problems

    def error(self, path, message, hint=None, key=False, level="error"):
        line, col = self.doc.key_pos(path) if key else self.doc.pos(path)
        label = where(path)
        self.problems.add(self.doc.file, f"{label}: {message}" if label else message, line, col, hint, level)

    def mapping(self, value, path, allowed: Sequence[str], required: Sequence[str] = ()) -> Optional[dict]:
        """Check that *value* is a mapping with known keys; report unknown and missing ones."""
        if not isinstance(value, dict):
            self.error(
                path,
                f"expected a mapping of keys, found {kind_of(value)}",
                hint="write it as 'key: value' lines, indented under this entry",
            )
            return None
        for key in value:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or "known keys: " + ", ".join(allowed)
                self.error(tuple(path) + (key,), f"unknown key '{key}'", hint=hint, key=True)
        for key in required:
            if key not in value:
                self.error(path, f"'{key}' is missing", hint=f"add '{key}: …' here")
        return value

    def text(self, m, path, key, required=True, max_len=None, pattern=None, pattern_hint=None, default=""):
        if key not in m:
            return None if required else default
        value = m[key]
        p = tuple(path) + (key,)
        if isinstance(value, str) and required and not value.strip():
            self.error(p, "must not be empty", hint=f"write the {key}, or remove the key")
            return None
        if not isinstance(value, str):
            if isinstance(value, (int, float)) and not isinstance(value, bool) and key == "version":
                self.error(
                    p,
                    f"must be a semantic version in quotes, found the number {value}",
                    hint='write it in quotes with three parts, e.g. version: "1.0.0"',
                )
            else:
                self.error(
                    p,
                    f"expected text, found {kind_of(value)}",
                    hint="put the text in quotes if it contains ':' or starts with a special character",
                )
            return None
        value = value.strip()
        if max_len and len(value) > max_len:
            self.error(p, f"is {len(value)} characters long; at most {max_len} are allowed", hint="shorten it")
            return None
        if pattern and not pattern.match(value):
            self.error(p, f"'{value}' is not allowed here", hint=pattern_hint)
            return None
        return value

    def number(
        self,
        m,
        path,
        key,
        required=True,
        minimum=None,
        maximum=None,
        integer=False,
        default=None,
        exclusive_minimum=False,
    ):
        if key not in m:
            return None if required else default
        value = m[key]
        p = tuple(path) + (key,)
        kind = "a whole number" if integer else "a number"
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
            self.error(p, f"expected {kind}, found {kind_of(value)}", hint=f"write {kind} without quotes")
            return None
        too_small = minimum is not None and (value <= minimum if exclusive_minimum else value < minimum)
        if too_small or (maximum is not None and value > maximum):
            low = f"more than {minimum}" if exclusive_minimum else f"at least {minimum}"
            bounds = low if maximum is None else f"{low} and at most {maximum}"
            self.error(p, f"{value} is out of range; it must be {bounds}")
            return None
        return value

    def boolean(self, m, path, key, required=True, default=None):
        if key not in m:
            return None if required else default
        value = m[key]
        if not isinstance(value, bool):
            self.error(
                tuple(path) + (key,),
                f"expected true or false, found {kind_of(value)}",
                hint="write true or false without quotes",
            )
            return None
        return value

    def choice(self, m, path, key, choices, default):
        if key not in m:
            return default
        value = m[key]
        if value not in choices:
            hint = did_you_mean(value, choices) if isinstance(value, str) else None
            self.error(
                tuple(path) + (key,),
                f"'{value}' is not one of: {', '.join(choices)}",
                hint=hint or f"use one of: {', '.join(choices)}",
            )
            return None
        return value

    def sequence(self, m, path, key, required=True):
        if key not in m:
            if required:
                self.error(path, f"'{key}' is missing", hint=f"add a '{key}:' list")
            return None
        value = m[key]
        if not isinstance(value, list) or not value:
            self.error(
                tuple(path) + (key,),
                f"expected a non-empty list, found {kind_of(value)}",
                hint="write each entry on its own line starting with '- '",
            )
            return None
        return value

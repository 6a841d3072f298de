"""Every limit on course sources, in one place (docs/limits.md lists them and the bound they give).

Course sources come from many hands and CI builds them unattended, so what a build reads is
bounded: the size of each kind of file, the number of lessons and questions, and the shape of a
YAML document (values after expanding aliases, nesting, text length). Within these limits a build
ends in bounded time and memory; past one, the build stops with an error that names the file,
the line and the limit.

Each limit can be raised for a run with an environment variable, ``COURSEPACK_LIMIT_<NAME>``
(e.g. ``COURSEPACK_LIMIT_MEDIA_FILE_MB=4000``): an operator's choice, never the course's, since a
course that could raise its own limits would not be limited.
"""

from __future__ import annotations

import os
from typing import Dict, NamedTuple

from builder.problems import CoursepackError

ENV_PREFIX = "COURSEPACK_LIMIT_"
MB = 1_000_000


class Limit(NamedTuple):
    name: str  #: lowercase; the variable is ENV_PREFIX + name.upper()
    default: int
    what: str  #: what it bounds, as messages say it ("a lesson file", "questions in a quiz")

    @property
    def variable(self) -> str:
        return ENV_PREFIX + self.name.upper()


#: name -> limit. Sizes are in MB (10^6 bytes), the unit coursepack's messages use.
LIMITS: Dict[str, Limit] = {
    limit.name: limit
    for limit in (
        Limit("course_file_mb", 1, "course.yaml"),
        Limit("quiz_file_mb", 4, "a quiz file"),
        Limit("bank_file_mb", 50, "a question bank file (GIFT or Moodle XML) to import"),
        Limit("lesson_file_mb", 2, "a lesson file (or an HTML or text transcript)"),
        Limit("lessons_total_mb", 32, "all lesson files together"),
        Limit("template_file_mb", 1, "a template in templates/"),
        Limit("media_file_mb", 1000, "a packaged file (media, stylesheets, scripts, static templates)"),
        Limit("media_total_mb", 4000, "all packaged files together"),
        Limit("lessons", 2000, "lessons in a course"),
        Limit("questions", 5000, "questions in a quiz"),
        Limit("yaml_values", 250_000, "values in a YAML file, counting each use of an alias in full"),
        Limit("yaml_depth", 40, "levels of nesting in a YAML file"),
        Limit("yaml_text_chars", 20_000, "characters in one YAML value"),
    )
}

#: Not a limit on what builds: lint reads a packaged stylesheet, script or HTML page to check
#: what it points to only up to this size (hand-written files are far smaller; reading a large
#: one whole would cost more memory than its findings are worth).
SCAN_BYTES = 1 << 20

#: The largest number (in magnitude) a YAML source may hold: JavaScript's and SCORM's numbers are
#: exact below it, and no course setting or answer needs more.
NUMBER_BOUND = 10**15


class InvalidLimit(CoursepackError):
    """A ``COURSEPACK_LIMIT_…`` variable that is not a positive whole number (a command-line fault)."""

    exit_code = 2


def value(name: str) -> int:
    """The limit *name* in force: its environment variable if set, else the default.

    :raises InvalidLimit: when the variable is set to anything but a positive whole number.
    """
    limit = LIMITS[name]
    raw = os.environ.get(limit.variable)
    if raw is None or not raw.strip():
        return limit.default
    text = raw.strip()
    if not text.isdigit() or int(text) < 1 or len(text) > 12:
        raise InvalidLimit(f"{limit.variable}={raw!r}: expected a positive whole number (default {limit.default})")
    return int(text)


def size_bytes(name: str) -> int:
    """A size limit (``…_mb``) in bytes."""
    return value(name) * MB


def how_to_raise(name: str) -> str:
    """The hint that says how to raise limit *name* for a run."""
    limit = LIMITS[name]
    return f"if this is intended, raise the limit for the build, e.g. {limit.variable}={value(name) * 2}"


def at_most(name: str) -> str:
    """``a lesson file may be at most 2 MB``: the limit *name* in a message."""
    return f"{LIMITS[name].what} may be at most {shown(name)}"


def shown(name: str) -> str:
    """Limit *name* as messages write it: ``2 MB``, ``5000``."""
    n = value(name)
    return f"{n} MB" if name.endswith("_mb") else str(n)

"""Problems found in course sources, and the errors that carry them.

Every check appends a :class:`Problem` to a list instead of raising, so an author sees every
problem in one run. The pipeline raises :class:`InvalidCourse` once, at the end of a stage.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, List, NamedTuple, Optional


class Problem(NamedTuple):
    """One thing wrong with the input, located as precisely as the source allows.

    A named tuple (cheap to define at start-up): copy one with a change with ``problem._replace(level=…)``.
    """

    file: str
    message: str
    line: Optional[int] = None
    col: Optional[int] = None
    hint: Optional[str] = None
    level: str = "error"
    code: str = ""

    def format(self) -> str:
        """Render as ``path:line:col: error: message [code]`` plus an indented hint line."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        text = f"{where}: {self.level}: {self.message}"
        if self.code:
            text += f" [{self.code}]"  # the code that lint.ignore in course.yaml silences
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "level": self.level,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


class Problems(list):
    """A list of problems with helpers for adding them."""

    def add(self, file, message, line=None, col=None, hint=None, level="error", code=""):
        """Add a problem; a URL in its message or hint is shown without credentials (builder/redact.py)."""
        # loaded with the first problem (start-up)
        from builder.redact import redact

        self.append(Problem(str(file), redact(message), line, col, redact(hint), level, code))

    @property
    def errors(self) -> List[Problem]:
        return [p for p in self if p.level == "error"]

    @property
    def warnings(self) -> List[Problem]:
        return [p for p in self if p.level == "warning"]


class CoursepackError(Exception):
    """Base of the errors the command line reports without a traceback."""

    exit_code = 1


class InvalidCourse(CoursepackError):
    """The course sources (or a package) have problems; nothing was written."""

    exit_code = 2

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) found")


class BuildFailed(CoursepackError):
    """The build could not finish for a reason other than bad input (disk, permissions)."""

    exit_code = 1


def kind_of(value) -> str:
    """What *value* is, in an author's words (for "expected …, found …" messages)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (a yes/no value)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value}'" if len(value) < 40 else "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def did_you_mean(word: str, choices: Iterable[str]) -> Optional[str]:
    """Return ``"did you mean 'x'?"`` for the closest choice, or None."""
    # only when there is a problem to suggest for (start-up)
    import difflib

    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def did_you_mean_file(path: Path) -> Optional[str]:
    """``"did you mean 'x'?"`` for the file beside *path* whose name is closest to its name, or None."""
    folder = Path(path).parent
    if not folder.is_dir():
        return None
    return did_you_mean(Path(path).name, sorted(p.name for p in folder.iterdir()))


def display_path(path: Path) -> str:
    """A path as the author typed it: relative to the working directory when possible."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()

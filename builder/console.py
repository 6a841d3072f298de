"""What the commands print on stderr: problems (coloured on a terminal), next steps, quietness.

Colour follows the conventions people already have: on when stderr is a terminal (and ``TERM``
is not ``dumb``), off with ``NO_COLOR``, on with ``FORCE_COLOR`` (https://no-color.org). Lines
are never wrapped: editors and CI parse ``path:line:col: error: message``.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Iterable, Optional

import click

from builder.problems import Problem
from builder.redact import redact

LEVEL_STYLES = {"error": {"fg": "red", "bold": True}, "warning": {"fg": "yellow", "bold": True}}
HINT_STYLE = {"fg": "cyan"}
_LEVEL = re.compile(r"^((?:.*?: )?)(error|warning)(: )")


def colour_wanted(stream=None) -> bool:
    """Whether to colour what goes to *stream* (stderr by default)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "") not in ("", "0", "false"):
        return True
    stream = stream if stream is not None else sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)()) and os.environ.get("TERM") != "dumb"


class Console:
    """Prints for one command run.

    :param quiet: 0 prints everything, 1 (``-q``) drops progress and summaries but keeps warnings,
        2 (``-qq``) prints errors only.
    """

    def __init__(self, quiet: int = 0, colour: Optional[bool] = None):
        self.quiet = quiet
        self.colour = colour_wanted() if colour is None else colour

    def line(self, text: str) -> None:
        """A summary or progress line (dropped with ``-q``)."""
        if self.quiet < 1:
            click.echo(text, err=True, color=self.colour)

    def error(self, text: str) -> None:
        """``error: <text>``, always printed, with any credentials in a URL hidden (builder/redact.py)."""
        click.echo(self.paint(f"error: {redact(text)}"), err=True, color=self.colour)

    def problems(self, problems: Iterable[Problem], always: Iterable[str] = ()) -> None:
        """Problems sorted by file and line; warnings dropped with ``-qq`` unless their code is in *always*."""
        keep = set(always)
        for problem in sorted(problems, key=lambda p: (p.file, p.line or 0, p.col or 0)):
            if problem.level == "warning" and self.quiet >= 2 and problem.code not in keep:
                continue
            click.echo(self.paint(problem.format()), err=True, color=self.colour)

    def paint(self, text: str) -> str:
        """*text* with its level word and hint label coloured (unchanged without colour)."""
        if not self.colour:
            return text
        text = _LEVEL.sub(
            lambda m: m.group(1) + click.style(m.group(2), **LEVEL_STYLES[m.group(2)]) + m.group(3), text, count=1
        )
        return text.replace("\n    hint: ", "\n    " + click.style("hint:", **HINT_STYLE) + " ")


def command_line(*words) -> str:
    """A command to paste into a shell: every word quoted as the shell needs it."""
    # only for a message that suggests a command (start-up)
    import shlex

    return " ".join(shlex.quote(str(word)) for word in words)

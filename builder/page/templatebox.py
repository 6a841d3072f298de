"""Course-supplied templates: rendered in Jinja2's sandbox, in a child process with OS limits.

A template in a course's ``templates/`` folder is a course source like the rest, so rendering it
must not run code on the build machine and must end. Two walls:

* Jinja2's :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment`: a template reads the names it
  receives (``render.TemplateContext``) and their public attributes; attribute walks to Python's
  internals (``__class__``, ``__globals__``, ``mro`` …), calls of unsafe functions and changes to
  lists and dicts fail with an error located at the template's line.
* A child process (``python -m builder.page.templatebox``) that limits itself, before it reads
  anything, to :data:`CPU_SECONDS` of processor time and :data:`MEMORY_BYTES` of address space,
  while this process waits at most :data:`WALL_SECONDS`: a loop that never ends or a string that
  doubles forever is stopped and reported instead of hanging CI.

The course's own templates come first, then coursepack's; only the files that
:func:`builder.sources.theme.read_template_overrides` accepted (regular files within their size limit)
are ever read from the course folder. The child gets the course and the runtime configuration
pickled on stdin (this process made them) and answers with the page on stdout, or exit code
:data:`PROBLEM_EXIT` and a JSON problem ``{file, line, message}``.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

#: Processor time the child may use; the hard limit that kills it is a few seconds later.
CPU_SECONDS = 8
#: Wall-clock time this process waits for the child (it also starts Python and imports Jinja2).
WALL_SECONDS = 20
#: Address space of the child: the player page of the largest course within the limits fits.
MEMORY_BYTES = 512 * 1000 * 1000
PROBLEM_EXIT = 3
TOO_LONG = (
    f"rendering took too long (over {CPU_SECONDS} s of processor time or {WALL_SECONDS} s in all), so it was "
    "stopped: a loop that never ends?"
)


class TemplateTimeout(Exception):
    """Raised in the child when its processor time runs out (SIGXCPU)."""


class TemplateProblem(Exception):
    """A course template that cannot be rendered: where (``file`` and ``line`` may be None) and why."""

    def __init__(self, file, line, message: str):
        super().__init__(message)
        self.file, self.line, self.message = file, line, message


def render_in_sandbox(course, config: Dict[str, Any], adapter: str) -> str:
    """Render ``player.html`` for a *course* that has its own ``templates/`` folder (loading *adapter*).

    :raises TemplateProblem: when a course template fails, runs too long or needs too much memory.
    :raises RuntimeError: when the child fails for a reason that is not the course's.
    """
    package_root = str(Path(__file__).resolve().parents[2])  # the folder that holds builder/
    env = dict(os.environ)
    env["PYTHONPATH"] = package_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    child = subprocess.Popen(
        [sys.executable, "-m", "builder.page.templatebox"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    data = pickle.dumps((course, config, adapter), protocol=pickle.HIGHEST_PROTOCOL)
    try:
        out, err = child.communicate(data, timeout=WALL_SECONDS)
    except subprocess.TimeoutExpired:
        child.terminate()  # the child turns SIGTERM into an error located at its template line
        try:
            out, err = child.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()
            out, err = child.communicate()
    if child.returncode == 0:
        return out.decode("utf-8")
    if child.returncode == PROBLEM_EXIT:
        problem = json.loads(out)
        raise TemplateProblem(problem["file"], problem["line"], problem["message"])
    if child.returncode < 0:  # killed, in a long step that signals could not interrupt
        raise TemplateProblem(None, None, TOO_LONG)
    raise RuntimeError("the template renderer failed: " + err.decode("utf-8", "replace").strip()[-2000:])


def _limit_self() -> None:
    """Bound this (child) process's processor time and memory, and turn running out of time into an exception."""
    try:
        # in the sandbox's child process only
        import resource
        import signal
    except ImportError:  # pragma: no cover - not a POSIX system: only the wall-clock wait bounds it
        return

    def out_of_time(signum, frame):
        raise TemplateTimeout(TOO_LONG)

    signal.signal(signal.SIGXCPU, out_of_time)
    signal.signal(signal.SIGTERM, out_of_time)
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 5))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def _location(exc: BaseException):
    """The template file and line where *exc* happened (a syntax error's own, else the innermost template frame)."""
    # in the sandbox's child process only
    import traceback

    file, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not file:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith((".html", ".htm")):
                file, line = frame.filename, frame.lineno
                break
    return file, line


def _render_child() -> int:
    """The child's work: read the pickled course and configuration, render, answer on stdout."""
    _limit_self()
    course, config, adapter = pickle.loads(sys.stdin.buffer.read())
    # in the sandbox's child process only
    import jinja2

    # in the sandbox's child process only
    from builder.page.environment import make_environment, template_context

    try:
        env = make_environment(course, sandboxed=True)
        page = env.get_template("player.html").render(**template_context(course, config, adapter))
    except Exception as exc:  # whatever a course template does wrong (1/0 too) is the course's problem
        file, line = _location(exc)
        if file is None and not isinstance(exc, (jinja2.TemplateError, TemplateTimeout, MemoryError)):
            raise  # not in a template: a defect of coursepack (exit 1 in the parent, with this traceback)
        if isinstance(exc, MemoryError):
            message = f"rendering needs more than {MEMORY_BYTES // 1000_000} MB of memory"
        elif isinstance(exc, RecursionError):
            message = "a template includes or calls itself without end"
        elif isinstance(exc, jinja2.TemplateNotFound):
            message = f"there is no template '{exc.name}' (in templates/ or among coursepack's)"
        elif isinstance(exc, (jinja2.TemplateError, TemplateTimeout)):
            message = getattr(exc, "message", None) or str(exc)
        else:
            message = f"{type(exc).__name__}: {exc}"
        sys.stdout.write(json.dumps({"file": file, "line": line, "message": message}))
        return PROBLEM_EXIT
    sys.stdout.buffer.write(page.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(_render_child())

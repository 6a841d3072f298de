"""Render the player page: coursepack's templates in-process, a course's own in the sandbox.

The environment and the template context are :mod:`builder.page.environment`; a course with
its own ``templates/`` folder is rendered by :mod:`builder.page.templatebox`, and its page must
still load every runtime script the package carries.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict

from builder.formats import runtime_files
from builder.model import Course
from builder.page.environment import make_environment, template_context
from builder.problems import InvalidCourse, Problems, display_path
from builder.resources import default_runtime_scripts


def render_player(course: Course, config: Dict[str, Any], adapter: str) -> str:
    """Render ``player.html`` (the SCO page) for *course*, loading the runtime *adapter* of its format.

    Coursepack's own templates render here; a course with its own ``templates/`` folder is
    rendered in the sandbox of :mod:`builder.page.templatebox` (the output is the same for the same
    templates).

    :raises InvalidCourse: when a template of the course's own ``templates/`` folder fails.
    """
    if course.templates_dir is None:
        return make_environment(course).get_template("player.html").render(**template_context(course, config, adapter))
    # only for a course with its own templates
    from builder.page.templatebox import TemplateProblem, render_in_sandbox

    try:
        page = render_in_sandbox(course, config, adapter)
    except TemplateProblem as exc:
        raise _template_problem(course, exc) from None
    _check_runtime_scripts(course, page, adapter)
    return page


def _check_runtime_scripts(course: Course, page: str, adapter: str) -> None:
    """An overridden page must load every runtime script the package carries, player.js last.

    The player is several scripts (docs/architecture.md, section 1); a ``base.html`` copied from
    an older release, or edited, could drop one, and the course would stop at its first page.
    """

    loaded = re.findall(r"""<script\b[^>]*\bsrc=["']assets/([^"'?#]+\.js)["']""", page)
    defaults = set(default_runtime_scripts())
    carried = [p.name for p in runtime_files(course, adapter) if p.name in defaults]
    missing = [name for name in carried if name not in loaded]
    problems = Problems()
    where = (
        display_path(course.templates_dir / "base.html")
        if "base.html" in course.template_files
        else display_path(course.templates_dir)
    )
    if missing:
        problems.add(
            where,
            "the page does not load " + ", ".join(f"assets/{name}" for name in missing),
            hint="keep every <script> tag of the default templates/base.html, in the same order",
        )
    elif loaded and loaded[-1] != "player.js" and "player.js" in carried:
        problems.add(
            where,
            f"assets/player.js must be the last script the page loads, not assets/{loaded[-1]}",
            hint="keep the <script> tags of the default templates/base.html in the same order",
        )
    if problems:
        raise InvalidCourse(problems)


def _template_problem(course: Course, exc) -> Exception:
    """A located error for a failing template override (:class:`builder.page.templatebox.TemplateProblem`)."""

    shown = display_path(Path(exc.file)) if exc.file else display_path(course.templates_dir)
    problems = Problems()
    problems.add(
        shown,
        f"this template cannot be rendered: {exc.message}",
        exc.line,
        hint="templates receive course, outline, quiz, t, config, theme_css, adapter_script and number, and read only "
        "their "
        "public attributes (docs/limits.md, 'What a template may use')",
    )
    return InvalidCourse(problems)

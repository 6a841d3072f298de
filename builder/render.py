"""The Jinja environment, the locale catalogues and the context every template receives.

Templates live in ``templates/`` at the top of the source tree; an installed wheel carries them
as ``builder/templates``. Autoescaping is on, undefined names raise, and lesson HTML (already
checked and rewritten by :mod:`builder.lessons`) is marked safe in exactly one place:
:func:`template_context`.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, TypedDict

from builder.model import Course


@functools.lru_cache(maxsize=None)
def templates_dir() -> Path:
    """Where the templates are: next to the package in a wheel, beside it in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "player.html").is_file():
            return candidate
    raise FileNotFoundError("coursepack's templates are missing from this installation; reinstall coursepack")


def available_languages() -> List[str]:
    return sorted(p.stem for p in (templates_dir() / "locales").glob("*.json"))


@functools.lru_cache(maxsize=None)
def load_strings(language: str) -> Dict[str, str]:
    """The learner-facing strings for *language* (a base code such as ``en``)."""
    with open(templates_dir() / "locales" / f"{language}.json", encoding="utf-8") as fh:
        return json.load(fh)


#: Runtime files a package carries only when its course turns the feature on (``runtime_files(course)``).
OPTIONAL_RUNTIME = {"xapi.js": lambda course: course.xapi is not None}


def runtime_files(course: Optional[Course] = None) -> List[Path]:
    """Static files copied byte for byte into the package's ``assets/`` folder, sorted.

    Optional files (:data:`OPTIONAL_RUNTIME`) are included only for a *course* that uses them.
    """
    root = templates_dir()
    files = [p for folder in ("static", "runtime") for p in (root / folder).iterdir() if p.is_file()
             and (p.name not in OPTIONAL_RUNTIME or (course is not None and OPTIONAL_RUNTIME[p.name](course)))]
    return sorted(files, key=lambda p: p.name)


class TemplateContext(TypedDict):
    """What ``templates/player.html`` receives."""

    course: Course  #: the course model
    outline: Any  #: modules, each with ``lessons`` whose ``html`` is Markup
    quiz: Any  #: the quiz model, or None
    t: Dict[str, str]  #: learner-facing strings of the course language
    config: Dict[str, Any]  #: the runtime configuration (docs/architecture.md, section 3)


def make_environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        # Compiled templates are cached in the per-user temp folder, keyed by the template's
        # checksum: a stale entry is never used, and the output is the same with or without it.
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"]),
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
        keep_trailing_newline=True,
    )


def template_context(course: Course, config: Dict[str, Any]) -> TemplateContext:
    from types import SimpleNamespace

    from markupsafe import Markup

    outline = [
        SimpleNamespace(id=module.id, title=module.title, lessons=[
            SimpleNamespace(id=lesson.id, title=lesson.title, number=lesson.number, file=lesson.file,
                            html=Markup(lesson.html))  # author HTML, checked in builder.lessons
            for lesson in module.lessons])
        for module in course.modules
    ]
    return TemplateContext(course=course, outline=outline, quiz=course.quiz,
                           t=load_strings(course.language.split("-")[0]), config=config)


def render_player(course: Course, config: Dict[str, Any]) -> str:
    """Render ``player.html`` (the SCO page) for *course*."""
    env = make_environment()
    return env.get_template("player.html").render(**template_context(course, config))

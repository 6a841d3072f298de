"""The Jinja environment and the context every template receives (the player page's templates).

Autoescaping is on, undefined names raise, and lesson HTML (already checked and rewritten by
:mod:`builder.sources.lessons`) is marked safe in exactly one place: :func:`template_context`.
A course's own templates are rendered with ``sandboxed=True`` (in :mod:`builder.page.templatebox`).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, Dict, Optional, Sequence, TypedDict

from builder.model import Course
from builder.resources import load_strings, templates_dir
from builder.sources.fileguard import Refused, read_regular


class TemplateContext(TypedDict):
    """What ``templates/player.html`` receives."""

    course: Course  #: the course model
    outline: Any  #: modules, each with ``lessons`` whose ``html`` is Markup
    quiz: Any  #: the quiz model, or None
    t: Dict[str, str]  #: learner-facing strings of the course language
    config: Dict[str, Any]  #: the runtime configuration (docs/architecture.md, section 3)
    theme_css: Any  #: Markup: the theme's CSS custom properties and fonts ("" for the default theme)
    adapter_script: str  #: the format's runtime adapter, loaded from ``assets/`` (builder/formats.py)
    number: Any  #: number(value): a number written the course language's way ("1.5" / "1,5")


def make_environment(course: Optional[Course] = None, sandboxed: bool = False):
    """The Jinja environment; a course with its own ``templates/`` folder has it searched first.

    :param sandboxed: Jinja2's immutable sandbox (course templates render only in it, in the
        child process of :mod:`builder.page.templatebox`).
    """
    # Jinja loads only when a page is rendered (start-up)
    import jinja2
    import jinja2.sandbox

    loader = jinja2.FileSystemLoader(str(templates_dir()))
    if course is not None and course.templates_dir is not None:
        loader = jinja2.ChoiceLoader([_course_loader(course.templates_dir, course.template_files), loader])
    environment = jinja2.sandbox.ImmutableSandboxedEnvironment if sandboxed else jinja2.Environment
    return environment(
        loader=loader,
        # Compiled templates are cached in the per-user temp folder, keyed by the template's
        # checksum: a stale entry is never used, and the output is the same with or without it.
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"]),
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
        keep_trailing_newline=True,
    )


def _course_loader(folder: Path, accepted: Sequence[str]):
    """A Jinja loader for the course's template overrides: only the ``*.html`` files that
    :func:`builder.sources.theme.read_template_overrides` accepted, each read through the file guard."""
    # Jinja loads only when a page is rendered (start-up)
    import jinja2

    names = {rel for rel in accepted if "/" not in rel}

    def load(name: str):
        if name not in names:
            return None  # the next loader (coursepack's templates) has it, or nobody does
        path = Path(folder) / name
        try:
            text = read_regular(path, "template_file_mb").decode("utf-8")
        except (Refused, UnicodeDecodeError) as exc:
            raise jinja2.TemplateError(f"{name}: {getattr(exc, 'message', None) or 'is not UTF-8'}") from None
        return text, str(path), lambda: True

    return jinja2.FunctionLoader(load)


def template_context(course: Course, config: Dict[str, Any], adapter: str) -> TemplateContext:

    # Jinja loads only when a page is rendered (start-up)
    from markupsafe import Markup

    outline = [
        SimpleNamespace(
            id=module.id,
            title=module.title,
            lessons=[
                SimpleNamespace(
                    id=lesson.id, title=lesson.title, number=lesson.number, file=lesson.file, html=Markup(lesson.html)
                )  # author HTML, checked in builder.sources.lessons
                for lesson in module.lessons
            ],
        )
        for module in course.modules
    ]
    strings = load_strings(course.language.split("-")[0])

    def number(value) -> str:
        text = f"{float(value):g}" if float(value) != int(value) else str(int(value))
        return text.replace(".", strings["decimal_separator"])

    return TemplateContext(
        course=course,
        outline=outline,
        quiz=course.quiz,
        t=strings,
        config=config,
        theme_css=Markup(theme_css(course.theme)),
        adapter_script=adapter,
        number=number,
    )


def theme_css(theme) -> str:
    """The CSS a course theme adds after assets/player.css (values checked by builder/sources/theme.py)."""
    if theme is None:
        return ""
    rules = []
    if theme.colors:
        rules.append(":root { " + " ".join(f"--{name}: {value};" for name, value in theme.colors) + " }")
    if theme.font_body:
        rules.append(f"body {{ font-family: {theme.font_body}; }}")
    if theme.font_headings:
        rules.append(f"h1, h2, h3, h4, .certificate-title {{ font-family: {theme.font_headings}; }}")
    return "\n".join(rules)

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
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, TypedDict

from builder.model import Course

if TYPE_CHECKING:
    from builder.zipwriter import Entry


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
OPTIONAL_RUNTIME = {
    "xapi.js": lambda course: course.xapi is not None,
    "certificate.js": lambda course: course.certificate,
}


def runtime_files(course: Optional[Course] = None, adapter: Optional[str] = None) -> List[Path]:
    """Static files copied byte for byte into the package's ``assets/`` folder, sorted by name.

    Optional files (:data:`OPTIONAL_RUNTIME`) are included only for a *course* that uses them, and
    of the formats' runtime adapters (builder/formats.py) only *adapter*, the package's own.
    A course's own ``templates/static/*`` and ``templates/runtime/*`` replace the default file
    of the same name (``assets/`` is flat) or are added to it.
    """
    from builder import formats

    root = templates_dir()
    by_name = {p.name: p for folder in ("static", "runtime") for p in (root / folder).iterdir() if p.is_file()}
    if course is not None and course.templates_dir is not None:
        for rel in course.template_files:
            if rel.startswith(("static/", "runtime/")):
                by_name[rel.split("/", 1)[1]] = course.templates_dir / rel
    other_adapters = formats.adapters() - {adapter}
    files = [
        p
        for name, p in by_name.items()
        if name not in other_adapters
        and (name not in OPTIONAL_RUNTIME or (course is not None and OPTIONAL_RUNTIME[name](course)))
    ]
    return sorted(files, key=lambda p: p.name)


def package_files(course: Course, launch_file: str, page_html: str, adapter: str) -> List["Entry"]:
    """What every package carries, sorted by name: the page, the runtime files and the course's assets."""
    from builder.zipwriter import Entry

    files = [Entry(launch_file, data=page_html.encode("utf-8"))]
    files += [Entry(f"assets/{p.name}", source=p) for p in runtime_files(course, adapter)]
    files += [Entry(asset.path, source=asset.source) for asset in course.assets]
    files.sort(key=lambda e: e.name)
    return files


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
        child process of :mod:`builder.templatebox`).
    """
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
        # The sandbox compiles calls differently (environment.call), so it keeps a cache of its own.
        bytecode_cache=jinja2.FileSystemBytecodeCache(
            pattern="__coursepack_sandbox_%s.cache" if sandboxed else "__coursepack_%s.cache"
        ),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"]),
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
        keep_trailing_newline=True,
    )


def _course_loader(folder: Path, accepted: Sequence[str]):
    """A Jinja loader for the course's template overrides: only the ``*.html`` files that
    :func:`builder.theme.read_template_overrides` accepted, each read through the file guard."""
    import jinja2

    from builder.fileguard import Refused, read_regular

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
    from types import SimpleNamespace

    from markupsafe import Markup

    outline = [
        SimpleNamespace(
            id=module.id,
            title=module.title,
            lessons=[
                SimpleNamespace(
                    id=lesson.id, title=lesson.title, number=lesson.number, file=lesson.file, html=Markup(lesson.html)
                )  # author HTML, checked in builder.lessons
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
    """The CSS a course theme adds after assets/player.css (values checked by builder/theme.py)."""
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


def render_player(course: Course, config: Dict[str, Any], adapter: str) -> str:
    """Render ``player.html`` (the SCO page) for *course*, loading the runtime *adapter* of its format.

    Coursepack's own templates render here; a course with its own ``templates/`` folder is
    rendered in the sandbox of :mod:`builder.templatebox` (the output is the same for the same
    templates).

    :raises InvalidCourse: when a template of the course's own ``templates/`` folder fails.
    """
    if course.templates_dir is None:
        return make_environment(course).get_template("player.html").render(**template_context(course, config, adapter))
    from builder.templatebox import TemplateProblem, render_in_sandbox

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
    import re

    from builder.problems import InvalidCourse, Problems, display_path

    loaded = re.findall(r"""<script\b[^>]*\bsrc=["']assets/([^"'?#]+\.js)["']""", page)
    defaults = {p.name for p in (templates_dir() / "runtime").glob("*.js")}
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
    """A located error for a failing template override (:class:`builder.templatebox.TemplateProblem`)."""
    from builder.problems import InvalidCourse, Problems, display_path

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

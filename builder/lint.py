"""Lint: warnings about courses that build but trip up learners or LMSs.

Hard errors (a missing file, a bad key) stop the build in :mod:`builder.sources.course` and
:mod:`builder.sources.lessons`. The checks here find what still builds but goes wrong later: anchors
that jump nowhere, images without alt text, ``http:`` resources that an LMS served over HTTPS
blocks, media over the course's size budget, files nothing uses, lessons that call the LMS API
behind the player's back, and headings that skip a level. Each finding is a
``Problem(level="warning")`` with a stable ``code`` (:data:`builder.model.LINT_CODES`), so authors can silence one
(``lint: ignore: [...]`` in course.yaml) and ``coursepack validate --strict`` can fail CI on any.

This module never writes. It runs after the course loaded cleanly and reads what the loader kept
(:class:`builder.sources.files.SourceFiles`: the parsed course.yaml and quiz file, the lesson texts);
the few files it reads itself (stylesheets, scripts, other HTML pages) go through the same record,
so the packagers do not read them again.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple
from urllib.parse import unquote, urlsplit

from lxml import etree

from builder.model import DEFAULT_MEDIA_BUDGET_KB, Course
from builder.problems import Problem, Problems, did_you_mean, display_path
from builder.resources import templates_dir
from builder.sources.fileguard import Refused
from builder.sources.lessons import CSS_URL
from builder.sources.limits import SCAN_BYTES

#: id="…" attributes in the page templates; a Jinja expression inside one matches anything.
TEMPLATE_ID = re.compile(r"""(?<![\w-])id=["']([^"']+)["']""")

#: OS and editor leftovers that are never reported as unused.
JUNK = re.compile(r"^(\.DS_Store|Thumbs\.db|desktop\.ini|.*~|.*\.sw[po]|#.*#)$", re.I)

#: Calls and names that mean a script is talking to the LMS itself (SCORM 1.2 and 2004).
LMS_API = re.compile(
    r"\b(LMS(?:Initialize|Finish|GetValue|SetValue|Commit|GetLastError|GetErrorString|GetDiagnostic)"
    r"|API_1484_11|doLMS\w+|pipwerks|(?<=[\"'])cmi\.[a-z_]+(?:\.[a-z_0-9]+)*(?=[\"']))"
)

#: Attributes that hold ids of other elements (space-separated lists for the aria ones).
ID_REFERENCES = (
    "for",
    "headers",
    "list",
    "form",
    "aria-labelledby",
    "aria-describedby",
    "aria-controls",
    "aria-owns",
    "aria-details",
    "aria-errormessage",
    "aria-flowto",
    "aria-activedescendant",
)


#: Elements whose src/srcset/poster/data (or href, for <link>) the browser loads by itself.
LOADED_ATTRIBUTES = ("src", "srcset", "poster", "data")

SCRIPT_TYPES = ("", "text/javascript", "application/javascript", "module")

#: Template text an author meant to replace: a bracketed word in capitals ([PLACEHOLDER], [NAME]),
#: TODO/FIXME/TBD/XXX in capitals, a value that starts "Name of the …" or "Insert … here" or ends
#: "… goes here" (as template fields do; prose rarely does), and lorem ipsum in any case.
PLACEHOLDER = re.compile(
    r"\[[A-Z][A-Z _/-]{2,}\]|\b(?:TODO|FIXME|TBD|XXX)\b|^\s*Name of (?:the|your) [\w -]{1,40}"
    r"|^\s*Insert [\w ,'-]{1,80} here\b|\S.{0,40} goes here\.?\s*$"
)
LOREM = re.compile(r"\blorem ipsum\b", re.I)
#: course.yaml / quiz.yaml keys whose values learners never see (ids, paths, settings).
NOT_SHOWN = frozenset(
    ("id", "file", "version", "language", "quiz", "status_rule", "completion", "type", "lint", "xapi", "theme")
)


class Settings:
    """The ``lint:`` block of course.yaml (read by the sources stage), and the file names the YAML mentions."""

    def __init__(self):
        self.budget_kb: float = DEFAULT_MEDIA_BUDGET_KB
        self.ignore: Set[str] = set()
        self.quiz_file: Optional[str] = None
        self.yaml_strings: Set[str] = set()


class _Lesson:
    def __init__(self, rel: str, shown: str, title: str):
        self.rel = rel  #: the lesson file, relative to the course folder
        self.shown = shown  #: the lesson file as messages show it
        self.title = title
        self.ids: Dict[str, int] = {}  #: id -> line
        self.refs: Set[str] = set()  #: ids that something in the lesson points to


class _Linter:
    def __init__(self, course: Course, files, settings: Settings):
        self.course = course
        self.files = files
        self.root = files.root
        self.shown_root = display_path(files.root)
        self.settings = settings
        self.found = Problems()
        self.lessons: List[_Lesson] = []
        self.by_file: Dict[str, _Lesson] = {}
        self.after_all_lessons: List = []  # checks that need the ids of every lesson
        self.packaged = {asset.path for asset in course.assets}
        self.referenced: Set[str] = set()  # every course file something points to, packaged or not
        self.first_ref: Dict[str, Tuple[str, int]] = {}  # asset -> (shown file, line) of its first reference

    # ----------------------------------------------------------------- helpers
    def warn(self, code: str, file: str, message: str, line=None, hint=None) -> None:
        self.found.add(file, message, line, None, hint, "warning", code)

    def shown(self, rel: str) -> str:
        return f"{self.shown_root}/{rel}"

    def resolve(self, value: str, base_rel: str) -> Optional[Tuple[str, str]]:
        """``(course-relative path, fragment)`` for a local reference, or None for anything else."""
        url = (value or "").strip()
        if not url or url.startswith("#"):
            return None
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith("/"):
            return None
        path = unquote(parts.path)
        if "\\" in path:
            return None
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(base_rel), path)) if path else base_rel
        if rel == ".." or rel.startswith("../"):
            return None
        return rel, parts.fragment

    # ----------------------------------------------------------------- run
    def run(self) -> Problems:
        """One pass over the lessons, one parsed tree at a time (memory stays flat on big courses);
        the checks that need every lesson's ids run after it."""
        self.lessons = [_Lesson(lesson.file, self.shown(lesson.file), lesson.title) for lesson in self.course.lessons]
        self.by_file = {lesson.rel: lesson for lesson in self.lessons}
        for lesson in self.lessons:
            root = self.read_lesson(lesson)
            if root is not None:
                self.check_lesson(lesson, root)
        self.check_duplicate_ids()
        for check in self.after_all_lessons:
            check()
        self.check_packaged_files()
        self.check_media_size()
        self.check_unused()
        for doc in (self.files.course_doc, self.files.quiz_doc):
            if doc is not None:
                self.check_placeholders(doc)
        return self.found

    def read_lesson(self, lesson: _Lesson):
        """Parse the lesson and note its ids and what points to them; return the tree (or None)."""
        text = self.files.lessons.get(lesson.rel)
        if text is None:
            return None  # reported by the loader already
        try:
            root = _parse_fragment(text)
        except (etree.ParserError, etree.XMLSyntaxError, ValueError):
            return None
        for el in _elements(root):
            for name in (el.get("id"), el.get("name") if el.tag == "a" else None):
                if name and name not in lesson.ids:
                    lesson.ids[name] = el.sourceline
            href = el.get("href") or ""
            if el.tag in ("a", "area") and href.startswith("#"):
                lesson.refs.add(unquote(href[1:]))
            for attr, value in el.items():
                if attr in ID_REFERENCES:
                    lesson.refs.update(value.split())
                elif attr == "usemap" and value.startswith("#"):
                    lesson.refs.add(value[1:])
        return root

    # ----------------------------------------------------------------- ids
    def check_duplicate_ids(self) -> None:
        """An id the player uses, or one used in two lessons that something points to."""
        referenced = set().union(*(lesson.refs for lesson in self.lessons)) if self.lessons else set()
        seen: Dict[str, Tuple[_Lesson, int]] = {}
        for lesson in self.lessons:
            for name, line in lesson.ids.items():
                if _is_player_id(name):
                    self.warn(
                        "id-duplicate",
                        lesson.shown,
                        f"the id '{name}' is already used by the player page",
                        line,
                        hint="rename it; the player's own element would be found instead",
                    )
                elif name in seen and name in referenced:
                    other, other_line = seen[name]
                    self.warn(
                        "id-duplicate",
                        lesson.shown,
                        f"the id '{name}' is also used in {other.rel} (line {other_line}); all lessons "
                        f"share one page, so '#{name}' (or for=/aria-… pointing to it) finds the first one",
                        line,
                        hint="give each id a name used once in the course, e.g. prefix it with the lesson's id",
                    )
                else:
                    seen.setdefault(name, (lesson, line))

    # ----------------------------------------------------------------- one lesson
    def check_lesson(self, lesson: _Lesson, root) -> None:
        previous_heading = 2  # the player shows the lesson title as <h2>
        for el in _elements(root):
            tag = el.tag
            line = el.sourceline
            if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
                previous_heading = self.check_heading(lesson, el, int(tag[1]), previous_heading)
            if (
                tag == "img"
                or (tag == "input" and (el.get("type") or "").lower() == "image")
                or (tag == "area" and el.get("href") is not None)
            ):
                if el.get("alt") is None:
                    self.warn(
                        "img-alt",
                        lesson.shown,
                        f"{_describe(el)} has no alt text",
                        line,
                        hint='describe the image in alt="…" (write alt="" if it is only decoration); '
                        "screen readers read it, and it shows when the image cannot load",
                    )
            self.check_loaded(lesson, el)
            self.check_links(lesson, el)
            if tag == "script" or (tag == "iframe" and el.get("srcdoc") is not None):
                self.warn_script(lesson, el, "<script>" if tag == "script" else "<iframe srcdoc>")
            if tag == "script":
                self.check_script(lesson, el)
            if tag == "style" and el.text:
                self.check_style(lesson, el.text, line, "a <style> element")
            if el.get("style"):
                self.check_style(lesson, el.get("style"), line, "a style attribute")
            handlers = [name for name, value in el.attrib.items() if name.lower().startswith("on") and value]
            if handlers:
                self.warn_script(lesson, el, f"the {handlers[0]} attribute of <{tag}>")
            for name in handlers:
                self.check_api_text(lesson.shown, el.get(name), line, f"its {name} attribute")
            if tag not in ("script", "style"):
                self.check_lesson_placeholders(lesson, el)

    def warn_script(self, lesson: _Lesson, el, what: str) -> None:
        self.warn(
            "lesson-script",
            lesson.shown,
            f"{what} runs script in the player page, where the LMS connection and every lesson are in reach",
            el.sourceline,
            hint="keep only script you have reviewed; to accept this course's scripts, add 'lesson-script' to "
            "lint.ignore in course.yaml",
        )

    def check_placeholders(self, doc) -> None:
        """Template text in learner-facing course.yaml / quiz.yaml values."""
        for path, text in _shown_strings(doc.data, ()):
            found = _placeholder(text)
            if found:
                self.warn(
                    "placeholder",
                    doc.file,
                    f"'{found}' looks like template text that learners would see",
                    doc.pos(path)[0],
                    hint="replace it with the real text before publishing",
                )

    def check_lesson_placeholders(self, lesson: _Lesson, el) -> None:
        for text in (el.text, el.tail, el.get("alt"), el.get("title")):
            found = _placeholder(text or "")
            if found:
                self.warn(
                    "placeholder",
                    lesson.shown,
                    f"'{found}' looks like template text that learners would see",
                    el.sourceline,
                    hint="replace it with the real text before publishing",
                )
                return

    def check_heading(self, lesson: _Lesson, el, level: int, previous: int) -> int:
        if level <= 2:
            self.warn(
                "heading-level",
                lesson.shown,
                f"<h{level}> has the level of the lesson title or above; the player shows the title "
                f"'{lesson.title}' as <h2>",
                el.sourceline,
                hint="use <h3> for the lesson's sections, <h4> inside them",
            )
            return 2
        if level > previous + 1:
            before = "the lesson title is <h2>" if previous == 2 else f"the heading before it is <h{previous}>"
            self.warn(
                "heading-level",
                lesson.shown,
                f"<h{level}> skips a level: {before}",
                el.sourceline,
                hint=f"use <h{previous + 1}> here; screen-reader users navigate by heading levels",
            )
        return level

    def check_loaded(self, lesson: _Lesson, el) -> None:
        """References the browser loads by itself: record them; flag http: ones."""
        attributes = LOADED_ATTRIBUTES + (("href",) if el.tag == "link" else ())
        for attr in attributes:
            value = el.get(attr)
            if not value:
                continue
            urls = [part.strip().split(" ", 1)[0] for part in value.split(",")] if attr == "srcset" else [value]
            for url in urls:
                if url.strip().lower().startswith("http:"):
                    self.warn(
                        "http-resource",
                        lesson.shown,
                        f"'{url.strip()}' is loaded over http:; when the LMS serves the course over https, "
                        f"browsers block it (mixed content)",
                        el.sourceline,
                        hint="use its https:// address, or copy the file into the course folder",
                    )
                target = self.resolve(url, lesson.rel)
                if target:
                    self.note_reference(target[0], lesson.shown, el.sourceline)

    def check_links(self, lesson: _Lesson, el) -> None:
        if el.tag not in ("a", "area"):
            return
        href = (el.get("href") or "").strip()
        if not href:
            return
        if href.startswith("#"):
            self.after_all_lessons.append(
                functools.partial(self.check_fragment, lesson, unquote(href[1:]), el.sourceline)
            )
            return
        target = self.resolve(href, lesson.rel)
        if not target:
            return
        rel, fragment = target
        self.note_reference(rel, lesson.shown, el.sourceline)
        other = self.by_file.get(rel)
        if other is not None and fragment:
            self.after_all_lessons.append(
                functools.partial(self.check_lesson_anchor, lesson, other, href, fragment, el.sourceline)
            )

    def check_lesson_anchor(self, lesson: _Lesson, other: _Lesson, href: str, fragment: str, line: int) -> None:
        """A link to another lesson's file with a '#fragment' (the player opens lessons at their top)."""
        if fragment in other.ids:
            self.warn(
                "link-anchor",
                lesson.shown,
                f"'{href}' opens the lesson '{other.title}' at its top; the player ignores '#{fragment}'",
                line,
                hint=f"link to '{href.split('#')[0]}', or move the content it points to",
            )
        else:
            self.warn(
                "link-anchor",
                lesson.shown,
                f"'{href}': the lesson '{other.title}' ({other.rel}) has no element with id '{fragment}'",
                line,
                hint=_anchor_hint(fragment, other.ids),
            )

    def check_fragment(self, lesson: _Lesson, fragment: str, line: int) -> None:
        if not fragment or fragment == "top" or fragment in lesson.ids:
            return
        if fragment.startswith("lesson-"):
            self.warn(
                "link-anchor",
                lesson.shown,
                f"'#{fragment}' does not change lessons; the player only follows links to lesson files",
                line,
                hint='link to the lesson\'s file instead, e.g. href="02-next.html"',
            )
            return
        if _is_player_id(fragment):
            return
        owner = next((other for other in self.lessons if fragment in other.ids), None)
        if owner is not None:
            self.warn(
                "link-anchor",
                lesson.shown,
                f"'#{fragment}' is in another lesson ({owner.rel}); the player shows one lesson at a time",
                line,
                hint="link to that lesson's file instead: "
                f'href="{posixpath.relpath(owner.rel, posixpath.dirname(lesson.rel))}"',
            )
            return
        self.warn(
            "link-anchor",
            lesson.shown,
            f"'#{fragment}' points to no element in this lesson",
            line,
            hint=_anchor_hint(fragment, lesson.ids),
        )

    def check_script(self, lesson: _Lesson, el) -> None:
        kind = (el.get("type") or "").strip().lower()
        if kind not in SCRIPT_TYPES:
            return
        src = el.get("src")
        if src:
            target = self.resolve(src, lesson.rel)
            data = self.scannable(target[0]) if target and (self.root / target[0]).is_file() else None
            if data is not None:
                text = data.decode("utf-8", errors="replace")
                self.check_api_text(self.shown(target[0]), text, 1, f"loaded by {lesson.rel}")
        elif el.text:
            self.check_api_text(lesson.shown, el.text, el.sourceline, "a <script> element")

    def check_api_text(self, shown: str, text: str, first_line: int, where: str) -> None:
        match = LMS_API.search(text)
        if not match:
            return
        line = (first_line or 1) + text.count("\n", 0, match.start())
        self.warn(
            "lms-api",
            shown,
            f"script ({where}) talks to the LMS itself ('{match.group(0)}'); only the player may do that",
            line,
            hint="remove it: a second caller can overwrite the status and score the player sets, or end "
            "the session early; the player tracks pages, the quiz and resume data",
        )

    def check_style(self, lesson: _Lesson, css: str, line: int, where: str) -> None:
        for match in CSS_URL.finditer(css):
            url = (match.group(2) if match.group(2) is not None else match.group(4) or "").strip()
            at = (line or 1) + css.count("\n", 0, match.start())
            if url.lower().startswith("http:"):
                self.warn(
                    "http-resource",
                    lesson.shown,
                    f"'{url}' is loaded over http:; when the LMS serves the course over https, browsers block it "
                    f"(mixed content)",
                    at,
                    hint="use its https:// address, or copy the file into the course folder",
                )
                continue
            target = self.resolve(url, lesson.rel)
            if not target:
                continue
            self.referenced.add(target[0])
            self.warn(
                "link-broken",
                lesson.shown,
                f"url({url}) in {where} will not work in the package: the build only copies files that src "
                f"and href attributes point to, and the lesson moves to the package root",
                at,
                hint="show the image with an <img> element instead",
            )

    def note_reference(self, rel: str, shown: str, line) -> None:
        self.referenced.add(rel)
        self.first_ref.setdefault(rel, (shown, line))

    # ----------------------------------------------------------------- packaged files
    def check_packaged_files(self) -> None:
        """Stylesheets and non-lesson HTML pages in the package: what they point to must be packaged too."""
        lesson_files = set(self.by_file)
        for asset in self.course.assets:
            suffix = posixpath.splitext(asset.path)[1].lower()
            if suffix == ".css":
                self.check_css_asset(asset.path)
            elif suffix in (".html", ".htm") and asset.path not in lesson_files:
                self.check_html_asset(asset.path)

    def missing_from_package(self, shown: str, rel: str, value: str, line) -> None:
        self.referenced.add(rel)
        if rel in self.packaged:
            return
        if (self.root / rel).is_file():
            self.warn(
                "link-broken",
                shown,
                f"'{value}' ({rel}) is not in the package: the build only packages files that lessons point to",
                line,
                hint="point to it from a lesson as well, or embed the content in a lesson",
            )
        else:
            self.warn(
                "link-broken",
                shown,
                f"'{value}' does not exist (looked for {rel} in the course folder)",
                line,
                hint="check the file name and that the path is relative to this file",
            )

    def scannable(self, rel: str) -> Optional[bytes]:
        """The bytes of a packaged file that lint looks into, or None when it is unreadable or larger
        than :data:`builder.sources.limits.SCAN_BYTES` (not hand-written: reading it whole costs more than it finds)."""
        try:
            if (self.root / rel).stat().st_size > SCAN_BYTES:
                return None
            return self.files.read_bytes(rel)
        except (OSError, Refused):
            return None

    def check_css_asset(self, rel: str) -> None:
        data = self.scannable(rel)
        if data is None:
            return
        css = data.decode("utf-8", errors="replace")
        line, counted = 1, 0
        for match in CSS_URL.finditer(css):
            url = (match.group(2) if match.group(2) is not None else match.group(4) or "").strip()
            line += css.count("\n", counted, match.start())
            counted = match.start()
            if url.lower().startswith("http:"):
                self.warn(
                    "http-resource",
                    self.shown(rel),
                    f"'{url}' is loaded over http:; when the LMS serves the course over https, browsers block it "
                    f"(mixed content)",
                    line,
                    hint="use its https:// address, or copy the file into the course folder",
                )
                continue
            target = self.resolve(url, rel)
            if target:
                self.missing_from_package(self.shown(rel), target[0], url, line)

    def check_html_asset(self, rel: str) -> None:
        data = self.scannable(rel)
        try:
            page = etree.fromstring(data, etree.HTMLParser()) if data else None
            if page is None:
                return
        except (etree.ParserError, etree.XMLSyntaxError, ValueError):
            return
        for el in _elements(page):
            for attr in ("src", "href", "poster", "data"):
                value = el.get(attr)
                target = self.resolve(value, rel) if value else None
                if target and target[0] != rel:
                    self.missing_from_package(self.shown(rel), target[0], value.strip(), el.sourceline)

    # ----------------------------------------------------------------- sizes and leftovers
    def check_media_size(self) -> None:
        budget = self.settings.budget_kb * 1000
        for asset in self.course.assets:
            if asset.size <= budget:
                continue
            shown, line = self.first_ref.get(asset.path, (self.shown(asset.path), None))
            self.warn(
                "media-size",
                shown,
                f"'{asset.path}' is {_size(asset.size)}, over the media budget of {_size(budget)} per file",
                line,
                hint="compress it, or host it elsewhere and embed it; if the size is intended, raise "
                "lint.media_budget_kb in course.yaml",
            )

    def check_unused(self) -> None:
        used = {"course.yaml"} | set(self.by_file) | self.packaged | self.referenced
        if self.settings.quiz_file:
            used.add(posixpath.normpath(self.settings.quiz_file))
        used |= {posixpath.normpath(s) for s in self.settings.yaml_strings}
        used |= {
            f"templates/{rel}" for rel in self.course.template_files
        }  # template overrides (builder/sources/theme.py)
        for rel in _course_files(self.root, skip=self.files.output):
            if rel not in used:
                self.warn(
                    "file-unused",
                    self.shown(rel),
                    "nothing in the course uses this file, so it is not packaged",
                    hint="delete it or point to it from a lesson; to keep such files, add 'file-unused' to "
                    "lint.ignore in course.yaml",
                )


@functools.lru_cache(maxsize=None)
def player_ids() -> Tuple[re.Pattern, ...]:
    """Patterns of the ids the player page gives its own elements (read from the templates)."""

    patterns = []
    for template in sorted(templates_dir().glob("*.html")):
        try:
            text = template.read_text(encoding="utf-8")
        except OSError:
            continue
        for value in TEMPLATE_ID.findall(text):
            parts = re.split(r"\{\{.*?\}\}", value)
            patterns.append(re.compile("^" + ".+".join(re.escape(p) for p in parts) + "$"))
    return tuple(patterns)


def _is_player_id(name: str) -> bool:
    return any(p.match(name) for p in player_ids())


def _parse_fragment(text: str):
    """A lesson fragment as a plain lxml tree (the ``<body>`` element), with source lines.

    The same HTML parser as :mod:`builder.sources.lessons`, without lxml.html's element classes (lint
    only reads, and plain elements are about twice as fast to walk).
    """
    body = etree.fromstring(f"<html><body>{text}</body></html>", etree.HTMLParser()).find("body")
    if body is None:
        raise etree.ParserError("no content")
    return body


def _elements(root) -> Iterable:
    """Every element under *root* (and *root*), without comments and processing instructions."""
    return root.iter(etree.Element)


def _describe(el) -> str:
    """How a message names an image: ``<img src="…">``, ``<input type="image" src="…">``, ``<area href="…">``."""
    if el.tag == "area":
        return f'<area href="{el.get("href")}">'
    kind = ' type="image"' if el.tag == "input" else ""
    return f'<{el.tag}{kind} src="{el.get("src")}">' if el.get("src") else f"<{el.tag}{kind}>"


def _anchor_hint(fragment: str, ids: Dict[str, int]) -> str:
    close = did_you_mean(fragment, sorted(ids))
    return close or f'add id="{fragment}" to the element it should jump to, or correct the link'


def _size(n: float) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    return f"{n / 1000:.0f} kB"


def _course_files(root: Path, skip: Optional[Path] = None) -> List[str]:
    """Every file in the course folder (sorted, posix, relative), without hidden files and junk.

    :param skip: a folder left out (the build's output folder, when it lies inside the course).
    """
    out = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and (skip is None or Path(folder, d).resolve() != skip)
        )
        base = Path(folder).relative_to(root).as_posix()
        for name in sorted(files):
            if name.startswith(".") or JUNK.match(name):
                continue
            out.append(name if base == "." else f"{base}/{name}")
    return out


def _placeholder(text: str) -> str:
    """The template text in *text* ('' when there is none)."""
    match = PLACEHOLDER.search(text) or LOREM.search(text)
    return match.group(0).strip() if match else ""


def _shown_strings(value, path: Tuple) -> Iterable[Tuple[Tuple, str]]:
    """(path, text) of every string a learner may see in a parsed course.yaml or quiz.yaml."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in NOT_SHOWN:
                yield from _shown_strings(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _shown_strings(item, path + (i,))


def _yaml_strings(value) -> Iterable[str]:
    if isinstance(value, str):
        yield value.strip()
    elif isinstance(value, dict):
        for item in value.values():
            yield from _yaml_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _yaml_strings(item)


def read_settings(course: Course, files) -> Settings:
    """What lint needs besides the model: the course's ``lint:`` settings and the file names the YAML mentions.

    :param files: the :class:`builder.sources.files.SourceFiles` of the loaded course.
    """
    settings = Settings()
    settings.budget_kb = course.lint.media_budget_kb
    settings.ignore = set(course.lint.ignore)
    doc = files.course_doc
    if doc is None or not isinstance(doc.data, dict):
        return settings
    settings.quiz_file = files.quiz_file
    settings.yaml_strings = {s for s in _yaml_strings(doc.data) if "/" in s or "." in s}
    if files.quiz_doc is not None:
        settings.yaml_strings |= {s for s in _yaml_strings(files.quiz_doc.data) if "/" in s}
    return settings


def lint_course(course: Course, files, warnings: Sequence[Problem] = ()) -> List[Problem]:
    """Lint the course that :func:`builder.sources.course.load_course` loaded.

    :param files: the :class:`builder.sources.files.SourceFiles` it filled.
    :param warnings: warnings found while loading the course; returned with the lint findings.
    :return: the warnings minus the codes course.yaml silences, sorted by file and line, plus
        errors when the ``lint:`` block of course.yaml is malformed.
    """
    problems = Problems()
    settings = read_settings(course, files)
    findings = list(warnings) + list(_Linter(course, files, settings).run())
    kept = [p for p in findings if p.code not in settings.ignore]
    kept.sort(key=lambda p: (p.file, p.line or 0, p.code))
    return list(problems) + kept


def as_errors(problems: Iterable[Problem]) -> List[Problem]:
    """``--strict``: every warning becomes an error."""
    return [p._replace(level="error") if p.level == "warning" else p for p in problems]

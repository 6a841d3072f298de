"""What the relay accepts, learned from course folders and built packages.

Both give the same thing: the ``xapi`` part of the runtime configuration
(``docs/architecture.md`` section 3). A course folder is loaded with :func:`builder.source.load_course`
and turned into it by :func:`builder.xapi.vocab.runtime_xapi`; a built package (SCORM or Tin Can
zip) carries it in ``index.html`` (``<script id="course-config">``). From it come:

* every activity IRI (course, lessons, quiz, questions, course evaluation items) with its kind,
  its course and the shape of its definition (type, interaction type, option ids; not the wording,
  so a corrected typo in a later release does not make the relay refuse the statements of
  packages still in use);
* the verbs and the context extension IRIs;
* the CE credit hours a course reports;
* the LMS ``homePage`` of the course (``xapi.lms_homepage``), to which ``--homepage`` adds.

Several inputs for the same course (two releases, a folder and a zip) add up: a statement is
accepted when it fits any of them.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple
from urllib.parse import urlsplit

from builder.problems import InvalidCourse
from builder.xapi.embed import UsageError
from builder.xapi.settings import url_problem
from builder.xapi.vocab import COMPONENT_LISTS

#: The kinds of activity a statement's ``result.response`` is about.
RESPONDED_KINDS = ("question", "evaluation")
MAX_INDEX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Shape:
    """What a definition of one activity may say: type, interaction type and option ids."""

    type: str
    interaction: Optional[str] = None
    components: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()

    def ids(self, key: str) -> Optional[Tuple[str, ...]]:
        return dict(self.components).get(key)


@dataclass
class Activity:
    iri: str
    kind: str  #: course, lesson, quiz, question or evaluation (an item or the comment of the course evaluation)
    course: str  #: the course IRI
    shapes: List[Shape] = field(default_factory=list)


@dataclass
class CourseRules:
    iri: str
    course_id: str
    version_extension: str
    credit_extension: str
    credit_hours: Set[Any] = field(default_factory=set)  #: None when a release reports none
    versions: Set[str] = field(default_factory=set)
    learned_from: List[str] = field(default_factory=list)


@dataclass
class Allowlist:
    activities: Dict[str, Activity] = field(default_factory=dict)
    courses: Dict[str, CourseRules] = field(default_factory=dict)
    verbs: Dict[str, Dict[str, Any]] = field(default_factory=dict)  #: verb IRI -> {id, display}
    verb_names: Dict[str, str] = field(default_factory=dict)  #: verb IRI -> name
    homepages: Set[str] = field(default_factory=set)

    # ------------------------------------------------------------------ building
    def add_config(self, xapi: Dict[str, Any], where: str) -> None:
        """Learn one course from the ``xapi`` part of a runtime configuration."""
        try:
            self._add_config(xapi, where)
        except (KeyError, TypeError, AttributeError, ValueError):
            raise UsageError(
                f"{where}: its xAPI configuration is not one coursepack writes (built by another version?)"
            ) from None

    def _add_config(self, xapi: Dict[str, Any], where: str) -> None:
        course = xapi["course"]
        iri = course["id"]
        ext = xapi["extensions"]
        rules = self.courses.get(iri)
        if rules is None:
            course_id = iri.rstrip("/").rsplit("/course/", 1)[-1]
            rules = self.courses[iri] = CourseRules(iri, course_id, ext["courseVersion"], ext["creditHours"])
        rules.credit_hours.add(xapi.get("creditHours"))
        if xapi.get("courseVersion"):
            rules.versions.add(str(xapi["courseVersion"]))
        rules.learned_from.append(where)
        self._activity(course, "course", iri)
        for lesson in (xapi.get("lessons") or {}).values():
            self._activity(lesson, "lesson", iri)
        if xapi.get("quiz"):
            self._activity(xapi["quiz"], "quiz", iri)
        for question in (xapi.get("questions") or {}).values():
            self._activity(question, "question", iri)
        for item in (xapi.get("evaluation") or {}).values():  # absent in packages built before it was reported
            self._activity(item, "evaluation", iri)
        for name, verb in xapi["verbs"].items():
            self.verbs[verb["id"]] = verb
            self.verb_names[verb["id"]] = name
        if xapi.get("homePage"):
            self.add_homepage(xapi["homePage"], where)

    def _activity(self, activity: Dict[str, Any], kind: str, course: str) -> None:
        definition = activity.get("definition") or {}
        shape = Shape(
            type=definition["type"],
            interaction=definition.get("interactionType"),
            components=tuple(
                (key, tuple(c["id"] for c in definition[key])) for key in COMPONENT_LISTS if key in definition
            ),
        )
        known = self.activities.setdefault(activity["id"], Activity(activity["id"], kind, course))
        if shape not in known.shapes:
            known.shapes.append(shape)

    def add_homepage(self, url: str, where: str = "--homepage") -> None:
        problem = url_problem(url, allow_query=False)
        if problem:
            raise UsageError(f"{where}: the LMS homePage '{url}' {problem}")
        self.homepages.add(normal_homepage(url))

    # ------------------------------------------------------------------ reading
    def course_of(self, iri: str) -> Optional[CourseRules]:
        activity = self.activities.get(iri)
        return self.courses.get(activity.course) if activity else None

    def origins(self) -> Set[str]:
        """The web origins of the allowed LMS homePages (the default CORS origins)."""
        out = set()
        for url in self.homepages:
            parts = urlsplit(url)
            out.add(f"{parts.scheme}://{parts.netloc}".lower())
        return out

    def summary(self) -> Dict[str, Any]:
        return {
            "courses": sorted(self.courses),
            "activities": len(self.activities),
            "homepages": sorted(self.homepages),
        }


def normal_homepage(url: str) -> str:
    """The form homePages are compared in: scheme and host lower-cased, no trailing slash."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}{query}"


# ---------------------------------------------------------------------- inputs
class _ConfigScript(HTMLParser):
    """The text of ``<script type="application/json" id="course-config">`` in ``index.html``."""

    def __init__(self) -> None:
        super().__init__()
        self._inside = False
        self.text: Optional[str] = None

    def handle_starttag(self, tag, attrs):
        if tag == "script" and dict(attrs).get("id") == "course-config" and self.text is None:
            self._inside = True
            self.text = ""

    def handle_endtag(self, tag):
        if tag == "script":
            self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.text += data


def config_from_zip(path: Path) -> Optional[Dict[str, Any]]:
    """The ``xapi`` part of a built package's runtime configuration (None: the package has no xAPI).

    :raises UsageError: the file is not a coursepack package.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            try:
                info = zf.getinfo("index.html")
            except KeyError:
                raise UsageError(f"{path}: not a coursepack package (no index.html)") from None
            if info.file_size > MAX_INDEX_BYTES:
                raise UsageError(f"{path}: index.html is too large for a coursepack package")
            html = zf.read(info).decode("utf-8")
    except (zipfile.BadZipFile, UnicodeDecodeError, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not a readable zip file"
        raise UsageError(f"{path}: {reason}") from None
    parser = _ConfigScript()
    parser.feed(html)
    try:
        config = json.loads(parser.text or "")
    except ValueError:
        raise UsageError(f"{path}: index.html has no coursepack runtime configuration") from None
    xapi = config.get("xapi") if isinstance(config, dict) else None
    return xapi if isinstance(xapi, dict) else None


def config_from_source(folder: Path) -> Optional[Dict[str, Any]]:
    """The ``xapi`` part of the runtime configuration of a course folder (None: no ``xapi:`` block)."""
    from builder.source import load_course
    from builder.xapi.vocab import runtime_xapi

    try:
        course, _ = load_course(folder)
    except InvalidCourse as exc:
        raise UsageError(
            f"{folder}: the course folder has {len(exc.problems)} problem(s); run 'coursepack validate {folder}'"
        ) from None
    return runtime_xapi(course)


def _inputs(path: Path) -> Iterable[Tuple[Path, bool]]:
    """``(course folder or zip, named explicitly)`` for one ``--courses`` path."""
    if path.is_file():
        if path.suffix.lower() != ".zip":
            raise UsageError(
                f"--courses {path}: give a course folder, a built package (.zip), or a folder holding them"
            )
        yield path, True
    elif (path / "course.yaml").is_file():
        yield path, True
    elif path.is_dir():
        found = False
        for child in sorted(path.iterdir()):
            if (child.is_dir() and (child / "course.yaml").is_file()) or (
                child.is_file() and child.suffix.lower() == ".zip"
            ):
                found = True
                yield child, False
        if not found:
            raise UsageError(f"--courses {path}: holds no course folder (with course.yaml) and no .zip")
    else:
        raise UsageError(f"--courses {path}: no such file or folder")


def load_allowlist(paths: Iterable[Path], homepages: Iterable[str] = (), warn=None) -> Allowlist:
    """Everything the relay accepts, from ``--courses`` paths and ``--homepage`` values.

    :raises UsageError: a path that cannot be read, or nothing to accept at all.
    """
    allow = Allowlist()
    for given in paths:
        for item, explicit in _inputs(Path(given)):
            xapi = config_from_zip(item) if item.is_file() else config_from_source(item)
            if xapi is None:
                message = (
                    f"{item}: the course has no xAPI reporting (no 'xapi:' block in course.yaml"
                    f"{' when it was built' if item.is_file() else ''})"
                )
                if explicit:
                    raise UsageError(message)
                if warn:
                    warn(f"warning: {message}; skipped")
                continue
            allow.add_config(xapi, str(item))
    for url in homepages:
        allow.add_homepage(url)
    if not allow.courses:
        raise UsageError(
            "no course to accept statements for: give --courses with course folders or packages "
            "that have xAPI reporting"
        )
    if not allow.homepages:
        raise UsageError(
            "no LMS homePage to accept: set xapi.lms_homepage in course.yaml or give --homepage URL "
            "(every statement would be refused)"
        )
    return allow

"""What the relay accepts, learned from course folders and built packages (:mod:`builder.xapi.releases`).

Both give the same release: the runtime configuration, whose ``xapi`` part
(``docs/architecture.md`` section 3) names every activity. From the releases come:

* every activity IRI (course, lessons, quiz, questions, course evaluation items) with its kind,
  its course and the shape of its definition (type, interaction type, option ids; not the wording);
* per release (a course at one version): the activities it has and their shapes, its CE credit
  hours, language, pass mark, quiz (attempts, questions and their sealed answer keys), whether it
  offers the certificate and whether it sends learner names;
* the verbs and the context extension IRIs;
* the LMS ``homePage`` of the course (``xapi.lms_homepage``), to which ``--homepage`` adds.

A statement names its release with the course-version extension and is checked against it; two
inputs of the same release (a folder and its zip) are both kept, and a statement fits when it fits
either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple
from urllib.parse import urlsplit

from builder.sources.xapi import url_problem
from builder.xapi.embed import UsageError
from builder.xapi.releases import Release, load_releases, release_from_source, release_from_zip
from builder.xapi.vocab import COMPONENT_LISTS

#: The kinds of activity a statement's ``result.response`` is about.
RESPONDED_KINDS = ("question", "evaluation")


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
class ReleaseRules:
    """One release of a course: what its package sends."""

    release: Release
    activities: Dict[str, Tuple[str, Shape]] = field(default_factory=dict)  #: IRI -> (kind, definition shape)
    questions: Dict[str, Dict[str, Any]] = field(default_factory=dict)  #: question IRI -> its runtime configuration


@dataclass
class CourseRules:
    iri: str
    course_id: str
    version_extension: str
    credit_extension: str
    certificate_extension: str
    credit_hours: Set[Any] = field(default_factory=set)  #: None when a release reports none
    versions: Set[str] = field(default_factory=set)
    learned_from: List[str] = field(default_factory=list)
    releases: Dict[str, List[ReleaseRules]] = field(default_factory=dict)  #: version -> its inputs


@dataclass
class Allowlist:
    activities: Dict[str, Activity] = field(default_factory=dict)
    courses: Dict[str, CourseRules] = field(default_factory=dict)
    verbs: Dict[str, Dict[str, Any]] = field(default_factory=dict)  #: verb IRI -> {id, display}
    verb_names: Dict[str, str] = field(default_factory=dict)  #: verb IRI -> name
    homepages: Set[str] = field(default_factory=set)

    # ------------------------------------------------------------------ building
    def add_release(self, release: Release) -> None:
        """Learn one release (a course folder or a built package)."""
        where = release.where
        try:
            self._add_config(release.xapi, where)
            self._add_release(release)
        except (KeyError, TypeError, AttributeError, ValueError):
            raise UsageError(
                f"{where}: its configuration is not one coursepack writes (built by another version?)"
            ) from None

    def add_config(self, xapi: Dict[str, Any], where: str) -> None:
        """Learn the activities, verbs and homePage of one course from the ``xapi`` part of a configuration."""
        try:
            self._add_config(xapi, where)
        except (KeyError, TypeError, AttributeError, ValueError):
            raise UsageError(
                f"{where}: its xAPI configuration is not one coursepack writes (built by another version?)"
            ) from None

    def _add_release(self, release: Release) -> None:
        xapi = release.xapi
        rules = self.courses[xapi["course"]["id"]]
        found = ReleaseRules(release)
        found.activities[xapi["course"]["id"]] = ("course", _shape(xapi["course"]))
        groups = [("lesson", xapi.get("lessons") or {}), ("question", xapi.get("questions") or {})]
        groups.append(("evaluation", xapi.get("evaluation") or {}))
        for kind, activities in groups:
            for activity in activities.values():
                found.activities[activity["id"]] = (kind, _shape(activity))
        if xapi.get("quiz"):
            found.activities[xapi["quiz"]["id"]] = ("quiz", _shape(xapi["quiz"]))
        for question in (release.quiz or {}).get("questions") or []:
            activity = (xapi.get("questions") or {}).get(question["id"])
            if activity:
                found.questions[activity["id"]] = question
        rules.releases.setdefault(release.version, []).append(found)

    def _add_config(self, xapi: Dict[str, Any], where: str) -> None:
        course = xapi["course"]
        iri = course["id"]
        ext = xapi["extensions"]
        rules = self.courses.get(iri)
        if rules is None:
            course_id = iri.rstrip("/").rsplit("/course/", 1)[-1]
            certificate = ext.get("certificateCode") or ext["courseVersion"].rsplit("/", 1)[0] + "/certificate-code"
            rules = self.courses[iri] = CourseRules(
                iri, course_id, ext["courseVersion"], ext["creditHours"], certificate
            )
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
        shape = _shape(activity)
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


def _shape(activity: Dict[str, Any]) -> Shape:
    definition = activity.get("definition") or {}
    return Shape(
        type=definition["type"],
        interaction=definition.get("interactionType"),
        components=tuple(
            (key, tuple(c["id"] for c in definition[key])) for key in COMPONENT_LISTS if key in definition
        ),
    )


def normal_homepage(url: str) -> str:
    """The form homePages are compared in: scheme and host lower-cased, no trailing slash."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}{query}"


# ---------------------------------------------------------------------- inputs
def config_from_zip(path: Path) -> Optional[Dict[str, Any]]:
    """The ``xapi`` part of a built package's runtime configuration (None: the package has no xAPI).

    :raises UsageError: the file is not a coursepack package.
    """
    return release_from_zip(path).xapi


def config_from_source(folder: Path) -> Optional[Dict[str, Any]]:
    """The ``xapi`` part of the runtime configuration of a course folder (None: no ``xapi:`` block)."""
    return release_from_source(folder).xapi


def load_allowlist(paths: Iterable[Path], homepages: Iterable[str] = (), warn=None) -> Allowlist:
    """Everything the relay accepts, from ``--courses`` paths and ``--homepage`` values.

    :raises UsageError: a path that cannot be read, or nothing to accept at all.
    """
    allow = Allowlist()
    for release in load_releases(paths, "--courses", warn):
        allow.add_release(release)
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

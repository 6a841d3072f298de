"""``cmi5.xml``: the cmi5 course structure (spec sections 13 and 14), written, read and checked.

A coursepack course is one assignable unit (AU): the player page keeps its own navigation, so
the LMS launches one unit per course. The course and the AU are identified by the IRIs of the
xAPI vocabulary (:func:`builder.xapi.vocab.course_iri` and :func:`~builder.xapi.vocab.au_iri`),
which never contain the version: a new release replaces the old one in the LMS.

``moveOn`` (when the LMS counts the AU satisfied) follows the course's completion and status
rules. The AU sends ``completed`` when the completion rule is met (a required course evaluation
included) and ``passed`` when the quiz is passed, so:

=================  ===========================  =========================================
``completion``     status rule ``passed/…``     status rule ``completed/…``
=================  ===========================  =========================================
``lessons``        ``Completed``                ``Completed``
``quiz``           ``CompletedAndPassed``       ``Completed``
``both``           ``CompletedAndPassed``       ``Completed``
=================  ===========================  =========================================

A ``completed/…`` status rule says the course reports finishing, not passing, as its result, so
the LMS waits for ``completed`` alone. ``masteryScore`` is the pass mark scaled to 0..1 (a course
with a quiz only); the LMS may replace it in the launch data, and the AU then judges by the LMS's.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Dict, Iterable, NamedTuple, Optional, Set, Tuple
from urllib.parse import unquote, urlsplit

from lxml import etree
from lxml.builder import ElementMaker

from builder.model import Course
from builder.problems import Problems
from builder.xapi.cmi5.vocab import COURSE_STRUCTURE_FILE, LAUNCH_METHODS, MOVE_ON, NAMESPACE, SCHEMA_FILE
from builder.xapi.vocab import au_iri, course_iri

#: The most decimals of a masteryScore (section 13.1.4), so a pass mark may have two.
MASTERY_DECIMALS = 4
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):\S+$")


def move_on(course: Course) -> str:
    """The AU's moveOn for *course* (the table in this module's docstring)."""
    if course.completion == "lessons" or course.status_on_pass == "completed":
        return "Completed"
    return "CompletedAndPassed"


def mastery_score(course: Course) -> Optional[Decimal]:
    """The pass mark as a fraction of 1 (75 -> 0.75), or None for a course without a quiz."""
    if course.quiz is None:
        return None
    return (Decimal(repr(course.pass_mark)) / 100).normalize()


def mastery_score_problem(course: Course) -> Optional[str]:
    """Why the pass mark cannot be a masteryScore (more than 4 decimals once scaled), or None."""
    score = mastery_score(course)
    if score is not None and -score.as_tuple().exponent > MASTERY_DECIMALS:
        return (
            f"pass_mark {course.pass_mark:g} has more decimals than a cmi5 masteryScore can hold "
            f"({MASTERY_DECIMALS} once divided by 100)"
        )
    return None


def _decimal_text(value: Decimal) -> str:
    return format(value, "f")


def course_structure_xml(course: Course, launch: str) -> bytes:
    """The bytes of ``cmi5.xml`` for *course*, whose AU launches *launch* (deterministic)."""
    base = course.xapi.base_iri
    E = ElementMaker(namespace=NAMESPACE, nsmap={None: NAMESPACE})

    def text(tag: str, value: str):
        return getattr(E, tag)(E.langstring(value, lang=course.language))

    description = course.description or course.title
    au = E.au(
        text("title", course.title),
        text("description", description),
        E.url(launch),
        id=au_iri(base, course.id),
        moveOn=move_on(course),
        launchMethod="AnyWindow",
    )
    score = mastery_score(course)
    if score is not None:
        au.set("masteryScore", _decimal_text(score))
    root = E.courseStructure(
        E.course(text("title", course.title), text("description", description), id=course_iri(base, course.id)),
        au,
    )
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


# ---------------------------------------------------------------------- reading (for an LMS)
class Au(NamedTuple):
    """What an LMS needs of one AU to launch it."""

    id: str
    title: Dict[str, str]  #: language -> text
    description: Dict[str, str]
    url: str
    move_on: str
    mastery_score: Optional[float]
    launch_parameters: Optional[str]
    entitlement_key: Optional[str]


class CourseStructure(NamedTuple):
    id: str
    title: Dict[str, str]
    description: Dict[str, str]
    aus: Tuple[Au, ...]
    blocks: int  #: how many <block> elements it has


def _q(tag: str) -> str:
    return f"{{{NAMESPACE}}}{tag}"


def _langstrings(parent, tag: str) -> Dict[str, str]:
    found = parent.find(_q(tag))
    if found is None:
        return {}
    return {ls.get("lang") or "und": (ls.text or "").strip() for ls in found.iterfind(_q("langstring"))}


def _child_text(parent, tag: str) -> Optional[str]:
    found = parent.find(_q(tag))
    return None if found is None else (found.text or "").strip()


def read_course_structure(data: bytes) -> CourseStructure:
    """The course structure in *data*, taken as valid (check it first with :func:`check_course_structure`)."""
    root = etree.fromstring(data)
    course = root.find(_q("course"))
    aus = []
    for au in root.iter(_q("au")):
        score = au.get("masteryScore")
        aus.append(
            Au(
                id=au.get("id", "").strip(),
                title=_langstrings(au, "title"),
                description=_langstrings(au, "description"),
                url=_child_text(au, "url") or "",
                move_on=au.get("moveOn", "NotApplicable"),
                mastery_score=float(score) if score is not None else None,
                launch_parameters=_child_text(au, "launchParameters"),
                entitlement_key=_child_text(au, "entitlementKey"),
            )
        )
    return CourseStructure(
        id=course.get("id", "").strip(),
        title=_langstrings(course, "title"),
        description=_langstrings(course, "description"),
        aus=tuple(aus),
        blocks=sum(1 for _ in root.iter(_q("block"))),
    )


# ---------------------------------------------------------------------- checks
def iri_problem(value: str) -> Optional[str]:
    """Why *value* is not an absolute IRI (cmi5 section 3.0: fully qualified, never a reference), or None."""
    match = _SCHEME.match(value)
    if not match:
        return "is not an absolute IRI (it needs a scheme such as https: and no spaces)"
    if match.group(1).lower() in ("http", "https") and not urlsplit(value).netloc:
        return "is not an absolute IRI (no host after the scheme)"
    return None


def check_course_structure(data: bytes, names: Iterable[str], problems: Problems, shown: str = COURSE_STRUCTURE_FILE):
    """What an LMS relies on and the XSD cannot say: absolute unique ids, launchable AUs, values in range."""
    names: Set[str] = set(names)
    try:
        root = etree.fromstring(data)
    except etree.XMLSyntaxError as exc:
        problems.add(shown, f"is not well-formed XML: {exc.msg}", exc.lineno, exc.offset)
        return

    def add(el, message: str, hint: Optional[str] = None, level: str = "error") -> None:
        problems.add(shown, message, getattr(el, "sourceline", None), hint=hint, level=level)

    if root.tag != _q("courseStructure"):
        add(root, f'the root element must be <courseStructure xmlns="{NAMESPACE}">')
        return
    if root.find(_q("course")) is None:
        add(root, "has no <course>")
        return
    declared = {o.get("id") for o in root.iterfind(f"{_q('objectives')}/{_q('objective')}")}
    first_line: Dict[str, Optional[int]] = {}
    for el in root.iter(_q("course"), _q("block"), _q("au"), _q("objective")):
        kind = etree.QName(el).localname
        if kind == "objective" and el.get("idref") is not None:
            if el.get("idref") not in declared:
                add(el, f"objective reference '{el.get('idref')}' names no objective of the course structure")
            continue
        _check_id(el, kind, first_line, add)
        for tag in ("title", "description"):
            if not any(_langstrings(el, tag).values()):
                add(el, f"<{kind}> '{el.get('id')}' has no <{tag}> text", hint="give it a <langstring lang=…>")
    aus = list(root.iter(_q("au")))
    if not aus:
        add(root, "has no <au>, so an LMS has nothing to launch")
    for au in aus:
        _check_au(au, names, add)
    if aus and all(au.get("moveOn", "NotApplicable") == "NotApplicable" for au in aus):
        add(
            root,
            "every AU has moveOn NotApplicable, so an LMS counts the course satisfied as soon as a learner enrols",
            hint="set moveOn on the AU (coursepack writes Completed or CompletedAndPassed)",
            level="warning",
        )


def _check_id(el, kind: str, first_line: Dict[str, Optional[int]], add) -> None:
    ident = (el.get("id") or "").strip()
    if not ident:
        add(el, f"<{kind}> has no id")
        return
    problem = iri_problem(ident)
    if problem:
        add(el, f"<{kind}> id '{ident}' {problem}", hint="cmi5 ids are absolute IRIs, e.g. https://example.org/course")
    elif ident in first_line:
        add(el, f"id '{ident}' is used twice (first on line {first_line[ident]})", hint="every id must be unique")
    first_line.setdefault(ident, el.sourceline)


def _check_au(au, names: Set[str], add) -> None:
    ident = au.get("id")
    url = _child_text(au, "url")
    if not url:
        add(au, f"AU '{ident}' has no <url> to launch")
    else:
        parts = urlsplit(url)
        if parts.scheme:
            if parts.scheme.lower() in ("http", "https") and not parts.netloc:
                add(au, f"AU '{ident}' launches '{url}', which is neither a full URL nor a path in the package")
        elif unquote(parts.path) not in names:
            add(
                au,
                f"AU '{ident}' launches '{url}', which is not in the package",
                hint="a relative <url> names a file of the zip (cmi5 section 14.1), e.g. index.html",
            )
    move = au.get("moveOn")
    if move is not None and move not in MOVE_ON:
        add(au, f"AU '{ident}' has moveOn '{move}'; use one of {', '.join(MOVE_ON)}")
    method = au.get("launchMethod")
    if method is not None and method not in LAUNCH_METHODS:
        add(au, f"AU '{ident}' has launchMethod '{method}'; use {' or '.join(LAUNCH_METHODS)}")
    score = au.get("masteryScore")
    if score is not None and not _is_mastery_score(score):
        add(au, f"AU '{ident}' has masteryScore '{score}'; it must be a decimal from 0 to 1 with at most 4 decimals")


def _is_mastery_score(text: str) -> bool:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return False
    return value.is_finite() and 0 <= value <= 1 and -value.as_tuple().exponent <= MASTERY_DECIMALS


# ---------------------------------------------------------------------- the official schema
def schema_folder(schemas: Path) -> Path:
    """The folder with ``CourseStructure.xsd``: *schemas* itself, or its ``cmi5/`` (as in a copy of shared/schemas)."""
    nested = Path(schemas) / "cmi5"
    if not (Path(schemas) / SCHEMA_FILE).is_file() and (nested / SCHEMA_FILE).is_file():
        return nested
    return Path(schemas)


@functools.lru_cache(maxsize=4)
def _schema(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path))


def validate_schema(data: bytes, folder: Path, problems: Problems, shown: str = COURSE_STRUCTURE_FILE) -> None:
    """Validate against the official cmi5 course structure XSD in *folder* (never copied into a package)."""
    xsd = Path(folder) / SCHEMA_FILE
    if not xsd.is_file():
        problems.add(
            str(folder),
            f"does not hold the cmi5 schema ({SCHEMA_FILE} is missing)",
            hint=f"point --schemas at the folder with {SCHEMA_FILE}, or at one holding cmi5/{SCHEMA_FILE}",
        )
        return
    try:
        doc = etree.fromstring(data).getroottree()
    except etree.XMLSyntaxError:
        return  # check_course_structure says so
    schema = _schema(str(xsd.resolve()))
    if not schema.validate(doc):
        for err in schema.error_log:
            problems.add(
                shown,
                f"does not match the cmi5 course structure schema: {err.message}",
                err.line,
                err.column or None,
            )

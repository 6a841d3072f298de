"""``tincan.xml``: the Tin Can package descriptor (Rustici's launch convention), from the vocabulary.

One ``<activity>`` per course, lesson, quiz and question, with the same IRIs and definitions the
runtime puts in its statements; only the course activity has ``<launch>``. Correct answers are
left out on purpose: the file is served beside ``index.html`` and any learner could read it (the
runtime reports them in the ``answered`` statements after scoring).
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Set

from lxml import etree
from lxml.builder import ElementMaker

from builder.model import Course
from builder.problems import Problems
from builder.sources.xapi import url_problem
from builder.xapi.vocab import COMPONENT_LISTS, Vocabulary

TINCAN_NS = "http://projecttincan.com/tincan.xsd"
TINCAN_FILE = "tincan.xml"


def _langstrings(E, tag: str, langmap: Dict[str, str]) -> List[Any]:
    return [getattr(E, tag)(text, lang=lang) for lang, text in langmap.items()]


def _activity(E, activity: Dict[str, Any], course: Course, launch: str = "") -> Any:
    definition = activity["definition"]
    children = _langstrings(E, "name", definition["name"])
    children += _langstrings(E, "description", definition.get("description") or definition["name"])
    if launch:
        children.append(E.launch(launch, lang=course.language))
    if "interactionType" in definition:
        children.append(E.interactionType(definition["interactionType"]))
    for key in COMPONENT_LISTS:
        if key in definition:
            children.append(
                getattr(E, key)(
                    *[
                        E.component(E.id(component["id"]), *_langstrings(E, "description", component["description"]))
                        for component in definition[key]
                    ]
                )
            )
    return E.activity(*children, id=activity["id"], type=definition["type"])


def tincan_xml(course: Course, vocab: Vocabulary, launch: str) -> bytes:
    """The bytes of ``tincan.xml`` (deterministic: same course, same bytes)."""
    E = ElementMaker(namespace=TINCAN_NS, nsmap={None: TINCAN_NS})
    activities = [_activity(E, vocab.course, course, launch)]
    activities += [_activity(E, a, course) for a in vocab.activities()[1:]]
    root = E.tincan(E.activities(*activities))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def check_tincan(data: bytes, names: Iterable[str], problems: Problems, shown: str = TINCAN_FILE) -> None:
    """What a Tin Can LMS relies on: one launchable activity whose file exists, unique absolute IRIs."""
    names: Set[str] = set(names)
    try:
        root = etree.fromstring(data)
    except etree.XMLSyntaxError as exc:
        problems.add(shown, f"is not well-formed XML: {exc}")
        return
    ns = {"t": TINCAN_NS}
    if root.tag != f"{{{TINCAN_NS}}}tincan":
        problems.add(shown, f'the root element must be <tincan xmlns="{TINCAN_NS}">')
        return
    launches = root.findall("t:activities/t:activity/t:launch", ns)
    if len(launches) != 1:
        problems.add(shown, f"exactly one activity must have <launch>; found {len(launches)}")
    for launch in launches:
        if (launch.text or "") not in names:
            problems.add(shown, f"<launch> names '{launch.text}', which is not in the package")
    seen: Set[str] = set()
    for activity in root.iterfind("t:activities/t:activity", ns):
        iri = activity.get("id") or ""
        if url_problem(iri, allow_query=False):
            problems.add(shown, f"activity id '{iri}' is not an absolute http(s) IRI")
        if iri in seen:
            problems.add(shown, f"activity id '{iri}' is used twice")
        seen.add(iri)
        if activity.find("t:name", ns) is None:
            problems.add(shown, f"activity '{iri}' has no <name>")

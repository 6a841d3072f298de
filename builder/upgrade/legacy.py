"""Packages built before release records (no ``coursepack.json``): their record, rebuilt from the package.

Such a package still holds what an upgrade depends on: its identifiers (``imsmanifest.xml`` or
``tincan.xml``) and its runtime configuration in the page (course, lessons, quiz with sealed answer
keys, and the fingerprint its suspend_data carries: the lesson ids and the quiz's structure). What it
lacks is the digest of what each answer means. :func:`resolve` fills that in against the version
that replaces it, the way those packages' own runtime judged it: the quiz's attempts are kept when
its structure is the same and every answer key is too; a question counts as changed when its type,
options, weight or answer key differ.
"""

from __future__ import annotations

import json
import zipfile
from typing import Any, Dict, List, Optional

from lxml import etree

from builder import engine
from builder.model import Course
from builder.page.runtime_config import runtime_config
from builder.record import RECORD_FORMAT, short_digest
from builder.xapi.vocab import course_iri

#: The option lists of a question in the runtime configuration (what an answer's ids refer to).
OPTION_LISTS = ("choices", "sources", "targets", "items", "scale")
UNKNOWN = "unknown:"  #: a quiz digest or question meaning not comparable yet (before :func:`resolve`)
MAX_DESCRIPTOR_BYTES = 1024 * 1024


def legacy_meaning(config: Dict[str, Any], q: Dict[str, Any]) -> str:
    """What an answer to *q* means, from the runtime configuration alone: type, options, weight, answer key."""
    parts = {
        "type": q.get("type"),
        "weight": q.get("weight"),
        "key": engine.secret(config, q).get("k"),
        **{name: [option.get("id") for option in q[name]] for name in OPTION_LISTS if isinstance(q.get(name), list)},
    }
    return short_digest(json.dumps(parts, sort_keys=True))


def _descriptor(zf: zipfile.ZipFile, name: str) -> Optional[etree._Element]:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_DESCRIPTOR_BYTES:
        raise ValueError(f"{name} is too large")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(zf.read(info), parser)


def _identifiers(zf: zipfile.ZipFile, course_id: str) -> Optional[tuple]:
    """(format name, identifiers, xAPI base IRI or None, mastery score in the manifest) as the package declares them."""
    manifest = _descriptor(zf, "imsmanifest.xml")
    if manifest is not None:
        organization = manifest.find("{*}organizations/{*}organization")
        item = organization.find("{*}item") if organization is not None else None
        resource = manifest.find("{*}resources/{*}resource")
        if item is None or resource is None:
            return None
        identifiers = {
            "manifest": manifest.get("identifier"),
            "organization": organization.get("identifier"),
            "item": item.get("identifier"),
            "resource": resource.get("identifier"),
            "launch": resource.get("href"),
        }
        return "scorm12", identifiers, None, item.find("{*}masteryscore") is not None
    tincan = _descriptor(zf, "tincan.xml")
    if tincan is not None:
        activity = tincan.find("{*}activities/{*}activity")
        launch = activity.find("{*}launch") if activity is not None else None
        if activity is None or launch is None:
            return None
        iri = activity.get("id") or ""
        tail = course_iri("", course_id)
        base = iri[: -len(tail)] if iri.endswith(tail) else None
        return "xapi", {"activity": iri, "launch": (launch.text or "").strip()}, base, False
    return None


def legacy_record(zf: zipfile.ZipFile, config: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The release record of a package built before records, from its descriptor and runtime *config*.

    None when it is no coursepack package of a format this reads (SCORM 1.2, Tin Can).
    """
    course = config.get("course") or {}
    found = _identifiers(zf, str(course.get("id", "")))
    if found is None or not isinstance(config.get("lessons"), list) or "fingerprint" not in config:
        return None
    fmt, identifiers, base_iri, mastery = found
    status = config.get("status") or {}
    quiz = config.get("quiz")
    return {
        "coursepack": RECORD_FORMAT,
        "format": fmt,
        "identifiers": identifiers,
        "course": {key: course.get(key) for key in ("id", "title", "version", "language")},
        "rules": {
            "passMark": config.get("passMark"),
            "statusRule": f"{status.get('pass')}/{status.get('fail')}",
            "completion": config.get("completion"),
            "masteryScoreInManifest": mastery,
            "lms": "generic",  # what those packages did, before presets
        },
        "fingerprint": config["fingerprint"],
        "lessons": [
            {"id": lesson["id"], "title": lesson.get("title"), "file": None, "module": None}
            for lesson in config["lessons"]
        ],
        "quiz": None if not quiz else _quiz(config, quiz),
        "xapi": {"baseIri": base_iri} if base_iri else None,
        "earlier": [],
        "legacy": True,  #: rebuilt from a package without a record; :func:`resolve` completes the quiz
    }


def _quiz(config: Dict[str, Any], quiz: Dict[str, Any]) -> Dict[str, Any]:
    questions: List[Dict[str, Any]] = quiz.get("questions") or []
    evaluation = quiz.get("evaluation") or {}
    return {
        "digest": UNKNOWN + config["fingerprint"],
        "attempts": quiz.get("attempts"),
        "feedback": quiz.get("feedback"),
        "pools": [
            {
                "id": pool.get("id"),
                "draw": pool.get("draw"),
                "shuffle": pool.get("shuffle"),
                "questions": [questions[i]["id"] for i in pool.get("questions", []) if i < len(questions)],
            }
            for pool in quiz.get("sections") or []
        ],
        "questions": [
            {
                "id": q["id"],
                "type": q.get("type"),
                "meaning": UNKNOWN + legacy_meaning(config, q),
                "wording": short_digest(str(q.get("text", ""))),
            }
            for q in questions
        ],
        "evaluation": [item["id"] for item in evaluation.get("items", [])],
    }


def resolve(record: Dict[str, Any], new_config: Dict[str, Any], new_quiz: Optional[dict], same_structure: bool) -> Dict:
    """*record* with what a legacy record lacks, judged against the version that replaces it.

    *new_config* is that version's runtime configuration, *new_quiz* its quiz's ``digest`` and the
    ``meaning`` of each question (as its release record has them), *same_structure* whether its quiz
    has the structure the legacy package's fingerprint covers. A record that is not legacy is
    returned as it is.
    """
    if not record.get("legacy") or not record.get("quiz") or new_quiz is None:
        return record
    meaning = {q["id"]: q["meaning"] for q in new_quiz["questions"]}
    same = {q["id"]: legacy_meaning(new_config, q) for q in (new_config.get("quiz") or {}).get("questions", [])}
    questions = [
        dict(q, meaning=meaning[q["id"]]) if same.get(q["id"]) == q["meaning"][len(UNKNOWN) :] else q
        for q in record["quiz"]["questions"]
    ]
    quiz = dict(record["quiz"], questions=questions)
    if same_structure and not any(q["meaning"].startswith(UNKNOWN) for q in questions):
        quiz["digest"] = new_quiz["digest"]
    return dict(record, quiz=quiz)


def resolve_for_course(record: Dict[str, Any], course: Course) -> Dict[str, Any]:
    """:func:`resolve` against a course folder's model (``build --previous``, ``diff`` of a folder)."""
    if not record.get("legacy") or course.quiz is None:
        return record
    new_quiz = {
        "digest": course.quiz.digest,
        "questions": [{"id": q.id, "meaning": q.content_digest()} for q in course.quiz.questions],
    }
    same_structure = course.structure_fingerprint_for([lesson["id"] for lesson in record["lessons"]])
    return resolve(record, runtime_config(course), new_quiz, same_structure == record["fingerprint"])


def resolve_for_package(record: Dict[str, Any], new_config: Dict[str, Any], new_record: Dict[str, Any]) -> Dict:
    """:func:`resolve` against a built package: its runtime says itself whether it keeps the legacy quiz attempts."""
    if not record.get("legacy"):
        return record
    kept = any(e.get("fingerprint") == record["fingerprint"] and e.get("quiz") for e in new_config.get("earlier") or [])
    return resolve(record, new_config, new_record.get("quiz"), kept)

"""The release record (``coursepack.json`` in every package): what a later version must keep to replace this one.

It is made from the course model, so a built package and its course folder give the same record
(``coursepack diff`` reads either, builder/upgrade/). It holds the identifiers an LMS keys learner
records on, the layout the stored progress depends on (lesson ids, the quiz's digest and per
question what its answer means), the rules a report reads, and the earlier layouts this version
reads (``build --previous``). No answer key is in it: a question's ``meaning`` is a digest.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Dict, List, Tuple

from builder.model import MAX_EARLIER, Course, Earlier

RECORD_NAME = "coursepack.json"
RECORD_FORMAT = 1  #: the record's own layout; a reader refuses a newer one


def short_digest(text: str) -> str:
    """Twelve hex digits of *text*'s SHA-256: a digest a record can show (wording, meaning)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def make_record(course: Course, fmt: str, identifiers: Dict[str, str]) -> Dict[str, Any]:
    """The record of *course* as a package of the format *fmt* (whose *identifiers* an LMS keys on)."""
    module_of = {lesson.id: module.id for module in course.modules for lesson in module.lessons}
    quiz = course.quiz
    return {
        "coursepack": RECORD_FORMAT,
        "format": fmt,
        "identifiers": identifiers,
        "course": {"id": course.id, "title": course.title, "version": course.version, "language": course.language},
        "rules": {
            "passMark": course.pass_mark,
            "statusRule": course.status_rule,
            "completion": course.completion,
            "masteryScoreInManifest": course.mastery_score_in_manifest,
            "lms": course.lms,
        },
        "fingerprint": course.fingerprint,
        "lessons": [
            {"id": lesson.id, "title": lesson.title, "file": lesson.file, "module": module_of[lesson.id]}
            for lesson in course.lessons
        ],
        "quiz": None
        if quiz is None
        else {
            "digest": quiz.digest,
            "attempts": quiz.attempts,
            "feedback": quiz.feedback,
            "pools": [
                {"id": pool.id, "draw": pool.draw, "shuffle": pool.shuffle, "questions": [q.id for q in pool.questions]}
                for pool in quiz.sections
            ],
            "questions": [
                {"id": q.id, "type": q.type, "meaning": q.content_digest(), "wording": short_digest(q.text)}
                for q in quiz.questions
            ],
            "evaluation": [item.id for item in quiz.evaluation.items] if quiz.evaluation else [],
        },
        "xapi": {"baseIri": course.xapi.base_iri} if course.xapi is not None else None,
        "earlier": [earlier_entry(e) for e in course.readable_layouts],
        "tracking": course.tracking._asdict(),  # course.yaml's tracking: keys
    }


def record_bytes(record: Dict[str, Any]) -> bytes:
    return (json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def earlier_entry(e: Earlier) -> Dict[str, Any]:
    return {"fingerprint": e.fingerprint, "version": e.version, "lessons": list(e.lessons), "quiz": e.quiz}


def layout_of(record: Dict[str, Any]) -> Earlier:
    """The progress layout a record's version writes."""
    quiz = record.get("quiz")
    return Earlier(
        record["fingerprint"],
        record["course"]["version"],
        tuple(lesson["id"] for lesson in record["lessons"]),
        quiz["digest"] if quiz else None,
    )


def earlier_for(course: Course, previous: Dict[str, Any]) -> Tuple[Earlier, ...]:
    """The layouts *course* reads when it replaces the version of the record *previous*.

    That version's own layout, then the ones it read itself, newest first, each fingerprint
    once, without *course*'s own, at most :data:`builder.model.MAX_EARLIER`.
    """
    chain: List[Earlier] = [layout_of(previous)]
    chain += [
        Earlier(e["fingerprint"], e["version"], tuple(e["lessons"]), e.get("quiz")) for e in previous.get("earlier", [])
    ]
    out: Dict[str, Earlier] = {}
    own = course.fingerprint
    for e in chain:
        if e.fingerprint != own and e.fingerprint not in out:
            out[e.fingerprint] = e
    return tuple(out.values())[:MAX_EARLIER]

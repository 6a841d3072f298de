"""The configuration handed to the browser runtime, derived from the course model."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from builder import suspend
from builder.answerkey import key_seed, seal
from builder.jsstring import shortest_number
from builder.model import Course, Question, Quiz, scale_labels
from builder.questions.base import POINT_IDS, RESPONSE_LIMIT, config_options, numbered
from builder.resources import load_strings

FORMAT = 2


def _sealed(course: Course, fingerprint: str, q: Question) -> str:
    """The answer key, explanation and choice feedback, never in plain text (builder/answerkey.py)."""
    secret: Dict[str, Any] = {}
    key = q.key
    if key is not None:
        secret["k"] = key
    if q.explanation:
        secret["e"] = q.explanation
    if any(c.feedback for c in q.choices):
        secret["f"] = [c.feedback for c in q.choices]
    return seal(secret, key_seed(course.id, fingerprint, q.id))


def question_config(course: Course, fingerprint: str, q: Question, strings: Dict[str, str]) -> Dict[str, Any]:
    """One question as the runtime receives it; its type adds its own entries (builder/questions/)."""
    kind = q.kind
    out: Dict[str, Any] = {
        "id": q.id,
        "type": q.type,
        "interaction": kind.interaction,
        "weight": shortest_number(q.weight),
        "text": q.text,
    }
    out.update(kind.config(q, strings))
    if kind.shuffles:
        out["shuffle"] = q.shuffle
    if kind.partial:
        out["partial"] = q.partial_credit
    out["key"] = _sealed(course, fingerprint, q)
    return out


def quiz_config(course: Course, quiz: Quiz, strings: Dict[str, str], fingerprint: str) -> Dict[str, Any]:
    index = {q.id: i for i, q in enumerate(quiz.questions)}
    evaluation: Optional[Dict[str, Any]] = None
    if quiz.evaluation is not None:
        ev = quiz.evaluation
        evaluation = {
            "title": ev.title or strings["evaluation_title"],
            "intro": ev.intro,
            "required": ev.required,
            "scale": config_options(numbered(scale_labels(ev.scale, strings), POINT_IDS)),
            "items": [{"id": item.id, "text": item.text} for item in ev.items],
            "comment": {"id": ev.comment_id, "text": ev.comment_text, "maxLength": RESPONSE_LIMIT}
            if ev.comment_id
            else None,
        }
    return {
        "title": quiz.title,
        "attempts": quiz.attempts,
        "feedback": quiz.feedback,
        "reveal": quiz.reveal,
        "display": quiz.display,
        "outOfAttempts": quiz.out_of_attempts,
        "randomized": quiz.randomized,
        "sections": [
            {
                "id": pool.id,
                "draw": pool.draw,
                "shuffle": pool.shuffle,
                "questions": [index[q.id] for q in pool.questions],
            }
            for pool in quiz.sections
        ],
        "questions": [question_config(course, fingerprint, q, strings) for q in quiz.questions],
        "evaluation": evaluation,
    }


def earlier_config(course: Course) -> List[Dict[str, Any]]:
    """The earlier versions whose suspend_data this one reads: their lesson ids, and whether their quiz is this one."""
    digest = course.quiz.digest if course.quiz is not None else None
    return [
        {"fingerprint": e.fingerprint, "version": e.version, "lessons": list(e.lessons), "quiz": e.quiz == digest}
        for e in course.readable_layouts
    ]


def tracking_config(course: Course) -> Dict[str, Any]:
    """course.yaml's ``tracking:`` options as the SCORM adapters, session.js and the player read them (not the format:
    the build's)."""
    t = course.tracking
    return {"commitOnExit": t.commit_on_exit, "interactions": t.interactions, "launch": t.launch, "score": t.score}


def runtime_config(course: Course) -> Dict[str, Any]:
    """The JSON object rendered into ``<script id="course-config">`` (docs/architecture.md, section 3)."""
    lesson_module = {lesson.id: module.title for module in course.modules for lesson in module.lessons}
    strings = load_strings(course.language.split("-")[0])
    fingerprint = course.fingerprint  # computed once: it covers every question
    config = {
        "format": FORMAT,
        "course": {"id": course.id, "title": course.title, "version": course.version, "language": course.language},
        "fingerprint": fingerprint,
        "fingerprintV1": course.legacy_fingerprint,
        "passMark": shortest_number(course.pass_mark),
        "status": {"pass": course.status_on_pass, "fail": course.status_on_fail},
        "completion": course.completion,
        "lessons": [
            {"id": lesson.id, "title": lesson.title, "module": lesson_module[lesson.id]} for lesson in course.lessons
        ],
        "quiz": quiz_config(course, course.quiz, strings, fingerprint) if course.quiz is not None else None,
        "earlier": earlier_config(course),
        "suspendWorstCase": suspend.worst_case_length(course),
        "certificate": course.certificate,  # templates/certificate.html, assets/certificate.js
        "tracking": tracking_config(course),
        "strings": strings,
    }
    if course.xapi is not None:  # absent (not null) when off, so packages without xAPI keep their bytes
        from builder.xapi.vocab import runtime_xapi  # start-up: only a course with xAPI needs the vocabulary

        config["xapi"] = runtime_xapi(course, strings)
    return config

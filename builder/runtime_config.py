"""The configuration handed to the browser runtime, derived from the course model."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from builder import suspend
from builder.answerkey import key_seed, seal
from builder.model import (
    CHOICE_IDS,
    DEFAULT_LIKERT_POINTS,
    FILL_IN_LIMIT,
    NUMERIC_INPUT_LENGTH,
    POINT_IDS,
    Course,
    Question,
    Quiz,
)
from builder.render import load_strings

FORMAT = 2


def shortest_number(value: float):
    """75.0 -> 75, so the runtime and the LMS see the shortest form."""
    return int(value) if float(value).is_integer() else value


def _options(texts: Sequence[str], ids: str = CHOICE_IDS) -> List[Dict[str, str]]:
    return [{"id": ids[i], "text": text} for i, text in enumerate(texts)]


def scale_labels(labels: Sequence[str], strings: Dict[str, str]) -> List[str]:
    """A likert scale's labels: the author's, else the course language's five-point agreement scale."""
    if labels:
        return list(labels)
    return [strings.get(f"likert_{i}") or str(i) for i in range(1, DEFAULT_LIKERT_POINTS + 1)]


def _scale(labels: Sequence[str], strings: Dict[str, str]) -> List[Dict[str, str]]:
    return _options(scale_labels(labels, strings), POINT_IDS)


def _sealed(course: Course, fingerprint: str, q: Question) -> str:
    """The answer key, explanation and choice feedback, never in plain text (builder/answerkey.py)."""
    secret: Dict[str, Any] = {}
    if q.key is not None:
        secret["k"] = q.key
    if q.explanation:
        secret["e"] = q.explanation
    if any(c.feedback for c in q.choices):
        secret["f"] = [c.feedback for c in q.choices]
    return seal(secret, key_seed(course.id, fingerprint, q.id))


def question_config(course: Course, fingerprint: str, q: Question, strings: Dict[str, str]) -> Dict[str, Any]:
    out: Dict[str, Any] = {
        "id": q.id,
        "type": q.type,
        "interaction": q.interaction_type,
        "weight": shortest_number(q.weight),
        "text": q.text,
    }
    if q.type in ("single-choice", "multiple-response"):
        out["choices"] = [
            dict(option, fixed=c.fixed) for option, c in zip(_options([c.text for c in q.choices]), q.choices)
        ]
    elif q.type == "fill-in":
        out.update(maxLength=q.max_length, caseSensitive=q.case_sensitive, whitespace=q.whitespace)
    elif q.type == "numeric":
        out["maxLength"] = NUMERIC_INPUT_LENGTH
    elif q.type == "matching":
        out["sources"] = _options(q.sources, POINT_IDS)
        out["targets"] = _options(q.targets)
    elif q.type == "sequencing":
        out["items"] = _options(q.sequence)
    elif q.type == "likert":
        out["scale"] = _scale(q.scale, strings)
    if q.type in ("single-choice", "multiple-response", "matching"):
        out["shuffle"] = q.shuffle
    if q.type in ("multiple-response", "matching", "sequencing"):
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
            "scale": _scale(ev.scale, strings),
            "items": [{"id": item.id, "text": item.text} for item in ev.items],
            "comment": {"id": ev.comment_id, "text": ev.comment_text, "maxLength": FILL_IN_LIMIT}
            if ev.comment_id
            else None,
        }
    return {
        "title": quiz.title,
        "attempts": quiz.attempts,
        "feedback": quiz.feedback,
        "reveal": quiz.reveal,
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
        "suspendWorstCase": suspend.worst_case_length(course),
        "certificate": course.certificate,  # templates/certificate.html, assets/certificate.js
        "strings": strings,
    }
    if course.xapi is not None:  # absent (not null) when off, so packages without xAPI keep their bytes
        from builder.xapi.vocab import runtime_xapi

        config["xapi"] = runtime_xapi(course, strings)
    return config

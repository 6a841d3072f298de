"""The configuration handed to the browser runtime, derived from the course model."""

from __future__ import annotations

from typing import Any, Dict

from builder import suspend
from builder.model import Course
from builder.render import load_strings

FORMAT = 1


def _number(value: float):
    """75.0 -> 75, so the runtime and the LMS see the shortest form."""
    return int(value) if float(value).is_integer() else value


def runtime_config(course: Course) -> Dict[str, Any]:
    """The JSON object rendered into ``<script id="course-config">`` (docs/architecture.md, section 3)."""
    lesson_module = {lesson.id: module.title for module in course.modules for lesson in module.lessons}
    quiz = None
    if course.quiz is not None:
        quiz = {
            "title": course.quiz.title,
            "attempts": course.quiz.attempts,
            "questions": [
                {"id": q.id, "type": q.type, "weight": _number(q.weight), "answer": q.correct_response,
                 "text": q.text, "explanation": q.explanation}
                for q in course.quiz.questions
            ],
        }
    return {
        "format": FORMAT,
        "course": {"id": course.id, "title": course.title, "version": course.version, "language": course.language},
        "fingerprint": course.fingerprint,
        "passMark": _number(course.pass_mark),
        "status": {"pass": course.status_on_pass, "fail": course.status_on_fail},
        "completion": course.completion,
        "lessons": [{"id": lesson.id, "title": lesson.title, "module": lesson_module[lesson.id]}
                    for lesson in course.lessons],
        "quiz": quiz,
        "suspendWorstCase": suspend.worst_case_length(course),
        "strings": load_strings(course.language.split("-")[0]),
    }

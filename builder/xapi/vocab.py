"""The course's xAPI vocabulary, derived from the course model and nothing else.

Activity IRIs live under the ``base_iri`` an author sets in ``course.yaml`` and never contain
the course version, so statements from every release of a course land on the same activities:

    <base>/course/<course-id>                         the course      (…/activities/course)
    <base>/course/<course-id>/lesson/<lesson-id>      each lesson     (…/activities/lesson)
    <base>/course/<course-id>/quiz                    the quiz        (…/activities/assessment)
    <base>/course/<course-id>/quiz/question/<qid>     each question   (…/activities/cmi.interaction)
    <base>/course/<course-id>/evaluation/<item-id>    each course evaluation item and the comment
                                                      (…/activities/cmi.interaction: likert, fill-in)
    <base>/course/<course-id>/au                      the cmi5 AU (the player), its id in cmi5.xml
    <base>/extension/course-version                   context extension: the course version
    <base>/extension/ce-credit-hours                  context extension: CE credit hours
    <base>/extension/certificate-code                 result extension of 'completed': the CE certificate's code
    <base>/extension/certificate-date                 result extension of 'completed': the date printed on it

Verbs are ADL's (``http://adlnet.gov/expapi/verbs/<name>``). The README ("xAPI") documents the
scheme and the statements; keep both stable across releases.

Question definitions carry the question text, the interaction type and the option lists
(``choices``/``source``/``target``/``scale``) but **not** the correct answers: the package seals
those, and the runtime adds ``correctResponsesPattern`` to a question's definition only in the
``answered`` statement it sends after the quiz was scored (from the player's ``scored`` event).

The course evaluation ("Rate this course", never scored) is reported with the same verb,
``answered``, one statement per rated item (a ``likert`` interaction whose ``scale`` is the
evaluation's labels) plus one for the comment (``fill-in``) when given; its definitions never
have a ``correctResponsesPattern`` and its results never a score or ``success``. Evaluation item
ids share the questions' id space, but the IRIs differ (``/evaluation/`` instead of
``/quiz/question/``), so a survey answer is never mistaken for a quiz answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import quote

from builder.jsstring import shortest_number
from builder.model import Course, Evaluation, Question, scale_labels
from builder.questions.base import POINT_IDS, Options, numbered

XAPI_VERSION = "1.0.3"
ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"

#: Every verb the runtime sends, in the order a session uses them, with the kinds of activity it is
#: sent about (docs/xapi.md, "Statements"): ``answered`` a quiz question or a course evaluation item.
VERBS = {
    "initialized": ("course",),
    "resumed": ("course",),
    "experienced": ("lesson",),
    "answered": ("question", "evaluation"),
    "completed": ("course",),
    "passed": ("course",),
    "failed": ("course",),
    "suspended": ("course",),
    "terminated": ("course",),
}
VERB_LANGUAGE = "en-US"

ACTIVITY_TYPES = {
    "course": ADL_ACTIVITIES + "course",
    "lesson": ADL_ACTIVITIES + "lesson",
    "quiz": ADL_ACTIVITIES + "assessment",
    "question": ADL_ACTIVITIES + "cmi.interaction",
    "evaluation": ADL_ACTIVITIES + "cmi.interaction",
}

EXTENSIONS = {
    "courseVersion": "course-version",
    "creditHours": "ce-credit-hours",
    "certificateCode": "certificate-code",
}
#: Result extension of ``completed`` beside the certificate code: the date printed on the certificate
#: (``YYYY-MM-DD``, the learner's local date). The relay accepts it and the completions report prints
#: it; it is not in EXTENSIONS (the runtime configuration) until the runtime sends it, because adding
#: it there changes the bytes of every package with xAPI.
CERTIFICATE_DATE = "certificate-date"

#: xAPI interactionType for each SCORM 1.2 interaction type the quiz can produce.
INTERACTION_TYPES = (
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
)

#: The lists of options an interaction definition can have (each item an id and a description).
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")

#: The sentence shown instead of "progress is not being recorded" when a package runs without a
#: SCORM LMS but reports to an LRS (a Tin Can launch). Kept here, not in templates/locales/, so
#: packages without xAPI keep their exact bytes.
RECORDING_NOTICE = {
    "en": "Your progress is being recorded by your learning record store.",
    "es": "Su progreso se está registrando en su almacén de registros de aprendizaje.",
}


def course_iri(base: str, course_id: str) -> str:
    return f"{base}/course/{quote(course_id, safe='')}"


def au_iri(base: str, course_id: str) -> str:
    """The cmi5 assignable unit: the player, one per course (cmi5.xml gives the course itself :func:`course_iri`)."""
    return f"{course_iri(base, course_id)}/au"


def lesson_iri(base: str, course_id: str, lesson_id: str) -> str:
    return f"{course_iri(base, course_id)}/lesson/{quote(lesson_id, safe='')}"


def quiz_iri(base: str, course_id: str) -> str:
    return f"{course_iri(base, course_id)}/quiz"


def question_iri(base: str, course_id: str, question_id: str) -> str:
    return f"{quiz_iri(base, course_id)}/question/{quote(question_id, safe='')}"


def evaluation_iri(base: str, course_id: str, item_id: str) -> str:
    """A course evaluation item (or the comment): ``<course>/evaluation/<item id>``."""
    return f"{course_iri(base, course_id)}/evaluation/{quote(item_id, safe='')}"


def extension_iri(base: str, name: str) -> str:
    return f"{base}/extension/{name}"


def base_of_course_iri(iri: str) -> Optional[Tuple[str, str]]:
    """``(base, course_id)`` of a course IRI built by :func:`course_iri`, or None."""
    head, sep, course_id = iri.rstrip("/").rpartition("/course/")
    if not sep or not head or not course_id or "/" in course_id:
        return None
    return head, course_id


def verb(name: str) -> Dict[str, Any]:
    return {"id": ADL_VERBS + name, "display": {VERB_LANGUAGE: name}}


def _lang(course: Course, text: str) -> Dict[str, str]:
    return {course.language: text}


def _components(course: Course, options: Options) -> List[Dict[str, Any]]:
    return [{"id": oid, "description": _lang(course, text)} for oid, text in options]


def interaction_type(question: Question) -> str:
    """The xAPI interactionType of *question* (``other`` for a type this module does not know)."""
    try:
        value = question.interaction_type
    except (AttributeError, KeyError):
        value = question.type
    return value if value in INTERACTION_TYPES else "other"


def question_definition(course: Course, question: Question, strings: Dict[str, str]) -> Dict[str, Any]:
    """The activity definition of one question, without its correct answers."""
    definition: Dict[str, Any] = {
        "type": ACTIVITY_TYPES["question"],
        "name": _lang(course, question.text),
        "interactionType": interaction_type(question),
    }
    for name, options in question.kind.xapi_components(question, strings).items():
        definition[name] = _components(course, options)
    return definition


def evaluation_definitions(
    course: Course, evaluation: Evaluation, strings: Dict[str, str]
) -> Dict[str, Dict[str, Any]]:
    """``{item id: definition}`` of the evaluation's items (likert) and its comment (fill-in), in page order.

    No ``correctResponsesPattern``: a survey has no right answer (xAPI Data 2.4.4.1).
    """
    scale = _components(course, numbered(scale_labels(evaluation.scale, strings), POINT_IDS))
    out: Dict[str, Dict[str, Any]] = {}
    for item in evaluation.items:
        out[item.id] = {
            "type": ACTIVITY_TYPES["evaluation"],
            "name": _lang(course, item.text),
            "interactionType": "likert",
            "scale": [dict(point) for point in scale],
        }
    if evaluation.comment_id:
        out[evaluation.comment_id] = {
            "type": ACTIVITY_TYPES["evaluation"],
            "name": _lang(course, evaluation.comment_text),
            "interactionType": "fill-in",
        }
    return out


@dataclass(frozen=True)
class Vocabulary:
    """Every activity, verb and extension IRI of one course."""

    course: Dict[str, Any]
    lessons: Dict[str, Dict[str, Any]]
    quiz: Optional[Dict[str, Any]]
    questions: Dict[str, Dict[str, Any]]
    verbs: Dict[str, Dict[str, Any]]
    extensions: Dict[str, str]
    evaluation: Dict[str, Dict[str, Any]]  #: course evaluation items and comment, by id (empty: none)

    def activities(self) -> List[Dict[str, Any]]:
        """Course, lessons, quiz, questions and evaluation items, in that order."""
        out = [self.course, *self.lessons.values()]
        if self.quiz:
            out.append(self.quiz)
        return out + list(self.questions.values()) + list(self.evaluation.values())


def _activity(iri: str, definition: Dict[str, Any]) -> Dict[str, Any]:
    return {"objectType": "Activity", "id": iri, "definition": definition}


def vocabulary(course: Course, strings: Optional[Dict[str, str]] = None) -> Vocabulary:
    """The course's vocabulary. *course* must have xAPI settings (``course.xapi``)."""
    if course.xapi is None:
        raise ValueError(f"course {course.id!r} has no xAPI settings")
    base = course.xapi.base_iri
    strings = strings or {}
    course_def: Dict[str, Any] = {"type": ACTIVITY_TYPES["course"], "name": _lang(course, course.title)}
    if course.description:
        course_def["description"] = _lang(course, course.description)
    lessons = {
        lesson.id: _activity(
            lesson_iri(base, course.id, lesson.id),
            {"type": ACTIVITY_TYPES["lesson"], "name": _lang(course, lesson.title)},
        )
        for lesson in course.lessons
    }
    quiz = None
    questions: Dict[str, Dict[str, Any]] = {}
    evaluation: Dict[str, Dict[str, Any]] = {}
    if course.quiz is not None:
        quiz = _activity(
            quiz_iri(base, course.id), {"type": ACTIVITY_TYPES["quiz"], "name": _lang(course, course.quiz.title)}
        )
        questions = {
            q.id: _activity(question_iri(base, course.id, q.id), question_definition(course, q, strings))
            for q in course.quiz.questions
        }
        if course.quiz.evaluation is not None:
            evaluation = {
                iid: _activity(evaluation_iri(base, course.id, iid), definition)
                for iid, definition in evaluation_definitions(course, course.quiz.evaluation, strings).items()
            }
    return Vocabulary(
        course=_activity(course_iri(base, course.id), course_def),
        lessons=lessons,
        quiz=quiz,
        questions=questions,
        verbs={name: verb(name) for name in VERBS},
        extensions={key: extension_iri(base, name) for key, name in EXTENSIONS.items()},
        evaluation=evaluation,
    )


def runtime_xapi(course: Course, strings: Optional[Dict[str, str]] = None) -> Optional[Dict[str, Any]]:
    """The ``xapi`` part of the runtime configuration (docs/architecture.md, section 3), or None when off."""
    settings = course.xapi
    if settings is None:
        return None
    vocab = vocabulary(course, strings)
    return {
        "version": XAPI_VERSION,
        "homePage": settings.lms_homepage,
        "learnerName": settings.learner_name,
        "relay": settings.relay_url,
        "endpoint": settings.endpoint,
        "auth": settings.auth,
        "language": course.language,
        "courseVersion": course.version,
        "creditHours": shortest_number(course.ce.credit_hours) if course.ce else None,
        "extensions": vocab.extensions,
        "verbs": vocab.verbs,
        "course": vocab.course,
        "lessons": vocab.lessons,
        "quiz": vocab.quiz,
        "questions": vocab.questions,
        "evaluation": vocab.evaluation,
        "notice": RECORDING_NOTICE.get(course.language.split("-")[0], RECORDING_NOTICE["en"]),
    }

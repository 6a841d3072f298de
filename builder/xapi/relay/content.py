"""A statement against its release: only what that release's package would send, value by value.

:mod:`.rules` checks the shape of a statement and finds its release from the course-version
extension; :func:`check_release` then checks the content: the activity is one of that release,
its definition has that release's shape, the context is the one the runtime builds for that verb,
the CE credit hours are the release's, the result has exactly the keys the runtime sends for the
verb, a score is the runtime's (raw 0..100 with two decimals, scaled = raw / 100, min 0, max 100)
and on the right side of the pass mark, and the certificate code is the one of this learner,
release and date. Each refusal names its rule (docs/relay-rules.md).
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any, Dict, Optional, Tuple

from builder.certificate import verification_code
from builder.questions import TYPES
from builder.xapi.relay.allowlist import COMPONENT_LISTS, Activity, CourseRules, ReleaseRules, Shape
from builder.xapi.relay.answers import check_answer
from builder.xapi.relay.errors import Refused
from builder.xapi.timestamps import local_dates
from builder.xapi.vocab import CERTIFICATE_DATE

#: The context activities the runtime gives each kind of statement, by the kind of activity they name.
CONTEXT_ACTIVITIES: Dict[Tuple[str, str], Dict[str, Tuple[str, ...]]] = {
    ("experienced", "lesson"): {"parent": ("course",)},
    ("answered", "question"): {"parent": ("quiz",), "grouping": ("course",)},
    ("answered", "evaluation"): {"parent": ("course",)},
    ("passed", "course"): {"other": ("quiz",)},
    ("failed", "course"): {"other": ("quiz",)},
}
#: (required, optional) result keys per verb; a verb missing here is sent without a result.
RESULT_KEYS: Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...]]] = {
    "answered": (("response",), ("success", "duration")),
    "passed": (("score", "success", "duration"), ()),
    "failed": (("score", "success", "duration"), ()),
    "completed": (("completion", "duration"), ("extensions",)),
    "suspended": (("duration",), ()),
    "terminated": (("duration",), ()),
}
SCORE_KEYS = {"scaled", "raw", "min", "max"}


def check_release(s: Dict[str, Any], verb: str, activity: Activity, course: CourseRules, rules: ReleaseRules) -> None:
    """Raise :class:`Refused` unless statement *s* is one the package of *rules* would send."""
    release = rules.release
    if "name" in s["actor"] and not release.xapi.get("learnerName"):
        raise Refused("actor", "actor.name: this course release does not send learner names")
    known = rules.activities.get(activity.iri)
    if known is None:
        raise Refused("activity", f"object.id: not an activity of release {release.version} of the course")
    kind, shape = known
    definition = s["object"].get("definition")
    if definition is not None and not _same_shape(definition, shape):
        raise Refused("definition", f"object.definition: not the definition of release {release.version}")
    context = s["context"]
    if context.get("language", release.language) != release.language:
        raise Refused("context", "context.language: not the language of this course release")
    if context.get("platform", "coursepack") != "coursepack":
        raise Refused("context", "context.platform: not the one coursepack packages send")
    _context_activities(context.get("contextActivities") or {}, verb, kind, rules)
    hours = context["extensions"].get(course.credit_extension)
    if hours != release.credit_hours or (hours is None) != (release.credit_hours is None):
        raise Refused(
            "extension", f"context.extensions ce-credit-hours: not the CE credit hours of release {release.version}"
        )
    _result(s, verb, kind, course, rules)


def _same_shape(definition: Dict[str, Any], shape: Shape) -> bool:
    """Whether a definition (already found well-formed by rules.py) has the release's type, interaction and options."""
    if definition.get("type", shape.type) != shape.type:
        return False
    if definition.get("interactionType", shape.interaction) != shape.interaction:
        return False
    for key in COMPONENT_LISTS:
        if key in definition and [c.get("id") for c in definition[key]] != list(shape.ids(key) or ()):
            return False
    return True


def _context_activities(groups: Dict[str, Any], verb: str, kind: str, rules: ReleaseRules) -> None:
    expected = CONTEXT_ACTIVITIES.get((verb, kind), {})
    iris = {kind_: iri for iri, (kind_, _) in rules.activities.items() if kind_ in ("course", "quiz")}
    got = {}
    for name, items in groups.items():
        items = items if isinstance(items, list) else [items]
        got[name] = tuple(item.get("id") for item in items)
    wanted = {name: tuple(iris.get(k) for k in kinds) for name, kinds in expected.items()}
    if got != wanted:
        said = ", ".join(f"{name}: the {' and '.join(kinds)}" for name, kinds in expected.items()) or "none"
        raise Refused("context", f"context.contextActivities: not what the package sends with '{verb}' ({said})")


def _result(s: Dict[str, Any], verb: str, kind: str, course: CourseRules, rules: ReleaseRules) -> None:
    result = s.get("result")
    if verb not in RESULT_KEYS:
        if result is not None:
            raise Refused("result", f"result: a '{verb}' statement is sent without one")
        return
    if kind == "evaluation":
        return  # rules.py checks a course evaluation statement's result whole
    required, optional = RESULT_KEYS[verb]
    question = None
    if verb == "answered":
        question = rules.questions.get(s["object"]["id"])
        scored = question is not None and TYPES[question["type"]].scored  # a survey item sends no success
        required = ("response", "success") if scored else ("response",)
        optional = ("duration",)
    result = result or {}
    missing = [key for key in required if key not in result]
    extra = [key for key in result if key not in required + optional]
    if missing or extra:
        which = f"result.{(missing or extra)[0]}"
        raise Refused("result", f"{which}: the package sends {', '.join(required + optional)} with '{verb}'")
    if verb == "answered" and question is not None:
        check_answer(s, rules.release.config, question)
    if verb in ("passed", "failed"):
        _score(result["score"], verb, rules)
    if verb == "completed" and "extensions" in result:
        _certificate(s, result["extensions"], course, rules)


def _score(score: Dict[str, Any], verb: str, rules: ReleaseRules) -> None:
    if rules.release.quiz is None:
        raise Refused("verb-object", f"verb '{verb}': release {rules.release.version} has no quiz")
    if set(score) != SCORE_KEYS or score["min"] != 0 or score["max"] != 100:
        raise Refused("score", "result.score: the package sends scaled, raw, min 0 and max 100")
    raw = score["raw"]
    if abs(raw * 100 - round(raw * 100)) > 1e-6:
        raise Refused("score", "result.score.raw: the package rounds the score to two decimals")
    if abs(score["scaled"] - math.floor(raw * 100 + 0.5) / 10000) > 1e-9:
        raise Refused("score", "result.score.scaled: not raw / 100")
    mark = rules.release.pass_mark
    if verb == "passed" and raw < mark:
        raise Refused("pass-mark", "result.score.raw: below the pass mark in a 'passed' statement")
    if verb == "failed" and raw >= mark:
        raise Refused("pass-mark", "result.score.raw: at or above the pass mark in a 'failed' statement")


def certificate_date_iri(course: CourseRules) -> str:
    return course.version_extension.rsplit("/", 1)[0] + "/" + CERTIFICATE_DATE


def _certificate(s: Dict[str, Any], extensions: Dict[str, Any], course: CourseRules, rules: ReleaseRules) -> None:
    release = rules.release
    if not release.certificate:
        raise Refused("extension", f"result.extensions: release {release.version} offers no certificate")
    printed: Optional[str] = extensions.get(certificate_date_iri(course))
    candidates = local_dates(s["timestamp"])
    if printed is not None:
        if printed not in candidates:
            raise Refused("certificate", "result.extensions certificate-date: not the learner's date at the timestamp")
        candidates = (printed,)
    learner = s["actor"]["account"]["name"]
    codes = {verification_code(release.course_id, release.version, learner, day) for day in candidates}
    if extensions[course.certificate_extension] not in codes:
        raise Refused(
            "certificate",
            "result.extensions certificate-code: not the code of this learner, course release and date",
        )


def is_date(value: Any) -> bool:
    """A real date written ``YYYY-MM-DD``."""
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        return date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False

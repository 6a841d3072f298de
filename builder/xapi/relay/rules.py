"""The checks a batch of statements must pass before the relay forwards it: all of them, or nothing.

:func:`parse_batch` reads a request body; :meth:`Checker.check_batch` checks every statement and
raises :class:`Refused` for the first one that fails, naming its index in the batch and the rule
(the README lists them, "The relay"). A statement is accepted only when it is one a coursepack
package of a known course would send: every key is known, every value is checked, and nothing
else is let through. Details name the field and what was expected, never the value received, so
they can be logged and shown without carrying learner data.
"""

from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass
from datetime import timezone
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from builder.xapi.relay.allowlist import (
    COMPONENT_LISTS,
    RESPONDED_KINDS,
    Activity,
    Allowlist,
    CourseRules,
    Shape,
    normal_homepage,
)
from builder.xapi.relay.content import certificate_date_iri, check_release, is_date
from builder.xapi.relay.errors import Refused
from builder.xapi.relay.sequence import check_sequences
from builder.xapi.timestamps import parse_timestamp
from builder.xapi.vocab import VERBS

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
DURATION = re.compile(r"^P(?=.)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
LANGTAG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
NUMBER = r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?"
NUMERIC = re.compile(rf"^({NUMBER})?$|^({NUMBER})?\[:\]({NUMBER})?$")

#: The CE certificate's verification code: 12 Crockford base-32 digits in groups of four.
CERTIFICATE_CODE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")
STATEMENT_KEYS = ("id", "actor", "verb", "object", "result", "context", "timestamp")
MAX_LANGUAGES = 20
MAX_CONTEXT_ACTIVITIES = 10
MAX_PATTERNS = 50
MAX_NAME = 255  #: actor names and account names
MAX_COMMENT = 255  #: the course evaluation's comment, as the runtime caps it (CMIString255)
#: What a course evaluation statement's result may hold: never a score or success (it is not scored).
EVALUATION_RESULT_KEYS = ("response", "duration")
#: What JavaScript's \s matches besides the space: the runtime turns every run of them into one space.
JS_SPACE = re.compile("[\t\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]")


@dataclass(frozen=True)
class Limits:
    """Sizes and the time window; the command's options set them."""

    max_body: int = 256 * 1024  #: bytes of one request body
    max_batch: int = 100  #: statements in one request (the runtime sends up to 100 on page unload)
    max_string: int = 4096  #: characters of any string in a statement
    max_age: float = 7 * 24 * 3600  #: seconds a timestamp may lie in the past
    max_future: float = 300.0  #: seconds a timestamp may lie in the future (clock skew)


def _no_constants(name: str):
    raise ValueError(f"{name} is not JSON")


def parse_batch(body: bytes, limits: Limits) -> List[Any]:
    """The statements of a request body: a JSON array, or one statement object."""
    if len(body) > limits.max_body:
        raise Refused("body-size", f"the body is larger than {limits.max_body} bytes")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused("body-encoding", "the body is not UTF-8 text") from None
    try:
        data = json.loads(text, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise Refused("body-json", "the body is not JSON") from None
    statements = data if isinstance(data, list) else [data]
    if not statements:
        raise Refused("batch", "the batch is empty")
    if len(statements) > limits.max_batch:
        raise Refused("batch", f"the batch has more than {limits.max_batch} statements")
    return statements


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


class Checker:
    """Checks statements against an :class:`Allowlist` within :class:`Limits`."""

    def __init__(self, allow: Allowlist, limits: Limits = Limits(), clock: Callable[[], float] = time.time):
        self.allow = allow
        self.limits = limits
        self.clock = clock

    # ------------------------------------------------------------------ the batch
    def check_batch(self, statements: List[Any]) -> None:
        """Raise :class:`Refused` (with the statement's index) unless every statement passes."""
        now = self.clock()
        seen = set()
        for index, statement in enumerate(statements):
            try:
                self.check(statement, now)
            except Refused as refused:
                refused.index = index
                raise
            sid = statement["id"].lower()
            if sid in seen:
                raise Refused("id", "the same statement id appears twice in the batch", index)
            seen.add(sid)
        check_sequences(statements, self.allow)

    def check(self, s: Any, now: Optional[float] = None) -> None:
        now = self.clock() if now is None else now
        self._keys(
            s,
            "statement",
            STATEMENT_KEYS,
            ("id", "actor", "verb", "object", "timestamp", "context"),
            rule="shape",
            required_rule={
                "id": "id",
                "timestamp": "timestamp",
                "context": "context",
                "actor": "actor",
                "verb": "verb",
                "object": "activity",
            },
        )
        if not isinstance(s["id"], str) or not UUID.fullmatch(s["id"]):
            raise Refused("id", "id: not a UUID")
        self._timestamp(s["timestamp"], now)
        self._actor(s["actor"])
        verb_name = self._verb(s["verb"])
        activity, shape = self._object(s["object"], verb_name)
        course = self.allow.courses[activity.course]
        self._context(s["context"], course)
        if activity.kind == "evaluation" and "result" not in s:
            raise Refused("result", "result: missing (a course evaluation statement carries the response)")
        if "result" in s:
            self._result(s["result"], verb_name, activity, shape, course)
        self._release(s, verb_name, activity, course)

    def _release(self, s: Dict[str, Any], verb_name: str, activity: Activity, course: CourseRules) -> None:
        """The content checks of :mod:`.content` against the release the statement names (any input of it)."""
        version = s["context"]["extensions"][course.version_extension]
        candidates = course.releases.get(version)
        if not candidates:
            raise Refused(
                "version", "context.extensions course-version: not a release of the course this relay was given"
            )
        problem = None
        for rules in candidates:
            try:
                check_release(s, verb_name, activity, course, rules)
                return
            except Refused as refused:
                problem = problem or refused
        raise problem

    # ------------------------------------------------------------------ helpers
    def _keys(
        self,
        value: Any,
        where: str,
        allowed: Iterable[str],
        required: Iterable[str] = (),
        *,
        rule: str,
        required_rule: Optional[Dict[str, str]] = None,
    ) -> Dict[str, Any]:
        if not isinstance(value, dict):
            raise Refused(rule, f"{where}: not a JSON object")
        allowed = tuple(allowed)
        extra = [key for key in value if key not in allowed]
        if extra:
            # the key is ours to name only when it is a short plain word; else just say there is one
            name = extra[0] if re.fullmatch(r"[A-Za-z_]{1,40}", str(extra[0])) else None
            said = f"'{name}'" if name else "a key"
            raise Refused(rule, f"{where}: {said} this relay does not accept (allowed: {', '.join(allowed)})")
        for key in required:
            if key not in value:
                raise Refused((required_rule or {}).get(key, rule), f"{where}.{key}: missing")
        return value

    def _string(self, value: Any, where: str, rule: str, *, max_len: Optional[int] = None, empty: bool = False) -> str:
        if not isinstance(value, str):
            raise Refused(rule, f"{where}: not a string")
        limit = min(self.limits.max_string, max_len or self.limits.max_string)
        if len(value) > limit:
            raise Refused("string-length", f"{where}: longer than {limit} characters")
        if not empty and not value.strip():
            raise Refused(rule, f"{where}: empty")
        return value

    def _langmap(self, value: Any, where: str, rule: str) -> None:
        if not isinstance(value, dict) or not value or len(value) > MAX_LANGUAGES:
            raise Refused(rule, f"{where}: not a language map")
        for tag, text in value.items():
            if not LANGTAG.fullmatch(tag) or len(tag) > 35:
                raise Refused(rule, f"{where}: a key that is not a language tag")
            self._string(text, f"{where}[{tag}]", rule, empty=True)

    # ------------------------------------------------------------------ parts
    def _timestamp(self, value: Any, now: float) -> None:
        if not isinstance(value, str) or not TIMESTAMP.fullmatch(value):
            raise Refused("timestamp", "timestamp: not an ISO 8601 date and time with a time zone")
        try:
            moment = parse_timestamp(value).astimezone(timezone.utc).timestamp()
        except (ValueError, OverflowError):
            raise Refused("timestamp", "timestamp: not a valid date and time") from None
        if moment < now - self.limits.max_age:
            raise Refused("timestamp-range", f"timestamp: more than {self.limits.max_age:g} s in the past")
        if moment > now + self.limits.max_future:
            raise Refused("timestamp-range", f"timestamp: more than {self.limits.max_future:g} s in the future")

    def _actor(self, actor: Any) -> None:
        self._keys(actor, "actor", ("objectType", "account", "name"), ("account",), rule="actor")
        if actor.get("objectType", "Agent") != "Agent":
            raise Refused("actor", "actor.objectType: must be Agent")
        if "name" in actor:
            self._string(actor["name"], "actor.name", "actor", max_len=MAX_NAME)
        account = self._keys(
            actor["account"], "actor.account", ("homePage", "name"), ("homePage", "name"), rule="actor"
        )
        self._string(account["name"], "actor.account.name", "actor", max_len=MAX_NAME)
        home = self._string(account["homePage"], "actor.account.homePage", "actor", max_len=500)
        if normal_homepage(home) not in self.allow.homepages:
            raise Refused("homepage", "actor.account.homePage: not an LMS this relay accepts statements from")

    def _verb(self, verb: Any) -> str:
        self._keys(verb, "verb", ("id", "display"), ("id",), rule="verb")
        known = self.allow.verbs.get(verb["id"]) if isinstance(verb["id"], str) else None
        if known is None:
            raise Refused("verb", "verb.id: not a verb coursepack packages send")
        if "display" in verb and verb["display"] != known.get("display"):
            raise Refused("verb", "verb.display: not the display of this verb")
        return self.allow.verb_names[verb["id"]]

    def _object(self, obj: Any, verb_name: str) -> Tuple[Activity, Optional[Shape]]:
        self._keys(obj, "object", ("objectType", "id", "definition"), ("id",), rule="activity")
        if obj.get("objectType", "Activity") != "Activity":
            raise Refused("activity", "object.objectType: must be Activity")
        activity = self.allow.activities.get(obj["id"]) if isinstance(obj["id"], str) else None
        if activity is None:
            raise Refused("activity", "object.id: not an activity of a course this relay accepts")
        if activity.kind not in VERBS.get(verb_name, ("course",)):
            raise Refused("verb-object", f"verb '{verb_name}' is not sent about a {activity.kind}")
        shape = None
        if "definition" in obj:
            shape = self._definition(obj["definition"], activity, verb_name)
        return activity, shape

    def _definition(self, definition: Any, activity: Activity, verb_name: str) -> Shape:
        allowed = ["type", "name", "description", "interactionType", *_component_keys(activity)]
        if activity.kind == "question" and verb_name == "answered":
            allowed.append("correctResponsesPattern")
        self._keys(definition, "object.definition", allowed, rule="definition")
        for key in ("name", "description"):
            if key in definition:
                self._langmap(definition[key], f"object.definition.{key}", "definition")
        for shape in activity.shapes:
            if self._fits(definition, shape):
                if "correctResponsesPattern" in definition:
                    patterns = definition["correctResponsesPattern"]
                    if not isinstance(patterns, list) or len(patterns) > MAX_PATTERNS:
                        raise Refused("definition", "object.definition.correctResponsesPattern: not a short list")
                    for n, pattern in enumerate(patterns):
                        where = f"object.definition.correctResponsesPattern[{n}]"
                        self._response(pattern, shape, where, "definition")
                return shape
        raise Refused(
            "definition",
            "object.definition: not the definition of this activity (type, interaction type or options differ)",
        )

    def _fits(self, definition: Dict[str, Any], shape: Shape) -> bool:
        if "type" in definition and definition["type"] != shape.type:
            return False
        if "interactionType" in definition and definition["interactionType"] != shape.interaction:
            return False
        for key in COMPONENT_LISTS:
            if key not in definition:
                continue
            ids = shape.ids(key)
            components = definition[key]
            if ids is None or not isinstance(components, list) or len(components) != len(ids):
                return False
            for component, known in zip(components, ids):
                if (
                    not isinstance(component, dict)
                    or set(component) - {"id", "description"}
                    or component.get("id") != known
                ):
                    return False
                if "description" in component:
                    self._langmap(component["description"], f"object.definition.{key}[].description", "definition")
        return True

    def _context(self, context: Any, course: CourseRules) -> None:
        self._keys(
            context,
            "context",
            ("registration", "language", "platform", "contextActivities", "extensions"),
            ("registration", "extensions"),
            rule="context",
        )
        if not isinstance(context["registration"], str) or not UUID.fullmatch(context["registration"]):
            raise Refused("context", "context.registration: not a UUID")
        if "language" in context:
            language = self._string(context["language"], "context.language", "context", max_len=35)
            if not LANGTAG.fullmatch(language):
                raise Refused("context", "context.language: not a language tag")
        if "platform" in context:
            self._string(context["platform"], "context.platform", "context", max_len=MAX_NAME)
        if "contextActivities" in context:
            groups = self._keys(
                context["contextActivities"],
                "context.contextActivities",
                ("parent", "grouping", "category", "other"),
                rule="context",
            )
            for kind, items in groups.items():
                items = items if isinstance(items, list) else [items]
                if len(items) > MAX_CONTEXT_ACTIVITIES:
                    raise Refused("context", f"context.contextActivities.{kind}: too many activities")
                for n, item in enumerate(items):
                    where = f"context.contextActivities.{kind}[{n}]"
                    self._keys(item, where, ("objectType", "id"), ("id",), rule="context")
                    if item.get("objectType", "Activity") != "Activity":
                        raise Refused("context", f"{where}.objectType: must be Activity")
                    known = self.allow.activities.get(item["id"]) if isinstance(item["id"], str) else None
                    if known is None or known.course != course.iri:
                        raise Refused("activity", f"{where}.id: not an activity of the statement's course")
        extensions = self._keys(
            context["extensions"],
            "context.extensions",
            (course.version_extension, course.credit_extension),
            (course.version_extension,),
            rule="extension",
        )
        self._string(extensions[course.version_extension], "context.extensions course-version", "extension", max_len=64)
        hours = extensions.get(course.credit_extension)
        if hours is not None and not _is_number(hours):
            raise Refused("extension", "context.extensions ce-credit-hours: not a number")
        if hours not in course.credit_hours:
            raise Refused("extension", "context.extensions ce-credit-hours: not the CE credit hours of this course")

    def _result(self, result: Any, verb_name: str, activity: Activity, shape: Optional[Shape], course) -> None:
        self._keys(
            result, "result", ("score", "success", "completion", "response", "duration", "extensions"), rule="result"
        )
        if activity.kind == "evaluation":
            extra = [key for key in result if key not in EVALUATION_RESULT_KEYS]
            if extra:
                raise Refused(
                    "result",
                    f"result.{extra[0]}: the course evaluation is never scored (allowed: "
                    f"{', '.join(EVALUATION_RESULT_KEYS)})",
                )
            if "response" not in result:
                raise Refused("result", "result.response: missing in a course evaluation statement")
        if "extensions" in result:
            # Only 'completed' carries one: the certificate's verification code (CERTIFICATE_CODE).
            if verb_name != "completed":
                raise Refused("result", "result.extensions: only a 'completed' statement carries one")
            code_iri, date_iri = course.certificate_extension, certificate_date_iri(course)
            extensions = self._keys(
                result["extensions"], "result.extensions", (code_iri, date_iri), (code_iri,), rule="extension"
            )
            code = extensions[code_iri]
            if not isinstance(code, str) or not CERTIFICATE_CODE.fullmatch(code):
                raise Refused("extension", "result.extensions certificate-code: not a certificate verification code")
            if date_iri in extensions and not is_date(extensions[date_iri]):
                raise Refused("extension", "result.extensions certificate-date: not a date written YYYY-MM-DD")
        for key in ("success", "completion"):
            if key in result and not isinstance(result[key], bool):
                raise Refused("result", f"result.{key}: not true or false")
        if verb_name == "passed" and result.get("success") is False:
            raise Refused("result", "result.success: false in a 'passed' statement")
        if verb_name == "failed" and result.get("success") is True:
            raise Refused("result", "result.success: true in a 'failed' statement")
        if verb_name == "completed" and result.get("completion") is False:
            raise Refused("result", "result.completion: false in a 'completed' statement")
        if "duration" in result:
            duration = self._string(result["duration"], "result.duration", "result", max_len=64)
            if not DURATION.fullmatch(duration):
                raise Refused("result", "result.duration: not an ISO 8601 duration")
        if "response" in result:
            if activity.kind not in RESPONDED_KINDS:
                raise Refused("result", "result.response: only questions and evaluation items have responses")
            if activity.kind == "evaluation":
                self._evaluation_response(result["response"], shape, activity)
            shapes = [shape] if shape else activity.shapes
            problem = None
            for candidate in shapes:
                try:
                    self._response(result["response"], candidate, "result.response", "result")
                    break
                except Refused as refused:
                    problem = refused
            else:
                raise problem
        if "score" in result:
            self._score(result["score"])

    def _evaluation_response(self, value: Any, shape: Optional[Shape], activity: Activity) -> None:
        """A rating (a point of the scale) or the comment: one line, ends trimmed, at most 255 characters."""
        text = self._string(value, "result.response", "result", max_len=MAX_COMMENT)
        kinds = {candidate.interaction for candidate in ([shape] if shape else activity.shapes)}
        if text == "":
            raise Refused("result", "result.response: empty in a course evaluation statement")
        if "fill-in" in kinds and (JS_SPACE.search(text) or text != text.strip(" ") or "  " in text):
            raise Refused("result", "result.response: the evaluation comment is sent as one line, ends trimmed")

    def _score(self, score: Any) -> None:
        self._keys(score, "result.score", ("scaled", "raw", "min", "max"), rule="score")
        for key, value in score.items():
            if not _is_number(value):
                raise Refused("score", f"result.score.{key}: not a number")
        scaled, raw, low, high = (score.get(k) for k in ("scaled", "raw", "min", "max"))
        if scaled is not None and not -1 <= scaled <= 1:
            raise Refused("score", "result.score.scaled: outside -1..1")
        if low is not None and high is not None and not low < high:
            raise Refused("score", "result.score: min is not below max")
        if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
            raise Refused("score", "result.score.raw: outside min..max")
        if None not in (scaled, raw, low, high) and low >= 0 and abs(scaled - (raw - low) / (high - low)) > 1e-3:
            raise Refused("score", "result.score.scaled: does not match raw within min..max")

    def _response(self, value: Any, shape: Shape, where: str, rule: str) -> None:
        """A response (or correct-response pattern) in xAPI's format for the question's interaction type."""
        text = self._string(value, where, rule, empty=True)
        if text == "":
            return
        kind = shape.interaction
        ok = True
        if kind == "true-false":
            ok = text in ("true", "false")
        elif kind in ("choice", "sequencing"):
            known = set(shape.ids("choices") or ())
            ok = all(part in known for part in text.split("[,]"))
        elif kind == "likert":
            ok = text in set(shape.ids("scale") or ())
        elif kind == "matching":
            sources, targets = set(shape.ids("source") or ()), set(shape.ids("target") or ())
            pairs = [pair.split("[.]") for pair in text.split("[,]")]
            ok = all(len(p) == 2 and p[0] in sources and p[1] in targets for p in pairs)
        elif kind == "numeric":
            ok = bool(NUMERIC.fullmatch(text))
        if not ok:
            raise Refused(rule, f"{where}: not a {kind} response of this question")


def _component_keys(activity: Activity) -> List[str]:
    return sorted({key for shape in activity.shapes for key, _ in shape.components})

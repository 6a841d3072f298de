"""The cmi5 statement rules a machine can check, by spec section, as one table and one checker.

:func:`check` takes the statements of one learner read back from the LRS, the sessions the test
LMS launched for them and the ids of the statements the LMS itself sent, and returns every rule
broken, as ``"§<section> <rule>: <detail>"`` lines. The IRIs are written out here from the spec
(cmi5 Quartz, ``cmi5_spec.md``), not taken from coursepack's code, so a wrong IRI in the product
shows up as a broken rule. The xAPI schema checks (``xapi_checks.py``) apply on top of these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable, Iterator

ADL = "http://adlnet.gov/expapi/verbs/"
W3ID = "https://w3id.org/xapi/adl/verbs/"
CMI5 = "https://w3id.org/xapi/cmi5/context/"
CATEGORY = CMI5 + "categories/cmi5"
MOVEON = CMI5 + "categories/moveon"
SESSION_ID = CMI5 + "extensions/sessionid"
MASTERY = CMI5 + "extensions/masteryscore"
PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"
AU_VERBS = {name: ADL + name for name in ("initialized", "completed", "passed", "failed", "terminated")}
LMS_VERBS = {"launched": ADL + "launched", **{name: W3ID + name for name in ("abandoned", "waived", "satisfied")}}
VOIDED = ADL + "voided"
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$")


# ---------------------------------------------------------------------- what the rules look at
@dataclass
class Facts:
    """The statements sorted out: the AU's by session, the LMS's, and what each session was launched with."""

    au: list[dict]  #: the AU's statements, in timestamp order
    lms: list[dict]  #: the LMS's statements
    sessions: dict  #: session id -> the test LMS's Session

    def session_of(self, statement: dict):
        return self.sessions.get(extensions(statement).get(SESSION_ID))

    def by_session(self) -> Iterator[tuple[object, list[dict]]]:
        for session in self.sessions.values():
            mine = [s for s in self.au if extensions(s).get(SESSION_ID) == session.id]
            if mine:
                yield session, mine

    def defined(self) -> Iterator[dict]:
        """The AU's cmi5 defined statements (section 7.1.3: a cmi5 verb and the cmi5 category)."""
        return (s for s in self.au if is_defined(s))


def extensions(statement: dict) -> dict:
    return (statement.get("context") or {}).get("extensions") or {}


def activities(statement: dict, kind: str) -> list[str]:
    found = ((statement.get("context") or {}).get("contextActivities") or {}).get(kind) or []
    return [a.get("id") for a in (found if isinstance(found, list) else [found]) if isinstance(a, dict)]


def verb(statement: dict) -> str:
    return (statement.get("verb") or {}).get("id", "")


def name(statement: dict) -> str:
    """A short label for messages: the verb's last word and the statement id."""
    return f"{verb(statement).rsplit('/', 1)[-1] or '?'} {statement.get('id', '?')}"


def is_defined(statement: dict) -> bool:
    return verb(statement) in AU_VERBS.values() and CATEGORY in activities(statement, "category")


def when(statement: dict) -> datetime:
    return datetime.fromisoformat(statement["timestamp"].replace("Z", "+00:00"))


def result(statement: dict) -> dict:
    return statement.get("result") or {}


# ---------------------------------------------------------------------- the rules
def _ids(f: Facts) -> Iterable[str]:
    for s in f.au:
        if not UUID.match(str(s.get("id", ""))):
            yield f"{name(s)}: id {s.get('id')!r} is not a UUID"


def _actor(f: Facts) -> Iterable[str]:
    for s in f.defined():
        actor = s.get("actor") or {}
        if actor.get("objectType", "Agent") != "Agent" or not isinstance(actor.get("account"), dict):
            yield f"{name(s)}: the actor is not an Agent with an account"


def _registration(f: Facts) -> Iterable[str]:
    for s in f.au:
        session = f.session_of(s)
        if session is not None and (s.get("context") or {}).get("registration") != session.registration:
            yield f"{name(s)}: registration {(s.get('context') or {}).get('registration')!r} is not the launch's"


def _session_id(f: Facts) -> Iterable[str]:
    for s in f.au:
        if f.session_of(s) is None:
            yield f"{name(s)}: session id {extensions(s).get(SESSION_ID)!r} is not one the LMS launched"


def _template(f: Facts) -> Iterable[str]:
    for s in f.au:
        session = f.session_of(s)
        if session is None:
            continue
        template = session.launch_data["contextTemplate"]
        for kind, listed in (template.get("contextActivities") or {}).items():
            missing = {a["id"] for a in listed} - set(activities(s, kind))
            if missing:
                yield f"{name(s)}: contextActivities.{kind} lacks {sorted(missing)} of the contextTemplate"
        for key, value in (template.get("extensions") or {}).items():
            if extensions(s).get(key) != value:
                yield f"{name(s)}: extension {key} is not the contextTemplate's {value!r}"


def _object(f: Facts) -> Iterable[str]:
    for s in f.defined():
        session = f.session_of(s)
        if session is not None and (s.get("object") or {}).get("id") != session.activity_id:
            yield f"{name(s)}: object.id {(s.get('object') or {}).get('id')!r} is not the launch's activityId"


def _category(f: Facts) -> Iterable[str]:
    for s in f.au:
        session = f.session_of(s)
        about_au = session is not None and (s.get("object") or {}).get("id") == session.activity_id
        has = CATEGORY in activities(s, "category")
        if about_au and verb(s) in AU_VERBS.values() and not has:
            yield f"{name(s)}: a cmi5 verb about the AU without the cmi5 category"
        if has and verb(s) not in AU_VERBS.values():
            yield f"{name(s)}: the cmi5 category on a verb cmi5 does not define for the AU"


def _moveon(f: Facts) -> Iterable[str]:
    for s in f.au:
        judged = is_defined(s) and ("success" in result(s) or "completion" in result(s))
        has = MOVEON in activities(s, "category")
        if judged and not has:
            yield f"{name(s)}: success or completion without the moveon category"
        if has and not judged:
            yield f"{name(s)}: the moveon category without a cmi5 defined success or completion"


def _no_repeat(f: Facts) -> Iterable[str]:
    for session, mine in f.by_session():
        seen = [verb(s) for s in mine if is_defined(s)]
        for repeated in sorted({v for v in seen if seen.count(v) > 1}):
            yield f"session {session.id}: {repeated} {seen.count(repeated)} times"


def _one_verdict(f: Facts) -> Iterable[str]:
    for session, mine in f.by_session():
        verdicts = [s for s in mine if is_defined(s) and verb(s) in (AU_VERBS["passed"], AU_VERBS["failed"])]
        if len(verdicts) > 1:
            yield f"session {session.id}: {', '.join(name(s) for s in verdicts)}"


def _first(f: Facts) -> Iterable[str]:
    for session, mine in f.by_session():
        starts = [s for s in mine if is_defined(s) and verb(s) == AU_VERBS["initialized"]]
        if not starts:
            yield f"session {session.id}: no initialized"
        elif any(when(s) < when(starts[0]) for s in mine):
            yield f"session {session.id}: statements before initialized"


def _last(f: Facts) -> Iterable[str]:
    for session, mine in f.by_session():
        ends = [s for s in mine if is_defined(s) and verb(s) == AU_VERBS["terminated"]]
        if ends and any(when(s) > when(ends[0]) for s in mine):
            yield f"session {session.id}: statements after terminated"


def _terminated(f: Facts) -> Iterable[str]:
    for session, mine in f.by_session():
        if not any(is_defined(s) and verb(s) == AU_VERBS["terminated"] for s in mine):
            yield f"session {session.id}: no terminated"


def _once_per_registration(verb_name: str) -> Callable[[Facts], Iterable[str]]:
    def rule(f: Facts) -> Iterable[str]:
        counts: dict[str, int] = {}
        for s in f.defined():
            if verb(s) == AU_VERBS[verb_name]:
                registration = (s.get("context") or {}).get("registration")
                counts[registration] = counts.get(registration, 0) + 1
        for registration, count in counts.items():
            if count > 1:
                yield f"registration {registration}: {verb_name} {count} times"

    return rule


def _failed_after_passed(f: Facts) -> Iterable[str]:
    passed: dict[str, datetime] = {}
    for s in f.defined():
        if verb(s) == AU_VERBS["passed"]:
            registration = (s.get("context") or {}).get("registration")
            passed[registration] = min(when(s), passed.get(registration, when(s)))
    for s in f.defined():
        registration = (s.get("context") or {}).get("registration")
        if verb(s) == AU_VERBS["failed"] and registration in passed and when(s) > passed[registration]:
            yield f"{name(s)}: failed after passed in registration {registration}"


def _against_mastery(
    verb_name: str, ok: Callable[[float, float], bool], words: str
) -> Callable[[Facts], Iterable[str]]:
    def rule(f: Facts) -> Iterable[str]:
        for s in f.defined():
            session = f.session_of(s)
            scaled = (result(s).get("score") or {}).get("scaled")
            if verb(s) != AU_VERBS[verb_name] or session is None or scaled is None:
                continue
            mastery = session.launch_data.get("masteryScore")
            if mastery is not None and not ok(scaled, mastery):
                yield f"{name(s)}: scaled {scaled} is not {words} the masteryScore {mastery}"

    return rule


def _score_only_on_verdicts(f: Facts) -> Iterable[str]:
    for s in f.defined():
        if "score" in result(s) and verb(s) not in (AU_VERBS["passed"], AU_VERBS["failed"]):
            yield f"{name(s)}: a score"


def _score_values(f: Facts) -> Iterable[str]:
    for s in f.defined():
        score = result(s).get("score")
        if score is None:
            continue
        scaled, raw, low, high = (score.get(k) for k in ("scaled", "raw", "min", "max"))
        if scaled is not None and not (isinstance(scaled, (int, float)) and 0 <= scaled <= 1):
            yield f"{name(s)}: scaled {scaled!r} is not within 0..1"
        for label, value in (("min", low), ("max", high)):
            if value is not None and not (isinstance(value, int) and not isinstance(value, bool)):
                yield f"{name(s)}: {label} {value!r} is not an integer"
        if raw is not None:
            if low is None or high is None:
                yield f"{name(s)}: raw without min and max"
            elif not (isinstance(raw, int) and low <= raw <= high):
                yield f"{name(s)}: raw {raw!r} is not an integer within {low}..{high}"


def _success(f: Facts) -> Iterable[str]:
    expected = {AU_VERBS["passed"]: True, AU_VERBS["failed"]: False}
    for s in f.defined():
        if verb(s) in expected and result(s).get("success") is not expected[verb(s)]:
            yield f"{name(s)}: success is {result(s).get('success')!r}"
        elif verb(s) not in expected and "success" in result(s):
            yield f"{name(s)}: a success property"


def _completion(f: Facts) -> Iterable[str]:
    for s in f.defined():
        if verb(s) == AU_VERBS["completed"] and result(s).get("completion") is not True:
            yield f"{name(s)}: completion is {result(s).get('completion')!r}"
        elif verb(s) != AU_VERBS["completed"] and "completion" in result(s):
            yield f"{name(s)}: a completion property"


def _duration(f: Facts) -> Iterable[str]:
    needed = {AU_VERBS[v] for v in ("terminated", "completed", "passed", "failed")}
    for s in f.defined():
        if verb(s) in needed and not result(s).get("duration"):
            yield f"{name(s)}: no duration"


def _progress(f: Facts) -> Iterable[str]:
    for s in f.au:
        ext = result(s).get("extensions") or {}
        if PROGRESS not in ext:
            continue
        value = ext[PROGRESS]
        if not (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100):
            yield f"{name(s)}: progress {value!r} is not an integer 0..100"
        if verb(s) == AU_VERBS["completed"]:
            yield f"{name(s)}: progress on completed"


def _mastery_extension(f: Facts) -> Iterable[str]:
    for s in f.defined():
        session = f.session_of(s)
        if verb(s) not in (AU_VERBS["passed"], AU_VERBS["failed"]) or session is None:
            continue
        mastery = session.launch_data.get("masteryScore")
        if mastery is not None and extensions(s).get(MASTERY) != mastery:
            yield f"{name(s)}: masteryscore extension {extensions(s).get(MASTERY)!r}, launch data {mastery}"


def _timestamp(f: Facts) -> Iterable[str]:
    for s in f.au + f.lms:
        stamp = str(s.get("timestamp", ""))
        try:
            moment = when(s)
        except (KeyError, ValueError):
            yield f"{name(s)}: timestamp {stamp!r} is not ISO 8601"
            continue
        if moment.utcoffset() is None or moment.utcoffset().total_seconds() != 0:
            yield f"{name(s)}: timestamp {stamp!r} is not UTC"


def _modes(f: Facts) -> Iterable[str]:
    for session, mine in f.by_session():
        if session.launch_data["launchMode"] == "Normal":
            continue
        for s in mine:
            if is_defined(s) and verb(s) not in (AU_VERBS["initialized"], AU_VERBS["terminated"]):
                yield f"{name(s)} in a {session.launch_data['launchMode']} session"


def _au_never_lms(f: Facts) -> Iterable[str]:
    for s in f.au:
        if verb(s) in LMS_VERBS.values() or verb(s) == VOIDED:
            yield f"{name(s)}: sent by the AU"


def _launched_first(f: Facts) -> Iterable[str]:
    launched = {extensions(s).get(SESSION_ID): s for s in f.lms if verb(s) == LMS_VERBS["launched"]}
    for session, mine in f.by_session():
        if session.id not in launched:
            yield f"session {session.id}: no launched statement"
        elif any(when(s) < when(launched[session.id]) for s in mine):
            yield f"session {session.id}: AU statements before launched"


def _satisfied_once(f: Facts) -> Iterable[str]:
    counts: dict[str, int] = {}
    for s in f.lms:
        if verb(s) == LMS_VERBS["satisfied"]:
            registration = (s.get("context") or {}).get("registration")
            counts[registration] = counts.get(registration, 0) + 1
    for registration, count in counts.items():
        if count > 1:
            yield f"registration {registration}: satisfied {count} times"


@dataclass(frozen=True)
class Rule:
    section: str
    text: str
    check: Callable[[Facts], Iterable[str]]


RULES: tuple[Rule, ...] = (
    Rule("9.1", "every AU statement has a UUID id", _ids),
    Rule("9.2", "cmi5 defined statements have an Agent with an account as actor", _actor),
    Rule("9.3", "a cmi5 defined verb appears at most once in a session", _no_repeat),
    Rule("9.3", "at most one of passed and failed in a session", _one_verdict),
    Rule("9.3 7.1.1", "initialized is the first statement of a session", _first),
    Rule("9.3 7.1.2 7.1.3", "nothing follows terminated in a session", _last),
    Rule("7.1.2", "a session the AU started ends with terminated", _terminated),
    Rule("9.3", "at most one completed per registration", _once_per_registration("completed")),
    Rule("9.3", "at most one passed per registration", _once_per_registration("passed")),
    Rule("9.3", "no failed after a passed in the registration", _failed_after_passed),
    Rule(
        "9.3.4",
        "passed: scaled at or above the masteryScore",
        _against_mastery("passed", lambda a, m: a >= m, "at or above"),
    ),
    Rule("9.3.5", "failed: scaled below the masteryScore", _against_mastery("failed", lambda a, m: a < m, "below")),
    Rule("9.3 6.3", "the AU sends no LMS verb (launched, abandoned, waived, satisfied) and never voids", _au_never_lms),
    Rule("9.4", "cmi5 defined statements are about the launch's activityId", _object),
    Rule("9.5.1", "only passed and failed carry a score", _score_only_on_verdicts),
    Rule("9.5.1", "score: scaled 0..1, integer min and max, raw an integer within them", _score_values),
    Rule("9.5.2", "success true on passed, false on failed, absent elsewhere", _success),
    Rule("9.5.3", "completion true on completed, absent elsewhere", _completion),
    Rule("9.5.4.1", "terminated, completed, passed and failed carry a duration", _duration),
    Rule("9.5.5.1", "progress is an integer 0..100 and never on completed", _progress),
    Rule("9.6.1", "the registration is the launch's", _registration),
    Rule("9.6.2.1", "the cmi5 category is on exactly the cmi5 verbs about the AU", _category),
    Rule("9.6.2.2", "the moveon category is on exactly the defined statements with success or completion", _moveon),
    Rule("9.6.3.1", "the session id is one the LMS launched", _session_id),
    Rule("9.6.3.2", "passed and failed carry the launch data's masteryScore", _mastery_extension),
    Rule("9.7", "timestamps are ISO 8601 in UTC", _timestamp),
    Rule("10", "every statement keeps the whole contextTemplate", _template),
    Rule("10", "Browse and Review sessions send no cmi5 defined statement but initialized and terminated", _modes),
    Rule("9.3.1", "the LMS sent launched before the session's statements", _launched_first),
    Rule("9.3.9", "the LMS sends satisfied at most once per registration", _satisfied_once),
)


def check(statements: list[dict], sessions: Iterable, lms_ids: Iterable[str]) -> list[str]:
    """Every rule of :data:`RULES` the statements break, one line per finding (empty: all kept)."""
    lms_ids = set(lms_ids)
    ordered = sorted(statements, key=lambda s: str(s.get("timestamp", "")))
    facts = Facts(
        au=[s for s in ordered if s.get("id") not in lms_ids],
        lms=[s for s in ordered if s.get("id") in lms_ids],
        sessions={session.id: session for session in sessions},
    )
    return [f"§{rule.section} {rule.text}: {finding}" for rule in RULES for finding in rule.check(facts)]

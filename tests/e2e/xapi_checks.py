"""Checks on statements read back from the LRS: the xAPI JSON Schema, then what a schema cannot see.

The schema is Rustici's TinCanSchema saved in ``../shared/schemas/xapi/`` (read from there with
its own ``validate_statement.py``, never copied). On top of it: UUIDs, IRIs, timestamps with a
time zone and not in the future, ISO 8601 durations with at most centisecond precision, score
ranges (scaled 0..1, min < max, raw within them, scaled consistent with raw), response formats
per interaction type, and the context every coursepack statement carries.

A cmi5 launch changes one thing (docs/cmi5.md): its cmi5 defined statements are about the
launch's ``activityId``, an id the LMS made, so ``launch_activity`` names the one object allowed
outside ``<base>/course/``.
"""

from __future__ import annotations

import importlib.util
import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from schema_paths import schema_dir

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
IRI = re.compile(r"^https?://[^\s/?#]+[^\s]*$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d{1,2}))?S)?$")
LANGTAG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
VERBS = {
    "initialized",
    "resumed",
    "experienced",
    "answered",
    "completed",
    "passed",
    "failed",
    "suspended",
    "terminated",
}
RESPONSES = {
    "true-false": re.compile(r"^(true|false)$"),
    "choice": re.compile(r"^[0-9a-z]+(\[,\][0-9a-z]+)*$"),
    "sequencing": re.compile(r"^[0-9a-z]+(\[,\][0-9a-z]+)*$"),
    "matching": re.compile(r"^[0-9a-z]+\[\.\][0-9a-z]+(\[,\][0-9a-z]+\[\.\][0-9a-z]+)*$"),
    "likert": re.compile(r"^[0-9a-z]+$"),
    "numeric": re.compile(r"^-?\d+(\.\d+)?$|^(-?\d+(\.\d+)?)?\[:\](-?\d+(\.\d+)?)?$"),
}


@lru_cache(maxsize=1)
def validator():
    script = schema_dir("xapi", "validate_statement.py") / "validate_statement.py"
    spec = importlib.util.spec_from_file_location("shared_validate_statement", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_validator()


def duration_seconds(value: str) -> float:
    m = DURATION.match(value)
    assert m and value != "PT", f"not an ISO 8601 duration with at most 2 decimals: {value!r}"
    hours, minutes, seconds, fraction = m.groups()
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds or 0) + float(f"0.{fraction or 0}")


def _iri(value, where: str, problems: list) -> None:
    if not isinstance(value, str) or not IRI.match(value):
        problems.append(f"{where}: not an absolute http(s) IRI: {value!r}")


def _langmap(value, where: str, problems: list, language: str | None = None) -> None:
    if not isinstance(value, dict) or not value:
        problems.append(f"{where}: not a language map: {value!r}")
        return
    for key in value:
        if not LANGTAG.match(key) or (language and key != language):
            problems.append(f"{where}: language tag {key!r}")


def check(
    statement: dict, *, base_iri: str, language: str, since: datetime, launch_activity: str | None = None
) -> list[str]:
    """Every problem with one stored statement (empty when it is fine)."""
    problems = [
        f"schema {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
        for e in validator().iter_errors(statement)
    ]
    sid = statement.get("id", "")
    if not UUID4.match(sid):
        problems.append(f"id {sid!r} is not a (client-made, version 4) UUID")
    stamp = statement.get("timestamp", "")
    if not TIMESTAMP.match(stamp):
        problems.append(f"timestamp {stamp!r} is not UTC ISO 8601 with milliseconds")
    else:
        moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
        now = datetime.now(timezone.utc)
        if moment > now + timedelta(seconds=5) or moment < since - timedelta(seconds=60):
            problems.append(f"timestamp {stamp} is outside the test's time ({since:%H:%M:%S}..{now:%H:%M:%S})")
    verb = statement.get("verb", {})
    if not verb.get("id", "").startswith(ADL_VERBS) or verb["id"][len(ADL_VERBS) :] not in VERBS:
        problems.append(f"verb {verb.get('id')!r} is not one of coursepack's ADL verbs")
    _langmap(verb.get("display"), "verb.display", problems, "en-US")
    actor = statement.get("actor", {})
    ifis = [k for k in ("mbox", "mbox_sha1sum", "openid", "account") if k in actor]
    if len(ifis) != 1:
        problems.append(f"actor has {len(ifis)} identifiers: {ifis}")
    if "account" in actor:
        _iri(actor["account"].get("homePage"), "actor.account.homePage", problems)
    obj = statement.get("object", {})
    if not str(obj.get("id", "")).startswith(base_iri + "/course/") and (
        launch_activity is None or obj.get("id") != launch_activity
    ):
        problems.append(f"object.id {obj.get('id')!r} is not under {base_iri}/course/")
    definition = obj.get("definition") or {}
    if definition:
        _iri(definition.get("type"), "object.definition.type", problems)
        _langmap(definition.get("name"), "object.definition.name", problems, language)
    context = statement.get("context") or {}
    if not UUID.match(str(context.get("registration", ""))):
        problems.append(f"context.registration {context.get('registration')!r} is not a UUID")
    if context.get("language") != language:
        problems.append(f"context.language {context.get('language')!r} is not {language!r}")
    for kind, activities in (context.get("contextActivities") or {}).items():
        for n, activity in enumerate(activities if isinstance(activities, list) else [activities]):
            _iri(activity.get("id"), f"context.contextActivities.{kind}[{n}].id", problems)
    extensions = context.get("extensions") or {}
    if f"{base_iri}/extension/course-version" not in extensions:
        problems.append("context.extensions has no course version")
    for key in extensions:
        _iri(key, f"context.extensions key {key!r}", problems)
    result = statement.get("result") or {}
    if "duration" in result:
        try:
            duration_seconds(result["duration"])
        except AssertionError as exc:
            problems.append(f"result.duration: {exc}")
    score = result.get("score")
    if score is not None:
        scaled, raw, low, high = (score.get(k) for k in ("scaled", "raw", "min", "max"))
        if not (isinstance(scaled, (int, float)) and 0 <= scaled <= 1):
            problems.append(f"result.score.scaled {scaled!r} is not within 0..1")
        if not (isinstance(low, (int, float)) and isinstance(high, (int, float)) and low < high):
            problems.append(f"result.score min {low!r} is not below max {high!r}")
        elif not (isinstance(raw, (int, float)) and low <= raw <= high):
            problems.append(f"result.score.raw {raw!r} is not within {low}..{high}")
        elif isinstance(scaled, (int, float)) and abs(scaled - (raw - low) / (high - low)) > 1e-4:
            problems.append(f"result.score.scaled {scaled} does not match raw {raw} in {low}..{high}")
    kind = definition.get("interactionType")
    if "response" in result and kind in RESPONSES and not RESPONSES[kind].match(result["response"]):
        problems.append(f"result.response {result['response']!r} is not a {kind} response")
    for pattern in definition.get("correctResponsesPattern") or []:
        if kind in RESPONSES and not RESPONSES[kind].match(pattern):
            problems.append(f"correctResponsesPattern {pattern!r} is not a {kind} pattern")
    return problems


def check_all(statements: list[dict], **kw) -> None:
    """Assert every statement is valid and no id appears twice."""
    found = {}
    for n, statement in enumerate(statements):
        problems = check(statement, **kw)
        if problems:
            found[f"[{n}] {statement.get('verb', {}).get('id', '?').rsplit('/', 1)[-1]}"] = problems
    assert not found, "invalid statements:\n" + "\n".join(f"{k}: {v}" for k, v in found.items())
    ids = [s["id"] for s in statements]
    assert len(ids) == len(set(ids)), "a statement id is stored twice"


def verb(statement: dict) -> str:
    return statement["verb"]["id"].rsplit("/", 1)[-1]


def trail(statements: list[dict]) -> list[tuple[str, str]]:
    """(verb, object id tail) in timestamp order, e.g. ("experienced", "lesson/welcome")."""
    ordered = sorted(statements, key=lambda s: s["timestamp"])
    return [
        (
            verb(s),
            s["object"]["id"].split("/course/", 1)[1].split("/", 1)[-1]
            if "/" in s["object"]["id"].split("/course/", 1)[1]
            else "course",
        )
        for s in ordered
    ]

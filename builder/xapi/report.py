"""The CE completions report: one row per learner and registration that completed a course.

A row is built from the statements this package's runtime sends (README, "xAPI"):

* ``completed`` on the course activity: the course's completion rule was met. Its timestamp is
  ``completed_at``; its context extensions give the course version and CE credit hours. Only
  the first ``completed`` of a registration counts.
* ``passed`` (else the latest ``failed``) on the course in the same registration: ``result`` and
  ``score`` (raw, 0..100, and scaled). Without a quiz, ``result`` is ``completed``.
* ``terminated`` in the same registration: their durations add up to ``duration`` (the time the
  learner spent in the course over every session); without any, the ``completed`` duration.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import asdict, dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple

from builder.xapi.vocab import ADL_VERBS, EXTENSIONS, extension_iri

COLUMNS = (
    "learner",
    "learner_homepage",
    "learner_name",
    "registration",
    "course",
    "course_version",
    "result",
    "score",
    "score_scaled",
    "completed_at",
    "duration",
    "duration_seconds",
    "ce_credit_hours",
)

_DURATION = re.compile(
    r"^P(?:(?P<Y>\d+(?:\.\d+)?)Y)?(?:(?P<Mo>\d+(?:\.\d+)?)M)?(?:(?P<W>\d+(?:\.\d+)?)W)?"
    r"(?:(?P<D>\d+(?:\.\d+)?)D)?(?:T(?:(?P<H>\d+(?:\.\d+)?)H)?(?:(?P<Mi>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<S>\d+(?:\.\d+)?)S)?)?$"
)
_SECONDS = {"Y": 365 * 86400, "Mo": 30 * 86400, "W": 7 * 86400, "D": 86400, "H": 3600, "Mi": 60, "S": 1}


def duration_seconds(value: Any) -> Optional[float]:
    """Seconds in an ISO 8601 duration (``PT1H2M3.5S``), or None when it is not one."""
    if not isinstance(value, str) or value in ("P", "PT") or value.endswith("T"):
        return None
    m = _DURATION.match(value)
    if not m:
        return None
    return sum(float(v) * _SECONDS[k] for k, v in m.groupdict().items() if v)


def iso_duration(seconds: float) -> str:
    """``PT1H2M3.5S`` for *seconds* (centisecond precision, as the runtime writes them)."""
    cs = max(0, round(seconds * 100))
    hours, rest = divmod(cs, 360000)
    minutes, cs = divmod(rest, 6000)
    text = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    secs = f"{cs / 100:.2f}".rstrip("0").rstrip(".")
    return text + (f"{secs}S" if cs or not (hours or minutes) else "")


@dataclass
class Completion:
    learner: str
    learner_homepage: str
    learner_name: str
    registration: str
    course: str
    course_version: str
    result: str
    score: Optional[float]
    score_scaled: Optional[float]
    completed_at: str
    duration: str
    duration_seconds: Optional[float]
    ce_credit_hours: Optional[float]


def _learner(actor: Dict[str, Any]) -> Tuple[str, str, str]:
    """(identifier, homePage, name) of an agent."""
    account = actor.get("account") if isinstance(actor.get("account"), dict) else None
    if account:
        ident, home = str(account.get("name", "")), str(account.get("homePage", ""))
    else:
        ident, home = str(actor.get("mbox") or actor.get("openid") or actor.get("mbox_sha1sum") or ""), ""
    return ident, home, str(actor.get("name") or "")


def _key(statement: Dict[str, Any]) -> Tuple[str, str, str]:
    ident, home, _ = _learner(statement.get("actor") or {})
    registration = str((statement.get("context") or {}).get("registration") or "")
    return ident, home, registration


def _by_key(statements: Iterable[Dict[str, Any]]) -> Dict[Tuple[str, str, str], List[Dict[str, Any]]]:
    out: Dict[Tuple[str, str, str], List[Dict[str, Any]]] = {}
    for statement in sorted(statements, key=lambda s: str(s.get("timestamp", ""))):
        out.setdefault(_key(statement), []).append(statement)
    return out


def completions(
    course_iri: str,
    base_iri: str,
    completed: Iterable[Dict[str, Any]],
    passed: Iterable[Dict[str, Any]],
    failed: Iterable[Dict[str, Any]],
    terminated: Iterable[Dict[str, Any]],
) -> List[Completion]:
    """The report's rows, oldest completion first."""
    version_iri = extension_iri(base_iri, EXTENSIONS["courseVersion"])
    hours_iri = extension_iri(base_iri, EXTENSIONS["creditHours"])
    passes, fails, ends = _by_key(passed), _by_key(failed), _by_key(terminated)
    rows = []
    for key, found in _by_key(completed).items():
        first = found[0]
        if (first.get("object") or {}).get("id") != course_iri:
            continue
        scored = passes.get(key, [])[-1:] or fails.get(key, [])[-1:]
        score = (scored[0].get("result") or {}).get("score") or {} if scored else {}
        ends_seconds = [duration_seconds((s.get("result") or {}).get("duration")) for s in ends.get(key, [])]
        ends_seconds = [s for s in ends_seconds if s is not None]
        seconds = sum(ends_seconds) if ends_seconds else duration_seconds((first.get("result") or {}).get("duration"))
        extensions = (first.get("context") or {}).get("extensions") or {}
        ident, home, name = _learner(first.get("actor") or {})
        hours = extensions.get(hours_iri)
        rows.append(
            Completion(
                learner=ident,
                learner_homepage=home,
                learner_name=name,
                registration=key[2],
                course=course_iri,
                course_version=str(extensions.get(version_iri, "")),
                result="passed" if key in passes else "completed",
                score=score.get("raw"),
                score_scaled=score.get("scaled"),
                completed_at=str(first.get("timestamp", "")),
                duration=iso_duration(seconds) if seconds is not None else "",
                duration_seconds=round(seconds, 2) if seconds is not None else None,
                ce_credit_hours=hours if isinstance(hours, (int, float)) and not isinstance(hours, bool) else None,
            )
        )
    rows.sort(key=lambda r: r.completed_at)
    return rows


def verb_iri(name: str) -> str:
    return ADL_VERBS + name


def to_csv(rows: List[Completion]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        values = asdict(row)
        writer.writerow(["" if values[c] is None else _csv_safe(values[c]) for c in COLUMNS])
    return buffer.getvalue()


def _csv_safe(value: Any) -> Any:
    """Keep spreadsheets from running a learner-supplied value as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_json(rows: List[Completion]) -> str:
    return json.dumps([asdict(row) for row in rows], indent=2, ensure_ascii=False) + "\n"

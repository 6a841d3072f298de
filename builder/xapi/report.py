"""The CE completions report: one row per learner and course release that completed the course.

The rows come from the statements the runtime sends about the course activity (README, "xAPI"),
read page by page (:meth:`builder.xapi.lrs.LRSClient.pages`), never all at once:

* ``completed``: the completion rule was met. A learner's **first** completion of a release (the
  earliest the LRS stored; the statement timestamp breaks ties) is the row; later completions of
  the same release (another registration, another LMS attempt) are not reported again. Its
  timestamp is ``completed_at``; its context extensions give the version and CE credit hours; its
  result extensions the certificate's verification code and printed date.
* ``passed`` (else the latest ``failed``) in the row's registration: ``result`` and ``score``.
* ``terminated`` in the row's registration: their durations add up to ``duration`` (every session
  of that registration); without any, the ``completed`` duration.

Memory grows with the number of rows (a few hundred bytes each), never with the statements read.
The course's releases (:mod:`builder.xapi.releases`) give what statements do not carry: title,
provider and approval statement.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, fields
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Tuple
from urllib.parse import unquote

from builder.certificate import verification_code
from builder.xapi.releases import Release
from builder.xapi.timestamps import local_dates
from builder.xapi.vocab import ADL_VERBS, CERTIFICATE_DATE, EXTENSIONS, base_of_course_iri, extension_iri

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
    """One row, in the default column order."""

    learner: str  #: the learner's id: the account name (cmi.core.student_id), as on the certificate
    learner_name: str  #: when the LRS has it (the course sends names with xapi.learner_name)
    learner_homepage: str
    course_id: str
    course_title: str
    course_version: str
    provider: str
    approval: str
    ce_credit_hours: Optional[float]
    completion_date: str  #: the date printed on the certificate (the learner's local date)
    completed_at: str  #: the completed statement's timestamp (UTC, as sent)
    result: str  #: passed, or completed (no passed in the registration)
    score: Optional[float]
    score_scaled: Optional[float]
    verification_code: str
    registration: str
    duration: str
    duration_seconds: Optional[float]
    course: str  #: the course IRI


COLUMNS = tuple(f.name for f in fields(Completion))


def verb_iri(name: str) -> str:
    return ADL_VERBS + name


def _learner(actor: Dict[str, Any]) -> Tuple[str, str, str]:
    """(identifier, homePage, name) of an agent."""
    account = actor.get("account") if isinstance(actor.get("account"), dict) else None
    if account:
        ident, home = str(account.get("name", "")), str(account.get("homePage", ""))
    else:
        ident, home = str(actor.get("mbox") or actor.get("openid") or actor.get("mbox_sha1sum") or ""), ""
    return ident, home, str(actor.get("name") or "")


def registration_of(statement: Dict[str, Any]) -> str:
    return str((statement.get("context") or {}).get("registration") or "").lower()


def _order(statement: Dict[str, Any]) -> Tuple[str, str, str]:
    """Which of two statements came first: stored by the LRS, then the timestamp, then the id."""
    return (str(statement.get("stored") or ""), str(statement.get("timestamp") or ""), str(statement.get("id") or ""))


class Seen(NamedTuple):
    """What a row needs of a ``completed`` statement: strings and numbers only, so a row costs little memory."""

    order: Tuple[str, str, str]  #: see _order
    learner: str
    homepage: str
    name: str
    registration: str
    version: str
    hours: Any  #: the credit hours extension as sent
    code: str  #: the certificate code result extension ("" without one)
    printed: str  #: the certificate date result extension ("" without one)
    title: str  #: the name the statement's definition carries
    seconds: Optional[float]  #: its duration

    @property
    def id(self) -> str:
        return self.order[2]

    @property
    def timestamp(self) -> str:
        return self.order[1]


class Report:
    """Rows of one course, fed statement by statement (:meth:`add_completed`, then :meth:`add_other`)."""

    def __init__(self, course_iri: str, base_iri: str, releases: Iterable[Release] = ()):
        self.course_iri = course_iri
        self.base_iri = base_iri
        self.version_iri = extension_iri(base_iri, EXTENSIONS["courseVersion"])
        self.hours_iri = extension_iri(base_iri, EXTENSIONS["creditHours"])
        self.code_iri = extension_iri(base_iri, EXTENSIONS["certificateCode"])
        self.date_iri = extension_iri(base_iri, CERTIFICATE_DATE)
        split = base_of_course_iri(course_iri)
        self.course_id = unquote(split[1]) if split else ""
        self.releases = {r.version: r for r in releases if r.xapi and r.course_iri == course_iri}
        self.first: Dict[Tuple[str, str, str], Seen] = {}  #: (homePage, learner, version) -> first completion
        self._scores: Dict[str, Tuple[str, Any, Any, Tuple]] = {}  #: registration -> (verb, raw, scaled, order)
        self._sessions: Dict[str, float] = {}  #: registration -> seconds of its terminated sessions
        self._wanted: set = set()  #: the registrations whose other statements are kept

    # ------------------------------------------------------------------ feeding
    def seen(self, statement: Dict[str, Any]) -> Optional[Seen]:
        """The row record of a ``completed`` statement about the course (None: about another activity)."""
        if (statement.get("object") or {}).get("id") != self.course_iri:
            return None
        ident, home, name = _learner(statement.get("actor") or {})
        extensions = (statement.get("context") or {}).get("extensions") or {}
        result = statement.get("result") if isinstance(statement.get("result"), dict) else {}
        found = result.get("extensions") if isinstance(result.get("extensions"), dict) else {}
        code, printed = found.get(self.code_iri), found.get(self.date_iri)
        return Seen(
            _order(statement),
            ident,
            home,
            name,
            registration_of(statement),
            str(extensions.get(self.version_iri, "")),
            extensions.get(self.hours_iri),
            code if isinstance(code, str) else "",
            printed if isinstance(printed, str) else "",
            _name(statement),
            duration_seconds(result.get("duration")),
        )

    def add_completed(self, statement: Dict[str, Any]) -> None:
        """A ``completed`` statement: kept when it is the learner's first of its release so far."""
        self.adopt(self.seen(statement))

    def adopt(self, seen: Optional[Seen]) -> None:
        """A completion (:meth:`seen`): kept when it is the learner's first of its release so far."""
        if seen is None:
            return
        key = (seen.homepage, seen.learner, seen.version)
        known = self.first.get(key)
        if known is None or seen.order < known.order:
            self.first[key] = seen

    def registrations(self) -> set:
        return {seen.registration for seen in self.first.values()}

    def add_other(self, statement: Dict[str, Any], verb: str) -> None:
        """A ``passed``, ``failed`` or ``terminated`` statement (ignored unless in a row's registration)."""
        registration = registration_of(statement)
        if registration not in self._wanted:
            return
        result = statement.get("result") or {}
        if verb == "terminated":
            seconds = duration_seconds(result.get("duration"))
            if seconds is not None:
                self._sessions[registration] = self._sessions.get(registration, 0.0) + seconds
            return
        known = self._scores.get(registration)
        order = (statement.get("timestamp") or "", statement.get("id") or "")
        # the first 'passed' wins; without one, the latest 'failed'
        if known is None or (
            (verb == "passed" and (known[0] == "failed" or order < known[3]))
            or (verb == "failed" and known[0] == "failed" and order > known[3])
        ):
            score = result.get("score") if isinstance(result.get("score"), dict) else {}
            self._scores[registration] = (verb, score.get("raw"), score.get("scaled"), order)

    def expect_others(self, registrations: Optional[Iterable[str]] = None) -> None:
        """Keep the other statements of these registrations (default: every row's) from now on."""
        self._wanted |= set(self.registrations() if registrations is None else registrations)

    # ------------------------------------------------------------------ rows
    def rows(self) -> List[Completion]:
        """The rows, oldest completion first."""
        out = [self._row(seen) for seen in self.first.values()]
        out.sort(key=lambda r: (r.completed_at, r.learner))
        return out

    def _row(self, seen: Seen) -> Completion:
        release = self.releases.get(seen.version)
        course_id = release.course_id if release else self.course_id
        verb, raw, scaled, _ = self._scores.get(seen.registration, ("completed", None, None, None))
        seconds = self._sessions.get(seen.registration, seen.seconds)
        hours = seen.hours
        return Completion(
            learner=seen.learner,
            learner_name=seen.name,
            learner_homepage=seen.homepage,
            course_id=course_id,
            course_title=release.title if release else seen.title,
            course_version=seen.version,
            provider=release.provider if release else "",
            approval=release.approval if release else "",
            ce_credit_hours=hours if isinstance(hours, (int, float)) and not isinstance(hours, bool) else None,
            completion_date=self._printed_date(seen, course_id),
            completed_at=seen.timestamp,
            result="passed" if verb == "passed" else "completed",
            score=raw,
            score_scaled=scaled,
            verification_code=seen.code,
            registration=seen.registration,
            duration=iso_duration(seconds) if seconds is not None else "",
            duration_seconds=round(seconds, 2) if seconds is not None else None,
            course=self.course_iri,
        )

    def _printed_date(self, seen: Seen, course_id: str) -> str:
        """The date on the certificate: sent with the code, else the one of the learner's dates the code fits.

        Without either (no certificate), the UTC date of the completion.
        """
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", seen.printed):
            return seen.printed
        try:
            days = local_dates(seen.timestamp)
        except ValueError:
            return ""
        for day in days if seen.code else ():
            if verification_code(course_id, seen.version, seen.learner, day) == seen.code:
                return day
        return days[0]


def _name(statement: Dict[str, Any]) -> str:
    """The course title a statement's definition carries (its first language)."""
    names = ((statement.get("object") or {}).get("definition") or {}).get("name") or {}
    return str(next(iter(names.values()), "")) if isinstance(names, dict) else ""


# ---------------------------------------------------------------------- output
def parse_columns(specs: Iterable[str]) -> List[Tuple[str, str]]:
    """``--columns`` values (``name`` or ``name=Header``, comma-separated) as ``(name, header)`` pairs.

    :raises ValueError: an unknown column, naming the known ones.
    """
    out: List[Tuple[str, str]] = []
    for spec in specs:
        for part in spec.split(","):
            name, _, header = part.partition("=")
            name = name.strip()
            if not name and not header.strip():
                continue  # a stray comma
            if not name:
                raise ValueError(f"'{part.strip()}' names no column (write name=Header)")
            if name not in COLUMNS:
                raise ValueError(f"no column '{name}'; the columns are: {', '.join(COLUMNS)}")
            out.append((name, header.strip() or name))
    return out or [(c, c) for c in COLUMNS]


def to_csv(rows: List[Completion], columns: Optional[List[Tuple[str, str]]] = None) -> str:
    """RFC 4180: a header line, CRLF line ends, quotes where needed; formulas neutralised."""
    columns = columns or [(c, c) for c in COLUMNS]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header for _, header in columns])
    for row in rows:
        writer.writerow(["" if (v := getattr(row, name)) is None else _csv_safe(v) for name, _ in columns])
    return buffer.getvalue()


def _csv_safe(value: Any) -> Any:
    """Keep spreadsheets from running a learner-supplied value as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_json(rows: List[Completion], columns: Optional[List[Tuple[str, str]]] = None) -> str:
    columns = columns or [(c, c) for c in COLUMNS]
    data = [{header: getattr(row, name) for name, header in columns} for row in rows]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

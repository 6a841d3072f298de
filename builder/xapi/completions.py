"""Reading the completions report's statements from the LRS: everything, since a date, or since the last run.

* Everything: one pass over the course's ``completed`` statements (verb and activity filters,
  page by page), then one over each of ``passed``, ``failed`` and ``terminated``, keeping only
  the registrations of the rows.
* Since a date (``--since``), or incrementally (``--state FILE``): the new ``completed``
  statements, then, for each learner among them, that learner's statements about the course
  (``agent`` and ``activity`` filters): an earlier completion of the same release means the new
  one is not a first completion and is not reported; the rest gives the score and duration.

The state file (:class:`Cursor`) remembers where the last run stopped: the latest ``stored``
time of the completions it read and the ids stored at that exact time. The next run asks the
LRS for completions ``since`` that time less an overlap (:data:`OVERLAP`; some LRSs, Ralph among
them, filter ``since`` on the statement timestamp rather than on ``stored``) and drops those it
already read, so each completion is reported once.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

from builder.xapi.embed import UsageError
from builder.xapi.report import Report, verb_iri
from builder.xapi.timestamps import parse_timestamp
from builder.xapi.vocab import ADL_VERBS

#: How far before the last run's cursor the next one asks again: the relay's --max-age, the oldest
#: timestamp it lets through, so a statement stored after the cursor is never older than this.
OVERLAP = timedelta(days=7)
STATE_FORMAT = 1
AGENT_KEYS = ("objectType", "account", "mbox", "mbox_sha1sum", "openid")


@dataclass
class Cursor:
    """Where the last incremental run stopped (the state file)."""

    course: str
    stored: str = ""  #: the latest 'stored' of the completions read ("" before the first run)
    ids: List[str] = field(default_factory=list)  #: the completions stored at exactly that time

    def is_new(self, statement: Dict[str, Any]) -> bool:
        stored = str(statement.get("stored") or statement.get("timestamp") or "")
        return stored > self.stored or (stored == self.stored and statement.get("id") not in self.ids)

    def advance(self, statement: Dict[str, Any]) -> None:
        stored = str(statement.get("stored") or statement.get("timestamp") or "")
        if stored > self.stored:
            self.stored, self.ids = stored, []
        if stored == self.stored and statement.get("id") not in self.ids:
            self.ids.append(str(statement.get("id")))

    def since(self) -> Optional[str]:
        """The ``since`` to ask the LRS for: the cursor less :data:`OVERLAP` (None on a first run)."""
        if not self.stored:
            return None
        moment = parse_timestamp(self.stored).astimezone(timezone.utc) - OVERLAP
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    @classmethod
    def load(cls, path: Path, course: str) -> "Cursor":
        if not path.exists():
            return cls(course)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != STATE_FORMAT or not isinstance(data.get("ids"), list):
                raise ValueError
            parse_timestamp(str(data["stored"]))
            cursor = cls(str(data["course"]), str(data["stored"]), [str(i) for i in data["ids"]])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            raise UsageError(
                f"--state {path}: not a state file written by 'coursepack xapi completions' "
                f"(delete it to report every completion again)"
            ) from None
        if cursor.course != course:
            raise UsageError(
                f"--state {path}: it is the state of another course ({cursor.course}); give one per course"
            )
        return cursor

    def save(self, path: Path) -> None:
        """Write the state file atomically (a temporary file, then a rename)."""
        data = {"format": STATE_FORMAT, "course": self.course, "stored": self.stored, "ids": self.ids}
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, path)


def _verb(statement: Dict[str, Any]) -> str:
    verb = str((statement.get("verb") or {}).get("id") or "")
    return verb[len(ADL_VERBS) :] if verb.startswith(ADL_VERBS) else ""


def collect(client, report: Report, since: Optional[str] = None, cursor: Optional[Cursor] = None) -> int:
    """Fill *report* from the LRS; advance *cursor*. Returns the number of statements read."""
    course = report.course_iri
    query_since = since
    if cursor is not None and cursor.stored:
        later = cursor.since()
        query_since = max(query_since, later) if query_since else later
    read = 0
    if query_since is None:
        for page in client.pages(verb=verb_iri("completed"), activity=course):
            read += len(page)
            for s in page:
                report.add_completed(s)
                if cursor is not None:
                    cursor.advance(s)
        report.expect_others()
        for verb in ("passed", "failed", "terminated"):
            for page in client.pages(verb=verb_iri(verb), activity=course):
                read += len(page)
                for s in page:
                    report.add_other(s, verb)
        return read
    candidates: Dict[str, List[Dict[str, Any]]] = {}  #: learner (agent JSON) -> new completions
    for page in client.pages(verb=verb_iri("completed"), activity=course, since=query_since):
        read += len(page)
        for s in page:
            if (cursor is None or cursor.is_new(s)) and (since is None or _at_or_after(s, since)):
                agent = {k: v for k, v in (s.get("actor") or {}).items() if k in AGENT_KEYS}
                candidates.setdefault(json.dumps(agent, sort_keys=True), []).append(s)
            if cursor is not None:
                cursor.advance(s)
    for agent, new in candidates.items():
        history = []
        for page in client.pages(agent=agent, activity=course):
            read += len(page)
            history += page
        mine = Report(course, report.base_iri)
        for s in history + new:  # the new ones too: an LRS whose 'since' lags may not list them yet
            if _verb(s) == "completed":
                mine.add_completed(s)
        ids = {s.get("id") for s in new}
        firsts = [seen for seen in mine.first.values() if seen.id in ids]
        for seen in firsts:
            report.adopt(seen)
        report.expect_others(seen.registration for seen in firsts)
        for s in history:
            if _verb(s) in ("passed", "failed", "terminated"):
                report.add_other(s, _verb(s))
    return read


def _at_or_after(statement: Dict[str, Any], since: str) -> bool:
    try:
        return parse_timestamp(str(statement.get("timestamp", ""))) >= parse_timestamp(since)
    except ValueError:
        return False

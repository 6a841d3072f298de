"""The relay's forgery table: for every rule, statements no package of the given courses would send.

Used by tests/xapi/test_relay_forgeries.py (the relay's checks, in process) and by
tests/e2e/test_relay.py (posted to a real relay in front of a real Ralph, and never stored), and
documented row by row in docs/relay-rules.md (a test keeps the three in step). Each row starts from
an honest statement of the sample course (relay_statements.Session, made from the README's
statement table) and changes one thing; ``before`` are honest statements posted first, which the
relay must accept (a sequence rule needs them in the LRS).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, List, Optional

from builder.certificate import verification_code

from .relay_statements import Session, now_iso


@dataclass
class Kit:
    """What a forgery is made from: a learner's session of the sample course, its configuration, another course."""

    session: Session
    x: dict  #: the sample course's xAPI configuration
    config: dict  #: its whole runtime configuration
    other: dict  #: the quiz showcase's xAPI configuration (another accepted course)

    @property
    def base(self) -> str:
        return self.x["extensions"]["courseVersion"].rsplit("/", 1)[0]

    def question(self) -> tuple:
        """(question id, its right answer, the wrong one) of the first true-false question."""
        qid = next(q for q in self.session.truth)
        right = self.session.truth[qid]
        return qid, right, "false" if right == "true" else "true"

    def code(self, learner: Optional[str] = None, day: Optional[str] = None) -> str:
        """The certificate code of *learner* (default: the session's) for the sample course, on *day* (UTC today)."""
        day = day or datetime.now(timezone.utc).date().isoformat()
        account = self.session.actor["account"]["name"]
        return verification_code(self.config["course"]["id"], self.x["courseVersion"], learner or account, day)


@dataclass
class Forgery:
    name: str
    rule: str
    #: the body to post: a list of statements (the forged one at ``index``) or raw bytes
    make: Callable[[Kit], Any]
    index: Optional[int] = 1
    before: Callable[[Kit], List[dict]] = field(default=lambda kit: [])


def _changed(make: Callable[[Kit], dict], change: Callable[[dict, Kit], None]) -> Callable[[Kit], list]:
    """An honest ``initialized`` then the statement of *make* with *change* applied."""

    def body(kit: Kit) -> list:
        forged = make(kit)
        change(forged, kit)
        return [kit.session.initialized(), forged]

    return body


def _lesson(kit: Kit) -> dict:
    return kit.session.experienced(next(iter(kit.x["lessons"])))


def _scored(score: float, passed: bool) -> Callable[[Kit], dict]:
    return lambda kit: kit.session.scored(score, passed)


def _wrong_answer(kit: Kit) -> dict:
    qid, right, wrong = kit.question()
    return kit.session.answered(qid, wrong, [right], success=True)


def _other_course(s: dict, kit: Kit) -> None:
    s["object"] = copy.deepcopy(kit.other["lessons"][next(iter(kit.other["lessons"]))])


def _padded(kit: Kit) -> bytes:
    return (json.dumps([kit.session.initialized()]) + " " * (300 * 1024)).encode()


def _first_completion(kit: Kit) -> List[dict]:
    return [kit.session.completed()]


def _first_pass(kit: Kit) -> List[dict]:
    return [kit.session.scored(90, True)]


FORGERIES: List[Forgery] = [
    Forgery("a body over 256 KiB", "body-size", _padded, None),
    Forgery("a body that is not UTF-8", "body-encoding", lambda kit: b"\xff\xfe[]", None),
    Forgery("a body that is not JSON", "body-json", lambda kit: b"[{not json", None),
    Forgery("an empty batch", "batch", lambda kit: [], None),
    Forgery(
        "'authority' set by the client",
        "shape",
        _changed(lambda kit: kit.session.initialized(), lambda s, kit: s.update(authority={"name": "LRS"})),
    ),
    Forgery("no statement id", "id", _changed(lambda kit: kit.session.completed(), lambda s, kit: s.pop("id"))),
    Forgery(
        "a timestamp without a time zone",
        "timestamp",
        _changed(lambda kit: kit.session.completed(), lambda s, kit: s.update(timestamp=s["timestamp"][:-1])),
    ),
    Forgery(
        "a timestamp 30 days old",
        "timestamp-range",
        _changed(lambda kit: kit.session.completed(), lambda s, kit: s.update(timestamp=now_iso(-30 * 86400))),
    ),
    Forgery(
        "an e-mail actor",
        "actor",
        _changed(lambda kit: kit.session.completed(), lambda s, kit: s.update(actor={"mbox": "mailto:a@example.org"})),
    ),
    Forgery(
        "a learner of an LMS the relay does not serve",
        "homepage",
        _changed(
            lambda kit: kit.session.completed(),
            lambda s, kit: s["actor"]["account"].update(homePage="https://evil.example.org"),
        ),
    ),
    Forgery(
        "a verb coursepack never sends",
        "verb",
        _changed(
            lambda kit: kit.session.completed(),
            lambda s, kit: s.update(verb={"id": "http://adlnet.gov/expapi/verbs/mastered"}),
        ),
    ),
    Forgery("a lesson of another course", "activity", _changed(_lesson, _other_course)),
    Forgery(
        "'passed' about a lesson",
        "verb-object",
        _changed(_lesson, lambda s, kit: s.update(verb=copy.deepcopy(kit.x["verbs"]["passed"]))),
    ),
    Forgery(
        "a lesson with the course's activity type",
        "definition",
        _changed(_lesson, lambda s, kit: s["object"]["definition"].update(type=kit.x["course"]["definition"]["type"])),
    ),
    Forgery(
        "a lesson whose parent is the quiz",
        "context",
        _changed(_lesson, lambda s, kit: s["context"]["contextActivities"]["parent"][0].update(id=kit.x["quiz"]["id"])),
    ),
    Forgery(
        "40 CE credit hours",
        "extension",
        _changed(
            lambda kit: kit.session.completed(),
            lambda s, kit: s["context"]["extensions"].update({f"{kit.base}/extension/ce-credit-hours": 40}),
        ),
    ),
    Forgery(
        "a course version never given to the relay",
        "version",
        _changed(
            lambda kit: kit.session.completed(),
            lambda s, kit: s["context"]["extensions"].update({kit.x["extensions"]["courseVersion"]: "9.9.9"}),
        ),
    ),
    Forgery(
        "'completed' with completion false",
        "result",
        _changed(lambda kit: kit.session.completed(), lambda s, kit: s["result"].update(completion=False)),
    ),
    Forgery(
        "a score whose scaled value is not raw / 100",
        "score",
        _changed(_scored(80, True), lambda s, kit: s["result"]["score"].update(scaled=0.9)),
    ),
    Forgery("'passed' with a score of 10 (pass mark 75)", "pass-mark", _changed(_scored(10, True), lambda s, k: None)),
    Forgery("'failed' with a score of 100", "pass-mark", _changed(_scored(100, False), lambda s, k: None)),
    Forgery(
        "a certificate code of another learner",
        "certificate",
        _changed(lambda kit: kit.session.completed(code=kit.code(learner="someone-else")), lambda s, k: None),
    ),
    Forgery(
        "a second 'completed' in one registration (the LRS holds the first)",
        "sequence",
        lambda kit: [kit.session.completed()],
        index=0,
        before=_first_completion,
    ),
    Forgery(
        "'failed' after 'passed' in one registration (the LRS holds the pass)",
        "sequence",
        lambda kit: [kit.session.scored(40, False)],
        index=0,
        before=_first_pass,
    ),
    Forgery("'answered' with success true for the wrong answer", "answer", _changed(_wrong_answer, lambda s, k: None)),
    Forgery(
        "an account name over 255 characters",
        "string-length",
        _changed(lambda kit: kit.session.completed(), lambda s, kit: s["actor"]["account"].update(name="x" * 300)),
    ),
]

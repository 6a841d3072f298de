"""What the LMS stores in each SCORM edition, in the tests' words, so that one journey runs against both.

A journey speaks of status words (``passed``, ``incomplete`` …), a percentage score, a location and
an exit that suspends or ends the attempt; an edition says which elements the LMS keeps them in and
how they look there (scorm12-rte.md; docs/scorm2004.md, "Status" and "What a 2004 package records").
Written from the documentation, independently of the runtime.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .lms import DEFAULT_LEARNER, seed_cmi

#: docs/scorm2004.md, "Status": the (completion_status, success_status) each status word writes.
FIELDS_2004 = {
    "passed": ("completed", "passed"),
    "completed": ("completed", "unknown"),
    "incomplete": ("incomplete", "unknown"),
    "failed": ("incomplete", "failed"),
}


def scaled(percent: str) -> str:
    """A percentage as SCORM 2004's scaled score: '72.22' -> '0.7222', '100' -> '1'."""
    return format((Decimal(percent) / 100).normalize(), "f")


class Scorm12:
    """SCORM 1.2: ``window.API``, one ``lesson_status``, the score out of 100, CMITimespan."""

    name = "scorm12"  #: the --format name
    api = "1.2"  #: lms.html's cfg.api
    initialize, terminate, get_value, set_value, commit = (
        "LMSInitialize",
        "LMSFinish",
        "LMSGetValue",
        "LMSSetValue",
        "LMSCommit",
    )
    status_elements = ("cmi.core.lesson_status",)  #: where a status word is written, in order
    score_elements = ("cmi.core.score.min", "cmi.core.score.max", "cmi.core.score.raw")  #: in the order written
    score_prefix = "cmi.core.score."
    location, exit, session_time, entry = (
        "cmi.core.lesson_location",
        "cmi.core.exit",
        "cmi.core.session_time",
        "cmi.core.entry",
    )
    suspend_data = "cmi.suspend_data"
    suspend_exit, done_exit = "suspend", ""  #: cmi.core.exit while unfinished, and once over
    wrong = "wrong"  #: cmi.interactions.n.result of a wrong answer
    session_time_format = re.compile(r"^\d{4}:\d{2}:\d{2}(\.\d{1,2})?$")  # CMITimespan as sent: 4-digit hours
    stored_time_format = re.compile(r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$")  # as scorm-again keeps it
    suspend_limit = 4096

    def seed(self, *, entry="ab-initio", status=None, location=None, suspend_data=None, mode="normal", score=None):
        """Stored CMI data for a launch, in scorm-again's ``loadFromJSON`` shape."""
        scores = {"score_raw": score, "score_min": "0", "score_max": "100"} if score is not None else {}
        credit = "credit" if mode == "normal" else "no-credit"
        return seed_cmi(
            entry=entry,
            lesson_status=status,
            lesson_location=location,
            suspend_data=suspend_data,
            lesson_mode=mode,
            credit=credit,
            **scores,
        )

    def value(self, cmi: dict, element: str) -> Any:
        """A stored element by its name, from scorm-again's JSON (``cmi.core.exit`` -> cmi["core"]["exit"])."""
        node: Any = {"cmi": cmi}
        for part in element.split("."):
            node = node[part]
        return node

    def status(self, cmi: dict):
        """The stored status, as :meth:`word` writes it."""
        return self.value(cmi, "cmi.core.lesson_status")

    def word(self, status_word: str):
        return status_word

    def score(self, cmi: dict) -> tuple:
        """The stored score, as :meth:`score_of` writes it."""
        return tuple(self.value(cmi, f"cmi.core.score.{k}") for k in ("raw", "min", "max"))

    def score_of(self, percent: str) -> tuple:
        return percent, "0", "100"

    def outcome(self, cmi: dict) -> tuple:
        """The stored status and score."""
        return self.status(cmi), self.score(cmi)

    def expected(self, status_word: str, percent: str) -> tuple:
        """What :meth:`outcome` reads after the runtime wrote the status word and the percentage."""
        return self.word(status_word), self.score_of(percent)

    def status_writes(self, sets: list) -> list:
        """The stored statuses the runtime wrote, in order, from the (element, value) of each SetValue."""
        return [v for k, v in sets if k == self.status_elements[0]]

    def __repr__(self) -> str:
        return self.name


class Scorm2004(Scorm12):
    """SCORM 2004 4th Edition: ``window.API_1484_11``, two status fields, a scaled score, ISO 8601."""

    name = "scorm2004"
    api = "2004"
    initialize, terminate, get_value, set_value, commit = "Initialize", "Terminate", "GetValue", "SetValue", "Commit"
    status_elements = ("cmi.completion_status", "cmi.success_status")
    score_elements = ("cmi.score.min", "cmi.score.max", "cmi.score.raw", "cmi.score.scaled")
    score_prefix = "cmi.score."
    location, exit, session_time, entry = "cmi.location", "cmi.exit", "cmi.session_time", "cmi.entry"
    suspend_exit, done_exit = "suspend", "normal"
    wrong = "incorrect"
    session_time_format = re.compile(r"^PT(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?$")  # ISO 8601, at most 2 decimals
    stored_time_format = session_time_format
    suspend_limit = 64000

    def seed(self, *, entry="ab-initio", status=None, location=None, suspend_data=None, mode="normal", score=None):
        cmi: dict[str, Any] = {
            "learner_id": DEFAULT_LEARNER["student_id"],
            "learner_name": DEFAULT_LEARNER["student_name"],
            "entry": entry,
            "mode": mode,
            "credit": "credit" if mode == "normal" else "no-credit",
        }
        if status is not None:
            cmi["completion_status"], cmi["success_status"] = FIELDS_2004[status]
        if location is not None:
            cmi["location"] = location
        if suspend_data is not None:
            cmi["suspend_data"] = suspend_data
        if score is not None:
            cmi["score"] = dict(zip(("scaled", "raw", "min", "max"), self.score_of(score)))
        return cmi

    def status(self, cmi: dict):
        return cmi["completion_status"], cmi["success_status"]

    def word(self, status_word: str):
        return FIELDS_2004[status_word]

    def score(self, cmi: dict) -> tuple:
        return tuple(cmi["score"][k] for k in ("scaled", "raw", "min", "max"))

    def score_of(self, percent: str) -> tuple:
        return scaled(percent), percent, "0", "100"

    def status_writes(self, sets: list) -> list:
        """Each word's two fields, written one after the other."""
        writes = [(k, v) for k, v in sets if k in self.status_elements]
        pairs = list(zip(writes[::2], writes[1::2]))
        assert all((a[0], b[0]) == self.status_elements for a, b in pairs), writes
        return [(a[1], b[1]) for a, b in pairs]


SCORM12, SCORM2004 = Scorm12(), Scorm2004()
EDITIONS = (SCORM12, SCORM2004)

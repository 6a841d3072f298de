"""Statements as a coursepack package sends them (templates/runtime/xapi.js), for the relay's tests and bench.

Written from the README's description of the statements, not from the relay's rules, so the two
check each other. ``Session(xapi_config, learner)`` makes one learner's statements; every call
gives a new UUID and the current time.
"""

from __future__ import annotations

import copy
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for e2e.answer_key (also from bench/)
from e2e.answer_key import unseal  # noqa: E402

HOMEPAGE = "https://lms.example.org"


def now_iso(shift: float = 0.0) -> str:
    moment = datetime.now(timezone.utc) + timedelta(seconds=shift)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def ref(activity: dict) -> dict:
    return {"objectType": "Activity", "id": activity["id"]}


class Session:
    """*config*: the package's whole runtime configuration, to answer its true-false questions right."""

    def __init__(
        self,
        xapi: dict,
        learner: str,
        homepage: str = HOMEPAGE,
        registration: str | None = None,
        config: dict | None = None,
    ):
        self.x = xapi
        self.actor = {"objectType": "Agent", "account": {"homePage": homepage, "name": learner}}
        self.registration = registration or str(uuid.uuid4())
        self.truth = {}  #: true-false question id -> "true"/"false", from the package's sealed keys
        for question in ((config or {}).get("quiz") or {}).get("questions") or []:
            if question["type"] == "true-false":
                self.truth[question["id"]] = "true" if unseal(config, question)["k"] == "t" else "false"

    def statement(self, verb: str, obj: dict, result: dict | None = None, extra: dict | None = None) -> dict:
        extensions = {self.x["extensions"]["courseVersion"]: self.x["courseVersion"]}
        if self.x.get("creditHours") is not None:
            extensions[self.x["extensions"]["creditHours"]] = self.x["creditHours"]
        context = {"registration": self.registration, "language": self.x["language"], "platform": "coursepack"}
        if extra:
            context["contextActivities"] = copy.deepcopy(extra)
        context["extensions"] = extensions
        s = {
            "id": str(uuid.uuid4()),
            "actor": copy.deepcopy(self.actor),
            "verb": copy.deepcopy(self.x["verbs"][verb]),
            "object": copy.deepcopy(obj),
            "context": context,
            "timestamp": now_iso(),
        }
        if result is not None:
            s["result"] = result
        return s

    # ------------------------------------------------------------------ one statement of each kind
    def initialized(self) -> dict:
        return self.statement("initialized", self.x["course"])

    def experienced(self, lesson_id: str) -> dict:
        return self.statement("experienced", self.x["lessons"][lesson_id], extra={"parent": [ref(self.x["course"])]})

    def answered(
        self, question_id: str, response: str, patterns: list | None = None, success: bool | None = True
    ) -> dict:
        activity = self.x["questions"][question_id]
        obj = copy.deepcopy(activity)
        if patterns:
            obj["definition"]["correctResponsesPattern"] = patterns
        result = {"response": response, "duration": "PT4.2S"}
        if success is not None:
            result["success"] = success
        return self.statement(
            "answered", obj, result, extra={"parent": [ref(self.x["quiz"])], "grouping": [ref(self.x["course"])]}
        )

    def evaluated(self, item_id: str, response: str) -> dict:
        """A course evaluation item rated (likert), or its comment (fill-in): never scored, the course as parent."""
        obj = copy.deepcopy(self.x["evaluation"][item_id])
        return self.statement(
            "answered", obj, {"response": response, "duration": "PT9.8S"}, extra={"parent": [ref(self.x["course"])]}
        )

    def scored(self, score: float, passed: bool) -> dict:
        result = {
            "score": {"scaled": round(score * 100) / 10000, "raw": score, "min": 0, "max": 100},
            "success": passed,
            "duration": "PT12M3.5S",
        }
        return self.statement(
            "passed" if passed else "failed", self.x["course"], result, extra={"other": [ref(self.x["quiz"])]}
        )

    def completed(self, code: str | None = None, date: str | None = None) -> dict:
        """``completed``, with the certificate's verification *code* (and printed *date*) as result extensions."""
        result = {"completion": True, "duration": "PT12M4S"}
        if code:
            base = self.x["extensions"]["courseVersion"].rsplit("/", 1)[0]
            result["extensions"] = {f"{base}/certificate-code": code}
            if date:
                result["extensions"][f"{base}/certificate-date"] = date
        return self.statement("completed", self.x["course"], result)

    def terminated(self) -> dict:
        return self.statement("terminated", self.x["course"], {"duration": "PT12M9.25S"})

    def trail(self) -> list[dict]:
        """A whole session: start, every lesson, every true-false question answered right, passed, completed, end.

        Without the package's configuration every answer is 'true'.
        """
        out = [self.initialized()] + [self.experienced(lid) for lid in self.x["lessons"]]
        for qid, activity in self.x["questions"].items():
            if activity["definition"]["interactionType"] == "true-false":
                word = self.truth.get(qid, "true")
                out.append(self.answered(qid, word, [word]))
        return out + [self.scored(100, True), self.completed(), self.terminated()]

"""An ``answered`` statement about a quiz question against the question's answer key (rule ``answer``).

The relay holds the keys on the server: each release's runtime configuration carries them sealed,
and they are unsealed here; they are never served. The quiz
engine's Python twin (:mod:`builder.engine`) gives what the package itself computes: the
correct-response patterns the LMS receives and the credit of an answer. A statement is refused when

* its ``correctResponsesPattern`` is not the question's patterns in xAPI format (or is there when
  the question has none), or
* its ``success`` does not follow from its ``response``: ``true`` needs full credit, and ``false``
  needs less, except for a fill-in question, whose response is the typed text trimmed to one line
  (an answer with extra spaces can be wrong where its response is right).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from builder import engine
from builder.xapi.relay.errors import Refused


def scorm_response(kind: str, text: str) -> str:
    """An xAPI response (or pattern) in SCORM 1.2 format: the inverse of the runtime's ``xapiResponse``."""
    if kind == "true-false":
        return {"true": "t", "false": "f"}.get(text, text)
    if kind in ("choice", "sequencing"):
        return text.replace("[,]", ",")
    if kind == "matching":
        return text.replace("[,]", ",").replace("[.]", ".")
    return text


def xapi_pattern(kind: str, pattern: str) -> str:
    """A SCORM 1.2 pattern in xAPI format (the runtime's ``xapiResponse``)."""
    if kind == "true-false":
        return {"t": "true", "f": "false"}.get(pattern, pattern)
    if kind in ("choice", "sequencing"):
        return pattern.replace(",", "[,]")
    if kind == "matching":
        return "[,]".join(pair.replace(".", "[.]") for pair in pattern.split(","))
    return pattern


def answer_value(q: Dict[str, Any], response: str) -> Optional[str]:
    """The runtime's answer (builder/questions/base.py) that gives *response* (SCORM 1.2); None when empty."""
    if response == "":
        return None
    kind = q["type"]
    if kind in ("multiple-response", "sequencing"):
        return response.replace(",", "")
    if kind == "matching":
        chosen = dict(pair.split(".", 1) for pair in response.split(",") if "." in pair)
        return "".join(chosen.get(source["id"], "-") for source in q["sources"])
    return response


def check_answer(statement: Dict[str, Any], config: Dict[str, Any], q: Dict[str, Any], kind: str) -> None:
    """Raise :class:`Refused` (rule ``answer``) unless the statement's patterns and success are the package's.

    *config* is the release's runtime configuration, *q* the question's part of it, *kind* its
    xAPI interaction type. The response's format was checked before (rule ``result``).
    """
    key = engine.secret(config, q).get("k")  # unsealed here, on the server, as the package does
    expected: List[str] = [xapi_pattern(kind, p) for p in engine.patterns(q, key)]
    definition = statement["object"].get("definition")
    if definition is not None and definition.get("correctResponsesPattern", []) != expected:
        raise Refused("answer", "object.definition.correctResponsesPattern: not the correct answer of this question")
    result = statement["result"]
    if "success" not in result:
        return
    value = answer_value(q, scorm_response(kind, result["response"]))
    credit = engine.credit(q, value, key)
    if result["success"] is True and credit != 1:
        raise Refused("answer", "result.success: true, but the response does not earn full credit")
    if result["success"] is False and credit == 1 and q["type"] != "fill-in":
        raise Refused("answer", "result.success: false, but the response earns full credit")

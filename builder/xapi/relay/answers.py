"""An ``answered`` statement about a quiz question against the question's answer key (rule ``answer``).

The relay holds the keys on the server: each release's runtime configuration carries them sealed,
and they are unsealed here; they are never served. The quiz engine's Python twin
(:mod:`builder.engine`, over each question type's definition) gives what the package itself
computes: the correct-response patterns in xAPI's format, the answer a response stands for and
its credit. A statement is refused when

* its ``correctResponsesPattern`` is not the question's patterns in xAPI format (or is there when
  the question has none), or
* its ``success`` does not follow from its ``response``: ``true`` needs full credit, and ``false``
  needs less, except for a type whose response is not the whole answer (``response_is_whole``:
  fill-in trims the typed text to one line, so an answer with extra spaces can be wrong where its
  response is right).
"""

from __future__ import annotations

from typing import Any, Dict, List

from builder import engine
from builder.questions import TYPES
from builder.xapi.relay.errors import Refused


def check_answer(statement: Dict[str, Any], config: Dict[str, Any], q: Dict[str, Any]) -> None:
    """Raise :class:`Refused` (rule ``answer``) unless the statement's patterns and success are the package's.

    *config* is the release's runtime configuration, *q* the question's part of it. The response's
    format was checked before (rule ``result``).
    """
    key = engine.secret(config, q).get("k")  # unsealed here, on the server, as the package does
    expected: List[str] = engine.patterns_xapi(q, key)
    definition = statement["object"].get("definition")
    if definition is not None and definition.get("correctResponsesPattern", []) != expected:
        raise Refused("answer", "object.definition.correctResponsesPattern: not the correct answer of this question")
    result = statement["result"]
    if "success" not in result:
        return
    credit = engine.credit(q, engine.answer_from_xapi(q, result["response"]), key)
    if result["success"] is True and credit != 1:
        raise Refused("answer", "result.success: true, but the response does not earn full credit")
    if result["success"] is False and credit == 1 and TYPES[q["type"]].response_is_whole:
        raise Refused("answer", "result.success: false, but the response earns full credit")

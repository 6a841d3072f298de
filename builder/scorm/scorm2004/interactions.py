"""How a SCORM 2004 package reports each answer in ``cmi.interactions.n.*`` (RTE 4th Edition, 4.2.9).

The functions speak the runtime's terms (the question type of quiz.yaml, the unsealed answer key
and the answer as the quiz engine keeps it; docs/architecture.md, section 3), so that the runtime
adapter (``templates/runtime/adapters/scorm2004.js``, phase 2) can mirror them line for line; the JSON
vectors in ``tests/vectors/scorm2004-interactions.json`` pin both. The build uses them to prove
that every question of a course can be reported (:func:`unreportable`).

Choices: option ids stay the single characters the runtime, the answer key and suspend_data
already use (valid ``short_identifier_type`` in every LMS, including Moodle's ``[\\w.]``); what 2004
adds is the readable part: a URN per question, the question text as ``description``, words for
true/false, the 2004 delimiters and a numeric range. docs/scorm2004.md has the table.
"""

from __future__ import annotations

import re
from typing import List, Optional, Sequence

from builder.questions.base import POINT_IDS

#: cmi.interactions.n.type of each quiz.yaml question type.
TYPES = {
    "true-false": "true-false",
    "single-choice": "choice",
    "multiple-response": "choice",
    "fill-in": "fill-in",
    "numeric": "numeric",
    "matching": "matching",
    "sequencing": "sequencing",
    "likert": "likert",
}
#: The course evaluation's comment: up to 255 characters, more than one fill-in string holds (250).
COMMENT_TYPE = "long-fill-in"
URN_NAMESPACE = "coursepack"  #: interaction ids are urn:coursepack:<course id>:<question id>
DESCRIPTION_LIMIT = 250  #: localized_string_type SPM of cmi.interactions.n.description
FILL_IN_LIMIT = 250  #: SPM of each string of a fill-in response or pattern
#: real(10,7) as strict runtimes check it (scorm-again's CMIDecimal): at most 10 digits before the point.
REAL = re.compile(r"^-?\d{1,10}(\.\d{1,18})?$")


def interaction_id(course_id: str, item_id: str) -> str:
    """A long_identifier_type that is a URN, unique across courses and stable across versions.

    Course ids (``[a-z][a-z0-9-]*``) and question ids (``[a-z][a-z0-9_]*``) are URN-safe as they are.
    """
    return f"urn:{URN_NAMESPACE}:{course_id}:{item_id}"


def interaction_type(question_type: str) -> str:
    return TYPES[question_type]


def one_line(text: str) -> str:
    """Runs of whitespace, line breaks included, as one space; no space at either end."""
    return " ".join(text.split())


def description(text: str, language: str) -> str:
    """The question (or evaluation item) text as a localized string: ``{lang=…}`` and one line of at most 250."""
    line = one_line(text)
    if len(line) > DESCRIPTION_LIMIT:
        line = line[: DESCRIPTION_LIMIT - 1] + "…"
    return f"{{lang={language}}}{line}"


def learner_response(question_type: str, value) -> str:
    """``cmi.interactions.n.learner_response`` for the answer *value* as the quiz engine keeps it.

    true-false ``t``/``f`` -> ``true``/``false``; single-choice and likert the option id;
    multiple-response and sequencing the ids joined by ``[,]``; matching ``<source>[.]<target>``
    for each matched source, joined by ``[,]``; fill-in the text as typed on one line, at most 250
    (a leading ``{`` gets a space before it); numeric the number as typed.
    """
    if value is None:
        return ""
    if question_type == "true-false":
        return "true" if value == "t" else "false"
    if question_type in ("multiple-response", "sequencing"):
        return "[,]".join(value)
    if question_type == "matching":
        return "[,]".join(f"{POINT_IDS[i]}[.]{target}" for i, target in enumerate(value) if target != "-")
    if question_type == "fill-in":
        text = _fill_in_text(value)
        # A string may not begin with "{" (it would read as a {lang=…} delimiter; Moodle and
        # scorm-again refuse it): such an answer keeps its text behind one space.
        return " " + text[: FILL_IN_LIMIT - 1] if text.startswith("{") else text
    return str(value)


def correct_patterns(question_type: str, key, case_sensitive: bool = False) -> List[str]:
    """Every ``cmi.interactions.n.correct_responses.n.pattern`` for the unsealed answer *key*.

    true-false ``true``/``false``; single-choice the id; multiple-response and sequencing the ids
    joined by ``[,]``; matching every ``<source>[.]<target>`` joined by ``[,]``; fill-in one
    pattern per accepted answer, ``{case_matters=true|false}`` then the answer; numeric the
    accepted range ``<lowest>[:]<highest>``; none for likert.
    """
    if question_type == "true-false":
        return ["true" if key == "t" else "false"]
    if question_type == "single-choice":
        return [key]
    if question_type in ("multiple-response", "sequencing"):
        return ["[,]".join(key)]
    if question_type == "matching":
        return ["[,]".join(f"{POINT_IDS[i]}[.]{target}" for i, target in enumerate(key))]
    if question_type == "fill-in":
        case = "true" if case_sensitive else "false"
        return [f"{{case_matters={case}}}{_fill_in_text(answer)}" for answer in key]
    if question_type == "numeric":
        return [f"{key[0]}[:]{key[1]}"]
    return []


def comment_response(text: str, limit: int) -> str:
    """The evaluation comment (``long-fill-in``): one line, at most *limit* characters (the runtime's limit)."""
    return one_line(text)[:limit]


def result(credit: Optional[float]) -> str:
    """``cmi.interactions.n.result``: ``neutral`` unscored, ``correct`` for full credit, else ``incorrect``."""
    if credit is None:
        return "neutral"
    return "correct" if credit == 1 else "incorrect"


def unreportable(question_type: str, key) -> Sequence[str]:
    """Why a question's correct responses cannot be stored by a strict SCORM 2004 LMS (empty: they can)."""
    if question_type != "numeric":
        return ()
    return tuple(
        f"{number} does not fit the real(10,7) numbers SCORM 2004 LMSs store (at most 10 digits before the "
        "point and 18 after)"
        for number in dict.fromkeys(key[:2])
        if not REAL.match(number)
    )


def _fill_in_text(text: str) -> str:
    """Text as one fill-in string, as the SCORM 1.2 runtime writes it: trimmed, each line break a space, cut."""
    return str(text).strip().translate(_LINE_BREAKS)[:FILL_IN_LIMIT]


_LINE_BREAKS = {ord(c): " " for c in "\n\r\u2028\u2029"}

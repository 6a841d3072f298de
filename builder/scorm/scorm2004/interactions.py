"""What a SCORM 2004 package writes in ``cmi.interactions.n.*`` besides the answers (RTE 4th Edition, 4.2.9).

Each question type owns its response and correct-response formats (``response_2004`` and
``patterns_2004`` of builder/questions/, ``response2004`` and ``patterns2004`` of the browser's
quiz engine) and its interaction type (``interaction``: SCORM 2004 kept 1.2's names). What is the
format's, for every type alike, is here: a URN per question, the question text as
``description``, the word for the result and the evaluation's comment (what a 2004 LMS cannot
store of a type's answer key is the type's ``unreportable_2004``, checked on every build). The runtime adapter
(``templates/runtime/adapters/scorm2004.js``) mirrors these functions; ``tests/vectors/scorm2004-interactions.json``
pins both. docs/scorm2004.md has the table.
"""

from __future__ import annotations

from typing import Optional

from builder.jsstring import length, replace_spaces, slice_units, trim

#: The course evaluation's comment: up to 255 characters, more than one fill-in string holds (250).
COMMENT_TYPE = "long-fill-in"
URN_NAMESPACE = "coursepack"  #: interaction ids are urn:coursepack:<course id>:<question id>
DESCRIPTION_LIMIT = 250  #: localized_string_type SPM of cmi.interactions.n.description


def interaction_id(course_id: str, item_id: str) -> str:
    """A long_identifier_type that is a URN, unique across courses and stable across versions.

    Course ids (``[a-z][a-z0-9-]*``) and question ids (``[a-z][a-z0-9_]*``) are URN-safe as they are.
    """
    return f"urn:{URN_NAMESPACE}:{course_id}:{item_id}"


def one_line(text: str) -> str:
    """Runs of whitespace, line breaks included, as one space; no space at either end (JavaScript's ``\\s``)."""
    return trim(replace_spaces(text, " "))


def description(text: str, language: str) -> str:
    """The question (or evaluation item) text as a localized string: ``{lang=…}`` and one line of at most 250."""
    line = one_line(text)
    if length(line) > DESCRIPTION_LIMIT:
        line = slice_units(line, DESCRIPTION_LIMIT - 1) + "…"
    return f"{{lang={language}}}{line}"


def comment_response(text: str, limit: int) -> str:
    """The evaluation comment (``long-fill-in``): one line, at most *limit* characters (the runtime's limit)."""
    return slice_units(one_line(text), limit)


def result(credit: Optional[float]) -> str:
    """``cmi.interactions.n.result``: ``neutral`` unscored, ``correct`` for full credit, else ``incorrect``."""
    if credit is None:
        return "neutral"
    return "correct" if credit == 1 else "incorrect"

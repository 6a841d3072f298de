"""fill-in: the learner types a short text, compared with the accepted ``answers``."""

from __future__ import annotations

import re
from typing import Any, Dict

from builder.digits import base36
from builder.jsstring import from_units, length, parse_int, replace_spaces, slice_units, trim
from builder.model import FILL_IN_DEFAULT_LENGTH
from builder.questions.base import RESPONSE_LIMIT, QuestionType, SuspendDataError, take

MAX_ACCEPTED = 20
#: How an answer is compared: spaces trimmed and runs collapsed, compared as typed, or removed.
WHITESPACE_RULES = ("normalize", "exact", "ignore")
LINE_BREAKS = "[\n\r\u2028\u2029]"  # SCORM runtimes refuse them in student_response
STRING_2004 = 250  #: SCORM 2004: the most characters of each string of a fill-in response or pattern
WILDCARD = r"(?<!\\)\*"  #: Moodle's '*' (any text) in a short answer; '\\*' is a star


class FillIn(QuestionType):
    name = "fill-in"
    interaction = "fill-in"
    keys = ("answers", "case_sensitive", "whitespace", "max_length")
    required = "answers"
    required_hint = "list the accepted answers under 'answers:'"

    def read(self, reader, q, path):
        r = reader.r
        case = r.boolean(q, path, "case_sensitive", required=False, default=False)
        whitespace = r.choice(q, path, "whitespace", WHITESPACE_RULES, "normalize")
        max_length = r.number(
            q,
            path,
            "max_length",
            required=False,
            minimum=1,
            maximum=RESPONSE_LIMIT,
            integer=True,
            default=FILL_IN_DEFAULT_LENGTH,
        )
        if "answers" not in q:
            return None
        accepted, ok = reader.all_texts(q, path, "answers", "accepted answer", 1, MAX_ACCEPTED)
        for i, text in enumerate(q["answers"] if isinstance(q["answers"], list) else []):
            if text in accepted and max_length is not None and len(text.strip()) > max_length:
                r.error(
                    path + ("answers", i),
                    f"is {len(text.strip())} characters long, longer than max_length ({max_length})",
                    hint=f"raise max_length (at most {RESPONSE_LIMIT}) or shorten the answer",
                )
                ok = False
        if not ok or case is None or whitespace is None or max_length is None:
            return None
        return {"accepted": tuple(accepted), "case_sensitive": case, "whitespace": whitespace, "max_length": max_length}

    def key(self, question):
        return list(question.accepted)

    def suspend_length(self, question):
        return 2 + question.max_length

    def typed_length(self, question):
        return question.max_length

    def config(self, question, strings):
        return {
            "maxLength": question.max_length,
            "caseSensitive": question.case_sensitive,
            "whitespace": question.whitespace,
        }

    # The key is the list of accepted answers; each is a correct-response pattern.
    response_is_whole = False  # the response is trimmed to one line; the credit is the typed text's

    def response(self, q, value):
        """As typed, without surrounding spaces, on one line, at most 255 characters."""
        return one_line(value, RESPONSE_LIMIT)

    def patterns(self, q, key):
        return [slice_units(answer, RESPONSE_LIMIT) for answer in key]

    def response_2004(self, q, value):
        """As for SCORM 1.2, at most 250 characters; an answer that begins with ``{`` gets a space before it.

        The RTE reads a leading ``{`` as a ``{lang=…}`` delimiter, and Moodle and scorm-again refuse it.
        """
        text = one_line(value, STRING_2004)
        return " " + slice_units(text, STRING_2004 - 1) if text.startswith("{") else text

    def patterns_2004(self, q, key):
        """One pattern per accepted answer, after ``{case_matters=true|false}`` (the question's case rule)."""
        case = "true" if q["caseSensitive"] else "false"
        return [f"{{case_matters={case}}}{one_line(answer, STRING_2004)}" for answer in key]

    def credit(self, q, value, key):
        typed = comparable(q, value)
        return 1 if any(comparable(q, answer) == typed for answer in key) else 0

    # Stored as two base-36 digits of length, then the text as typed.
    def encode(self, q, value):
        text = value or ""
        return base36(length(text)).rjust(2, "0") + text

    def decode(self, q, units, at):
        n = parse_int(take(units, at, 2), 36)
        if n is None or not 0 <= n <= q["maxLength"]:
            raise SuspendDataError("suspend_data: bad text length")
        text = take(units, at + 2, n)
        return (from_units(text) if trim(text) else None), at + 2 + n

    # ------------------------------------------------------------------ Moodle: shortanswer
    # Moodle accepts each answer with its fraction of the mark, '*' matching any text ('\\*' is a
    # star), compared with the ends trimmed, in any case unless 'usecase' says otherwise.
    moodle_qtype = "shortanswer"

    def from_moodle(self, mq, extras, note):
        # Moodle's model is for import/export-questions only: a build never loads it
        from builder.questions.moodle import TOLERANCE, Unsupported, feedback_kept_aside, percent, quoted

        accepted = []
        for a in mq.answers:
            if a.fraction >= 1 - TOLERANCE:
                if re.search(WILDCARD, a.text):
                    note(
                        f"{quoted(a.text)} uses Moodle's * wildcard, which coursepack cannot match: left out", "warning"
                    )
                    continue
                text = a.text.replace("\\*", "*")
                if text not in accepted:
                    accepted.append(text)
                feedback_kept_aside(note, text, a.feedback)
            elif a.fraction > 0:
                share = percent(a.fraction)
                note(
                    f"{quoted(a.text)} earns {share}% in Moodle; coursepack takes only full answers: left out",
                    "warning",
                )
            else:
                feedback_kept_aside(note, "any other answer" if a.text.strip() == "*" else a.text, a.feedback)
        if not accepted:
            raise Unsupported("no answer earns full marks", "give the accepted answers 100%")
        out: Dict[str, Any] = {"answers": accepted}
        if mq.usecase:
            out["case_sensitive"] = True
        longest = max(len(text) for text in accepted)
        if longest > FILL_IN_DEFAULT_LENGTH:
            out["max_length"] = longest
        for key in ("whitespace", "max_length"):
            if key in extras:
                out[key] = extras.pop(key)
        return out

    def to_moodle(self, question, note):
        # Moodle's model is for import/export-questions only: a build never loads it
        from builder.questions.moodle import Answer

        extras: Dict[str, Any] = {}
        if question.whitespace != "normalize":
            extras["whitespace"] = question.whitespace
            if question.whitespace == "ignore":
                note("Moodle does not ignore the spaces inside an answer", "warning")
        if question.max_length != FILL_IN_DEFAULT_LENGTH:
            extras["max_length"] = question.max_length
        answers = tuple(Answer(text.replace("*", "\\*"), 1.0) for text in question.accepted)
        return {"answers": answers, "usecase": question.case_sensitive, "extras": extras}


def one_line(text: str, limit: int) -> str:
    """*text* as one string of a response: trimmed, each line break a space, at most *limit* UTF-16 units."""
    return slice_units(re.sub(LINE_BREAKS, " ", trim(text)), limit)


def comparable(q: dict, text: str) -> str:
    """*text* as answers are compared: NFC, the question's whitespace rule, its case rule."""
    import unicodedata  # only the engine's twin compares answers; a build never does

    s = unicodedata.normalize("NFC", text)
    if q["whitespace"] == "normalize":
        s = replace_spaces(trim(s), " ")
    elif q["whitespace"] == "ignore":
        s = replace_spaces(s, "")
    return s if q["caseSensitive"] else s.lower()


TYPE = FillIn()

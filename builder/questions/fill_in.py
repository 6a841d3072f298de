"""fill-in: the learner types a short text, compared with the accepted ``answers``."""

from __future__ import annotations

import re

from builder.digits import base36
from builder.jsstring import from_units, length, parse_int, replace_spaces, slice_units, trim
from builder.model import FILL_IN_DEFAULT_LENGTH
from builder.questions.base import RESPONSE_LIMIT, QuestionType, SuspendDataError, take

MAX_ACCEPTED = 20
#: How an answer is compared: spaces trimmed and runs collapsed, compared as typed, or removed.
WHITESPACE_RULES = ("normalize", "exact", "ignore")
LINE_BREAKS = "[\n\r\u2028\u2029]"  # SCORM runtimes refuse them in student_response


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
    def response(self, q, value):
        """As typed, without surrounding spaces, on one line, at most 255 characters."""
        return slice_units(re.sub(LINE_BREAKS, " ", trim(value)), RESPONSE_LIMIT)

    def patterns(self, q, key):
        return [slice_units(answer, RESPONSE_LIMIT) for answer in key]

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

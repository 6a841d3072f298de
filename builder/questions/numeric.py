"""numeric: the learner types a number; an exact ``answer`` (with a ``tolerance``) or a ``range`` is accepted."""

from __future__ import annotations

import re

from builder.digits import base36
from builder.jsstring import number, parse_int, parse_typed_number
from builder.model import NumericAnswer
from builder.problems import kind_of
from builder.questions.base import RANGE_2004, QuestionType, SuspendDataError, decimal_text, plain, take

INPUT_LENGTH = 20  #: the longest number a learner can type
#: real(10,7) as strict runtimes check it (scorm-again's CMIDecimal): at most 10 digits before the point.
REAL_2004 = re.compile(r"^-?\d{1,10}(\.\d{1,18})?$")


class Numeric(QuestionType):
    name = "numeric"
    interaction = "numeric"
    keys = ("answer", "tolerance", "range")

    def read(self, reader, q, path):
        from decimal import Decimal  # only for a numeric question: decimal is slow to import

        r = reader.r
        answer = self.read_number(reader, q, path, "answer")
        tolerance = r.number(q, path, "tolerance", required=False, minimum=0)
        bounds = None
        ok = answer is not False and ("tolerance" not in q or tolerance is not None)
        if "range" in q:
            value = q["range"]
            numbers = (
                isinstance(value, list)
                and len(value) == 2
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
            )
            if not numbers:
                r.error(
                    path + ("range",),
                    f"expected two numbers [lowest, highest], found {kind_of(value)}",
                    hint="write it as 'range: [10, 20]'",
                )
                ok = False
            elif value[0] > value[1]:
                r.error(
                    path + ("range",),
                    f"the lowest value {decimal_text(value[0])} is greater than the highest {decimal_text(value[1])}",
                    hint="write the lowest value first",
                )
                ok = False
            else:
                bounds = (Decimal(decimal_text(value[0])), Decimal(decimal_text(value[1])))
            if "tolerance" in q:
                r.error(
                    path + ("tolerance",),
                    "give either 'tolerance' or 'range', not both",
                    key=True,
                    hint="a range already says which numbers are accepted",
                )
                ok = False
        elif "answer" not in q:
            r.error(
                path,
                "'answer' is missing",
                hint="give 'answer' (with an optional 'tolerance'), or 'range: [lowest, highest]'",
            )
            return None
        if not ok:
            return None
        exact = Decimal(answer) if answer is not None else None
        if bounds is not None:
            if exact is not None and not bounds[0] <= exact <= bounds[1]:
                r.error(
                    path + ("answer",),
                    f"{answer} is outside the range [{bounds[0]}, {bounds[1]}]",
                    hint="the answer reported to the LMS must be one of the accepted numbers",
                )
                return None
            low, high = bounds
        else:
            spread = Decimal(decimal_text(tolerance)) if tolerance else Decimal(0)
            low, high = exact - spread, exact + spread
        return {"numeric": NumericAnswer(plain(low), plain(high), answer)}

    def read_number(self, reader, q, path, key):
        """A number for a numeric question, as an exact decimal string; None if absent, False if wrong."""
        if key not in q:
            return None
        value = q[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            reader.r.error(
                path + (key,),
                f"a numeric question needs a number, found {kind_of(value)}",
                hint="write the number without quotes, e.g. 'answer: 12.5'",
            )
            return False
        return decimal_text(value)

    def key(self, question):
        return [question.numeric.minimum, question.numeric.maximum, question.numeric.pattern]

    def suspend_length(self, question):
        return 1 + INPUT_LENGTH

    def config(self, question, strings):
        return {"maxLength": INPUT_LENGTH}

    # The key is [lowest, highest, pattern or None] as decimal strings; a bare range has no pattern.
    def patterns(self, q, key):
        return [] if key[2] is None else [key[2]]

    # SCORM 2004 has ranges: the pattern is every accepted number, an exact answer as "25[:]25".
    def patterns_2004(self, q, key):
        return [f"{key[0]}{RANGE_2004}{key[1]}"]

    def unreportable_2004(self, question):
        return tuple(
            f"{bound} does not fit the real(10,7) numbers SCORM 2004 LMSs store (at most 10 digits before the "
            "point and 18 after)"
            for bound in dict.fromkeys(question.key[:2])
            if not REAL_2004.match(bound)
        )

    def credit(self, q, value, key):
        typed = number(value)
        return 1 if number(key[0]) <= typed <= number(key[1]) else 0

    # Stored as one base-36 digit of length, then the number in plain form ("-3.25").
    def encode(self, q, value):
        text = value or ""
        return base36(len(text)) + text

    def decode(self, q, units, at):
        n = parse_int(take(units, at, 1), 36)
        if n is None or not 0 <= n <= q["maxLength"]:
            raise SuspendDataError("suspend_data: bad number length")
        text = take(units, at + 1, n)
        if text and parse_typed_number(text) != text:
            raise SuspendDataError("suspend_data: not a number")
        return text or None, at + 1 + n

    # ------------------------------------------------------------------ Moodle: numerical
    # Moodle accepts each answer give or take its tolerance, for its fraction of the mark; '*' is any
    # other number (there for its feedback). GIFT also writes a range, lowest..highest.
    moodle_qtype = "numerical"

    def from_moodle(self, mq, extras, note):
        from decimal import Decimal  # slow to import; a build does not need it here

        # Moodle's model is for import/export-questions only: a build never loads it
        from builder.questions.moodle import TOLERANCE, Unsupported, feedback_kept_aside, percent

        full = [a for a in mq.answers if a.text != "*" and a.fraction >= 1 - TOLERANCE]
        if not full:
            raise Unsupported("no number earns full marks", "give the right answer 100%")
        first = full[0]
        for a in mq.answers:
            if a.text != "*" and a is not first and interval(a) != interval(first):
                if a in full:
                    note(
                        f"Moodle also accepts {shown(a)}; coursepack accepts one number or range: {shown(first)}",
                        "warning",
                    )
                elif a.fraction > 0:
                    note(f"{shown(a)} earns {percent(a.fraction)}% in Moodle and nothing in coursepack", "warning")
            feedback_kept_aside(note, "any other number" if a.text == "*" else shown(a), a.feedback)
        if mq.units:
            units = ", ".join(mq.units)
            note(f"Moodle's units ({units}) are not asked for: the learner types the number alone", "warning")
        if first.span:
            out = {"range": [Decimal(first.span[0]), Decimal(first.span[1])]}
            if "answer" in extras:
                out["answer"] = extras.pop("answer")
            return out
        out = {"answer": Decimal(first.text)}
        if Decimal(first.tolerance):
            out["tolerance"] = Decimal(first.tolerance)
        return out

    def to_moodle(self, question, note):
        from decimal import Decimal  # slow to import; a build does not need it here

        # Moodle's model is for import/export-questions only: a build never loads it
        from builder.questions.moodle import Answer, decimal_text

        n = question.numeric
        low, high = Decimal(n.minimum), Decimal(n.maximum)
        middle = (low + high) / 2
        tolerance = decimal_text(high - middle)
        if n.pattern is not None and Decimal(n.pattern) == middle:
            return {"answers": (Answer(n.pattern, 1.0, tolerance=tolerance),)}
        answer = Answer(decimal_text(middle), 1.0, tolerance=tolerance, span=(n.minimum, n.maximum))
        extras = {"answer": json_number(n.pattern)} if n.pattern is not None else {}
        return {"answers": (answer,), "extras": extras}


def interval(answer):
    """The numbers a Moodle answer accepts, as (lowest, highest)."""
    from decimal import Decimal  # slow to import; a build does not need it here

    middle, spread = Decimal(answer.text), Decimal(answer.tolerance)
    return middle - spread, middle + spread


def shown(answer) -> str:
    """A Moodle answer as a message writes it: ``25``, ``25 ± 5``, ``40..60``."""
    if answer.span:
        return f"{answer.span[0]}..{answer.span[1]}"
    return answer.text if answer.tolerance in ("0", "") else f"{answer.text} ± {answer.tolerance}"


def json_number(text: str):
    """A decimal string as a JSON number (an int when it is whole)."""
    return int(text) if "." not in text else float(text)


TYPE = Numeric()

"""multiple-response: every correct one of the ``choices`` must be picked (partial credit optional)."""

from __future__ import annotations

import math

from builder.digits import BASE64URL, bitmap
from builder.questions.base import LIST_2004, SuspendDataError, take
from builder.questions.choices import ChoicesType, correct_ids


class MultipleResponse(ChoicesType):
    name = "multiple-response"
    keys = ("choices", "shuffle", "partial_credit")
    partial = True
    single = False

    def key(self, question):
        return correct_ids(question)

    def suspend_length(self, question):
        return math.ceil(len(question.choices) / 6)

    # An answer is the picked ids in written order ("ac"); the response and pattern list them ("a,c").
    def response(self, q, value):
        return ",".join(value)

    def patterns(self, q, key):
        return [",".join(key)]

    def response_2004(self, q, value):
        return LIST_2004.join(value)

    def patterns_2004(self, q, key):
        return [LIST_2004.join(key)]

    xapi_as_2004 = True

    def answer_from_xapi(self, q, response):
        return "".join(response.split(LIST_2004))

    def credit(self, q, value, key):
        right = sum(1 for oid in value if oid in key)
        wrong = len(value) - right
        if right == len(key) and wrong == 0:
            return 1
        return max(0, (right - wrong) / len(key)) if q["partial"] else 0

    # Moodle scores a multiple-answer question as the sum of the fractions of the answers ticked (at
    # least 0): right answers worth 1/k each and wrong ones -1/k is exactly coursepack's partial credit.
    def moodle_scoring(self, mq, extras, note):
        # Moodle's model is for import/export-questions only: a build never loads it
        from builder.questions.moodle import Unsupported, percent

        rights = [a.fraction for a in mq.answers if a.fraction > 0]
        if not rights:
            raise Unsupported(
                "no answer earns any marks, so there is no right choice",
                'give the right answers a positive weight such as %50% (GIFT) or fraction="50" (Moodle XML)',
            )
        if abs(sum(rights) - 1) >= 0.005:  # what Moodle's own importer refuses (errfractionsaddwrong)
            raise Unsupported(
                f"the right answers add up to {percent(sum(rights))}%, and Moodle itself refuses a multiple-answer "
                "question whose right answers do not add up to 100%",
                "give the right answers weights that add up to 100%, such as %50% and %50%",
            )
        partial = extras.pop("partial_credit", None)
        if partial is None:
            partial = self.moodle_partial(rights, [a.fraction for a in mq.answers if a.fraction <= 0], note)
        return [a.fraction > 0 for a in mq.answers], ({"partial_credit": partial} if partial is not False else {})

    def moodle_partial(self, rights, wrongs, note) -> bool:
        """coursepack's partial credit closest to Moodle's fractions; a warning where the scores differ."""
        # Moodle's model is for import/export-questions only: a build never loads it
        from builder.questions.moodle import TOLERANCE, percent, same

        share = 1 / len(rights)
        if not all(same(f, share) for f in rights):
            shares = ", ".join(percent(f) + "%" for f in rights)
            note(
                f"Moodle gives the right answers different shares ({shares}); coursepack counts them the same",
                "warning",
            )
            return True
        if len(rights) > 1 and all(same(f, -share) for f in wrongs):
            return True
        if all(f <= -1 + TOLERANCE for f in wrongs):
            if len(rights) > 1 and wrongs:
                note(
                    "in Moodle some right answers and no wrong one earn a share of the mark; "
                    "coursepack gives nothing for an incomplete answer (partial_credit is off)",
                    "warning",
                )
            return False
        if all(same(f, 0) for f in wrongs):
            note(
                "a wrong answer costs nothing in Moodle, so ticking every answer earns full marks; "
                "coursepack deducts one share for each wrong answer ticked",
                "warning",
            )
        else:
            costs = ", ".join(percent(-f) + "%" for f in wrongs)
            note(
                f"Moodle deducts {costs} for the wrong answers; coursepack deducts {percent(share)}% for each",
                "warning",
            )
        return True

    def moodle_fractions(self, question, note):
        # Moodle's model is for import/export-questions only: a build never loads it
        from builder.questions.moodle import grade_option, percent

        share = 1 / sum(1 for c in question.choices if c.correct)
        extras = {}
        if not question.partial_credit:
            extras["partial_credit"] = False
            if share < 1:
                note(
                    "Moodle has no all-or-nothing multiple-answer question: there, some right answers and no "
                    "wrong one earn a share of the mark",
                    "warning",
                )
        elif share == 1:
            extras["partial_credit"] = True  # one right answer: the fractions read the same either way
        if not grade_option(share):
            note(
                f"each right answer is worth {percent(share)}%, a grade Moodle's editing form does not offer", "warning"
            )
        wrong = -share if question.partial_credit else -1.0
        return [share if c.correct else wrong for c in question.choices], extras

    # Stored as a bitmap over the choices (all zero: unanswered).
    def encode(self, q, value):
        return bitmap([bool(value) and c["id"] in value for c in q["choices"]])

    def decode(self, q, units, at):
        choices = q["choices"]
        digits = take(units, at, math.ceil(len(choices) / 6))
        values = [BASE64URL.find(d) for d in digits]
        chosen = ""
        for i, choice in enumerate(choices):
            digit = values[i // 6]
            if digit < 0:
                raise SuspendDataError("suspend_data: bad bitmap")
            if digit & (1 << (i % 6)):
                chosen += choice["id"]
        if any(digit >> min(6, len(choices) - j * 6) for j, digit in enumerate(values)):
            raise SuspendDataError("suspend_data: bitmap names a choice that does not exist")
        return chosen or None, at + len(digits)


TYPE = MultipleResponse()

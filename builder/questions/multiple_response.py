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

    def credit(self, q, value, key):
        right = sum(1 for oid in value if oid in key)
        wrong = len(value) - right
        if right == len(key) and wrong == 0:
            return 1
        return max(0, (right - wrong) / len(key)) if q["partial"] else 0

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

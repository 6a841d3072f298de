"""single-choice: exactly one of the ``choices`` is correct."""

from __future__ import annotations

from builder.questions.choices import ChoicesType, correct_ids


class SingleChoice(ChoicesType):
    name = "single-choice"
    keys = ("choices", "shuffle")

    def key(self, question):
        return correct_ids(question)


TYPE = SingleChoice()

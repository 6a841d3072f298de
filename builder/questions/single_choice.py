"""single-choice: exactly one of the ``choices`` is correct."""

from __future__ import annotations

from builder.questions.choices import ChoicesType, correct_ids


class SingleChoice(ChoicesType):
    name = "single-choice"
    keys = ("choices", "shuffle")

    def key(self, question):
        return correct_ids(question)

    def moodle_scoring(self, mq, extras, note):
        # Moodle's model is for import/export-questions only: a build never loads it
        from builder.questions.moodle import TOLERANCE, Unsupported, percent, quoted

        full = [n for n, a in enumerate(mq.answers) if a.fraction >= 1 - TOLERANCE]
        if not full:
            raise Unsupported(
                "no answer earns full marks, so there is no right choice",
                "mark the right answer with '=' (GIFT) or fraction=\"100\" (Moodle XML)",
            )
        right = mq.answers[full[0]].text
        for n, a in enumerate(mq.answers):
            if n in full[1:]:
                note(
                    f"{quoted(a.text)} also earns full marks in Moodle; in coursepack only {quoted(right)} is right",
                    "warning",
                )
            elif n != full[0] and a.fraction > 0:
                note(f"{quoted(a.text)} earns {percent(a.fraction)}% in Moodle and nothing in coursepack", "warning")
            elif a.fraction < 0:
                note(
                    f"{quoted(a.text)} costs {percent(-a.fraction)}% of the mark in Moodle and nothing in coursepack",
                    "warning",
                )
        return [n == full[0] for n in range(len(mq.answers))], {}

    def moodle_fractions(self, question, note):
        return [1.0 if c.correct else 0.0 for c in question.choices], {}


TYPE = SingleChoice()

"""sequencing: the learner puts ``items`` in order (ids ``a``, ``b`` … in a fixed scramble of the correct order)."""

from __future__ import annotations

from typing import Dict

from builder.questions.base import (
    CHOICE_IDS,
    LIST_2004,
    QuestionType,
    SuspendDataError,
    config_options,
    ids_of,
    numbered,
    positional,
    take,
)
from builder.randomness import shuffled, stream


class Sequencing(QuestionType):
    name = "sequencing"
    interaction = "sequencing"
    keys = ("items", "partial_credit")
    required = "items"
    required_hint = "list the items under 'items:' in the correct order"
    partial = True

    def read(self, reader, q, path):
        items = reader.texts(q, path, "items", "item", 2) if "items" in q else None
        return None if items is None else {"items": tuple(items)}

    def key(self, question):
        """The item ids in the correct order (the items are listed in ``Question.sequence`` order)."""
        order = question.sequence
        return "".join(CHOICE_IDS[order.index(item)] for item in question.items)

    def suspend_length(self, question):
        return len(question.items)

    def config(self, question, strings):
        return {"items": config_options(numbered(question.sequence))}

    def xapi_components(self, question, strings):
        return {"choices": numbered(question.sequence)}

    # An answer is every item id in the order shown; it is never unanswered.
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
        return positional(value, key, q["partial"])

    def encode(self, q, value):
        return value or ""

    def decode(self, q, units, at):
        n = len(q["items"])
        stored = take(units, at, n)
        if sorted(stored) != sorted(ids_of(q["items"])):
            raise SuspendDataError("suspend_data: not an order of the items")
        return stored, at + n

    # ------------------------------------------------------------------ Moodle: ordering
    # Moodle's ordering question (standard since Moodle 4.4): the answers in the right order, graded
    # all or nothing, by items in their right place (coursepack's partial credit), or by relations.
    moodle_qtype = "ordering"

    def from_moodle(self, mq, extras, note):
        # Moodle's model is for import/export-questions only: a build never loads it
        from builder.questions.moodle import feedback_kept_aside

        grading = mq.grading
        partial = grading != "ALL_OR_NOTHING"
        if grading not in ("ALL_OR_NOTHING", "ABSOLUTE_POSITION"):
            note(
                f"Moodle grades this ordering by {grading}; coursepack's partial credit counts the items in "
                "their right place",
                "warning",
            )
        if mq.select != "ALL" and mq.selectcount < len(mq.answers):
            note(
                f"Moodle shows {mq.selectcount} of the {len(mq.answers)} items per attempt; coursepack shows all",
                "warning",
            )
        for a in mq.answers:
            feedback_kept_aside(note, a.text, a.feedback)
        out: Dict[str, object] = {"items": [a.text for a in mq.answers]}
        if partial:
            out["partial_credit"] = True
        return out

    def to_moodle(self, question, note):
        # Moodle's model is for import/export-questions only: a build never loads it
        from builder.questions.moodle import Answer

        return {
            "answers": tuple(Answer(item, 1.0) for item in question.items),
            "grading": "ABSOLUTE_POSITION" if question.partial_credit else "ALL_OR_NOTHING",
            "select": "ALL",
            "selectcount": len(question.items),
        }

    def initial_answer(self, q, seed, key):
        """A shuffle of the items from the attempt's seed, never the correct order (then rotated by one)."""
        order = shuffled(ids_of(q["items"]), stream(seed, f"items/{q['id']}"))
        if "".join(order) == key:
            order = order[1:] + order[:1]
        return "".join(order)


TYPE = Sequencing()

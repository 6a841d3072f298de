"""likert: a survey item rated on a ``scale`` (points ``1``, ``2`` …); never scored.

The course evaluation's items are likert items too (builder/sources/quiz.py, builder/xapi/vocab.py).
"""

from __future__ import annotations

from builder.model import scale_labels
from builder.questions.base import MAX_SCALE, POINT_IDS, QuestionType, config_options, ids_of, numbered


class Likert(QuestionType):
    name = "likert"
    interaction = "likert"
    keys = ("scale",)
    scored = False

    def read(self, reader, q, path):
        if "scale" not in q:
            return {}
        scale = reader.texts(q, path, "scale", "scale point", 2, MAX_SCALE, too_many="use a shorter scale")
        return None if scale is None else {"scale": tuple(scale)}

    def config(self, question, strings):
        return {"scale": config_options(numbered(scale_labels(question.scale, strings), POINT_IDS))}

    def xapi_components(self, question, strings):
        return {"scale": numbered(scale_labels(question.scale, strings), POINT_IDS)}

    def answer_ids(self, q):
        return ids_of(q["scale"])


TYPE = Likert()

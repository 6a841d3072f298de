"""likert: a survey item rated on a ``scale`` (points ``1``, ``2`` …); never scored.

The course evaluation's items are likert items too (builder/sources/quiz.py, builder/xapi/vocab.py).
"""

from __future__ import annotations

from typing import Dict, List, Sequence

from builder.questions.base import POINT_IDS, QuestionType, config_options, ids_of, numbered

DEFAULT_POINTS = 5  #: the locale's "Strongly disagree" .. "Strongly agree"
MAX_SCALE = 10


def scale_labels(labels: Sequence[str], strings: Dict[str, str]) -> List[str]:
    """A scale's labels: the author's, else the course language's five-point agreement scale."""
    if labels:
        return list(labels)
    return [strings.get(f"likert_{i}") or str(i) for i in range(1, DEFAULT_POINTS + 1)]


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

"""The question types by quiz.yaml name, in the order the author's documentation lists them.

A new type is one module defining a :class:`builder.questions.base.QuestionType` (plus its
renderer and engine function in the browser runtime), registered here or with :func:`register`.
"""

from __future__ import annotations

from typing import Dict

from builder.questions import (
    fill_in,
    likert,
    matching,
    multiple_response,
    numeric,
    sequencing,
    single_choice,
    true_false,
)
from builder.questions.base import QuestionType

TYPES: Dict[str, QuestionType] = {}


def register(kind: QuestionType) -> None:
    """Make the question type *kind* available to quiz.yaml (and to everything built from it)."""
    if kind.name in TYPES:
        raise ValueError(f"question type '{kind.name}' is registered twice")
    TYPES[kind.name] = kind


for _module in (true_false, single_choice, multiple_response, fill_in, numeric, matching, sequencing, likert):
    register(_module.TYPE)

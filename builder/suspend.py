"""suspend_data format v2: the worst-case length for a course.

The runtime writes ``2~<fingerprint>~<visited>~<quiz>`` (docs/architecture.md, section 5; the
Python twin of its codec is builder/suspendcodec.py). Each LMS API stores a limited number of
characters (a format's ``suspend_limit``, builder/formats.py: 4096 for SCORM 1.2), so the build
computes the longest string the runtime can produce for a course (the longest questions drawn,
every answer at its longest, every optional field present) and refuses to build a package whose
format could not store it.
"""

from __future__ import annotations

import math
from typing import Dict

from builder.digits import SEED_LENGTH, base36, bitmap_length
from builder.model import Course, Quiz

VERSION = 2
MAX_STORED_ATTEMPTS = 1295  #: "zz": the runtime stores at most two base-36 digits of attempts


def quiz_fields(quiz: Quiz) -> Dict[str, int]:
    """The longest value of each field of the quiz part, in the order they are written."""
    fields = {
        "attempts": len(base36(quiz.attempts or MAX_STORED_ATTEMPTS)),
        "phase": 1,
        "score": 3,
    }
    if quiz.randomized:
        fields["seed"] = SEED_LENGTH
    if quiz.feedback == "after-question":
        fields["checked"] = bitmap_length(quiz.presented)
    if quiz.evaluation is not None:
        fields["evaluation"] = 1 + len(quiz.evaluation.items)
    fields["answers"] = sum(
        sum(sorted((q.suspend_length for q in pool.questions), reverse=True)[: pool.draw]) for pool in quiz.sections
    )
    return fields


def worst_case_length(course: Course) -> int:
    """The longest suspend_data the runtime can write for *course*."""
    header = len(f"{VERSION}~") + 4 + len("~")  # version, fingerprint
    visited = math.ceil(len(course.lessons) / 6)
    quiz = 0
    if course.quiz is not None:
        fields = quiz_fields(course.quiz)
        quiz = sum(fields.values()) + len(fields) - 1  # one '.' between fields
    return header + visited + 1 + quiz

"""suspend_data format v1: the worst-case length for a course.

The runtime (``templates/runtime/player.js``) writes
``1~<fingerprint>~<visited>~<quiz>`` (docs/architecture.md, section 5). SCORM 1.2 allows 4096
characters (``CMIString4096``), so the build computes the longest string the runtime can
produce for a course and refuses to build a course that could exceed it.
"""

from __future__ import annotations

import math

from builder.model import Course

SCORM12_LIMIT = 4096
UNLIMITED_ATTEMPTS_DIGITS = 2  # the runtime caps the stored attempt count at 1295 ("zz")


def base36_len(n: int) -> int:
    return max(1, len(_base36(n)))


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, rem = divmod(n, 36)
        out = digits[rem] + out
        if not n:
            return out


def worst_case_length(course: Course) -> int:
    """The longest suspend_data the runtime can write for *course*."""
    header = len("1~") + 4 + len("~")  # version, fingerprint
    visited = math.ceil(len(course.lessons) / 6)
    quiz = 0
    if course.quiz is not None:
        attempts = base36_len(course.quiz.attempts) if course.quiz.attempts else UNLIMITED_ATTEMPTS_DIGITS
        # <attempts>.<state>.<answers>.<score>
        quiz = attempts + 1 + 1 + 1 + len(course.quiz.questions) + 1 + 3
    return header + visited + 1 + quiz

"""The player's stylesheet as a course needs it: without the sections of question types and features it does not use.

``templates/static/player.css`` marks such a section with a comment naming when it is needed, a question
type (quiz.yaml name) or a feature of :data:`FEATURES`, several separated by commas; the section ends at the
next end mark::

    /* only: fill-in, numeric */
    .field input[aria-invalid="true"] { border: 2px solid var(--bad); }
    /* end only */

A package's minified ``player.css`` keeps a section only when the course uses one of its names
(docs/build-speed.md, "The runtime's weight"); ``build --debug`` and a course's own ``player.css``
(theming) are shipped whole.
"""

from __future__ import annotations

import re
from typing import Callable, Dict, Set

from builder.model import FEEDBACK_MODES, QUIZ_DISPLAYS, Course

#: The features that have sections of their own, by name: whether a course uses them.
FEATURES: Dict[str, Callable[[Course], bool]] = {
    "cover": lambda course: course.cover is not None,
    "certificate": lambda course: course.certificate,
    "evaluation": lambda course: course.quiz is not None and course.quiz.evaluation is not None,
    "one-at-a-time": lambda course: course.quiz is not None and course.quiz.display == QUIZ_DISPLAYS[0],
    "after-question": lambda course: course.quiz is not None and course.quiz.feedback == FEEDBACK_MODES[0],
}

SECTION = re.compile(r"^[ \t]*/\* only: ([\w, -]+) \*/\n(.*?)^[ \t]*/\* end only \*/\n", re.M | re.S)


def section_names(css: str) -> Set[str]:
    """Every name the sections of *css* are marked with."""
    return {name.strip() for match in SECTION.finditer(css) for name in match[1].split(",")}


def used_names(course: Course) -> Set[str]:
    """The question types and features *course* uses."""
    types = set(course.quiz.types) if course.quiz is not None else set()
    return types | {name for name, used in FEATURES.items() if used(course)}


def for_course(css: str, course: Course) -> str:
    """*css* with the sections *course* does not use left out (the marks of the others too)."""
    used = used_names(course)

    def keep(match: "re.Match[str]") -> str:
        return match[2] if used & {name.strip() for name in match[1].split(",")} else ""

    return SECTION.sub(keep, css)

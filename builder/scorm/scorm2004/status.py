"""The course's status words in SCORM 2004's two fields, ``cmi.completion_status`` and ``cmi.success_status``.

The player decides one word at a time, as for SCORM 1.2 (docs/architecture.md, section 4): the
``status_rule``'s word for a pass or a failure, ``completed`` when the lessons finish the course
before any verdict, ``incomplete`` at the first launch. SCORM 2004 has a field for each half of
that word; :data:`FIELDS` says what each word writes, so the 2004 adapter writes both fields
whenever the player sets a word, and a word never claims more than it says: ``completed`` and
``incomplete`` report no verdict (``unknown``), ``failed`` does not end the course (``incomplete``).
"""

from __future__ import annotations

from typing import Any, Dict

from builder.model import Course

FIELDS: Dict[str, Dict[str, str]] = {
    "passed": {"completion": "completed", "success": "passed"},
    "completed": {"completion": "completed", "success": "unknown"},
    "incomplete": {"completion": "incomplete", "success": "unknown"},
    "failed": {"completion": "incomplete", "success": "failed"},
}


def objective_id(course: Course) -> str:
    """The quiz's objective (the manifest's primary objective, a ``cmi.objectives`` id), from the course id only."""
    return f"{course.id}-quiz"


def status_config(course: Course) -> Dict[str, Any]:
    """The runtime configuration's ``status`` for a 2004 package: the rule's two words and :data:`FIELDS`.

    With ``mastery_score_in_manifest`` the manifest declares the quiz's objective, and ``objective``
    names it: the adapter keeps that objective's status and score equal to the SCO's.
    """
    status = {"pass": course.status_on_pass, "fail": course.status_on_fail, "fields": FIELDS}
    if course.mastery_score_in_manifest:
        status["objective"] = objective_id(course)
    return status

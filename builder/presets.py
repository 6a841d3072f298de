"""LMS presets (``lms:`` in course.yaml, ``--lms``): per LMS, the defaults of existing course options.

A preset only supplies what course.yaml leaves out (an explicit key always wins), and only
options that never touch an identifier, so switching presets is a safe change for learners
part-way through (``coursepack diff`` says so). Why each preset sets what it sets, with the
source of each quirk: docs/lms-guide.md, "LMS presets".
"""

from typing import Any, Dict, NamedTuple


class LmsPreset(NamedTuple):
    name: str
    title: str
    status_rule: str  #: the ``status_rule`` when course.yaml gives none
    mastery_score_in_manifest: bool  #: the ``mastery_score_in_manifest`` when course.yaml gives none
    #: the ``tracking:`` keys (model.Tracking) it sets where course.yaml gives none; only a documented quirk sets one
    tracking: Dict[str, Any] = {}


#: Every preset by name. ``failed`` is never reported on its own: several LMSs end the attempt on it.
PRESETS: Dict[str, LmsPreset] = {
    p.name: p
    for p in (
        LmsPreset("generic", "any SCORM 1.2 LMS", "passed/incomplete", False),
        LmsPreset("moodle", "Moodle", "passed/incomplete", False),
        LmsPreset("canvas", "Canvas", "passed/incomplete", False),
        LmsPreset("brightspace", "D2L Brightspace", "passed/incomplete", False, {"score": "raw-min-max"}),
        LmsPreset("blackboard", "Blackboard Learn (SCORM Engine)", "passed/incomplete", False),
        LmsPreset(
            "cornerstone",
            "Cornerstone OnDemand",
            "passed/incomplete",
            False,
            {"format": "scorm2004", "commit_on_exit": False},
        ),
        LmsPreset(
            "successfactors", "SAP SuccessFactors Learning", "passed/incomplete", False, {"launch": "new-window"}
        ),
        LmsPreset("docebo", "Docebo", "passed/incomplete", False, {"interactions": "all"}),
        LmsPreset("scorm-cloud", "SCORM Cloud", "passed/incomplete", True),
    )
}
DEFAULT_PRESET = "generic"

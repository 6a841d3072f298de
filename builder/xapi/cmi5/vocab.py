"""The cmi5 profile's fixed vocabulary (cmi5 Quartz, AICC/CMI-5_Spec_Current ``cmi5_spec.md``).

Only what the spec itself defines: the course structure's namespace and value lists, the verbs,
categories and extensions of cmi5 statements, and the names of its State and Agent Profile
documents. The course's own IRIs are in :mod:`builder.xapi.vocab`.
"""

from __future__ import annotations

#: Section 13.2: the course structure's file name, at the root of the zip (section 14.1).
COURSE_STRUCTURE_FILE = "cmi5.xml"
#: Section 13.2: its namespace, which also names its XSD.
NAMESPACE = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
SCHEMA_FILE = "CourseStructure.xsd"

#: Section 13.1.4: ``moveOn``, what makes the LMS count an AU satisfied (NotApplicable: at once).
MOVE_ON = ("NotApplicable", "Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed")
#: Section 13.1.4: ``launchMethod``.
LAUNCH_METHODS = ("AnyWindow", "OwnWindow")
#: Section 10: ``launchMode`` in LMS.LaunchData; only Normal records completion and success.
LAUNCH_MODES = ("Normal", "Browse", "Review")

_CMI5 = "https://w3id.org/xapi/cmi5/"
_ADL = "http://adlnet.gov/expapi/verbs/"
_ADL_W3ID = "https://w3id.org/xapi/adl/verbs/"

#: Section 9.3: the verbs of cmi5 defined statements, by name (the AU's and the LMS's).
VERBS = {
    "launched": _ADL + "launched",
    "initialized": _ADL + "initialized",
    "completed": _ADL + "completed",
    "passed": _ADL + "passed",
    "failed": _ADL + "failed",
    "abandoned": _ADL_W3ID + "abandoned",
    "waived": _ADL_W3ID + "waived",
    "terminated": _ADL + "terminated",
    "satisfied": _ADL_W3ID + "satisfied",
}
#: Section 9.3: the verbs only the LMS may use.
LMS_VERBS = ("launched", "abandoned", "waived", "satisfied")

#: Section 9.6.2: the category activities.
CATEGORY_CMI5 = _CMI5 + "context/categories/cmi5"
CATEGORY_MOVEON = _CMI5 + "context/categories/moveon"

#: Section 9.6.3: context extensions.
EXT_SESSION_ID = _CMI5 + "context/extensions/sessionid"
EXT_MASTERY_SCORE = _CMI5 + "context/extensions/masteryscore"
EXT_LAUNCH_MODE = _CMI5 + "context/extensions/launchmode"
EXT_LAUNCH_URL = _CMI5 + "context/extensions/launchurl"
EXT_MOVE_ON = _CMI5 + "context/extensions/moveon"
EXT_LAUNCH_PARAMETERS = _CMI5 + "context/extensions/launchparameters"

#: Section 9.3.9: the activity type of the LMS's satisfied statement about the course.
ACTIVITY_TYPE_COURSE = _CMI5 + "activitytype/course"

#: Section 10: the State document the LMS writes before each launch (the AU only reads it).
LAUNCH_DATA = "LMS.LaunchData"
#: Section 11: the Agent Profile document with the learner's language and audio preferences.
LEARNER_PREFERENCES = "cmi5LearnerPreferences"

#: Section 8.2.3.2: the fetch URL's error codes (1: already used or expired; 2: any other security error).
FETCH_ALREADY_USED = "1"
FETCH_SECURITY = "2"

"""The cmi5 format (``--format cmi5``): the player page as one cmi5 assignable unit.

The zip holds ``cmi5.xml`` first (:mod:`builder.xapi.cmi5.course_structure`), then the page, its
assets and the course's media, as every package does. A cmi5 LMS launches ``index.html`` with
``endpoint``, ``fetch``, ``actor``, ``registration`` and ``activityId``; the page asks ``fetch``
for a one-time token, so no key is ever in the package. The format's runtime adapter is
``templates/runtime/adapters/cmi5.js`` (docs/cmi5.md).

Only :mod:`builder.formats` is imported here: the registry loads every format to learn its
adapter, and a SCORM build must not pay for lxml's course structure code.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Dict, Optional, Sequence, Set

from builder.formats import Format
from builder.xapi.cmi5.vocab import COURSE_STRUCTURE_FILE

if TYPE_CHECKING:
    from builder.model import Course
    from builder.problems import Problems


class Cmi5Format(Format):
    name = "cmi5"
    title = "cmi5 package"
    descriptor = COURSE_STRUCTURE_FILE
    adapter = "cmi5.js"
    #: the resume data the adapter keeps in its State document (templates/runtime/adapters/cmi5.js, docs/cmi5.md):
    #: cmi5 sets no limit, so this is SCORM 2004's, which LMSs' State APIs are known to hold
    suspend_limit = 64000
    suspend_name = "the resume State document"

    def check(self, course: "Course", problems: "Problems", shown: str) -> None:
        """The adapter must exist; the IRIs need the ``xapi:`` block; the pass mark must fit a masteryScore."""
        # the format's heavy parts load only when this format is used (start-up)
        from builder.xapi.cmi5.course_structure import mastery_score_problem

        super().check(course, problems, shown)
        if course.xapi is None:
            problems.add(
                shown,
                "'--format cmi5' needs the course's xAPI settings (its IRIs come from base_iri), "
                "and course.yaml has no 'xapi:' block",
                hint="add 'xapi:' with 'base_iri: https://…' (an address you control; see docs/cmi5.md)",
            )
        elif course.xapi.auth is not None:
            problems.add(
                shown,
                "a cmi5 package gets its LRS key from the LMS at each launch: --xapi-embed-endpoint would "
                "put a key in it that anyone can read",
                hint="build the cmi5 package without --xapi-embed-endpoint",
            )
        problem = mastery_score_problem(course)
        if problem:
            problems.add(shown, problem, hint="give pass_mark at most 2 decimals, e.g. 66.67")

    def identifiers(self, course: "Course") -> Dict[str, str]:
        """The course's and the AU's IRIs (the LMS's keys) and the launch file; without ``xapi:`` it cannot build."""
        # the vocabulary loads only when this format is used (start-up)
        from builder.xapi.vocab import au_iri, course_iri

        if course.xapi is None:
            return {}
        base = course.xapi.base_iri
        return {"course": course_iri(base, course.id), "au": au_iri(base, course.id), "launch": self.launch_file}

    def describe(self, course: "Course", files: Sequence[str]) -> bytes:
        # the format's heavy parts load only when this format is used (start-up)
        from builder.xapi.cmi5.course_structure import course_structure_xml

        return course_structure_xml(course, self.launch_file)

    def check_descriptor(
        self, data: bytes, names: Set[str], problems: "Problems", shown: str, schemas: Optional[Path] = None
    ) -> None:
        # the format's heavy parts load only when this format is used (start-up)
        from builder.xapi.cmi5.course_structure import check_course_structure, schema_folder, validate_schema

        check_course_structure(data, names, problems, shown)
        if schemas is not None:
            validate_schema(data, schema_folder(schemas), problems, shown)

    def schema_note(self, schemas: Optional[Path]) -> str:
        if schemas:
            return "cmi5.xml valid against the cmi5 course structure schema"
        return "schema not checked (use --schemas)"

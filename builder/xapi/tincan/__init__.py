"""The Tin Can format (``--format xapi``): the player page launched with xAPI launch parameters.

The zip holds ``tincan.xml`` first, then exactly what the SCORM 1.2 package holds apart from its
manifest (``index.html``, ``assets/…`` including ``xapi.js``, the course's media). An LMS that
speaks the Tin Can launch convention opens ``index.html?endpoint=…&auth=…&actor=…&registration=…
&activity_id=…``; without a SCORM API the player runs in its no-LMS mode and ``xapi.js`` reports.
The page is the SCORM 1.2 one, so the package carries the SCORM 1.2 adapter (idle in a Tin Can
launch) and keeps no progress data of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Optional, Sequence, Set

from builder.formats import Format
from builder.model import Course
from builder.problems import Problems
from builder.resources import load_strings
from builder.xapi.tincan.descriptor import TINCAN_FILE, check_tincan, tincan_xml


class TinCanFormat(Format):
    name = "xapi"
    title = "Tin Can (xAPI) package"
    descriptor = TINCAN_FILE
    adapter = "scorm12.js"

    def check(self, course: Course, problems: Problems, shown: str) -> None:
        super().check(course, problems, shown)
        if course.xapi is None:
            problems.add(
                shown,
                "'--format xapi' needs the course's xAPI settings, and course.yaml has no 'xapi:' block",
                hint="add 'xapi:' with 'base_iri: https://…' (an address you control; see the README, 'xAPI')",
            )

    def identifiers(self, course: Course) -> Dict[str, str]:
        """The course activity's IRI (the LMS's key) and the launch file; without ``xapi:`` the format cannot build."""
        # the vocabulary loads only when this format is used (start-up)
        from builder.xapi.vocab import course_iri

        if course.xapi is None:
            return {}
        return {"activity": course_iri(course.xapi.base_iri, course.id), "launch": self.launch_file}

    def describe(self, course: Course, files: Sequence[str]) -> bytes:
        # the format's heavy parts load only when this format is used (start-up)
        from builder.xapi.vocab import vocabulary

        strings = load_strings(course.language.split("-")[0])
        return tincan_xml(course, vocabulary(course, strings), self.launch_file)

    def check_descriptor(
        self, data: bytes, names: Set[str], problems: Problems, shown: str, schemas: Optional[Path] = None
    ) -> None:
        """One launchable activity whose file is in the zip; unique absolute activity ids."""
        check_tincan(data, names, problems, shown)

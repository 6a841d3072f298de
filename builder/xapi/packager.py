"""The Tin Can packager (``--format xapi``): the same player page, launched with xAPI launch parameters.

The zip holds ``tincan.xml`` first, then exactly what the SCORM package holds apart from its
manifest (``index.html``, ``assets/…`` including ``xapi.js``, the course's media). An LMS that
speaks the Tin Can launch convention opens ``index.html?endpoint=…&auth=…&actor=…&registration=…
&activity_id=…``; without a SCORM API the player runs in its no-LMS mode and ``xapi.js`` reports.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

from builder.model import Course
from builder.problems import Problems
from builder.render import load_strings, package_files
from builder.xapi.tincan import TINCAN_FILE, check_tincan, tincan_xml
from builder.xapi.vocab import vocabulary
from builder.zipwriter import Entry

LAUNCH_FILE = "index.html"


class TinCanPackager:
    """Builds ``<id>-<version>-xapi.zip`` from a course with xAPI settings."""

    name = "xapi"
    description = "Tin Can (xAPI) package"

    def filename(self, course: Course) -> str:
        return f"{course.id}-{course.version}-xapi.zip"

    def check(self, course: Course, problems: Problems, shown: str) -> None:
        if course.xapi is None:
            problems.add(
                shown,
                "'--format xapi' needs the course's xAPI settings, and course.yaml has no 'xapi:' block",
                hint="add 'xapi:' with 'base_iri: https://…' (an address you control; see the README, 'xAPI')",
            )

    def plan(self, course: Course, page_html: str) -> List[Entry]:
        """``tincan.xml`` first, then every other file sorted by name."""
        files = package_files(course, LAUNCH_FILE, page_html)
        strings = load_strings(course.language.split("-")[0])
        descriptor = tincan_xml(course, vocabulary(course, strings), LAUNCH_FILE)
        return [Entry(TINCAN_FILE, data=descriptor)] + files

    def verify(self, entries: List[Entry], problems: Problems, schemas: Optional[Path] = None) -> None:
        """One launchable activity whose file is in the zip; unique file names and activity ids."""
        names = [e.name for e in entries]
        if len(set(names)) != len(names):
            problems.add(TINCAN_FILE, "two files would have the same name in the package")
        if not entries or entries[0].name != TINCAN_FILE:
            problems.add(TINCAN_FILE, "must be the package's first entry")
            return
        check_tincan(entries[0].data, names, problems)

"""The SCORM 2004 4th Edition format: one SCO (the player page) and its files, described by ``imsmanifest.xml``.

The manifest (``manifest.py``) adds the sequencing a single SCO needs to the content package both
SCORM editions share; the player reports through ``templates/runtime/adapters/scorm2004.js``, with the
status words of ``status.py`` and what ``interactions.py`` adds to each answer (each question type
owns its own 2004 response formats). docs/scorm2004.md explains the choices.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Dict, Optional, Sequence, Set

from builder.formats import Format
from builder.model import Course
from builder.problems import Problems
from builder.questions import TYPES
from builder.scorm.contentpackage import MANIFEST_NAME, SCORM2004, edition_of, named_identifiers, schema_folder

# The format's modules are imported by the methods that use them: every build reads this class's
# attributes (formats.adapters()), and a build of another format should not pay for the rest (start-up).


class Scorm2004Format(Format):
    name = "scorm2004"
    title = "SCORM 2004 4th Edition package"
    descriptor = MANIFEST_NAME
    adapter = "scorm2004.js"
    reads_tracking = True
    preview_lms = "lms2004.js"
    suspend_limit = 64000  #: characterstring SPM 64000 (RTE 4th Edition, cmi.suspend_data)
    suspend_name = "cmi.suspend_data"

    def status_words(self, course: Course) -> Dict[str, Any]:
        # the format's heavy parts load only when this format is used (start-up)
        from builder.scorm.scorm2004.status import status_config

        return status_config(course)

    def check(self, course: Course, problems: Problems, shown: str) -> None:
        super().check(course, problems, shown)
        for question in course.quiz.questions if course.quiz is not None else ():
            for reason in TYPES[question.type].unreportable_2004(question):
                problems.add(
                    shown,
                    f"question '{question.id}' cannot be reported exactly in a {self.title}: {reason}",
                    hint="round the number, or build another format",
                )

    def identifiers(self, course: Course) -> Dict[str, str]:
        return named_identifiers(course, self.launch_file)

    def describe(self, course: Course, files: Sequence[str]) -> bytes:
        # the format's heavy parts load only when this format is used (start-up)
        from builder.scorm.scorm2004.manifest import manifest_xml, plan_manifest

        return manifest_xml(plan_manifest(course, files, self.launch_file))

    def check_descriptor(
        self, data: bytes, names: Set[str], problems: Problems, shown: str, schemas: Optional[Path] = None
    ) -> None:
        # the format's heavy parts load only when this format is used (start-up)
        from builder.scorm.scorm2004.manifest import SCHEMA_MARKER, check_manifest, validate_schema

        check_manifest(data, names, problems, shown=shown)
        if schemas is not None:
            validate_schema(data, schema_folder(schemas, "scorm2004", SCHEMA_MARKER), problems, shown=shown)

    def claims(self, names: Set[str], read: Callable[[str], bytes]) -> bool:
        """An imsmanifest.xml whose root is in the IMS CP namespace of SCORM 2004."""
        return self.descriptor in names and edition_of(read(self.descriptor)) is SCORM2004

    def schema_note(self, schemas: Optional[Path]) -> str:
        if schemas:
            return "manifest valid against the SCORM 2004 4th Edition schemas"
        return "schemas not checked (use --schemas)"

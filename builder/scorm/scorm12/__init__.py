"""The SCORM 1.2 format: one SCO (the player page) and its files, described by ``imsmanifest.xml``.

The manifest is planned from the course model and from the very list of files that goes into the
zip (``manifest.py``); the player talks to the LMS through ``templates/runtime/adapters/scorm12.js``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Dict, Optional, Sequence, Set

from builder.formats import Format
from builder.model import Course
from builder.problems import Problems
from builder.scorm.contentpackage import SCORM2004, edition_of, named_identifiers, schema_folder
from builder.scorm.scorm12.manifest import (
    MANIFEST_NAME,
    SCHEMA_FILE,
    check_manifest,
    manifest_xml,
    plan_manifest,
    validate_schema,
)


class Scorm12Format(Format):
    name = "scorm12"
    title = "SCORM 1.2 package"
    descriptor = MANIFEST_NAME
    adapter = "scorm12.js"
    reads_tracking = True
    suspend_limit = 4096  #: CMIString4096 (scorm12-rte.md, cmi.suspend_data)
    suspend_name = "cmi.suspend_data"

    def identifiers(self, course: Course) -> Dict[str, str]:
        return named_identifiers(course, self.launch_file)

    def describe(self, course: Course, files: Sequence[str]) -> bytes:
        return manifest_xml(plan_manifest(course, files, self.launch_file))

    def check_descriptor(
        self, data: bytes, names: Set[str], problems: Problems, shown: str, schemas: Optional[Path] = None
    ) -> None:
        check_manifest(data, names, problems, shown=shown)
        if schemas is not None:
            validate_schema(data, schema_folder(schemas, "scorm12", SCHEMA_FILE), problems, shown=shown)

    def claims(self, names: Set[str], read: Callable[[str], bytes]) -> bool:
        """Any imsmanifest.xml but a SCORM 2004 one, so that a broken 1.2 manifest still gets the 1.2 checks."""
        return self.descriptor in names and edition_of(read(self.descriptor)) is not SCORM2004

    def schema_note(self, schemas: Optional[Path]) -> str:
        return "manifest valid against the SCORM 1.2 schemas" if schemas else "schemas not checked (use --schemas)"

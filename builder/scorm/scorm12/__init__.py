"""The SCORM 1.2 format: one SCO (the player page) and its files, described by ``imsmanifest.xml``.

The manifest is planned from the course model and from the very list of files that goes into the
zip (``manifest.py``); the player talks to the LMS through ``templates/runtime/scorm12.js``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence, Set

from builder.formats import Format
from builder.model import Course
from builder.problems import Problems
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
    suspend_limit = 4096  #: CMIString4096 (scorm12-rte.md, cmi.suspend_data)
    suspend_name = "cmi.suspend_data"

    def describe(self, course: Course, files: Sequence[str]) -> bytes:
        return manifest_xml(plan_manifest(course, files, self.launch_file))

    def check_descriptor(
        self, data: bytes, names: Set[str], problems: Problems, shown: str, schemas: Optional[Path] = None
    ) -> None:
        check_manifest(data, names, problems, shown=shown)
        if schemas is not None:
            validate_schema(data, schema_folder(schemas), problems, shown=shown)

    def schema_note(self, schemas: Optional[Path]) -> str:
        return "manifest valid against the SCORM 1.2 schemas" if schemas else "schemas not checked (use --schemas)"


def schema_folder(schemas: Path) -> Path:
    """The folder with the 1.2 XSDs: *schemas* itself, or its ``scorm12/`` (as in a copy of shared/schemas)."""
    nested = Path(schemas) / "scorm12"
    if not (Path(schemas) / SCHEMA_FILE).is_file() and (nested / SCHEMA_FILE).is_file():
        return nested
    return Path(schemas)

"""The SCORM 1.2 packager: one SCO (the player page) plus its files, in a deterministic zip."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

from builder import suspend
from builder.model import Course
from builder.problems import Problems
from builder.render import package_files
from builder.scorm.manifest import (
    LAUNCH_FILE,
    MANIFEST_NAME,
    check_manifest,
    manifest_xml,
    plan_manifest,
    validate_schema,
)
from builder.zipwriter import Entry


class Scorm12Packager:
    """Builds ``<id>-<version>-scorm12.zip`` from a course and its rendered player page."""

    name = "scorm12"
    description = "SCORM 1.2 package"

    def filename(self, course: Course) -> str:
        return f"{course.id}-{course.version}-scorm12.zip"

    def check(self, course: Course, problems: Problems, shown: str) -> None:
        """SCORM 1.2 rules on the course itself."""
        worst = suspend.worst_case_length(course)
        if worst > suspend.SCORM12_LIMIT:
            problems.add(
                shown,
                f"this course's progress data can reach {worst} characters, more than the "
                f"{suspend.SCORM12_LIMIT} SCORM 1.2 allows in cmi.suspend_data",
                hint="split the course into several packages, or use fewer lessons or questions",
            )

    def plan(self, course: Course, page_html: str) -> List[Entry]:
        """The package's entries: the manifest first, then every other file sorted by name."""
        files = package_files(course, LAUNCH_FILE, page_html)
        manifest = manifest_xml(plan_manifest(course, [e.name for e in files]))
        return [Entry(MANIFEST_NAME, data=manifest)] + files

    def verify(self, entries: List[Entry], problems: Problems, schemas: Optional[Path] = None) -> None:
        """Prove the manifest and the file list agree, and (given the schemas) that the manifest is valid."""
        names = {e.name for e in entries}
        if len(names) != len(entries):
            problems.add(MANIFEST_NAME, "two files would have the same name in the package")
        manifest = entries[0]
        check_manifest(manifest.data, names, problems)
        if schemas is not None:
            validate_schema(manifest.data, schemas, problems)


def _tincan_packager():
    """The Tin Can packager, imported when used: a SCORM-only build never loads the xAPI modules."""
    from builder.xapi.packager import TinCanPackager

    return TinCanPackager()


#: Every output format, by its ``--format`` name: a callable that returns the format's packager.
PACKAGERS = {Scorm12Packager.name: Scorm12Packager, "xapi": _tincan_packager}

"""One version of a course as ``diff`` reads it: the release record of each format, from a zip or a folder."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any, Dict, NamedTuple, Optional

from lxml import etree

from builder import formats
from builder.model import Course
from builder.problems import CoursepackError, display_path
from builder.record import RECORD_FORMAT, RECORD_NAME, earlier_for, make_record

MAX_RECORD_BYTES = 4 * 1024 * 1024


class BadVersion(CoursepackError):
    """A path that is no course folder and no coursepack package (exit 2)."""

    exit_code = 2


class Version(NamedTuple):
    where: str  #: the path as given, for messages
    records: Dict[str, Dict[str, Any]]  #: the release record of each format, by format name
    folder: bool  #: a course folder (its records are what a build would write)
    #: the record of the version it was read as replacing, completed against it when that one is legacy
    replaces: Optional[Dict[str, Any]] = None

    @property
    def record(self) -> Dict[str, Any]:
        """The record of the format a build makes without ``--format`` (a package's own): the others differ only in
        their identifiers and format."""
        first = next(iter(self.records.values()))
        return self.records.get((first.get("tracking") or {}).get("format"), first)


def records_of(course: Course) -> Dict[str, Dict[str, Any]]:
    """The record of every format *course* can be built as (the xAPI ones need ``xapi:``)."""
    out = {}
    for name in formats.names():
        fmt = formats.get(name)
        identifiers = fmt.identifiers(course)
        if identifiers:
            out[name] = make_record(course, name, identifiers)
    return out


def read_package(path: Path) -> Dict[str, Any]:
    """The release record of a built package."""
    shown = display_path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            try:
                info = zf.getinfo(RECORD_NAME)
            except KeyError:
                return _legacy(path, zf, shown)
            if info.file_size > MAX_RECORD_BYTES:
                raise BadVersion(f"{shown}: {RECORD_NAME} is too large to be a coursepack release record")
            record = json.loads(zf.read(info).decode("utf-8"))
    except (zipfile.BadZipFile, OSError) as exc:
        raise BadVersion(f"{shown}: cannot be opened as a zip ({exc})") from None
    except ValueError:
        raise BadVersion(f"{shown}: {RECORD_NAME} is not valid JSON; rebuild the package") from None
    if not isinstance(record, dict) or not isinstance(record.get("coursepack"), int):
        raise BadVersion(f"{shown}: {RECORD_NAME} is not a coursepack release record")
    if record["coursepack"] > RECORD_FORMAT:
        raise BadVersion(
            f"{shown}: its {RECORD_NAME} is of a newer coursepack (record format {record['coursepack']}); "
            f"upgrade coursepack to compare it"
        )
    return record


def _legacy(path: Path, zf: zipfile.ZipFile, shown: str) -> Dict[str, Any]:
    """The record of a package built before release records, rebuilt from the package (builder/upgrade/legacy.py)."""
    # the legacy reader and the page reader load only for such a package (start-up of every build)
    from builder.upgrade.legacy import legacy_record
    from builder.xapi.embed import UsageError
    from builder.xapi.releases import release_from_zip

    unknown = BadVersion(
        f"{shown}: has no {RECORD_NAME} and is no coursepack package this version can read (SCORM 1.2 or Tin Can); "
        f"give the course folder of that version instead"
    )
    try:
        config = release_from_zip(path, zf).config
        record = legacy_record(zf, config)
    except (UsageError, ValueError, KeyError, TypeError, etree.XMLSyntaxError):
        raise unknown from None
    if record is None:
        raise unknown
    return record


def package_config(path: Path) -> Dict[str, Any]:
    """The runtime configuration in a built package's page."""
    # the page reader loads only when a diff needs a package's page (start-up of every build)
    from builder.xapi.embed import UsageError
    from builder.xapi.releases import release_from_zip

    try:
        return release_from_zip(path).config
    except UsageError as exc:
        raise BadVersion(str(exc)) from None


def read_version(path: Path, previous: Optional[Dict[str, Any]] = None) -> Version:
    """The version at *path*: a built package (``.zip``) or a course folder.

    A folder is read as ``build --previous`` would build it when *previous* (the record of the
    version it replaces) is given, so it knows that version's progress layout.

    :raises BadVersion: neither a coursepack package nor a course folder.
    :raises InvalidCourse: a course folder with errors.
    """
    shown = display_path(path)
    if path.is_file():
        if path.suffix.lower() != ".zip":
            raise BadVersion(f"{shown}: give a built package (.zip) or a course folder (with course.yaml)")
        record = read_package(path)
        return Version(shown, {record["format"]: record}, folder=False)
    if not (path / "course.yaml").is_file():
        what = "no such file or folder" if not path.exists() else "has no course.yaml"
        raise BadVersion(f"{shown}: {what}; give a built package (.zip) or a course folder (with course.yaml)")
    # the course loader loads only when a folder is given (start-up of a diff of two packages)
    from builder.sources.course import load_course

    course, _ = load_course(path)
    if previous is not None:
        # the legacy reader loads only when a folder replaces a version (start-up of every build)
        from builder.upgrade.legacy import resolve_for_course

        previous = resolve_for_course(previous, course)
        course = course._replace(earlier=earlier_for(course, previous))
    return Version(shown, records_of(course), folder=True, replaces=previous)

"""The two ways in: ``coursepack diff OLD NEW`` and ``build --previous OLD`` (as build problems)."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, NamedTuple, Sequence

from builder.model import Course
from builder.problems import Problems
from builder.upgrade.findings import Finding, compare
from builder.upgrade.versions import BadVersion, Version, package_config, read_version, records_of


class Diff(NamedTuple):
    old: Version
    new: Version
    formats: List[str]  #: the formats whose identifiers were compared
    findings: List[Finding]


def diff(old_path: Path, new_path: Path) -> Diff:
    """Compare two versions (each a package or a course folder); a folder NEW is read as built with ``--previous OLD``.

    :raises BadVersion: a path that is neither, or packages of two different formats.
    :raises InvalidCourse: a course folder with errors.
    """
    old = read_version(old_path)
    new = read_version(new_path, previous=old.record)
    if old.record.get("legacy"):  # what a package built before release records lacks, judged against NEW
        # the legacy reader loads only for such a package (start-up of every build, which imports this module)
        from builder.upgrade.legacy import resolve_for_package

        record = new.replaces if new.folder else resolve_for_package(old.record, package_config(new_path), new.record)
        old = old._replace(records={name: record for name in old.records})
    common = [name for name in old.records if name in new.records]
    if not common:
        raise BadVersion(
            f"{old.where} is a {'/'.join(old.records)} package and {new.where} a {'/'.join(new.records)} package: "
            f"an LMS replaces a package only by one of the same format; compare packages of one format"
        )
    return Diff(old, new, common, compare({n: old.records[n] for n in common}, {n: new.records[n] for n in common}))


def previous_record(path: Path) -> Dict:
    """``build --previous``: the release record of the version the build replaces (a package or a folder).

    A package built before release records gives a legacy record: complete it against each course
    built (:func:`builder.upgrade.legacy.resolve_for_course`) before using it.
    """
    return read_version(path).record


def check_previous(course: Course, previous: Dict, format_names: Sequence[str], problems: Problems, shown: str) -> None:
    """The findings of replacing *previous* by *course* as build problems: unsafe ones are errors, warnings warn."""
    new = records_of(course)
    chosen = {n: new[n] for n in format_names if n in new} or new
    old = {previous["format"]: previous}
    for f in compare(old, chosen):
        if f.level != "safe":
            problems.add(
                shown,
                f"replacing version {previous['course']['version']}: {f.subject}: {f.effect}",
                hint=f.avoid or None,
                level="error" if f.level == "unsafe" else "warning",
                code=f"upgrade-{f.code}",
            )

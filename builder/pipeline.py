"""The build, top to bottom: load every course, check, render, plan, verify, then write.

Nothing is written until every course has been read and checked; a zip is written to a
temporary file and renamed, so an error never leaves a partial package in the output folder.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from builder import formats
from builder.model import Course
from builder.page.render import render_player
from builder.page.runtime_config import runtime_config
from builder.problems import InvalidCourse, Problem, Problems, display_path
from builder.record import earlier_for
from builder.sources.course import load_course
from builder.sources.files import SourceFiles
from builder.upgrade.check import check_previous, previous_record
from builder.zipwriter import Deflater, Entry, write_zip


class Package:
    """A package that was (or would be) written; ``size`` and ``sha256`` are set once it is."""

    def __init__(self, course: Course, fmt: formats.Format, path: Path, entries: List[Entry]):
        self.course = course
        self.format = fmt.name
        self.suspend_limit = fmt.suspend_limit  #: the format's budget for progress data (None: none)
        self.path = path
        self.entries = entries
        self.size = 0
        self.sha256 = ""

    @property
    def runtime_gzip_bytes(self) -> int:
        """What the learner's browser downloads for the player: its JavaScript and CSS, gzipped."""
        # only for the summary line
        import gzip

        total = 0
        for entry in self.entries:
            if entry.name.startswith("assets/") and entry.name.endswith((".js", ".css")):
                data = entry.data if entry.data is not None else entry.source.read_bytes()
                total += len(gzip.compress(data, 9, mtime=0))
        return total

    @property
    def suspend_worst_case(self) -> int:
        # the engine's twin loads only for the summary (start-up)
        from builder.suspend import worst_case_length

        return worst_case_length(self.course)


class BuildResult:
    def __init__(self):
        self.packages: List[Package] = []
        self.warnings: List[Problem] = []
        self.seconds = 0.0


def prepare(
    sources: Sequence[Path],
    out_dir: Path,
    format_names: Optional[Sequence[str]] = None,
    schemas: Optional[Path] = None,
    xapi_embed=None,
    on_checked=None,
    debug: bool = False,
    previous: Optional[Path] = None,
    lms: Optional[str] = None,
) -> BuildResult:
    """Load, check, render and plan every package without writing anything.

    :param format_names: the formats to build; None: each course's ``tracking: format`` (with
        *previous*: the format of the package it replaces, so that the LMS takes it as a replacement).
    :param xapi_embed: an :class:`builder.xapi.embed.EmbeddedEndpoint` to bake into xAPI packages.
    :param debug: package the runtime's readable files instead of the minified bundle (``build --debug``).
    :param previous: the package (or course folder) of the version these courses replace: its
        progress layouts are carried on, and what would lose progress is an error (builder/upgrade/).
    :param lms: an LMS preset in place of each course's ``lms:`` (builder/presets.py).
    :param on_checked: called as ``on_checked(course, files)`` once a course is loaded and linted.
    :raises InvalidCourse: with every problem of every course, when any is an error.
    """
    # the loaders and lint load when a build starts (start-up of --help and of validate on a zip)
    from builder.lint import lint_course

    started = time.perf_counter()
    problems = Problems()
    courses = []
    replaced = previous_record(previous) if previous is not None else None
    out_real = Path(out_dir).resolve()
    for src in sources:
        files = SourceFiles(Path(src))
        if out_real.is_relative_to(files.real_root):
            files.output = out_real
        try:
            course, warnings = load_course(Path(src), files, lms=lms)
        except InvalidCourse as exc:
            problems.extend(exc.problems)
            continue
        _refuse_output_files(course, files, problems)
        problems.extend(lint_course(course, files, warnings))  # warnings + lint findings
        files.forget_sources()  # lint was their last reader
        if on_checked is not None:
            on_checked(course, files)
        if xapi_embed is not None:
            course = xapi_embed.apply(course, problems, display_path(course.source_dir / "course.yaml"))
        names = format_names or _preferred_formats(course, replaced)
        if replaced is not None:
            # the legacy reader loads only for a build with --previous (start-up)
            from builder.upgrade.legacy import resolve_for_course

            previous_course = resolve_for_course(replaced, course)  # a legacy package's record, completed
            course = course._replace(earlier=earlier_for(course, previous_course))
            check_previous(course, previous_course, names, problems, display_path(course.source_dir / "course.yaml"))
        courses.append((course, files, names))

    result = BuildResult()
    targets = {}
    for course, files, names in courses:
        chosen = [formats.get(name) for name in names]
        shown = display_path(course.source_dir / "course.yaml")
        config = None
        pages: Dict[tuple, str] = {}  # formats with the same adapter and status words share one page
        for fmt in chosen:
            fmt.check(course, problems, shown)
            target = Path(out_dir) / fmt.filename(course)
            if target in targets:
                problems.add(
                    shown,
                    f"builds the same package as {targets[target]}: {display_path(target)}",
                    hint="give each course its own id, or build them separately",
                )
                continue
            targets[target] = shown
            if problems.errors:
                continue
            if config is None:
                config = runtime_config(course)
            status = fmt.status_words(course)
            key = (fmt.adapter, json.dumps(status, sort_keys=True), fmt.reads_tracking)
            if key not in pages:
                tracking = config["tracking"] if fmt.reads_tracking else None
                pages[key] = render_player(course, dict(config, status=status, tracking=tracking), fmt.adapter, debug)
            entries = _reuse_read_files(fmt.plan(course, pages[key], debug), files)
            fmt.verify(entries, problems, schemas)
            result.packages.append(Package(course, fmt, target, entries))
    if problems.errors:
        raise InvalidCourse(problems)
    result.warnings = problems.warnings
    result.seconds = time.perf_counter() - started
    return result


def _preferred_formats(course: Course, replaced: Optional[Dict]) -> Tuple[str, ...]:
    """Without ``--format``: the replaced package's format, else the course's (``tracking: format``)."""
    if replaced is not None and replaced["format"] in formats.names():
        return (replaced["format"],)
    return (course.tracking.format or formats.DEFAULT,)


def _refuse_output_files(course: Course, files, problems: Problems) -> None:
    """A package never holds the build's own output: refuse course files inside the output folder."""
    if files.output is None:
        return
    for asset in course.assets:
        if files.real_path(asset.path).is_relative_to(files.output):
            problems.add(
                display_path(course.source_dir / asset.path),
                f"is inside the output folder {display_path(files.output)}, so the package would hold build output",
                hint="move the file out of that folder, or build into a folder outside the course with -o",
            )


def _reuse_read_files(entries: List[Entry], files) -> List[Entry]:
    """Entries whose file this build read whole already take those bytes: no file is read twice."""
    out = []
    for entry in entries:
        data = files.cached(entry.source) if entry.source is not None else None
        out.append(Entry(entry.name, data=data) if data is not None else entry)
    return out


def build(
    sources: Sequence[Path],
    out_dir: Path,
    format_names: Optional[Sequence[str]] = None,
    schemas: Optional[Path] = None,
    jobs: Optional[int] = None,
    progress=None,
    digest: bool = False,
    xapi_embed=None,
    strict: bool = False,
    debug: bool = False,
    previous: Optional[Path] = None,
    lms: Optional[str] = None,
) -> BuildResult:
    """Build every course in *sources* into *out_dir*.

    :param jobs: threads that deflate; the output is identical whatever the number.
    :param progress: a callable ``progress(package, files_done, bytes_done)`` for long builds.
    :param digest: compute each package's sha256.
    :param strict: fail (writing nothing) when there is any warning, except the ones a command-line
        flag asked for (``--xapi-embed-endpoint`` always warns).
    :param debug: package the runtime's readable files instead of the minified bundle.
    :raises InvalidCourse: with every problem, when any is an error (or, with *strict*, a warning).
    """
    started = time.perf_counter()
    head_start: Dict[Path, Deflater] = {}

    def start_deflating(course: Course, files) -> None:
        if not head_start:  # the first course only, so memory stays flat with many courses
            head_start[course.source_dir] = Deflater(_head_start_entries(course, files), jobs)

    try:
        result = prepare(
            sources,
            out_dir,
            format_names,
            schemas,
            xapi_embed=xapi_embed,
            on_checked=start_deflating,
            debug=debug,
            previous=previous,
            lms=lms,
        )
        if strict:
            _refuse_warnings(result.warnings)
        for package in result.packages:
            report = (lambda files, done, p=package: progress(p, files, done)) if progress else None
            ahead = head_start.pop(package.course.source_dir, None)
            package.size, package.sha256 = write_zip(
                package.entries, package.path, jobs=jobs, progress=report, digest=digest, ahead=ahead
            )
            if ahead is not None:
                ahead.close()
    finally:
        for deflater in head_start.values():
            deflater.close()
    result.seconds = time.perf_counter() - started
    return result


def _refuse_warnings(warnings: Sequence[Problem]) -> None:
    """``build --strict``: any warning stops the build before a byte is written."""
    from builder.xapi.embed import WARNING_CODE  # asked for by --xapi-embed-endpoint: stays a warning

    if any(w.code != WARNING_CODE for w in warnings):
        raise InvalidCourse([w if w.code == WARNING_CODE else w._replace(level="error") for w in warnings])


def _head_start_entries(course: Course, files) -> List[Entry]:
    """The course's files to deflate while the page is rendered: the ones not read whole already."""
    return [Entry(asset.path, source=asset.source) for asset in course.assets if files.cached(asset.source) is None]

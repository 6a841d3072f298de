"""The build, top to bottom: load every course, check, render, plan, verify, then write.

Nothing is written until every course has been read and checked; a zip is written to a
temporary file and renamed, so an error never leaves a partial package in the output folder.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Sequence

from builder.model import Course
from builder.problems import InvalidCourse, Problem, Problems, display_path
from builder.render import render_player
from builder.runtime_config import runtime_config
from builder.scorm.packager import PACKAGERS
from builder.zipwriter import Entry, write_zip


@dataclass
class Package:
    """A package that was (or would be) written."""

    course: Course
    format: str
    path: Path
    entries: List[Entry]
    size: int = 0
    sha256: str = ""

    @property
    def runtime_gzip_bytes(self) -> int:
        """What the learner's browser downloads for the player: its JavaScript and CSS, gzipped."""
        import gzip

        total = 0
        for entry in self.entries:
            if entry.name.startswith("assets/") and entry.name.endswith((".js", ".css")):
                data = entry.data if entry.data is not None else entry.source.read_bytes()
                total += len(gzip.compress(data, 9, mtime=0))
        return total

    @property
    def suspend_worst_case(self) -> int:
        from builder.suspend import worst_case_length

        return worst_case_length(self.course)


@dataclass
class BuildResult:
    packages: List[Package] = field(default_factory=list)
    warnings: List[Problem] = field(default_factory=list)
    seconds: float = 0.0


def prepare(sources: Sequence[Path], out_dir: Path, formats: Sequence[str] = ("scorm12",),
            schemas: Optional[Path] = None, xapi_embed=None) -> BuildResult:
    """Load, check, render and plan every package without writing anything.

    :param xapi_embed: an :class:`builder.xapi.embed.EmbeddedEndpoint` to bake into xAPI packages.
    :raises InvalidCourse: with every problem of every course, when any is an error.
    """
    from builder.lint import lint_course
    from builder.source import load_course

    started = time.perf_counter()
    problems = Problems()
    courses = []
    for src in sources:
        try:
            course, warnings = load_course(Path(src))
        except InvalidCourse as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(lint_course(course, Path(src), warnings))  # warnings + lint findings
        if xapi_embed is not None:
            course = xapi_embed.apply(course, problems, display_path(course.source_dir / "course.yaml"))
        courses.append(course)

    result = BuildResult()
    targets = {}
    for course in courses:
        shown = display_path(course.source_dir / "course.yaml")
        for fmt in formats:
            packager = PACKAGERS[fmt]()
            packager.check(course, problems, shown)
            target = Path(out_dir) / packager.filename(course)
            if target in targets:
                problems.add(shown, f"builds the same package as {targets[target]}: {display_path(target)}",
                             hint="give each course its own id, or build them separately")
                continue
            targets[target] = shown
            if problems.errors:
                continue
            page = render_player(course, runtime_config(course))
            entries = packager.plan(course, page)
            packager.verify(entries, problems, schemas)
            result.packages.append(Package(course, fmt, target, entries))
    if problems.errors:
        raise InvalidCourse(problems)
    result.warnings = problems.warnings
    result.seconds = time.perf_counter() - started
    return result


def build(sources: Sequence[Path], out_dir: Path, formats: Sequence[str] = ("scorm12",),
          schemas: Optional[Path] = None, jobs: Optional[int] = None, progress=None,
          digest: bool = False, xapi_embed=None) -> BuildResult:
    """Build every course in *sources* into *out_dir*.

    :param jobs: threads that deflate; the output is identical whatever the number.
    :param progress: a callable ``progress(package, files_done, bytes_done)`` for long builds.
    :param digest: compute each package's sha256.
    """
    started = time.perf_counter()
    result = prepare(sources, out_dir, formats, schemas, xapi_embed=xapi_embed)
    for package in result.packages:
        report = (lambda files, done, p=package: progress(p, files, done)) if progress else None
        package.size, package.sha256 = write_zip(package.entries, package.path, jobs=jobs, progress=report,
                                                 digest=digest)
    result.seconds = time.perf_counter() - started
    return result

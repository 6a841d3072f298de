"""Preview builds: the real pipeline into a temporary folder, keeping the last good build.

Each rebuild plans the package with :func:`builder.pipeline.prepare` (the same checks and the
same bytes as ``coursepack build``) and writes its entries into a fresh folder
``<tmp>/build-<n>/``. Only when that succeeds does the served folder switch to it; a failed
rebuild leaves the last good build in place and records the problems for the page to show.
Unchanged files are hard-linked from the previous build instead of copied again.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from builder import formats
from builder.page.runtime_config import shortest_number
from builder.problems import InvalidCourse, Problem, display_path

KEEP_BUILDS = 2  #: the served build and the one before it (a page may still be loading from it)


@dataclass(frozen=True)
class BuildState:
    """What the preview page is told about the latest build attempt."""

    attempt: int  #: increases with every rebuild, good or bad
    ok: bool  #: the latest attempt succeeded
    good: int  #: the attempt number of the build being served (0: none yet)
    problems: Tuple[Problem, ...] = ()  #: errors (if it failed) and warnings of the latest attempt
    seconds: float = 0.0
    finished: float = 0.0  #: time.time() of the latest attempt
    course: Dict = field(default_factory=dict)  #: facts about the served course for the page

    def as_dict(self) -> dict:
        return {
            "attempt": self.attempt,
            "ok": self.ok,
            "good": self.good,
            "seconds": round(self.seconds, 3),
            "finished": self.finished,
            "course": self.course,
            "problems": [dict(p.as_dict(), text=p.format()) for p in self.problems],
        }


class Builds:
    """Rebuilds one course on request; thread-safe; serves files from the last good build."""

    def __init__(self, source: Path, workdir: Optional[Path] = None, format_name: str = formats.DEFAULT):
        self.source = Path(source)
        self.format_name = format_name  #: the package the preview's test LMS runs (builder/formats.py)
        self._own_workdir = workdir is None
        self.workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="coursepack-preview-"))
        self._lock = threading.Lock()
        self._served: Optional[Path] = None
        self._stamps: Dict[str, Tuple[int, int]] = {}  # entry name -> (mtime_ns, size) of its source
        self._dirs: List[Path] = []
        self.state = BuildState(attempt=0, ok=False, good=0)

    @property
    def served(self) -> Optional[Path]:
        """The folder of the last good build, or None before the first one."""
        return self._served

    def rebuild(self) -> BuildState:
        """Build the course once more; return the new state (also kept in :attr:`state`)."""
        # the build loads with the first rebuild
        from builder.pipeline import prepare

        with self._lock:
            attempt = self.state.attempt + 1
            started = time.perf_counter()
            try:
                result = prepare([self.source], self.workdir / "out", (self.format_name,))
                package = result.packages[0]
                folder = self._write(attempt, package.entries)
            except InvalidCourse as exc:
                problems = sorted(exc.problems, key=lambda p: (p.level != "error", p.file, p.line or 0, p.col or 0))
                return self._fail(attempt, started, problems)
            except Exception as exc:  # a defect or a disk error: say so on the page, keep serving
                message = exc.strerror if isinstance(exc, OSError) and exc.strerror else f"{type(exc).__name__}: {exc}"
                return self._fail(
                    attempt,
                    started,
                    [
                        Problem(
                            display_path(self.source),
                            f"the build failed: {message}",
                            hint="re-run 'coursepack build' to see whether it fails there too",
                        )
                    ],
                )
            self._served = folder
            self._dirs.append(folder)
            while len(self._dirs) > KEEP_BUILDS:
                shutil.rmtree(self._dirs.pop(0), ignore_errors=True)
            course = package.course
            self.state = BuildState(
                attempt=attempt,
                ok=True,
                good=attempt,
                problems=tuple(result.warnings),
                seconds=time.perf_counter() - started,
                finished=time.time(),
                course={
                    "id": course.id,
                    "title": course.title,
                    "version": course.version,
                    "masteryScore": shortest_number(course.pass_mark) if course.mastery_score_in_manifest else None,
                    "files": len(package.entries),
                },
            )
            return self.state

    def _fail(self, attempt: int, started: float, problems) -> BuildState:
        self.state = BuildState(
            attempt=attempt,
            ok=False,
            good=self.state.good,
            problems=tuple(problems),
            seconds=time.perf_counter() - started,
            finished=time.time(),
            course=self.state.course,
        )
        return self.state

    def _write(self, attempt: int, entries) -> Path:
        """Write the package's entries into a new folder (never the served one)."""
        folder = self.workdir / f"build-{attempt}"
        previous = self._served
        stamps: Dict[str, Tuple[int, int]] = {}
        try:
            for entry in entries:
                target = folder / entry.name
                target.parent.mkdir(parents=True, exist_ok=True)
                if entry.data is not None:
                    target.write_bytes(entry.data)
                    continue
                st = os.stat(entry.source)
                stamps[entry.name] = (st.st_mtime_ns, st.st_size)
                if previous is not None and self._stamps.get(entry.name) == stamps[entry.name]:
                    try:
                        os.link(previous / entry.name, target)
                        continue
                    except OSError:
                        pass
                shutil.copyfile(entry.source, target)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        self._stamps = stamps
        return folder

    def close(self) -> None:
        """Remove every build (and the work folder, when this object made it)."""
        with self._lock:
            for folder in self._dirs:
                shutil.rmtree(folder, ignore_errors=True)
            self._dirs.clear()
            self._served = None
            if self._own_workdir:
                shutil.rmtree(self.workdir, ignore_errors=True)

"""What a build read from one course folder (:class:`SourceFiles`), kept for the later steps."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Optional

from builder.sources import yamldoc
from builder.sources.fileguard import read_regular, resolve


class SourceFiles:
    """What a build read from one course folder, so that no later step reads a file again.

    :func:`load_course` keeps the parsed ``course.yaml`` and quiz file and the text of every
    lesson; lint reads lessons, stylesheets and scripts from here, and the packagers take the
    bytes of any packaged file read whole from here instead of the disk.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self.real_root = self.root.resolve()  #: the folder with every symbolic link resolved
        #: the build's output folder (resolved) when it lies inside this course folder: never packaged or linted
        self.output: Optional[Path] = None
        self.course_doc: Optional[yamldoc.Document] = None
        self.quiz_doc: Optional[yamldoc.Document] = None
        self.quiz_file: Optional[str] = None  #: the quiz file, relative to the course folder
        self.lessons: Dict[str, str] = {}  #: lesson file (relative, posix) -> its text
        self._bytes: Dict[Path, bytes] = {}
        self._real: Dict[str, Path] = {}

    def read_bytes(self, rel: str, limit: str = "lesson_file_mb") -> bytes:
        """The bytes of the course file *rel*, read from disk the first time only.

        :param limit: the size limit it must keep (:mod:`builder.sources.limits`).
        :raises Refused: when it is not a regular file or is over the limit (builder/sources/fileguard.py).
        """
        path = self.real_path(rel)
        data = self._bytes.get(path)
        if data is None:
            data = self._bytes[path] = read_regular(path, limit)
        return data

    def forget_sources(self) -> None:
        """Drop the parsed YAML and the lesson texts (the packages need only files' bytes from here)."""
        self.course_doc = self.quiz_doc = None
        self.lessons = {}

    def inside(self, rel: str) -> Optional[Path]:
        """The path of *rel* in the course folder, or None when it escapes the folder (also via links)."""
        if Path(rel).is_absolute():
            return None
        candidate = self.root / rel
        try:
            self.real_path(rel).relative_to(self.real_root)
        except ValueError:
            return None
        return candidate

    def real_path(self, rel: str) -> Path:
        """The absolute path of *rel* with every symbolic link resolved (worked out once per file)."""
        real = self._real.get(rel)
        if real is None:
            real = self._real[rel] = resolve(self.root / rel)
        return real

    def cached(self, path: Path) -> Optional[bytes]:
        """The bytes of the file at absolute *path* when this build read it already, else None."""
        return self._bytes.get(path)

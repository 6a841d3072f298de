"""Images a question bank embeds, written into the course's media folder under safe names.

coursepack's questions are text only, so an image keeps its place in the course (for a lesson)
and the question says which one it showed. Names are reduced to their last part in ASCII letters,
digits, '-' and '_' (so ``../../x.png`` is ``x.png``); a name that is taken gets ``-2``, a file
with the same bytes is used again, and nothing is written outside the course folder or through a
link.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from builder.problems import Problems, display_path
from builder.questions.moodle import Medium, quoted

MEDIA = "media"


def safe_name(name: str) -> str:
    """A bank's file name as a name in the media folder: its last part, in ASCII letters, digits, '-' and '_'."""
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    ascii_name = unicodedata.normalize("NFKD", last).encode("ascii", "ignore").decode("ascii")
    stem, dot, ext = ascii_name.rpartition(".")
    if not dot:
        stem, ext = ascii_name, ""

    def clean(part: str, most: int) -> str:
        return re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9_-]+", "-", part)).strip("-_")[:most]

    stem, ext = clean(stem, 80) or "image", clean(ext, 10)
    return f"{stem}.{ext}" if ext else stem


def plan_media(
    media: Sequence[Sequence[Medium]], course: Path, problems: Problems
) -> Tuple[List[Tuple[Path, bytes]], Dict[int, List[str]]]:
    """The files to write (path, bytes) for each question's images (*media*), and what to say of them, by question.

    A file the course already holds with the same bytes is used as it is; another name is chosen
    when the name is taken. Only regular files inside the course folder are ever written.
    """
    folder = course / MEDIA
    root = course.resolve()
    if os.path.lexists(folder) and (not folder.is_dir() or root not in folder.resolve().parents):
        problems.add(
            display_path(folder),
            "the media folder is not a folder inside the course folder (a file, or a link that leads outside)",
            hint="remove it or point it inside the course; images are only written inside the course folder",
        )
        return [], {}
    planned: Dict[str, bytes] = {}
    files: List[Tuple[Path, bytes]] = []
    notes: Dict[int, List[str]] = {}
    for n, images in enumerate(media):
        for medium in images:
            name = _free_name(folder, safe_name(medium.name), medium.data, planned)
            if name not in planned:
                planned[name] = medium.data
                if not (folder / name).exists():
                    files.append((folder / name, medium.data))
            alt = f" (alt text {quoted(medium.alt)})" if medium.alt else ""
            notes.setdefault(n, []).append(
                f"the image {MEDIA}/{name}{alt} was in the question; quiz questions show text only"
            )
    return files, notes


def _free_name(folder: Path, name: str, data: bytes, planned: Dict[str, bytes]) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    n = 1
    while True:
        candidate = name if n == 1 else f"{stem}-{n}{dot}{ext}"
        path = folder / candidate
        if candidate in planned:
            if planned[candidate] == data:
                return candidate
        elif not os.path.lexists(path):
            return candidate
        elif (
            path.is_file() and not path.is_symlink() and path.stat().st_size == len(data) and path.read_bytes() == data
        ):
            return candidate
        n += 1

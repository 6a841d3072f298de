"""A deterministic zip writer: same entries in, same bytes out, on any machine.

Entries get a fixed timestamp (``SOURCE_DATE_EPOCH`` when set, else 1980-01-01), fixed
permissions and a fixed creator system; the caller decides the order. Files already compressed
(video, audio, images, PDF, fonts, archives) are stored, everything else is deflated. The zip is
written to a temporary file beside the target and renamed at the end, so a failure never leaves
a partial zip behind.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Tuple

#: Suffixes of formats that are compressed already; deflating them again only costs time.
STORED_SUFFIXES = frozenset("""
    .mp4 .m4v .mov .webm .ogv .mkv .avi .mp3 .m4a .aac .oga .ogg .opus .flac .wav .jpg .jpeg .png .gif .webp
    .avif .heic .pdf .zip .gz .tgz .bz2 .xz .7z .woff .woff2 .docx .xlsx .pptx .epub
""".split())

CHUNK = 1 << 20


@dataclass(frozen=True)
class Entry:
    """One file of a package: its name in the zip and where its bytes come from."""

    name: str
    data: Optional[bytes] = None
    source: Optional[Path] = None

    @property
    def stored(self) -> bool:
        return Path(self.name).suffix.lower() in STORED_SUFFIXES

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else self.source.stat().st_size


def build_timestamp() -> Tuple[int, int, int, int, int, int]:
    """The entry time: ``SOURCE_DATE_EPOCH`` (UTC) when set, else 1980-01-01 00:00:00."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        stamp = time.gmtime(max(int(epoch), 315532800))  # zip cannot store times before 1980
        return stamp[:6]
    return (1980, 1, 1, 0, 0, 0)


def write_zip(entries: Iterable[Entry], target: Path) -> Tuple[int, str]:
    """Write *entries* in the given order to *target*; return (size in bytes, sha256)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    date_time = build_timestamp()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", allowZip64=True) as zf:
            for entry in entries:
                info = zipfile.ZipInfo(entry.name, date_time)
                info.compress_type = zipfile.ZIP_STORED if entry.stored else zipfile.ZIP_DEFLATED
                info.create_system = 3
                info.external_attr = 0o100644 << 16
                info.file_size = entry.size
                with zf.open(info, "w", force_zip64=entry.size > 0x7FFFFFFF) as out:
                    if entry.data is not None:
                        out.write(entry.data)
                    else:
                        with open(entry.source, "rb") as src:
                            while True:
                                chunk = src.read(CHUNK)
                                if not chunk:
                                    break
                                out.write(chunk)
        digest = hashlib.sha256()
        with open(tmp_name, "rb") as fh:
            for chunk in iter(lambda: fh.read(CHUNK), b""):
                digest.update(chunk)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    return target.stat().st_size, digest.hexdigest()

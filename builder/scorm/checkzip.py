"""Check a built SCORM 1.2 zip: the layout an LMS needs, the manifest rules and the schemas."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Optional

from builder.problems import Problems, display_path
from builder.scorm.manifest import MANIFEST_NAME, check_manifest, validate_schema


def check_zip(path: Path, problems: Problems, schemas: Optional[Path] = None) -> Optional[int]:
    """Add every problem of the package at *path* to *problems*; return its number of files."""
    shown = display_path(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        problems.add(shown, f"cannot be opened as a zip: {exc}")
        return None
    with zf:
        names = [info.filename for info in zf.infolist()]
        for name in names:
            if name.startswith("/") or ".." in name.split("/") or "\\" in name:
                problems.add(shown, f"entry '{name}' would be unpacked outside the package folder")
        if MANIFEST_NAME not in names:
            nested = [n for n in names if n.endswith("/" + MANIFEST_NAME)]
            hint = (
                f"it is at '{nested[0]}'; zip the folder's contents, not the folder"
                if nested
                else "a SCORM package needs imsmanifest.xml at the root of the zip"
            )
            problems.add(shown, "has no imsmanifest.xml at its root", hint=hint)
            return len(names)
        xml = zf.read(MANIFEST_NAME)
    where = f"{shown}!{MANIFEST_NAME}"
    check_manifest(xml, names, problems, shown=where)
    if schemas is not None:
        validate_schema(xml, schemas, problems, shown=where)
    return len(names)

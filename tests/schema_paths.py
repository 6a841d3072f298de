"""Where the tests find the official schemas: never in the repository, always read in place.

``COURSEPACK_TEST_SCHEMAS`` names a folder holding ``scorm12/``, ``scorm2004/``, ``cmi5/`` and
``xapi/`` (the layout of ``shared/schemas``); without it, ``../shared/schemas`` beside the
checkout is used. When neither exists, a test that needs a schema is skipped with one line that
says how to enable it, except under ``CI=true``, where CI always has ``../shared`` and a missing
schema is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ENV = "COURSEPACK_TEST_SCHEMAS"
HOW = (
    f"official schemas not found: set {ENV} to a folder holding scorm12/, scorm2004/, cmi5/ and xapi/ "
    "(or put a copy of shared/ beside the repository) to run the schema tests"
)


def schemas_root() -> Path:
    value = os.environ.get(ENV)
    return Path(value) if value else REPO.parent / "shared" / "schemas"


def schema_dir(kind: str, marker: str) -> Path:
    """The folder of *kind* (``scorm12``, ``xapi``…) holding *marker*; skips (or fails under CI) without it."""
    folder = schemas_root() / kind
    if (folder / marker).is_file():
        return folder
    if os.environ.get("CI") == "true":
        pytest.fail(f"{folder / marker} is missing: CI runs with shared/ beside the repository", pytrace=False)
    pytest.skip(HOW)

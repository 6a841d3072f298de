"""setuptools' build backend, run with its build folders in a temporary folder.

setuptools writes ``build/`` and ``*.egg-info`` into the checkout on every ``pip install .`` or
``pip install -e .`` (pypa/setuptools#3236, #4198, open). Each hook below runs setuptools' own with a
throw-away ``build_base`` and ``egg_base``, handed over through ``DIST_EXTRA_CONFIG`` (an extra
setup.cfg that setuptools reads after the project's), so an install leaves the checkout as it was.
pyproject.toml names this module as the backend (``backend-path``).
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile

from setuptools import build_meta as _setuptools


@contextlib.contextmanager
def _build_folders_outside():
    with tempfile.TemporaryDirectory(prefix="coursepack-build-") as tmp:
        extra = os.path.join(tmp, "setup.cfg")
        with open(extra, "w", encoding="utf-8") as f:
            f.write(f"[build]\nbuild_base = {os.path.join(tmp, 'build')}\n[egg_info]\negg_base = {tmp}\n")
        before = os.environ.get("DIST_EXTRA_CONFIG")
        os.environ["DIST_EXTRA_CONFIG"] = extra
        try:
            yield
        finally:
            if before is None:
                os.environ.pop("DIST_EXTRA_CONFIG", None)
            else:
                os.environ["DIST_EXTRA_CONFIG"] = before


def _outside(hook):
    @functools.wraps(hook)
    def run(*args, **kwargs):
        with _build_folders_outside():
            return hook(*args, **kwargs)

    return run


# The PEP 517 and PEP 660 hooks; each may run setuptools' egg_info or build commands.
get_requires_for_build_wheel = _outside(_setuptools.get_requires_for_build_wheel)
get_requires_for_build_sdist = _outside(_setuptools.get_requires_for_build_sdist)
get_requires_for_build_editable = _outside(_setuptools.get_requires_for_build_editable)
prepare_metadata_for_build_wheel = _outside(_setuptools.prepare_metadata_for_build_wheel)
prepare_metadata_for_build_editable = _outside(_setuptools.prepare_metadata_for_build_editable)
build_wheel = _outside(_setuptools.build_wheel)
build_sdist = _outside(_setuptools.build_sdist)
build_editable = _outside(_setuptools.build_editable)

"""Fixtures for the xAPI unit tests: the sample course with an ``xapi:`` block, a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "course_src" / "self-compassion"
BASE_IRI = "https://ce.example.org/xapi"

XAPI_BLOCK = f"""
xapi:
  base_iri: {BASE_IRI}
  lms_homepage: https://lms.example.org
"""

ENV_NAMES = (
    "COURSEPACK_XAPI_KEY",
    "COURSEPACK_LRS_ENDPOINT",
    "COURSEPACK_LRS_KEY",
    "COURSEPACK_LRS_SECRET",
    "COURSEPACK_LRS_CREDENTIALS",
    "COURSEPACK_XAPI_BASE_IRI",
    "SOURCE_DATE_EPOCH",
    "COURSEPACK_DEBUG",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def course_dir(tmp_path):
    """Factory: a copy of the sample course; *xapi* (YAML text) is appended to course.yaml."""

    made = []

    def make(xapi: str | None = XAPI_BLOCK, name: str = "") -> Path:
        made.append(name)
        root = tmp_path / (name or f"course{len(made)}")
        shutil.copytree(SAMPLE, root)
        if xapi:
            with open(root / "course.yaml", "a", encoding="utf-8") as fh:
                fh.write(xapi)
        return root

    return make

"""Fixtures for the builder's unit tests: scratch courses and a command-line runner."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from schema_paths import schema_dir

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "course_src" / "self-compassion"

COURSE_YAML = """\
id: tiny
title: Tiny course
version: 1.0.0
language: en
mastery_score_in_manifest: false
pass_mark: 50
lessons:
  - id: one
    title: One
    file: lessons/one.html
  - id: two
    title: Two
    file: lessons/two.html
quiz: quiz.yaml
"""

QUIZ_YAML = """\
title: Check
attempts: 2
questions:
  - id: q_one
    type: true-false
    text: The sky is blue.
    answer: true
    explanation: It is, on a clear day.
"""

LESSON = "<p>Some text.</p>\n"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in ("SOURCE_DATE_EPOCH", "COURSEPACK_SCORM12_SCHEMAS", "COURSEPACK_DEBUG", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def make_course(tmp_path):
    """Write a small valid course into tmp_path/course; *files* override or add files (None deletes)."""

    def make(files=None, name="course"):
        root = tmp_path / name
        base = {
            "course.yaml": COURSE_YAML,
            "quiz.yaml": QUIZ_YAML,
            "lessons/one.html": LESSON,
            "lessons/two.html": LESSON,
        }
        base.update(files or {})
        for rel, content in base.items():
            path = root / rel
            if content is None:
                if path.exists():
                    path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content), encoding="utf-8")
        return root

    return make


@pytest.fixture
def schemas():
    """The official SCORM 1.2 XSDs (skipped with a message when they are absent, except under CI=true)."""
    return schema_dir("scorm12", "adlcp_rootv1p2.xsd")

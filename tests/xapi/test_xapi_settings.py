"""The ``xapi:`` block of course.yaml: every mistake is reported with its file, line, column and a hint."""

from __future__ import annotations

import pytest

from builder.cli import main
from builder.problems import InvalidCourse
from builder.sources.course import load_course


def _errors(course_dir, block: str) -> list[str]:
    with pytest.raises(InvalidCourse) as info:
        load_course(course_dir(block))
    return [p.format() for p in info.value.problems if p.level == "error"]


def _line_of(root, text: str) -> int:
    lines = (root / "course.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_a_valid_block_becomes_the_settings(course_dir):
    course, _ = load_course(
        course_dir("""
xapi:
  base_iri: https://ce.example.org/xapi/
  lms_homepage: https://moodle.example.org
  learner_name: true
  relay_url: https://relay.example.org/xapi/statements
""")
    )
    assert course.xapi.base_iri == "https://ce.example.org/xapi"  # trailing slash dropped
    assert course.xapi.lms_homepage == "https://moodle.example.org"
    assert course.xapi.learner_name is True
    assert course.xapi.relay_url == "https://relay.example.org/xapi/statements"
    assert course.xapi.endpoint is None and course.xapi.auth is None


def test_only_base_iri_is_required(course_dir):
    course, _ = load_course(course_dir("\nxapi:\n  base_iri: https://ce.example.org/xapi\n"))
    assert course.xapi.lms_homepage is None and course.xapi.learner_name is False and course.xapi.relay_url is None


def test_unknown_key_is_located_with_a_suggestion(course_dir):
    root = course_dir("\nxapi:\n  base_iri: https://ce.example.org/xapi\n  lms_homepag: https://lms.example.org\n")
    with pytest.raises(InvalidCourse) as info:
        load_course(root)
    (problem,) = [p for p in info.value.problems if p.level == "error"]
    assert problem.line == _line_of(root, "lms_homepag:") and problem.col == 3
    assert problem.message == "xapi.lms_homepag: unknown key 'lms_homepag'"
    assert problem.hint == "did you mean 'lms_homepage'?"


def test_missing_base_iri(course_dir):
    (message,) = _errors(course_dir, "\nxapi:\n  lms_homepage: https://lms.example.org\n")
    assert message.endswith("error: xapi: 'base_iri' is missing\n    hint: add 'base_iri: …' here")


@pytest.mark.parametrize(
    "value, reason",
    [
        ("ce.example.org/xapi", "must be an absolute http:// or https:// address"),
        ("urn:course:1", "must be an absolute http:// or https:// address"),
        ("https://ce.example.org/x api", "must not contain spaces"),
        ("https://ce.example.org/xapi?v=1", "must not contain '?' or '#'"),
        ("https://ce.example.org/xapi#top", "must not contain '?' or '#'"),
    ],
)
def test_base_iri_must_be_an_absolute_http_iri(course_dir, value, reason):
    root = course_dir(f'\nxapi:\n  base_iri: "{value}"\n')
    with pytest.raises(InvalidCourse) as info:
        load_course(root)
    (problem,) = [p for p in info.value.problems if p.level == "error"]
    assert problem.message == f"xapi.base_iri: '{value}' {reason}"
    assert problem.line == _line_of(root, "base_iri:") and problem.col == 13
    assert "e.g. https://ce.example.org/xapi" in problem.hint


def test_urls_with_credentials_are_refused(course_dir):
    (message,) = _errors(
        course_dir,
        "\nxapi:\n  base_iri: https://ce.example.org/xapi\n  relay_url: https://user:pw@relay.example.org/statements\n",
    )
    assert "xapi.relay_url:" in message and "must not contain a user name or password" in message


def test_wrong_types(course_dir):
    messages = _errors(
        course_dir, '\nxapi:\n  base_iri: https://ce.example.org/xapi\n  learner_name: "yes"\n  lms_homepage: 42\n'
    )
    assert any("xapi.learner_name: expected true or false, found the text 'yes'" in m for m in messages)
    assert any("xapi.lms_homepage: expected text, found the number 42" in m for m in messages)
    messages = _errors(course_dir, "\nxapi: https://ce.example.org/xapi\n")
    assert any("xapi: expected a mapping of keys" in m for m in messages)


def test_validate_reports_the_problem_with_exit_code_2(runner, course_dir):
    root = course_dir("\nxapi:\n  base_iri: ftp://ce.example.org/xapi\n")
    result = runner.invoke(main, ["validate", str(root)])
    assert result.exit_code == 2
    assert "xapi.base_iri: 'ftp://ce.example.org/xapi' must be an absolute http:// or https:// address" in result.stderr

"""What only SCORM 2004 packages have, in Chromium against scorm-again's ``Scorm2004API``.

Progress longer than SCORM 1.2's 4,096 characters is stored and resumed (the build refuses such a
course for 1.2: tests/unit/test_scorm2004.py), the manifest's objective follows the SCORM's status
and score, and the packages the journeys play are valid against the official 4th Edition schemas.
The journeys both editions share are in test_journeys.py, test_quiz_types.py and test_resilience.py.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner
from playwright.sync_api import expect
from schema_paths import schema_dir

from builder.cli import main

from . import suspend_v2
from .conftest import REPO_ROOT, BuiltCourse, _serve
from .editions import SCORM12, SCORM2004
from .lms import interactions
from .quiz_helpers import (
    assert_moodle_2004_accepts,
    control_values,
    fieldset,
    presented_ids,
    press_score,
    quiz_view,
    show_question,
)
from .test_journeys import assert_clean_session

QUESTIONS = 17  # of up to 255 characters each: about 4,400 characters of suspend_data
COURSE_YAML = """\
id: long-answers
title: Long answers
version: 1.0.0
language: en
pass_mark: 50
completion: quiz
mastery_score_in_manifest: true
lessons:
  - {id: one, title: One, file: one.html}
quiz: quiz.yaml
"""


@pytest.fixture(scope="module")
def long_course(tmp_path_factory, lms_server) -> BuiltCourse:
    """A course whose progress can reach more than 4,096 characters, built for SCORM 2004 with the schemas checked."""
    source = tmp_path_factory.mktemp("src-long")
    questions = "".join(
        f"  - id: q{i}\n    type: fill-in\n    text: Question {i}?\n    answers: [spores]\n    max_length: 255\n"
        for i in range(QUESTIONS)
    )
    (source / "course.yaml").write_text(COURSE_YAML, encoding="utf-8")
    (source / "quiz.yaml").write_text(f"title: Long answers\nattempts: 2\nquestions:\n{questions}", encoding="utf-8")
    (source / "one.html").write_text("<p>Write at length.</p>\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("dist-long")
    schemas = schema_dir("scorm2004", "imsss_v1p0.xsd")
    proc = subprocess.run(
        [sys.executable, "-m", "builder", "build", str(source), "-o", str(out), "--format", "scorm2004"]
        + ["--schemas", str(schemas)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr  # an invalid manifest fails a build given --schemas
    (zip_path,) = out.glob("*-scorm2004.zip")
    root, config, _ = _serve(tmp_path_factory, lms_server, zip_path, "/long2004/")
    assert SCORM12.suspend_limit < config["suspendWorstCase"] < SCORM2004.suspend_limit
    return BuiltCourse(zip_path, root, "1.0.0", config, None, "/long2004/index.html")


def long_answer(n: int) -> str:
    """255 characters, each answer its own."""
    return f"Answer {n}: " + "".join(chr(ord("a") + (n + i) % 26) for i in range(255))[: 255 - len(f"Answer {n}: ")]


def test_progress_over_4096_characters_is_stored_and_resumed(open_lms, long_course):
    course = long_course
    questions = {q["id"]: q for q in course.questions}
    lms1 = open_lms(edition=SCORM2004, pkg=course.pkg)
    sco = lms1.sco
    sco.get_by_role("button", name="Quiz").click()
    shown = presented_ids(sco)
    assert len(shown) == QUESTIONS
    typed = {qid: long_answer(n) for n, qid in enumerate(shown)}
    for qid, text in typed.items():
        box = show_question(sco, qid).get_by_role("textbox")
        box.fill(text)
        box.press("Tab")  # the change event saves the answer
    expect(fieldset(sco, shown[-1]).get_by_role("textbox")).to_have_value(typed[shown[-1]])
    finish1 = lms1.close()
    stored = finish1.cmi["suspend_data"]
    assert len(stored) > SCORM12.suspend_limit, len(stored)
    assert (finish1.cmi["exit"], finish1.cmi["location"]) == ("suspend", "quiz")
    assert suspend_v2.decode(stored, course.config, SCORM2004.suspend_limit)["quiz"]["answers"] == typed
    assert_clean_session(lms1, lms1.log(), edition=SCORM2004)

    # The next launch gets every character back, and the learner finds every answer as typed.
    lms2 = open_lms(
        edition=SCORM2004,
        pkg=course.pkg,
        cmi=SCORM2004.seed(entry="resume", location="quiz", suspend_data=stored, status="incomplete"),
    )
    sco = lms2.sco
    sco.get_by_role("button", name="Continue where I left off").click()
    expect(quiz_view(sco)).to_be_visible()
    assert presented_ids(sco) == shown
    assert {qid: control_values(sco, questions[qid]) for qid in shown} == typed
    press_score(sco)
    expect(quiz_view(sco).locator("[data-results]")).to_contain_text("Your score: 0%")

    scored = lms2.wait_for_commit(lambda c: len(c.cmi.get("interactions") or {}) == QUESTIONS, what="the scoring")
    records = interactions(scored.cmi)
    # SCORM 2004 keeps 250 characters of a fill-in response (docs/scorm2004.md, "Interactions").
    assert [r["learner_response"] for r in records] == [typed[qid][:250] for qid in shown]
    assert {r["correct_responses"]["0"]["pattern"] for r in records} == {"{case_matters=false}spores"}
    assert SCORM2004.outcome(scored.cmi) == SCORM2004.expected("incomplete", "0")
    # The manifest judges success by measure (mastery_score_in_manifest): its objective follows the SCO.
    objective = scored.cmi["objectives"]["0"]
    assert objective["id"] == "long-answers-quiz"
    assert (objective["completion_status"], objective["success_status"]) == ("incomplete", "unknown")
    assert objective["score"] == {"scaled": "0", "raw": "0", "min": "0", "max": "100"}
    lms2.close()
    log = lms2.log()
    assert_clean_session(lms2, log, edition=SCORM2004)
    assert_moodle_2004_accepts(log)


def test_the_played_2004_packages_are_valid_against_the_official_schemas(built_courses, showcase_courses):
    schemas = schema_dir("scorm2004", "imsss_v1p0.xsd")
    for course in (built_courses["scorm2004"], showcase_courses["scorm2004"]):
        result = CliRunner().invoke(main, ["validate", str(course.zip_path), "--schemas", str(schemas)])
        assert result.exit_code == 0, result.output
        assert "manifest valid against the SCORM 2004 4th Edition schemas" in result.stderr

"""Imported questions build and play: one question of every type import-questions makes, in Chromium against
scorm-again, answered right and then wrong, with the exact interactions the LMS stores.

The quiz comes from the banks tests/qbank/play.gift (true-false, single choice, multiple answer,
short answer) and tests/qbank/play.xml (numerical, matching, ordering, added with --merge), imported
and built with the real CLI. The answers and the expected SCORM values come from the package's
sealed keys and the README's rules (quiz_helpers.py), as in test_quiz_types.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest
from playwright.sync_api import expect

from .conftest import REPO_ROOT, BuiltCourse, _ConfigScript
from .lms import interactions
from .quiz_helpers import assert_interactions, assert_moodle_accepts, right, score, score_str, wrong
from .test_journeys import assert_clean_session
from .test_quiz_types import attempt, read_lessons_to_quiz, score_quiz

BANKS = REPO_ROOT / "tests" / "qbank"
PKG = "/qbank/index.html"
COURSE_YAML = """\
id: qbank-play
title: Questions from a bank
version: 1.0.0
language: en
mastery_score_in_manifest: false
pass_mark: 80
lessons:
  - id: intro
    title: Introduction
    file: lessons/intro.html
quiz: quiz.yaml
"""


def coursepack(*args, cwd):
    proc = subprocess.run(
        [sys.executable, "-m", "builder", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    if proc.returncode != 0:
        pytest.fail(f"coursepack {' '.join(args)} exited {proc.returncode}\n{proc.stderr}", pytrace=False)
    return proc


@pytest.fixture(scope="module")
def bank_course(tmp_path_factory, lms_server) -> BuiltCourse:
    """A course whose quiz was imported from the two play banks, built once and served under /qbank/."""
    folder = tmp_path_factory.mktemp("qbank") / "course"
    (folder / "lessons").mkdir(parents=True)
    (folder / "course.yaml").write_text(COURSE_YAML, encoding="utf-8")
    (folder / "lessons" / "intro.html").write_text("<p>Questions imported from a bank.</p>\n", encoding="utf-8")
    coursepack("import-questions", str(BANKS / "play.gift"), "-o", "course/quiz.yaml", cwd=folder.parent)
    coursepack("import-questions", str(BANKS / "play.xml"), "-o", "course/quiz.yaml", "--merge", cwd=folder.parent)
    out = folder.parent / "dist"
    coursepack("build", "course", "-o", str(out), cwd=folder.parent)
    (zip_path,) = out.glob("*-scorm12.zip")
    root = tmp_path_factory.mktemp("pkg-qbank")
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root)
    parser = _ConfigScript()
    parser.feed((root / "index.html").read_text(encoding="utf-8"))
    config = json.loads(parser.text)
    lms_server.mount("/qbank/", root)
    return BuiltCourse(zip_path=zip_path, root=root, version="1.0.0", config=config, mastery_score=None)


def play(open_lms, course, choose):
    """Read the lesson, answer every question with ``choose``, score: (the answers, the scoring commit, the log)."""
    lms = open_lms(pkg=PKG)
    read_lessons_to_quiz(lms, course)
    answered = attempt(lms, course, choose)
    results = score_quiz(lms.sco)
    expect(results.locator(".score")).to_have_text(f"Your score: {score_str(score(answered))}%")
    stored = lms.wait_for_commit(lambda c: c.cmi["core"]["score"]["raw"] != "", what="the scoring commit")
    return answered, stored, lms


def test_the_imported_quiz_holds_one_question_of_every_type(bank_course):
    kinds = [(q["id"], q["type"]) for q in bank_course.questions]
    assert kinds == [
        ("gloves", "true-false"),
        ("rub_time", "single-choice"),
        ("soap", "multiple-response"),
        ("spores", "fill-in"),
        ("wash_time", "numeric"),
        ("moments", "matching"),
        ("rub_steps", "sequencing"),
    ]
    by_id = {q["id"]: q for q in bank_course.questions}
    assert by_id["wash_time"]["weight"] == 2 and by_id["soap"]["partial"] is True
    assert by_id["moments"]["partial"] is True and by_id["rub_steps"]["partial"] is False
    assert [t["text"] for t in by_id["moments"]["targets"]].count("Only when no gloves were worn") == 1


def test_right_answers_pass_with_the_exact_interactions(open_lms, bank_course):
    answered, stored, lms = play(open_lms, bank_course, right)
    assert score(answered) == 100
    core = stored.cmi["core"]
    assert (core["score"]["raw"], core["lesson_status"]) == ("100", "passed")
    assert_interactions(interactions(stored.cmi), answered)
    records = {r["id"]: r for r in interactions(stored.cmi)}
    assert records["spores"]["correct_responses"] == {"0": {"pattern": "spores"}, "1": {"pattern": "spore"}}
    assert records["wash_time"]["correct_responses"] == {"0": {"pattern": "50"}}
    assert records["wash_time"]["weighting"] == "2"
    lms.close()
    log = lms.log()
    assert_clean_session(lms, log)
    assert_moodle_accepts(log)


def test_wrong_answers_fail_with_the_exact_interactions(open_lms, bank_course):
    answered, stored, lms = play(open_lms, bank_course, wrong)
    assert score(answered) == 0
    core = stored.cmi["core"]
    assert (core["score"]["raw"], core["lesson_status"]) == ("0", "incomplete")
    assert_interactions(interactions(stored.cmi), answered)
    assert {r["result"] for r in interactions(stored.cmi)} == {"wrong"}
    lms.close()
    assert_moodle_accepts(lms.log())


def test_the_quiz_file_says_where_each_question_came_from(bank_course):
    quiz = (bank_course.zip_path.parents[1] / "course" / "quiz.yaml").read_text(encoding="utf-8")
    assert f"# from {BANKS / 'play.gift'}:4 (Gloves)" in quiz
    assert f"# from {BANKS / 'play.xml'}:19 (Rub steps)" in quiz
    assert "  # imported by coursepack import-questions from play.xml" in quiz

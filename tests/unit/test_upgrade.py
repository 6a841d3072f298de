"""``coursepack diff OLD NEW`` and ``build --previous``: what replacing a version does, for a table of changes.

Each row changes one thing in a small course (built as v1 with the real CLI) and checks the exit
code and the finding's message, as an author reads them, with NEW both as a course folder and as
a package built with ``--previous``.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from builder.cli import main
from builder.page.runtime_config import runtime_config
from builder.sources.course import load_course
from builder.suspendcodec import decode

REPO = Path(__file__).resolve().parents[2]

POOL_QUIZ = """\
title: Check
attempts: 2
pools:
  - id: basics
    draw: 2
    questions:
      - id: q_one
        type: true-false
        text: The sky is blue.
        answer: true
      - id: q_two
        type: true-false
        text: Water is wet.
        answer: true
      - id: q_three
        type: single-choice
        text: Which is a colour?
        choices:
          - text: Red
            correct: true
          - text: Seven
"""

COURSE = """\
id: tiny
title: Tiny course
version: {version}
language: en
mastery_score_in_manifest: false
pass_mark: {pass_mark}
lessons:
{lessons}
quiz: quiz.yaml
"""

LESSONS = [("one", "One", "one"), ("two", "Two", "two"), ("three", "Three", "three")]


def course_yaml(lessons=LESSONS, version="1.0.0", pass_mark=50, course_id="tiny"):
    listed = "\n".join(f"  - id: {i}\n    title: {t}\n    file: lessons/{f}.html" for i, t, f in lessons)
    text = COURSE.format(version=version, pass_mark=pass_mark, lessons=listed)
    return text.replace("id: tiny", f"id: {course_id}", 1)


def files(**changes):
    base = {
        "course.yaml": course_yaml(),
        "quiz.yaml": POOL_QUIZ,
        "lessons/three.html": "<p>Three.</p>\n",
    }
    base.update(changes)
    return base


@pytest.fixture
def v1(runner, make_course, tmp_path):
    """The first version, built as a package."""
    folder = make_course(files(), name="v1")
    result = runner.invoke(main, ["build", str(folder), "-o", str(tmp_path / "dist1"), "-q"])
    assert result.exit_code == 0, result.output
    (zip_path,) = (tmp_path / "dist1").glob("*.zip")
    return zip_path


#: (name, what changes in version 2, exit code, finding code, level, words of its message)
TABLE = [
    (
        "rename a title",
        {"course.yaml": course_yaml([("one", "One, renamed", "one")] + LESSONS[1:])},
        0,
        "lesson-renamed",
        "safe",
        "progress follows the id: visited marks and places are kept",
    ),
    (
        "rename a lesson id",
        {"course.yaml": course_yaml([("first", "One", "one")] + LESSONS[1:])},
        1,
        "lesson-id",
        "unsafe",
        "keep 'id: one' on the lesson",
    ),
    (
        "add a lesson",
        {"course.yaml": course_yaml(LESSONS + [("four", "Four", "four")]), "lessons/four.html": "<p>4</p>"},
        0,
        "lesson-added",
        "safe",
        "see it as not visited yet",
    ),
    (
        "remove a lesson",
        {"course.yaml": course_yaml(LESSONS[:2]), "lessons/three.html": None},
        0,
        "lesson-removed",
        "warning",
        "resumes at the first lesson instead",
    ),
    (
        "change a question's answer",
        {"quiz.yaml": POOL_QUIZ.replace("Water is wet.\n        answer: true", "Water is wet.\n        answer: false")},
        0,
        "quiz-restarts",
        "warning",
        "get a new attempt, with a notice that the quiz changed",
    ),
    (
        "change the pool size",
        {"quiz.yaml": POOL_QUIZ.replace("draw: 2", "draw: 3")},
        0,
        "quiz-restarts",
        "warning",
        "pool 'basics' draws 3 questions instead of 2",
    ),
    (
        "change the course id",
        {"course.yaml": course_yaml(course_id="tiny-two")},
        1,
        "course-id",
        "unsafe",
        "the LMS takes the new package for another course",
    ),
    (
        "reword a question",
        {"quiz.yaml": POOL_QUIZ.replace("Water is wet.", "Water is always wet.")},
        0,
        "question-reworded",
        "safe",
        "reports show the new text under the same interaction id",
    ),
    (
        "change a question id",
        {"quiz.yaml": POOL_QUIZ.replace("id: q_two", "id: q_water")},
        0,
        "question-id",
        "warning",
        "reports no longer line up",
    ),
]


def finding(payload, code):
    found = [f for f in payload["findings"] if f["code"] == code]
    assert found, f"no {code} finding in {payload['findings']}"
    return found[0]


@pytest.mark.parametrize("name,change,exit_code,code,level,words", TABLE, ids=[row[0] for row in TABLE])
def test_diff_says_what_a_change_does(runner, make_course, tmp_path, v1, name, change, exit_code, code, level, words):
    v2 = make_course(files(**{"course.yaml": course_yaml(version="1.1.0"), **change}), name="v2")
    result = runner.invoke(main, ["diff", str(v1), str(v2), "--json"])
    assert result.exit_code == exit_code, result.output
    payload = json.loads(result.stdout)
    assert payload["safe"] is (exit_code == 0)
    f = finding(payload, code)
    assert f["level"] == level and words in " ".join((f["subject"], f["effect"], f["avoid"])), f
    text = runner.invoke(main, ["diff", str(v1), str(v2)])
    assert text.exit_code == exit_code
    assert f"{level}: {f['subject']}: {f['effect']} [{code}]" in text.stdout


def test_a_package_built_with_previous_reads_the_old_progress_and_says_so(runner, make_course, tmp_path, v1):
    change = {
        "course.yaml": course_yaml(LESSONS + [("four", "Four", "four")], version="1.1.0"),
        "lessons/four.html": "4",
    }
    v2 = make_course(files(**change), name="v2")
    plain = runner.invoke(main, ["build", str(v2), "-o", str(tmp_path / "plain"), "-q"])
    assert plain.exit_code == 0, plain.output
    (unaware,) = (tmp_path / "plain").glob("*.zip")
    result = runner.invoke(main, ["diff", str(v1), str(unaware), "--json"])
    assert result.exit_code == 1
    assert "--previous" in finding(json.loads(result.stdout), "progress")["avoid"]

    built = runner.invoke(main, ["build", str(v2), "-o", str(tmp_path / "next"), "--previous", str(v1)])
    assert built.exit_code == 0, built.output
    (aware,) = (tmp_path / "next").glob("*.zip")
    result = runner.invoke(main, ["diff", str(v1), str(aware), "--json"])
    assert result.exit_code == 0, result.output
    assert "reads what version 1.0.0 stored" in finding(json.loads(result.stdout), "progress")["effect"]
    with zipfile.ZipFile(v1) as old, zipfile.ZipFile(aware) as new:
        before, after = json.loads(old.read("coursepack.json")), json.loads(new.read("coursepack.json"))
    # v1's layout first, then the layouts v1 read itself, then v2's own as packages before release records wrote it
    own_before_records = load_course(v2)[0].structure_fingerprint
    assert [e["fingerprint"] for e in after["earlier"]] == [
        before["fingerprint"],
        *[e["fingerprint"] for e in before["earlier"]],
        own_before_records,
    ]
    assert after["earlier"][0]["lessons"] == ["one", "two", "three"]
    assert [e["version"] for e in after["earlier"]] == ["1.0.0", None, None]


def test_build_previous_refuses_a_change_that_loses_progress_and_writes_nothing(runner, make_course, tmp_path, v1):
    v2 = make_course(files(**{"course.yaml": course_yaml([("first", "One", "one")] + LESSONS[1:])}), name="v2")
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(v2), "-o", str(out), "--previous", str(v1)])
    assert result.exit_code == 2
    assert "error: replacing version 1.0.0: lesson 'One': id 'one' -> 'first'" in result.stderr
    assert "[upgrade-lesson-id]" in result.stderr and "hint: keep 'id: one'" in result.stderr
    assert not out.exists()


def test_build_previous_warns_about_a_quiz_that_restarts(runner, make_course, tmp_path, v1):
    v2 = make_course(files(**{"quiz.yaml": POOL_QUIZ.replace("draw: 2", "draw: 1")}), name="v2")
    result = runner.invoke(main, ["build", str(v2), "-o", str(tmp_path / "out"), "--previous", str(v1)])
    assert result.exit_code == 0, result.output
    assert "warning: replacing version 1.0.0: pool 'basics' draws 1 questions instead of 2" in result.stderr
    assert "[upgrade-quiz-restarts]" in result.stderr
    assert "[upgrade-version-unchanged]" in result.stderr  # the quiz changed, the version did not


def test_the_same_course_is_safe_in_every_format_it_builds(runner, make_course, tmp_path):
    folder = make_course(files(), name="same")
    result = runner.invoke(main, ["diff", str(folder), str(folder), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["formats"] == ["scorm12", "scorm2004"]  # no xapi: block, so no Tin Can or cmi5 package
    assert [f["level"] for f in payload["findings"]] == ["safe", "safe"]


@pytest.mark.parametrize(
    "make_input,message",
    [
        (lambda tmp: tmp / "missing.zip", "missing.zip: no such file or folder; give a built package (.zip)"),
        (lambda tmp: tmp, "has no course.yaml"),
        (lambda tmp: _write(tmp / "notes.txt", b"hello"), "notes.txt: give a built package (.zip)"),
        (lambda tmp: _write(tmp / "broken.zip", b"not a zip"), "broken.zip: cannot be opened as a zip"),
        (lambda tmp: _zip(tmp / "other.zip", {"index.html": "<p>hi</p>"}), "other.zip: has no coursepack.json"),
        (lambda tmp: _zip(tmp / "bad.zip", {"coursepack.json": "{"}), "coursepack.json is not valid JSON"),
        (lambda tmp: _zip(tmp / "new.zip", {"coursepack.json": '{"coursepack": 99}'}), "of a newer coursepack"),
    ],
)
def test_bad_input_exits_2_with_the_file_and_what_to_do(runner, make_course, tmp_path, v1, make_input, message):
    bad = make_input(tmp_path)
    for args in ([str(bad), str(v1)], [str(v1), str(bad)]):
        result = runner.invoke(main, ["diff", *args])
        assert result.exit_code == 2, result.output
        assert message in result.stderr and "Traceback" not in result.output


def test_build_previous_with_a_path_that_is_no_version_exits_2_and_writes_nothing(runner, make_course, tmp_path):
    folder = make_course(files(), name="v2")
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(folder), "-o", str(out), "--previous", str(tmp_path / "gone.zip")])
    assert result.exit_code == 2
    assert "gone.zip: no such file or folder" in result.stderr and not out.exists()
    two = runner.invoke(main, ["build", str(folder), str(folder), "--previous", str(tmp_path / "gone.zip")])
    assert two.exit_code == 2 and "give one course folder to build with --previous" in two.stderr


def test_a_broken_course_folder_is_named_with_its_problems(runner, make_course, v1):
    broken = make_course(files(**{"lessons/three.html": None}), name="broken")
    result = runner.invoke(main, ["diff", str(v1), str(broken)])
    assert result.exit_code == 2
    assert "three.html" in result.stderr and "coursepack validate" in result.stderr


def test_packages_of_two_formats_cannot_replace_each_other(runner, make_course, tmp_path, v1):
    xapi = course_yaml() + "xapi:\n  base_iri: https://courses.example.org/xapi\n"
    folder = make_course(files(**{"course.yaml": xapi}), name="v2")
    built = runner.invoke(main, ["build", str(folder), "-o", str(tmp_path / "tincan"), "--format", "xapi", "-q"])
    assert built.exit_code == 0, built.output
    (other,) = (tmp_path / "tincan").glob("*.zip")
    result = runner.invoke(main, ["diff", str(v1), str(other)])
    assert result.exit_code == 2
    assert "an LMS replaces a package only by one of the same format" in result.stderr


def _write(path, data):
    path.write_bytes(data)
    return path


def _zip(path, entries):
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in entries.items():
            zf.writestr(name, text)
    return path


def test_progress_stored_by_packages_built_before_release_records_still_reads():
    """tests/vectors' `sample` is the sample course as such a package held it (fingerprint l1o7)."""
    vectors = json.loads((REPO / "tests" / "vectors" / "suspend.json").read_text(encoding="utf-8"))
    course, _ = load_course(REPO / "course_src" / "self-compassion")
    config = runtime_config(course)
    before = vectors["configs"]["sample"]["fingerprint"]
    assert config["fingerprint"] != before
    assert config["earlier"] == [
        {"fingerprint": before, "version": None, "lessons": [lesson.id for lesson in course.lessons], "quiz": True}
    ]
    cases = [case for case in vectors["decode"] if case["config"] == "sample" and case["data"].startswith("2~")]
    assert cases
    for case in cases:
        state = decode(config, case["data"])
        state["quiz"].pop("plan")
        assert state.pop("earlier") == {"version": None, "quizRestarted": False}
        assert state == case["state"], case["data"]

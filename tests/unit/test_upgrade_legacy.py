"""Packages built before release records (wave 1, no coursepack.json) as OLD of ``diff`` and ``build --previous``.

The packages in tests/fixtures/before-records/ were built by that version of coursepack from the
sample course (their README says how). Each row changes the sample course as it is today and
checks the exit code and the finding, with NEW as a course folder, and what the package built
with ``--previous`` reads of the old package's stored progress.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from builder.cli import main

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "before-records"
OLD_SCORM = FIXTURES / "self-compassion-1.0.0-scorm12.zip"
OLD_TINCAN = FIXTURES / "self-compassion-1.0.0-xapi.zip"
OLD_LESSONS = [
    "welcome",
    "self-compassion-test",
    "why-it-matters",
    "guided-meditations",
    "exercises",
    "training",
    "further-resources",
    "before-the-quiz",
]
XAPI_BLOCK = "xapi:\n  base_iri: https://ce.example.org/xapi\n"
ADDED_LESSON = """      - id: self-care-plan
        title: "A Self-Care Plan"
        file: lessons/09-self-care-plan.html
"""


def page_config(package: Path) -> dict:
    with zipfile.ZipFile(package) as zf:
        page = zf.read("index.html").decode("utf-8")
    return json.loads(re.search(r'<script type="application/json" id="course-config">(.*?)</script>', page, re.S)[1])


@pytest.fixture
def sample(tmp_path) -> Path:
    """A copy of the sample course as it is today."""
    root = tmp_path / "self-compassion"
    shutil.copytree(REPO / "course_src" / "self-compassion", root)
    return root


def change(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_lesson(root: Path) -> None:
    change(
        root,
        "course.yaml",
        "        file: lessons/08-before-the-quiz.html\n",
        "        file: lessons/08-before-the-quiz.html\n" + ADDED_LESSON,
    )
    (root / "lessons" / "09-self-care-plan.html").write_text("<h2>A self-care plan</h2>\n<p>Write it.</p>\n")


def diff(runner, old: Path, new: Path):
    result = runner.invoke(main, ["diff", str(old), str(new), "--json"])
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else None, result


def codes(report) -> dict:
    return {f["code"]: f for f in report["findings"]}


def test_todays_sample_course_replaces_the_wave_1_package_safely(runner, sample):
    exit_code, report, _ = diff(runner, OLD_SCORM, sample)
    assert exit_code == 0
    found = codes(report)
    assert found["before-records"]["level"] == "safe"
    assert found["progress"]["level"] == "safe"
    assert found["quiz-kept"]["effect"] == "attempts in progress and scored attempts are kept as they are"
    assert not [f for f in report["findings"] if f["level"] != "safe"]


def test_a_renamed_lesson_id_is_unsafe(runner, sample):
    change(sample, "course.yaml", "id: exercises", "id: written-exercises")
    exit_code, report, result = diff(runner, OLD_SCORM, sample)
    assert exit_code == 1, result.output
    assert (
        codes(report)["lesson-id"]["avoid"]
        == "keep 'id: exercises' on the lesson in course.yaml (change its title freely)"
    )


def test_an_added_lesson_keeps_the_quiz_attempt(runner, sample, tmp_path):
    add_lesson(sample)
    exit_code, report, _ = diff(runner, OLD_SCORM, sample)
    assert exit_code == 0
    assert {"lesson-added", "quiz-kept", "progress"} <= set(codes(report))
    # the package built with --previous reads the old package's data: its lessons by id, its quiz attempt kept
    result = runner.invoke(main, ["build", str(sample), "-o", str(tmp_path / "v2"), "--previous", str(OLD_SCORM)])
    assert result.exit_code == 0, result.output
    (package,) = (tmp_path / "v2").glob("*.zip")
    old_fingerprint = page_config(OLD_SCORM)["fingerprint"]
    (entry,) = [e for e in page_config(package)["earlier"] if e["fingerprint"] == old_fingerprint]
    assert entry == {"fingerprint": old_fingerprint, "version": "1.0.0", "lessons": OLD_LESSONS, "quiz": True}
    # and the new package, as OLD of the next diff, is compared by its own record
    exit_code, report, _ = diff(runner, OLD_SCORM, package)
    assert exit_code == 0 and "quiz-kept" in codes(report)


def test_a_changed_answer_restarts_the_quiz_and_names_the_question(runner, sample, tmp_path):
    change(sample, "quiz.yaml", 'six subscales."\n    answer: true', 'six subscales."\n    answer: false')
    exit_code, report, _ = diff(runner, OLD_SCORM, sample)
    assert exit_code == 0
    restarts = [f for f in report["findings"] if f["code"] == "quiz-restarts"]
    assert [f["subject"] for f in restarts] == ["question 'scs_subscales': its answer, options or scoring changed"]
    result = runner.invoke(main, ["build", str(sample), "-o", str(tmp_path / "v2"), "--previous", str(OLD_SCORM)])
    assert result.exit_code == 0, result.output
    assert "upgrade-quiz-restarts" in result.stderr
    (package,) = (tmp_path / "v2").glob("*.zip")
    old_fingerprint = page_config(OLD_SCORM)["fingerprint"]
    (entry,) = [e for e in page_config(package)["earlier"] if e["fingerprint"] == old_fingerprint]
    assert entry["quiz"] is False and entry["lessons"] == OLD_LESSONS


def test_a_package_that_cannot_read_the_old_progress_is_unsafe(runner, sample, tmp_path):
    add_lesson(sample)
    result = runner.invoke(main, ["build", str(sample), "-o", str(tmp_path / "v2")])  # without --previous
    assert result.exit_code == 0, result.output
    (package,) = (tmp_path / "v2").glob("*.zip")
    exit_code, report, _ = diff(runner, OLD_SCORM, package)
    assert exit_code == 1
    assert codes(report)["progress"]["avoid"].startswith("build the new version with 'coursepack build --previous")


def test_a_changed_course_id_is_unsafe(runner, sample):
    change(sample, "course.yaml", "id: self-compassion", "id: self-compassion-2027")
    exit_code, report, _ = diff(runner, OLD_SCORM, sample)
    assert exit_code == 1
    assert codes(report)["course-id"]["level"] == "unsafe"


def test_a_wave_1_tin_can_package_is_read_by_its_activity(runner, sample):
    with open(sample / "course.yaml", "a", encoding="utf-8") as fh:
        fh.write(XAPI_BLOCK)
    exit_code, report, _ = diff(runner, OLD_TINCAN, sample)
    assert exit_code == 0 and report["formats"] == ["xapi"]
    change(sample, "course.yaml", "https://ce.example.org/xapi", "https://ce.example.org/lrs")
    exit_code, report, _ = diff(runner, OLD_TINCAN, sample)
    assert exit_code == 1
    found = codes(report)
    assert found["identifier"]["subject"] == (
        "xapi activity 'https://ce.example.org/xapi/course/self-compassion' -> "
        "'https://ce.example.org/lrs/course/self-compassion'"
    )
    assert found["xapi-iris"]["level"] == "warning"


def test_a_zip_that_is_no_coursepack_package_is_bad_input(runner, tmp_path):
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("index.html", "<p>Some other course</p>")
    result = runner.invoke(main, ["diff", str(other), str(OLD_SCORM)])
    assert result.exit_code == 2
    assert "has no coursepack.json and is no coursepack package this version can read" in result.stderr
    assert "Traceback" not in result.output

"""LMS presets (``lms:`` / ``--lms``): defaults of existing options, never an identifier."""

from __future__ import annotations

import json
import zipfile

import pytest
from conftest import COURSE_YAML, REPO

from builder.cli import main
from builder.presets import PRESETS

EXAMPLES = ("self-compassion", "quiz-showcase")


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_preset_builds_both_example_courses_that_validate(runner, tmp_path, schemas, preset):
    out = tmp_path / "dist"
    for example in EXAMPLES:
        built = runner.invoke(main, ["build", str(REPO / "course_src" / example), "-o", str(out), "--lms", preset])
        assert built.exit_code == 0, built.output
    packages = sorted(out.glob("*.zip"))
    assert len(packages) == 2
    for package in packages:
        checked = runner.invoke(main, ["validate", str(package), "--schemas", str(schemas)])
        assert checked.exit_code == 0, checked.output
        assert "manifest valid against the SCORM 1.2 schemas" in checked.stderr
        with zipfile.ZipFile(package) as zf:
            assert json.loads(zf.read("coursepack.json"))["rules"]["lms"] == preset


def manifest_of(runner, course, out, *args):
    result = runner.invoke(main, ["build", str(course), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    (package,) = out.glob("*.zip")
    with zipfile.ZipFile(package) as zf:
        return zf.read("imsmanifest.xml").decode("utf-8"), json.loads(zf.read("coursepack.json"))


def test_a_preset_supplies_what_course_yaml_leaves_out_and_an_explicit_key_wins(runner, make_course, tmp_path):
    bare = COURSE_YAML.replace("mastery_score_in_manifest: false\n", "")
    course = make_course({"course.yaml": bare + "lms: scorm-cloud\n"})
    manifest, record = manifest_of(runner, course, tmp_path / "a")
    assert "<adlcp:masteryscore>50</adlcp:masteryscore>" in manifest  # SCORM Cloud's preset: the pass mark, 50
    assert record["rules"] == {
        "passMark": 50.0,
        "statusRule": "passed/incomplete",
        "completion": "both",
        "masteryScoreInManifest": True,
        "lms": "scorm-cloud",
    }
    explicit = make_course({"course.yaml": COURSE_YAML + "lms: scorm-cloud\n"}, name="explicit")
    manifest, record = manifest_of(runner, explicit, tmp_path / "b")
    assert "masteryscore" not in manifest and record["rules"]["masteryScoreInManifest"] is False
    # --lms replaces course.yaml's lms:
    manifest, record = manifest_of(runner, course, tmp_path / "c", "--lms", "moodle")
    assert "masteryscore" not in manifest and record["rules"]["lms"] == "moodle"


def test_an_unknown_preset_is_named_with_its_line_and_the_choices(runner, make_course, tmp_path):
    course = make_course({"course.yaml": COURSE_YAML + "lms: mooodle\n"})
    result = runner.invoke(main, ["build", str(course), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "course.yaml:15:6: error: lms: 'mooodle' is not one of: generic, moodle" in result.stderr
    assert "hint: did you mean 'moodle'?" in result.stderr
    flag = runner.invoke(main, ["build", str(course), "--lms", "blackbored"])
    assert flag.exit_code == 2 and "'blackbored' is not one of" in flag.stderr


def test_switching_presets_is_safe_and_changes_no_identifier(runner, make_course, tmp_path):
    bare = COURSE_YAML.replace("mastery_score_in_manifest: false\n", "")
    records = {}
    for preset in sorted(PRESETS):
        course = make_course({"course.yaml": bare + f"lms: {preset}\n"}, name=preset)
        records[preset] = manifest_of(runner, course, tmp_path / f"out-{preset}")[1]
    assert len({json.dumps(r["identifiers"], sort_keys=True) for r in records.values()}) == 1
    assert len({r["fingerprint"] for r in records.values()}) == 1
    old = next(iter((tmp_path / "out-generic").glob("*.zip")))
    result = runner.invoke(main, ["diff", str(old), str(tmp_path / "scorm-cloud"), "--json"])
    assert result.exit_code == 0, result.output
    subjects = {f["subject"]: f["level"] for f in json.loads(result.stdout)["findings"]}
    assert subjects["LMS preset generic -> scorm-cloud"] == "safe"
    assert subjects["mastery score in the manifest False -> True"] == "safe"

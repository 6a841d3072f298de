"""LMS presets (``lms:`` / ``--lms``): defaults of existing options, never an identifier."""

from __future__ import annotations

import json
import zipfile

import pytest
from conftest import COURSE_YAML, REPO

from builder.cli import main
from builder.presets import PRESETS

EXAMPLES = ("self-compassion", "quiz-showcase")
SCHEMA_NOTES = {"scorm12": "SCORM 1.2", "scorm2004": "SCORM 2004 4th Edition"}


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_preset_builds_both_example_courses_that_validate(runner, tmp_path, schemas, preset):
    out = tmp_path / "dist"
    for example in EXAMPLES:
        built = runner.invoke(main, ["build", str(REPO / "course_src" / example), "-o", str(out), "--lms", preset])
        assert built.exit_code == 0, built.output
    packages = sorted(out.glob("*.zip"))
    assert len(packages) == 2
    preferred = PRESETS[preset].tracking.get("format", "scorm12")  # without --format, the preset's format
    for package in packages:
        assert package.name.endswith(f"-{preferred}.zip")
        checked = runner.invoke(main, ["validate", str(package), "--schemas", str(schemas.parent)])
        assert checked.exit_code == 0, checked.output
        assert f"manifest valid against the {SCHEMA_NOTES[preferred]} schemas" in checked.stderr
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
    records = {}  # (preset, format) -> coursepack.json: every preset built in both SCORM formats
    for preset in sorted(PRESETS):
        course = make_course({"course.yaml": bare + f"lms: {preset}\n"}, name=preset)
        out = tmp_path / f"out-{preset}"
        built = runner.invoke(main, ["build", str(course), "-o", str(out), "--format", "scorm12,scorm2004"])
        assert built.exit_code == 0, built.output
        for package in out.glob("*.zip"):
            with zipfile.ZipFile(package) as zf:
                record = json.loads(zf.read("coursepack.json"))
            records[preset, record["format"]] = record
    assert len(records) == 2 * len(PRESETS)
    for fmt in ("scorm12", "scorm2004"):
        same_format = [r for (_, f), r in records.items() if f == fmt]
        assert len({json.dumps(r["identifiers"], sort_keys=True) for r in same_format}) == 1
    assert len({r["fingerprint"] for r in records.values()}) == 1
    # The presets do set tracking options (so the identifiers above were compared under them).
    assert records["cornerstone", "scorm12"]["tracking"]["format"] == "scorm2004"
    assert records["successfactors", "scorm12"]["tracking"]["launch"] == "new-window"
    old = tmp_path / "out-generic" / "tiny-1.0.0-scorm12.zip"
    result = runner.invoke(main, ["diff", str(old), str(tmp_path / "scorm-cloud"), "--json"])
    assert result.exit_code == 0, result.output
    subjects = {f["subject"]: f["level"] for f in json.loads(result.stdout)["findings"]}
    assert subjects["LMS preset generic -> scorm-cloud"] == "safe"
    assert subjects["mastery score in the manifest False -> True"] == "safe"
    changes = {"cornerstone": "format scorm12 -> scorm2004", "successfactors": "launch frame -> new-window"}
    for preset, change in changes.items():
        result = runner.invoke(main, ["diff", str(old), str(tmp_path / preset), "--json"])
        assert result.exit_code == 0, result.output
        findings = json.loads(result.stdout)["findings"]
        subjects = {f["subject"]: f["level"] for f in findings}
        assert subjects[f"LMS preset generic -> {preset}"] == "safe"
        assert subjects[f"tracking {change}"] == "safe"
        assert not [f for f in findings if f["code"] == "identifier"]

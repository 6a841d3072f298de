"""course.yaml ``tracking:``: how the package talks to its LMS, read with located errors, carried into the page's
runtime configuration and the release record; ``format`` picks what ``build`` makes without ``--format``."""

from __future__ import annotations

import json
import re
import zipfile

from conftest import COURSE_YAML

from builder.cli import main

XAPI = "xapi:\n  base_iri: https://ce.example.org/xapi\n"
EVERY_OPTION = """\
tracking:
  commit_on_exit: true
  interactions: first-attempt
  launch: new-window
  score: raw
"""


def page_config(package, page="index.html"):
    with zipfile.ZipFile(package) as zf:
        text = zf.read(page).decode("utf-8")
        record = json.loads(zf.read("coursepack.json"))
    config = json.loads(re.search(r'<script type="application/json" id="course-config">(.*?)</script>', text, re.S)[1])
    return config, record


def build(runner, course, out, *args):
    result = runner.invoke(main, ["build", str(course), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return result


def test_every_problem_of_the_tracking_block_is_named_at_its_line_at_once(runner, make_course, tmp_path):
    course = make_course(
        {
            "course.yaml": COURSE_YAML
            + "tracking:\n  format: scorm3\n  commit_on_exit: sometimes\n  interactions: some\n"
            "  launch: popup\n  score: max\n  colour: red\n"
        }
    )
    result = runner.invoke(main, ["build", str(course), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    err = result.stderr
    assert "course.yaml:16:11: error: tracking.format: 'scorm3' is not one of: scorm12, cmi5, scorm2004, xapi" in err
    assert "course.yaml:17:19: error: tracking.commit_on_exit: expected true or false" in err
    assert "course.yaml:18:17: error: tracking.interactions: 'some' is not one of: all, first-attempt, none" in err
    assert "course.yaml:19:11: error: tracking.launch: 'popup' is not one of: frame, new-window" in err
    assert "course.yaml:20:10: error: tracking.score: 'max' is not one of: raw-min-max, raw" in err
    assert "course.yaml:21:3: error: tracking.colour: unknown key 'colour'" in err
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_the_options_reach_the_scorm_pages_and_the_record_and_other_formats_get_the_defaults(
    runner, make_course, tmp_path
):
    course = make_course({"course.yaml": COURSE_YAML + XAPI + EVERY_OPTION})
    out = tmp_path / "out"
    build(runner, course, out, "--format", "scorm12,scorm2004,xapi,cmi5")
    wanted = {"commitOnExit": True, "interactions": "first-attempt", "launch": "new-window", "score": "raw"}
    for fmt in ("scorm12", "scorm2004"):
        config, record = page_config(out / f"tiny-1.0.0-{fmt}.zip")
        assert config["tracking"] == wanted
        assert record["tracking"] == {
            "format": "scorm12",
            "commit_on_exit": True,
            "interactions": "first-attempt",
            "launch": "new-window",
            "score": "raw",
        }
    for fmt in ("xapi", "cmi5"):  # their runtimes do not honour SCORM's options: the page says so with null
        config, record = page_config(out / f"tiny-1.0.0-{fmt}.zip")
        assert config["tracking"] is None
        assert record["tracking"]["score"] == "raw"


def test_without_a_tracking_block_the_defaults_apply(runner, make_course, tmp_path):
    build(runner, make_course(), tmp_path / "out")
    config, record = page_config(tmp_path / "out" / "tiny-1.0.0-scorm12.zip")
    defaults = {"commitOnExit": False, "interactions": "all", "launch": "frame", "score": "raw-min-max"}
    assert config["tracking"] == defaults
    assert record["tracking"]["format"] == "scorm12"


def test_a_preset_sets_tracking_options_and_a_key_in_course_yaml_wins(runner, make_course, tmp_path):
    preset = make_course({"course.yaml": COURSE_YAML + "lms: successfactors\n"}, name="preset")
    build(runner, preset, tmp_path / "a")
    config, _ = page_config(tmp_path / "a" / "tiny-1.0.0-scorm12.zip")
    assert config["tracking"]["launch"] == "new-window"
    explicit = make_course(
        {"course.yaml": COURSE_YAML + "lms: successfactors\ntracking:\n  launch: frame\n"}, name="explicit"
    )
    build(runner, explicit, tmp_path / "b")
    config, record = page_config(tmp_path / "b" / "tiny-1.0.0-scorm12.zip")
    assert config["tracking"]["launch"] == "frame" and record["rules"]["lms"] == "successfactors"


def test_the_preferred_format_is_built_without_format_and_a_replacement_keeps_the_old_format(
    runner, make_course, tmp_path, schemas
):
    old_course = make_course(name="old")
    build(runner, old_course, tmp_path / "v1")
    old = tmp_path / "v1" / "tiny-1.0.0-scorm12.zip"
    new = make_course({"course.yaml": COURSE_YAML + "tracking:\n  format: scorm2004\n"}, name="new")

    build(runner, new, tmp_path / "plain")
    assert [p.name for p in (tmp_path / "plain").glob("*.zip")] == ["tiny-1.0.0-scorm2004.zip"]
    build(runner, new, tmp_path / "asked", "--format", "scorm12")
    assert [p.name for p in (tmp_path / "asked").glob("*.zip")] == ["tiny-1.0.0-scorm12.zip"]
    checked = runner.invoke(main, ["validate", str(new), "--schemas", str(schemas.parent)])
    assert checked.exit_code == 0 and "manifest valid against the SCORM 2004 4th Edition schemas" in checked.stderr

    # Replacing the SCORM 1.2 package: built as SCORM 1.2, so the LMS takes it as the same course.
    build(runner, new, tmp_path / "v2", "--previous", str(old))
    assert [p.name for p in (tmp_path / "v2").glob("*.zip")] == ["tiny-1.0.0-scorm12.zip"]
    result = runner.invoke(main, ["diff", str(old), str(new), "--json"])
    assert result.exit_code == 0, result.output
    (finding,) = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "tracking"]
    assert finding["level"] == "safe" and finding["subject"] == "tracking format scorm12 -> scorm2004"
    assert "builds the replacement as a scorm12 package" in finding["effect"]
    said = runner.invoke(main, ["diff", str(old), str(new)])
    assert said.exit_code == 0 and "tracking format scorm12 -> scorm2004" in said.output


def test_a_package_built_before_tracking_options_compares_as_the_defaults(runner, make_course, tmp_path):
    course = make_course()
    build(runner, course, tmp_path / "v1")
    built = tmp_path / "v1" / "tiny-1.0.0-scorm12.zip"
    old = tmp_path / "before.zip"  # the same package as an earlier coursepack wrote it: no 'tracking' in its record
    with zipfile.ZipFile(built) as src, zipfile.ZipFile(old, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "coursepack.json":
                record = json.loads(data)
                del record["tracking"]
                data = json.dumps(record).encode("utf-8")
            dst.writestr(info, data)
    result = runner.invoke(main, ["diff", str(old), str(course), "--json"])
    assert result.exit_code == 0, result.output
    assert [f for f in json.loads(result.stdout)["findings"] if f["code"] == "tracking"] == []
    changed = make_course({"course.yaml": COURSE_YAML + "tracking:\n  score: raw\n"}, name="changed")
    result = runner.invoke(main, ["diff", str(old), str(changed), "--json"])
    (finding,) = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "tracking"]
    assert finding["subject"] == "tracking score raw-min-max -> raw" and finding["level"] == "safe"

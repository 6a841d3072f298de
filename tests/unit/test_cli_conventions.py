"""CLI conventions people know from MkDocs and Click: --strict, the current folder, -q/-qq, colour, quoting."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from builder.cli import main

REPO = Path(__file__).resolve().parents[2]
UNUSED = {"media/leftover.txt": "not used by any lesson\n"}


def test_build_strict_fails_on_a_warning_and_writes_nothing(runner, make_course, tmp_path):
    course = make_course(UNUSED)
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(course), "-o", str(out), "--strict"])
    assert result.exit_code == 2
    assert "leftover.txt: error: nothing in the course uses this file" in result.stderr
    assert "error: 1 problem found (--strict: warnings count as errors); nothing was written" in result.stderr
    assert not out.exists()
    relaxed = runner.invoke(main, ["build", str(course), "-o", str(out)])
    assert relaxed.exit_code == 0 and "leftover.txt: warning:" in relaxed.stderr


def test_build_and_validate_use_the_current_folder(runner, make_course, monkeypatch):
    course = make_course()
    monkeypatch.chdir(course)
    first = runner.invoke(main, ["build"])
    assert first.exit_code == 0, first.output
    built = course / "dist" / "tiny-1.0.0-scorm12.zip"
    assert built.is_file()
    again = runner.invoke(main, ["build"])  # dist/ lies inside the course: never packaged nor linted
    assert again.exit_code == 0 and "warning" not in again.stderr, again.stderr
    with zipfile.ZipFile(built) as zf:
        assert not any(name.startswith("dist/") for name in zf.namelist())
    checked = runner.invoke(main, ["validate", "--strict"])
    assert checked.exit_code == 0, checked.stderr
    assert checked.stderr.startswith("ok: . (")


def test_without_a_course_here_the_folder_is_asked_for(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for command in ("build", "validate", "preview"):
        result = runner.invoke(main, [command])
        assert result.exit_code == 2
        assert "The current folder has no course.yaml" in result.stderr


def test_a_file_inside_the_output_folder_is_never_packaged(runner, make_course, monkeypatch):
    course = make_course({"lessons/one.html": '<p><a href="../dist/old.zip">old build</a></p>\n', "dist/old.zip": "x"})
    monkeypatch.chdir(course)
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 2
    assert "dist/old.zip: error: is inside the output folder" in result.stderr
    assert "build into a folder outside the course with -o" in result.stderr
    assert sorted(p.name for p in (course / "dist").iterdir()) == ["old.zip"]


def test_validate_takes_several_targets(runner, make_course, tmp_path):
    good = make_course(name="good")
    bad = make_course({"lessons/two.html": None}, name="bad")
    out = tmp_path / "out"
    assert runner.invoke(main, ["build", str(good), "-o", str(out)]).exit_code == 0
    result = runner.invoke(main, ["validate", str(good), str(bad), str(out / "tiny-1.0.0-scorm12.zip")])
    assert result.exit_code == 2
    assert f"ok: {good} (" in result.stderr
    assert f"ok: {out / 'tiny-1.0.0-scorm12.zip'} (SCORM 1.2 package, " in result.stderr
    assert f"error: {bad}: 1 problem found" in result.stderr


def test_quiet_keeps_warnings_and_double_quiet_drops_them(runner, make_course, tmp_path):
    course = make_course(UNUSED)
    quiet = runner.invoke(main, ["build", str(course), "-o", str(tmp_path / "a"), "-q"])
    assert quiet.exit_code == 0
    assert "leftover.txt: warning:" in quiet.stderr and "built" not in quiet.stderr
    silent = runner.invoke(main, ["build", str(course), "-o", str(tmp_path / "b"), "-qq"])
    assert silent.exit_code == 0 and silent.stderr == ""


def _coursepack(args, env_extra, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "builder", *args], capture_output=True, text=True, cwd=cwd, env=env)


def test_colour_follows_force_color_and_no_color(make_course, tmp_path):
    course = make_course({"lessons/two.html": None})
    forced = _coursepack(["validate", str(course)], {"FORCE_COLOR": "1"}, tmp_path)
    assert forced.returncode == 2
    assert "\x1b[31m\x1b[1merror\x1b[0m: " in forced.stderr and "\x1b[36mhint:\x1b[0m" in forced.stderr
    plain = _coursepack(["validate", str(course)], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, tmp_path)
    assert plain.returncode == 2 and "\x1b[" not in plain.stderr and ": error: " in plain.stderr
    piped = _coursepack(["validate", str(course)], {}, tmp_path)  # not a terminal: no colour
    assert "\x1b[" not in piped.stderr


def test_next_steps_are_quoted_for_the_shell(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["new", "My Course 2"])
    assert result.exit_code == 0
    assert "next: coursepack preview 'My Course 2'" in result.stderr


def test_verify_code_says_what_is_wrong_with_the_course(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notacourse").mkdir()
    args = ["--learner", "jdoe", "--date", "2025-03-07"]
    missing = runner.invoke(main, ["verify-code", "--course", "nosuch", *args])
    assert missing.exit_code == 2 and "there is no folder 'nosuch' here" in missing.stderr
    path = runner.invoke(main, ["verify-code", "--course", "./nosuch", *args])
    assert path.exit_code == 2 and "the course folder './nosuch' does not exist" in path.stderr
    empty = runner.invoke(main, ["verify-code", "--course", "notacourse", *args])
    assert empty.exit_code == 2 and "the folder 'notacourse' has no course.yaml" in empty.stderr
    by_id = runner.invoke(main, ["verify-code", "--course", "nosuch", "--version", "1.0.0", *args])
    assert by_id.exit_code == 0 and len(by_id.stdout.strip()) == 14

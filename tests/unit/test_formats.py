"""The format registry: a format is one class; registering it is all a new package type needs.

The toy format below is defined only in this test ("a zip of the player only", described by a
plain list of its files). Nothing else in coursepack is edited for it: the build, ``--format``,
``validate`` of a zip and the page's runtime adapter all come from the registry.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Optional, Sequence, Set

import pytest

from builder import formats
from builder.cli import main
from builder.problems import Problems


class PlayerOnly(formats.Format):
    name = "player"
    title = "player-only zip"
    descriptor = "player.txt"
    adapter = "scorm12.js"
    suspend_limit = 10  # tiny, so the format's own budget check shows

    def describe(self, course, files: Sequence[str]) -> bytes:
        return ("\n".join(files) + "\n").encode()

    def check_descriptor(self, data: bytes, names: Set[str], problems: Problems, shown: str, schemas=None) -> None:
        for listed in data.decode().split():
            if listed not in names:
                problems.add(shown, f"lists '{listed}', which is not in the package")

    def schema_note(self, schemas: Optional[Path]) -> str:
        return "listed files present"


@pytest.fixture
def toy_format():
    formats.register(PlayerOnly)
    yield PlayerOnly
    formats.unregister(PlayerOnly.name)


def test_a_registered_format_builds_validates_and_is_offered(runner, make_course, tmp_path, toy_format):
    course = make_course({"quiz.yaml": None, "course.yaml": _without_quiz()})
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(course), "-o", str(out), "--format", "player,scorm12"])
    assert result.exit_code == 0, result.output
    package = out / "tiny-1.0.0-player.zip"
    with zipfile.ZipFile(package) as zf:
        names = zf.namelist()
        listed = zf.read("player.txt").decode().split()
        page = zf.read("index.html").decode()
    assert names[0] == "player.txt" and listed == names[1:]
    assert '<script src="assets/runtime.min.js"></script>' in page
    with zipfile.ZipFile(package) as zf:
        assert zf.read("assets/runtime.min.js").startswith(b"/* scorm12.js */\n")
    assert "suspend_data at most 9 of 10 characters" in result.stderr
    checked = runner.invoke(main, ["validate", str(package)])
    assert checked.exit_code == 0, checked.output
    assert "(player-only zip, " in checked.stderr and "listed files present" in checked.stderr
    assert "player" in runner.invoke(main, ["build", "--help"]).output


def test_the_format_budget_refuses_a_course_whose_progress_cannot_fit(runner, make_course, tmp_path, toy_format):
    result = runner.invoke(main, ["build", str(make_course()), "-o", str(tmp_path / "out"), "--format", "player"])
    assert result.exit_code == 2
    assert "more than the 10 player-only zip allows in suspend data" in result.stderr
    assert not (tmp_path / "out").exists()


def test_unknown_formats_list_the_registered_ones(runner, make_course, tmp_path):
    result = runner.invoke(main, ["build", str(make_course()), "--format", "scorm99"])
    assert result.exit_code == 2
    assert "unknown format 'scorm99'; use one or more of scorm12, cmi5, scorm2004, xapi" in result.stderr


def test_each_package_carries_only_its_own_adapter(tmp_path, toy_format, make_course, runner, monkeypatch):
    class OtherAdapter(PlayerOnly):
        name = "other"
        adapter = "toy-adapter.js"

    formats.register(OtherAdapter)
    try:
        course = make_course({"templates/static/toy-adapter.js": "/* a toy LMS adapter */\n"})
        out = tmp_path / "out"
        for debug in ("--debug",), ():  # readable files; the minified bundle
            result = runner.invoke(main, ["build", str(course), "-o", str(out), "--format", "scorm12", *debug])
            assert result.exit_code == 0, result.output
            with zipfile.ZipFile(out / "tiny-1.0.0-scorm12.zip") as zf:
                names = zf.namelist()
                bundle = b"".join(zf.read(n) for n in names if n.endswith(".js"))
            assert "assets/toy-adapter.js" not in names and b"a toy LMS adapter" not in bundle
            assert ("assets/scorm12.js" in names) if debug else bundle.startswith(b"/* scorm12.js */\n")
    finally:
        formats.unregister("other")


def test_a_format_whose_adapter_is_missing_is_refused(runner, make_course, tmp_path):
    class Unplugged(PlayerOnly):
        name = "unplugged"
        title = "unplugged package"
        adapter = "unplugged.js"  # in no template folder: the package could play but never track

    formats.register(Unplugged)
    try:
        course = make_course()
        result = runner.invoke(main, ["build", str(course), "-o", str(tmp_path / "out"), "--format", "unplugged"])
    finally:
        formats.unregister("unplugged")
    assert result.exit_code == 2
    assert (
        "course.yaml: error: '--format unplugged' cannot build yet: this coursepack has no runtime adapter for the "
        "unplugged package (templates/runtime/adapters/unplugged.js), so the package could not report to the LMS"
    ) in result.stderr
    assert "hint: choose another --format for now: scorm12, " in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_zip_no_format_claims_names_every_descriptor(runner, tmp_path):
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("course/imsmanifest.xml", "<manifest/>")
    result = runner.invoke(main, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "has no imsmanifest.xml at its root (nor cmi5.xml, tincan.xml)" in result.stderr
    assert "it is at 'course/imsmanifest.xml'; zip the folder's contents" in result.stderr


def _without_quiz() -> str:
    from conftest import COURSE_YAML

    return COURSE_YAML.replace("quiz: quiz.yaml\n", "")

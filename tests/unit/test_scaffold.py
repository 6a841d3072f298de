"""``coursepack new``: a starter course that builds, validates and previews with no edits."""

from __future__ import annotations

import zipfile

import pytest
import yaml

from builder.cli import main
from builder.scaffold import course_id, course_title


def test_new_then_build_works_with_no_edits(runner, tmp_path):
    target = tmp_path / "first-course"
    result = runner.invoke(main, ["new", str(target)])
    assert result.exit_code == 0, result.output
    assert "created" in result.stderr and "next: coursepack preview" in result.stderr
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == [
        "course.yaml",
        "lessons/01-welcome.html",
        "media/welcome.svg",
        "quiz.yaml",
    ]

    out = tmp_path / "dist"
    result = runner.invoke(main, ["build", str(target), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr  # lint-clean as well
    with zipfile.ZipFile(out / "first-course-0.1.0-scorm12.zip") as zf:
        names = zf.namelist()
        page = zf.read("index.html").decode("utf-8")
    assert names[0] == "imsmanifest.xml" and "media/welcome.svg" in names
    assert "First Course" in page and 'data-lesson-id="welcome"' in page


def test_course_yaml_is_commented_and_names_the_course(runner, tmp_path):
    target = tmp_path / "Grief Support 101"
    assert runner.invoke(main, ["new", str(target), "--title", 'Grief: "the basics"']).exit_code == 0
    text = (target / "course.yaml").read_text(encoding="utf-8")
    assert sum(1 for line in text.splitlines() if line.lstrip().startswith("#")) >= 10
    data = yaml.safe_load(text)
    assert data["id"] == "grief-support-101"
    assert data["title"] == 'Grief: "the basics"'
    assert data["lint"] == {"media_budget_kb": 10000, "ignore": []}
    assert yaml.safe_load((target / "quiz.yaml").read_text(encoding="utf-8"))["questions"][0]["type"] == "true-false"
    assert runner.invoke(main, ["validate", "--strict", str(target)]).exit_code == 0


def test_the_optional_blocks_build_once_uncommented(runner, tmp_path):
    target = tmp_path / "ce-course"
    assert runner.invoke(main, ["new", str(target)]).exit_code == 0
    lines = (target / "course.yaml").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# ce:"))
    # every '# key:' line of the optional blocks and the lines under it, without the '# '
    lines[start:] = [
        line[2:] if line.startswith(("# ce:", "# theme:", "# xapi:", "#   ")) else line for line in lines[start:]
    ]
    (target / "course.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = yaml.safe_load((target / "course.yaml").read_text(encoding="utf-8"))
    assert set(data) >= {"ce", "theme", "xapi"}

    out = tmp_path / "dist"
    result = runner.invoke(main, ["build", str(target), "-o", str(out), "--format", "scorm12,xapi"])
    assert result.exit_code == 0, result.output
    # the starter's ce block is a template: its two texts are flagged until the author replaces them
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert len(warnings) == 2 and all(w.endswith("[placeholder]") and "course.yaml:" in w for w in warnings)
    strict = runner.invoke(main, ["validate", "--strict", str(target)])
    assert strict.exit_code == 2 and "Name of the CE provider" in strict.stderr
    with zipfile.ZipFile(out / "ce-course-0.1.0-scorm12.zip") as zf:
        page = zf.read("index.html").decode("utf-8")
        bundle = zf.read("assets/runtime.min.js")
    assert b"/* certificate.js */\n" in bundle and bundle.startswith(b"/* xapi.js */\n")
    assert "Provider: Name of the CE provider" in page and "--accent: #7b2d8e;" in page


def test_new_refuses_to_overwrite_an_existing_folder(runner, tmp_path):
    target = tmp_path / "course"
    target.mkdir()
    (target / "notes.txt").write_text("keep me", encoding="utf-8")
    result = runner.invoke(main, ["new", str(target)])
    assert result.exit_code == 2
    assert f"error: '{target}' already exists; coursepack new never overwrites anything" in result.stderr
    assert "hint: choose a new folder name, or move the existing folder away first" in result.stderr
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert (target / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert runner.invoke(main, ["new", str(target / "notes.txt")]).exit_code == 2  # a file is not replaced either


def test_new_fills_an_existing_empty_folder_and_leaves_no_temporary_files(runner, tmp_path):
    target = tmp_path / "empty"
    target.mkdir()
    assert runner.invoke(main, ["new", str(target)]).exit_code == 0
    assert (target / "course.yaml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def test_new_rejects_an_unusable_title(runner, tmp_path):
    result = runner.invoke(main, ["new", str(tmp_path / "c"), "--title", "x" * 201])
    assert result.exit_code == 2
    assert "error: the title must be 1 to 200 characters long, not 201" in result.stderr
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize(
    "name, cid, title",
    [
        ("my-course", "my-course", "My Course"),
        ("My Course 2", "my-course-2", "My Course 2"),
        ("2024_intro", "course-2024-intro", "2024 Intro"),
        ("Éthique", "ethique", "Éthique"),
        ("---", "course", "---"),
    ],
)
def test_ids_and_titles_from_folder_names(name, cid, title):
    assert course_id(name) == cid
    assert course_title(name) == (title if name != "---" else "New Course")

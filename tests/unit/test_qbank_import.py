"""coursepack import-questions on the GIFT and Moodle XML corpora (tests/qbank/): each bank gives its quiz.yaml.

Each corpus file covers constructs of its format (written from Moodle's importers' semantics) and
is paired with the quiz.yaml the import must write, byte for byte; the file must read as a valid
quiz, every 'adapted:' comment must be a warning on stderr, and embedded images land in media/.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import REPO

from builder.cli import main
from builder.problems import Problems
from builder.sources import yamldoc
from builder.sources.quiz import read_quiz

CORPUS = REPO / "tests" / "qbank"
CASES = sorted(CORPUS.glob("gift/*.gift")) + sorted(CORPUS.glob("xml/*.xml"))


def run_import(runner, monkeypatch, bank: Path, course: Path, *args):
    monkeypatch.chdir(bank.parent)  # messages and comments name the bank as the author typed it
    return runner.invoke(main, ["import-questions", bank.name, "-o", str(course / "quiz.yaml"), *args])


def read(text: str):
    problems = Problems()
    doc = yamldoc.load(text, "quiz.yaml", problems)
    quiz = read_quiz(doc, problems) if doc is not None else None
    assert quiz is not None and not problems.errors, [p.format() for p in problems]
    return quiz


@pytest.mark.parametrize("bank", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_each_bank_gives_its_quiz_yaml(runner, monkeypatch, tmp_path, bank):
    course = tmp_path / "course"
    result = run_import(runner, monkeypatch, bank, course)
    assert result.exit_code == 0, result.stderr
    written = (course / "quiz.yaml").read_text(encoding="utf-8")
    assert written == bank.with_suffix(".yaml").read_text(encoding="utf-8")
    quiz = read(written)
    assert quiz.questions
    assert "Traceback" not in result.stderr
    for adapted in re.findall(r"# adapted: (.*)", written):
        assert adapted in result.stderr, adapted


def test_the_corpus_covers_every_type_and_construct():
    """Every coursepack type that Moodle has, and every construct the issue lists, appear in the corpus."""
    texts = {p.name: p.read_text(encoding="utf-8") for p in CASES}
    gift = "\n".join(t for n, t in texts.items() if n.endswith(".gift"))
    for construct in ("//", "\\:", "\\#", "\\=", "\\{", "\\}", "\\~", "\\n", "$CATEGORY:", "::", "[html]", "[markdown]",
                      "[plain]", "[moodle]", "####", "#", "%50%", "%-50%", "{T", "{TRUE", "{F", "{FALSE", "#1..5",
                      "#3.14:0.01", "->", "{}", "{>", "[id:", "coursepack:"):  # fmt: skip
        assert construct in gift, construct
    xml = "\n".join(t for n, t in texts.items() if n.endswith(".xml"))
    for construct in ('type="multichoice"', 'type="truefalse"', 'type="shortanswer"', 'type="numerical"',
                      'type="matching"', 'type="ordering"', 'type="category"', 'type="essay"', 'type="description"',
                      "<usecase>1", "<tolerance>", "<units>", "<shuffleanswers>", "@@PLUGINFILE@@", "<file ",
                      "<defaultgrade>2", "<penalty>0.5", "<hint", 'format="markdown"'):  # fmt: skip
        assert construct in xml, construct
    quizzes = [read(p.with_suffix(".yaml").read_text(encoding="utf-8")) for p in CASES]
    kinds = {q.type for quiz in quizzes for q in quiz.questions}
    assert kinds == {"true-false", "single-choice", "multiple-response", "fill-in", "numeric", "matching", "sequencing"}


def test_embedded_images_land_in_the_media_folder_with_safe_names(runner, monkeypatch, tmp_path):
    course = tmp_path / "course"
    result = run_import(runner, monkeypatch, CORPUS / "xml" / "images.xml", course)
    assert result.exit_code == 0, result.stderr
    media = course / "media"
    assert sorted(p.name for p in media.iterdir()) == ["chambers.png", "heart-diagram-2.png", "heart-diagram.png"]
    assert (media / "heart-diagram.png").read_bytes().startswith(b"\x89PNG")
    assert (media / "heart-diagram-2.png").read_bytes().startswith(b"GIF89a")
    assert (media / "chambers.png").read_bytes().startswith(b"GIF89a")  # named '../../chambers?.png' in the bank
    assert [p.name for p in tmp_path.iterdir()] == ["course"]  # nothing outside the course folder
    assert "3 images written" in result.stderr
    again = run_import(runner, monkeypatch, CORPUS / "xml" / "images.xml", tmp_path / "course", "--merge")
    assert again.exit_code == 0 and "already there" in again.stderr
    assert sorted(p.name for p in media.iterdir()) == ["chambers.png", "heart-diagram-2.png", "heart-diagram.png"]


def test_an_existing_image_of_the_same_name_is_kept(runner, monkeypatch, tmp_path):
    course = tmp_path / "course"
    (course / "media").mkdir(parents=True)
    (course / "media" / "heart-diagram.png").write_bytes(b"the author's own picture")
    result = run_import(runner, monkeypatch, CORPUS / "xml" / "images.xml", course)
    assert result.exit_code == 0, result.stderr
    assert (course / "media" / "heart-diagram.png").read_bytes() == b"the author's own picture"
    written = (course / "quiz.yaml").read_text(encoding="utf-8")
    assert "the image media/heart-diagram-2.png (alt text 'A cut-away heart')" in written
    assert "the image media/heart-diagram-3.png (alt text 'Another heart')" in written


def test_a_media_folder_that_leads_outside_the_course_is_refused(runner, monkeypatch, tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (course / "media").symlink_to(outside)
    result = run_import(runner, monkeypatch, CORPUS / "xml" / "images.xml", course)
    assert result.exit_code == 2
    assert "course/media: error: the media folder is not a folder inside the course folder" in result.stderr
    assert list(outside.iterdir()) == [] and not (course / "quiz.yaml").exists()


def test_markdown_needs_the_markdown_package(runner, monkeypatch, tmp_path):
    monkeypatch.setitem(__import__("sys").modules, "markdown", None)  # as if it were not installed
    result = run_import(runner, monkeypatch, CORPUS / "gift" / "text_formats.gift", tmp_path / "course")
    assert result.exit_code == 2
    assert "text_formats.gift:12:13: error: this text is in Markdown ([markdown])" in result.stderr
    assert result.stderr.count("error: this text is in Markdown") == 1
    assert "pip install 'coursepack[markdown]'" in result.stderr
    assert not (tmp_path / "course").exists()


def test_several_files_in_one_quiz_with_unique_ids(runner, monkeypatch, tmp_path):
    monkeypatch.chdir(CORPUS)
    out = tmp_path / "quiz.yaml"
    result = runner.invoke(main, ["import-questions", "gift/numerical.gift", "xml/numerical.xml", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    quiz = read(out.read_text(encoding="utf-8"))
    assert [q.id for q in quiz.questions] == ["exact", "tolerance", "range", "several", "negative", "pi", "height"]
    assert "imported 7 questions" in result.stderr
    assert "# from xml/numerical.xml:3 (Pi)" in out.read_text(encoding="utf-8")


def test_the_import_builds(runner, monkeypatch, make_course, tmp_path):
    course = make_course({"quiz.yaml": None})
    result = run_import(runner, monkeypatch, CORPUS / "gift" / "multiple_choice.gift", course)
    assert result.exit_code == 0, result.stderr
    built = runner.invoke(main, ["build", str(course), "-o", str(tmp_path / "dist")])
    assert built.exit_code == 0, built.stderr


def test_a_build_does_not_load_the_question_bank_modules(tmp_path):
    """Start-up stays as it was: the qbank package and Moodle's model are imported only when a bank command runs."""
    sample = str(REPO / "course_src" / "self-compassion")
    code = textwrap.dedent(f"""\
        import runpy, sys
        sys.argv = ["coursepack", "build", {sample!r}, "-o", {str(tmp_path)!r}, "-q"]
        try:
            runpy.run_module("builder", run_name="__main__")
        except SystemExit as exit:
            assert not exit.code, exit.code
        bank = ("builder.questions.moodle", "markdown")
        print(sorted(m for m in sys.modules if m.startswith("builder.qbank") or m in bank))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"

"""export-questions, and round trips: quiz.yaml -> GIFT or Moodle XML -> quiz.yaml gives the same questions.

Both example courses go out in both formats and come back through import-questions: every
question Moodle can hold comes back equal (type, text, answers, feedback, weight, shuffling,
partial credit, ids), the pools with their draws; the likert question, which Moodle's quiz has no
type for, is left out with a warning that names it. The Moodle XML passes the structure Moodle's
importer reads (moodle_xml_facts.py).
"""

from __future__ import annotations

import pytest
from conftest import COURSE_YAML, REPO
from moodle_xml_facts import check

from builder.cli import main
from builder.problems import Problems
from builder.qbank import gift
from builder.sources import yamldoc
from builder.sources.quiz import read_quiz

COURSES = {name: REPO / "course_src" / name for name in ("self-compassion", "quiz-showcase")}
FORMATS = {"gift": ".txt", "moodle-xml": ".xml"}


def quiz_of(path):
    problems = Problems()
    doc = yamldoc.load(path.read_text(encoding="utf-8"), str(path), problems)
    quiz = read_quiz(doc, problems)
    assert quiz is not None, [p.format() for p in problems]
    return quiz


def same_question(q):
    return q._replace(number=0)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", COURSES)
def test_a_round_trip_gives_the_same_questions(runner, tmp_path, name, fmt):
    bank = tmp_path / f"bank{FORMATS[fmt]}"
    exported = runner.invoke(main, ["export-questions", str(COURSES[name]), "--format", fmt, "-o", str(bank)])
    assert exported.exit_code == 0, exported.stderr
    back = tmp_path / "back" / "quiz.yaml"
    imported = runner.invoke(main, ["import-questions", str(bank), "-o", str(back)])
    assert imported.exit_code == 0, imported.stderr
    assert "warning" not in imported.stderr, imported.stderr  # what coursepack wrote, it reads back as it was

    original, again = quiz_of(COURSES[name] / "quiz.yaml"), quiz_of(back)
    moodle_has_no = [q.id for q in original.questions if q.type == "likert"]
    assert [same_question(q) for q in again.questions] == [
        same_question(q) for q in original.questions if q.id not in moodle_has_no
    ]
    assert [f"question '{qid}': left out: Moodle's quiz has no likert question" in exported.stderr
            for qid in moodle_has_no] == [True] * len(moodle_has_no)  # fmt: skip
    if original.pools:
        assert [(p.id, p.draw, p.shuffle) for p in again.pools] == [
            (p.id, p.draw - sum(q.id in moodle_has_no for q in p.questions), p.shuffle) for p in original.pools
        ]
    assert again.title == original.title
    assert f"exported {len(again.questions)} questions to {bank}" in exported.stderr


@pytest.mark.parametrize("name", COURSES)
def test_the_moodle_xml_is_what_moodle_imports(runner, tmp_path, name):
    out = tmp_path / "bank.xml"
    assert runner.invoke(main, ["export-questions", str(COURSES[name]), "-o", str(out)]).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<quiz>")
    assert check(data) == []
    types = {q.get("type") for q in __import__("lxml.etree").etree.fromstring(data).findall("question")}
    expected = {"category", "truefalse"} | (
        {"multichoice", "shortanswer", "numerical", "matching", "ordering"} if name == "quiz-showcase" else set()
    )
    assert types == expected


def test_the_facts_check_finds_what_moodle_refuses():
    """The check itself: each broken question is named (a check that cannot fail would prove nothing)."""
    broken = b"""<quiz>
      <question type="multichoice"><name><text>Single</text></name><questiontext><text>Q</text></questiontext>
        <single>true</single><answer fraction="50"><text>a</text></answer><answer fraction="0"><text>b</text></answer>
      </question>
      <question type="multichoice"><name><text>Multi</text></name><questiontext><text>Q</text></questiontext>
        <single>false</single><answer fraction="50"><text>a</text></answer><answer fraction="0"><text>b</text></answer>
      </question>
      <question type="truefalse"><name><text></text></name><questiontext><text>Q</text></questiontext>
        <answer fraction="100"><text>yes</text></answer></question>
      <question type="numerical"><name><text>N</text></name><questiontext format="rtf"><text>Q</text></questiontext>
        <answer fraction="100"><text>1,5</text></answer></question>
      <question type="matching"><name><text>M</text></name><questiontext><text>Q</text></questiontext>
        <subquestion><text>a</text><answer><text></text></answer></subquestion></question>
      <question type="ordering"><name><text>O</text></name><questiontext><text>Q</text></questiontext>
        <gradingtype>SOMETIMES</gradingtype><answer><text>one</text></answer></question>
      <question type="ddwtos"><name><text>D</text></name></question>
    </quiz>"""
    assert check(broken) == [
        "multichoice at line 2: no answer at 100% (errfractionsnomax)",
        "multichoice at line 5: the positive fractions do not add up to 100% (errfractionsaddwrong)",
        "truefalse at line 8: no <name><text> (xmlimportnoname)",
        "truefalse at line 8: the answers are ['yes'], not 'true' and 'false'",
        "numerical at line 10: <questiontext> has the unknown format 'rtf'",
        "numerical at line 10: the answer '1,5' is not a number",
        "matching at line 12: fewer than 2 items with text",
        "matching at line 12: the item 'a' has no answer",
        "ordering at line 14: fewer than 2 items",
        "ordering at line 14: <gradingtype> is 'SOMETIMES'",
        "ddwtos at line 16: Moodle has no question type 'ddwtos'",
    ]


def test_the_gift_export_reads_as_moodle_reads_it(runner, tmp_path):
    """Moodle's GIFT reader sees one answer block per question, the right type, and the comments as comments."""
    out = tmp_path / "bank.txt"
    assert runner.invoke(main, ["export-questions", str(COURSES["quiz-showcase"]), "-o", str(out)]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    blocks = [b for b in text.split("\n\n") if b.strip()]
    kinds = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n") if not line.strip().startswith("//")]
        if not lines or lines[0].startswith("$CATEGORY:"):
            continue
        body = gift.masked("\n".join(lines))
        start, finish = body.find("{"), body.find("}")
        assert 0 < start < finish == len(body.rstrip()) - 1, block  # the answers close the question
        assert body.find("{", finish) < 0
        kinds.append(gift.answer_kind(body[start + 1 : finish].split("####")[0]))
    assert kinds == ["truefalse", "multichoice", "multichoice", "shortanswer", "numerical", "match", "ordering",
                     "multichoice", "truefalse", "numerical", "multichoice"]  # fmt: skip


def test_export_options_and_problems(runner, tmp_path, monkeypatch, make_course):
    monkeypatch.chdir(COURSES["self-compassion"])
    to_stdout = runner.invoke(main, ["export-questions", "--format", "gift", "-o", "-"])
    assert to_stdout.exit_code == 0 and to_stdout.stdout.startswith("// Exported by coursepack")
    by_extension = runner.invoke(main, ["export-questions", "-o", str(tmp_path / "x.txt")])
    assert (tmp_path / "x.txt").read_text(encoding="utf-8").startswith("// Exported by coursepack")
    assert by_extension.exit_code == 0
    monkeypatch.chdir(tmp_path)
    default = runner.invoke(main, ["export-questions", str(COURSES["self-compassion"])])
    assert default.exit_code == 0 and (tmp_path / "self-compassion-questions.xml").is_file()
    strict = runner.invoke(main, ["export-questions", str(COURSES["quiz-showcase"]), "--strict", "-o", "s.xml"])
    assert strict.exit_code == 2 and "error: question 'confidence_before': left out" in strict.stderr
    assert not (tmp_path / "s.xml").exists()
    broken = make_course({"lessons/two.html": None})
    refused = runner.invoke(main, ["export-questions", str(broken)])
    assert refused.exit_code == 2 and "lessons/two.html' does not exist" in refused.stderr
    without = make_course({"course.yaml": COURSE_YAML.replace("quiz: quiz.yaml\n", "")}, name="noquiz")
    no_quiz = runner.invoke(main, ["export-questions", str(without)])
    assert no_quiz.exit_code == 2 and "error: the course has no quiz to export" in no_quiz.stderr

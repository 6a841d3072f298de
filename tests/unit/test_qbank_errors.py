"""Bad and hostile question banks: every problem at once, with file, line (and column), what and how to fix; exit 2;
nothing written. Hostile XML (entities, external DTDs, huge texts and files) is refused safely."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

from builder.cli import main


def run(runner, monkeypatch, tmp_path, files: dict, *args):
    """Write *files* into tmp_path/banks, import the first ones named in *args* (default: all) into course/."""
    banks = tmp_path / "banks"
    banks.mkdir(exist_ok=True)
    for name, content in files.items():
        path = banks / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    monkeypatch.chdir(banks)
    names = [a for a in args if not a.startswith("-")] or list(files)
    options = [a for a in args if a.startswith("-")]
    return runner.invoke(main, ["import-questions", *names, "-o", str(tmp_path / "course" / "quiz.yaml"), *options])


def assert_refused(result, tmp_path, *expected):
    assert result.exit_code == 2, result.output
    for line in expected:
        assert line in result.stderr, f"missing {line!r} in:\n{result.stderr}"
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert "nothing was written" in result.stderr
    assert not (tmp_path / "course").exists()


#: The hint every question of a type coursepack has not gets.
UNSUPPORTED = "hint: rewrite it as one of the supported types, or leave it out with --skip-unsupported"

GIFT_CASES = [
    pytest.param(
        "::Q::What?{=a ~b\n",
        [
            "bank.gift:1:11: error: a '{' without the '}' that closes the answers",
            "hint: write '\\{' for a brace in text",
        ],
        id="no-closing-brace",
    ),
    pytest.param(
        "::Q::What} is it?{=a ~b}\n",
        ["bank.gift:1:10: error: a '}' without the '{' that opens the answers"],
        id="closing-brace-first",
    ),
    pytest.param(
        "::Q::Pick{~only one}\n",
        ["bank.gift:1:11: error: a multiple-choice question needs at least 2 answers"],
        id="one-choice",
    ),
    pytest.param(
        "::Q::Pick{=a ~}\n",
        ["bank.gift:1:15: error: an empty answer", "hint: write the answer's text, or remove the '~' or '='"],
        id="empty-choice",
    ),
    pytest.param(
        "::Q::Match{\n=a -> b\n=c\n}\n",
        ["bank.gift:3:2: error: a matching pair without '->'", "hint: write each pair as '=item -> match'"],
        id="pair-without-arrow",
    ),
    pytest.param(
        "::Q::How many?{#twelve}\n",
        ["bank.gift:1:17: error: 'twelve' is not a number", "hint: write it as {#3.14}, {#3.14:0.01} or {#1..5}"],
        id="not-a-number",
    ),
    pytest.param(
        "::Q::Range?{#5..1}\n",
        ["bank.gift:1:14: error: '5..1' is not a range", "hint: write a range as {#1..5}, the lowest first"],
        id="reversed-range",
    ),
    pytest.param(
        "::Q::How many?{#}\n",
        ["bank.gift:1:17: error: a numerical question needs an answer after '#'"],
        id="numerical-without-answer",
    ),
    pytest.param(
        "::Q::Pick{~%--50%a ~%50%b ~%50%c}\n",
        ["bank.gift:1:12: error: '%--50%' is not a weight", "hint: write a weight as %50% or %-50%"],
        id="bad-weight",
    ),
    pytest.param(
        "// coursepack: {weight: 2}\n::Q::Sky is blue{T}\n",
        [
            "bank.gift:1:1: error: the coursepack: comment is not valid JSON (Expecting property name enclosed in "
            "double quotes)",
            'hint: write it as coursepack: {"weight": 2}, or remove the comment',
        ],  # fmt: skip
        id="extras-not-json",
    ),
    pytest.param(
        '  // coursepack: {"weight": "heavy"}\n::Q::Sky is blue{T}\n',
        ['bank.gift:1:3: error: the weight "heavy" is not a number'],
        id="extras-weight-not-a-number",
    ),
    pytest.param(
        "// coursepack: [1, 2]\n::Q::Sky is blue{T}\n",
        ["bank.gift:1:1: error: the coursepack: comment must hold a JSON object"],
        id="extras-not-an-object",
    ),
    pytest.param(
        "::Q::Which?{~%50%a ~%-50%b}\n",
        [
            "bank.gift:1:1: error: question 'Q': cannot be imported: the right answers add up to 50%, and Moodle "
            "itself refuses a multiple-answer question whose right answers do not add up to 100%",
            "hint: give the right answers weights that add up to 100%, such as %50% and %50%",
        ],
        id="right-answers-short-of-100",
    ),
    pytest.param(
        "::Q::Which?{~%-50%a ~%0%b}\n",
        [
            "bank.gift:1:1: error: question 'Q': cannot be imported: no answer earns any marks, so there is no right "
            "choice"
        ],  # fmt: skip
        id="multiple-answer-without-a-right-answer",
    ),
    pytest.param(
        "::Q::Capital?{=%50%Paris}\n",
        [
            "bank.gift:1:1: error: question 'Q': cannot be imported: no answer earns full marks",
            "hint: give the accepted answers 100%",
        ],  # fmt: skip
        id="short-answer-without-a-full-answer",
    ),
    pytest.param(
        "::Q::" + "Long " * 500 + "{T}\n",
        [
            "bank.gift:1:1: error: question 'Q': text: is 2499 characters long; at most 2000 are allowed",
            "hint: shorten it",
        ],  # fmt: skip
        id="text-too-long-for-quiz-yaml",
    ),
    pytest.param(
        "::Q::Pick{=Paris ~Lyon ~Paris}\n",
        [
            "bank.gift:1:1: error: question 'Q': choices[2]: the choice 'Paris' is given twice",
            "hint: every choice must be different",
        ],
        id="a-choice-twice",
    ),
]


@pytest.mark.parametrize("gift, expected", GIFT_CASES)
def test_a_broken_gift_question(runner, monkeypatch, tmp_path, gift, expected):
    assert_refused(run(runner, monkeypatch, tmp_path, {"bank.gift": gift}), tmp_path, *expected)


def test_every_problem_of_every_file_at_once(runner, monkeypatch, tmp_path):
    files = {
        "one.gift": "::A::What?{=a ~b\n\n::B::Fine{T}\n\n::C::How many?{#x}\n",
        "two.xml": '<quiz><question type="truefalse"><questiontext><text>No name</text></questiontext></question>'
        '<question type="multichoice"><name><text>M</text></name><answer fraction="lots"><text>a</text></answer>'
        "</question></quiz>",
        "three.csv": "q,a\n",
    }
    result = run(runner, monkeypatch, tmp_path, files)
    assert_refused(
        result,
        tmp_path,
        "one.gift:1:11: error: a '{' without the '}' that closes the answers",
        "one.gift:5:17: error: 'x' is not a number",
        "two.xml:1: error: a question without <name><text>",
        "two.xml:1: error: 'lots' is not a number",
        "three.csv: error: '.csv' is not a question bank format coursepack reads",
        "hint: give GIFT files (.gift or .txt) or Moodle XML files (.xml)",
        "error: 5 problems found; nothing was written",
    )


def test_a_gift_file_that_is_not_utf8(runner, monkeypatch, tmp_path):
    result = run(runner, monkeypatch, tmp_path, {"bank.gift": "::Q::Caf\xe9?{T}\n".encode("latin-1")})
    assert_refused(result, tmp_path, "bank.gift:1:9: error: this file is not UTF-8 (byte 0xe9 cannot be decoded)")


def test_files_that_cannot_be_read(runner, monkeypatch, tmp_path):
    (tmp_path / "banks").mkdir()
    os.mkfifo(tmp_path / "banks" / "pipe.gift")
    result = run(runner, monkeypatch, tmp_path, {}, "pipe.gift", "missing.xml")
    assert_refused(
        result,
        tmp_path,
        "pipe.gift: error: is a named pipe (FIFO), not a file",
        "missing.xml: error: does not exist",
    )


def test_an_existing_quiz_file_is_not_replaced(runner, monkeypatch, tmp_path):
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "quiz.yaml").write_text("title: Mine\n", encoding="utf-8")
    result = run(runner, monkeypatch, tmp_path, {"bank.gift": "::Q::Sky{T}\n"})
    assert result.exit_code == 2
    assert "course/quiz.yaml: error: already exists" in result.stderr
    assert "hint: add the questions to it with --merge, or give another -o" in result.stderr
    assert (tmp_path / "course" / "quiz.yaml").read_text(encoding="utf-8") == "title: Mine\n"


# ---------------------------------------------------------------------------------------------- Moodle XML
XML_CASES = [
    pytest.param(
        "<quiz>\n<question type='truefalse'>\n<name><text>Q</text></name>\n</quiz>\n",
        [
            "bank.xml:4:8: error: this is not well-formed XML: Opening and ending tag mismatch: question line 2 and "
            "quiz",
            "hint: a Moodle XML bank is a <quiz> element holding <question> elements",
        ],  # fmt: skip
        id="not-well-formed",
    ),
    pytest.param(
        "<questions/>",
        ["bank.xml:1: error: the root element is <questions>; a Moodle XML question bank is a <quiz> element"],
        id="wrong-root",
    ),
    pytest.param(
        "<quiz>\n  <question><name><text>Q</text></name></question>\n</quiz>",
        ["bank.xml:2: error: a <question> without a type", 'hint: give it one, e.g. <question type="multichoice">'],
        id="no-type",
    ),
    pytest.param(
        "<quiz><question type='shortanswer'><name><text>Q</text></name>\n"
        "<questiontext format='html'><text><p>Bold <b>text</b></p></text></questiontext></question></quiz>",
        ["bank.xml:2: error: <text> holds elements", "hint: write HTML in a text escaped, or in <![CDATA[ … ]]>"],
        id="markup-inside-text",
    ),
    pytest.param(
        "<quiz><question type='multichoice'><name><text>Q</text></name><questiontext><text>Q?</text>\n"
        "<file name='a.png' path='/' encoding='base64'>@@@@</file></questiontext></question></quiz>",
        ["bank.xml:2: error: the file 'a.png' is not valid base64"],
        id="bad-base64",
    ),
    pytest.param(
        "<quiz><question type='cloze'><name><text>Gaps</text></name>"
        "<questiontext><text>{1:SHORTANSWER:=a}</text></questiontext></question></quiz>",
        [
            "bank.xml:1: error: question 'Gaps': cannot be imported: a Cloze question has several gaps in one text",
            "hint: rewrite it as one of the supported types, or leave it out with --skip-unsupported",
        ],  # fmt: skip
        id="cloze",
    ),
    pytest.param(
        "<quiz><question type='multichoice'><name><text>Q</text></name><single>true</single>"
        "<answer fraction='50'><text>a</text></answer><answer fraction='0'><text>b</text></answer></question></quiz>",
        [
            "bank.xml:1: error: question 'Q': cannot be imported: no answer earns full marks, so there is no right "
            "choice",
        ],
        id="single-choice-without-a-right-answer",
    ),
    pytest.param(
        "<quiz><question type='calculated'><name><text>Calc</text></name></question></quiz>",
        [
            "bank.xml:1: error: question 'Calc': cannot be imported: Moodle's 'calculated' questions have no "
            "coursepack equivalent"
        ],  # fmt: skip
        id="calculated",
    ),
    pytest.param(
        "<quiz><question type='numerical'><name><text>N</text></name><questiontext><text>N?</text></questiontext>\n"
        "<answer fraction='100'><text>1,5</text></answer></question></quiz>",
        ["bank.xml:2: error: '1,5' is not a number"],
        id="numerical-not-a-number",
    ),
]


@pytest.mark.parametrize("xml, expected", XML_CASES)
def test_a_broken_moodle_xml_bank(runner, monkeypatch, tmp_path, xml, expected):
    assert_refused(run(runner, monkeypatch, tmp_path, {"bank.xml": xml}), tmp_path, *expected)


@pytest.mark.parametrize(
    "qtype, why",
    [
        ("multianswer", "a Cloze question has several gaps in one text"),
        ("ddwtos", "drag-and-drop into text has several gaps in one text"),
        ("gapselect", "select-missing-words has several gaps in one text"),
    ],
)
def test_the_several_gap_types_are_refused_by_name(runner, monkeypatch, tmp_path, qtype, why):
    xml = f"<quiz>\n<question type='{qtype}'><name><text>Gaps</text></name></question>\n</quiz>"
    result = run(runner, monkeypatch, tmp_path, {"bank.xml": xml})
    assert_refused(result, tmp_path, f"bank.xml:2: error: question 'Gaps': cannot be imported: {why}", UNSUPPORTED)


def test_unsupported_questions_can_be_left_out(runner, monkeypatch, tmp_path):
    xml = (
        "<quiz><question type='ddwtos'><name><text>Drag</text></name></question>"
        "<question type='truefalse'><name><text>TF</text></name><questiontext><text>Yes?</text></questiontext>"
        "<answer fraction='100'><text>true</text></answer></question></quiz>"
    )
    result = run(runner, monkeypatch, tmp_path, {"bank.xml": xml}, "--skip-unsupported")
    assert result.exit_code == 0, result.stderr
    assert "bank.xml:1: warning: question 'Drag': left out: drag-and-drop into text has several gaps" in result.stderr
    assert "imported 1 question into" in result.stderr and "(1 left out)" in result.stderr
    shutil.rmtree(tmp_path / "course")
    strict = run(runner, monkeypatch, tmp_path, {"bank.xml": xml}, "--skip-unsupported", "--strict")
    assert_refused(strict, tmp_path, "bank.xml:1: error: question 'Drag': left out: drag-and-drop into text")


LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE quiz [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<quiz><question type="truefalse"><name><text>&d;</text></name></question></quiz>
"""


@pytest.mark.parametrize(
    "xml, expected",
    [
        pytest.param(
            LAUGHS,
            "bank.xml:2: error: the file has a DOCTYPE, which a Moodle XML question bank never needs",
            id="entity-expansion",
        ),  # fmt: skip
        pytest.param(
            '<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
            '<quiz><question type="truefalse"><name><text>&x;</text></name></question></quiz>',
            "bank.xml:2: error: the file has a DOCTYPE",
            id="external-entity",
        ),
        pytest.param(
            '<?xml version="1.0"?>\n<!DOCTYPE quiz SYSTEM "http://127.0.0.1:9/evil.dtd">\n<quiz/>',
            "bank.xml:2: error: the file has a DOCTYPE",
            id="external-dtd",
        ),
        pytest.param(
            '<quiz><question type="truefalse"><name><text>&x;</text></name></question></quiz>',
            "bank.xml:1:49: error: this is not well-formed XML: Entity 'x' not defined",
            id="undeclared-entity",
        ),
        pytest.param(
            "<quiz><question type='truefalse'><name><text>" + "a" * 10_100_000 + "</text></name></question></quiz>",
            "error: this is not well-formed XML: one text in it is longer than 10 MB, which no question bank needs",
            id="huge-text",
        ),
    ],
)
def test_hostile_xml_is_refused_safely(runner, monkeypatch, tmp_path, xml, expected):
    result = run(runner, monkeypatch, tmp_path, {"bank.xml": xml})
    assert_refused(result, tmp_path, expected, "hint:")
    assert "root:" not in result.stderr and "aaaaaaaaaaaaaaaa" not in result.stderr


def test_a_bank_over_its_size_limit_is_not_read(runner, monkeypatch, tmp_path):
    monkeypatch.setenv("COURSEPACK_LIMIT_BANK_FILE_MB", "1")
    result = run(runner, monkeypatch, tmp_path, {"bank.gift": "::Q::Sky{T}\n\n" * 100_000})
    assert_refused(
        result,
        tmp_path,
        "bank.gift: error: is 1,300,000 bytes; a question bank file (GIFT or Moodle XML) to import may be at most 1 MB",
        "hint: if this is intended, raise the limit for the build, e.g. COURSEPACK_LIMIT_BANK_FILE_MB=2",
    )


def test_more_questions_than_a_quiz_may_hold(runner, monkeypatch, tmp_path):
    monkeypatch.setenv("COURSEPACK_LIMIT_QUESTIONS", "3")
    gift = "".join(f"::Q{n}::Sky {n}{{T}}\n\n" for n in range(5))
    result = run(runner, monkeypatch, tmp_path, {"bank.gift": gift})
    assert_refused(result, tmp_path, "bank.gift: error: the banks hold more than 3 questions, the most a quiz may have")


# ---------------------------------------------------------------------------------------------- merging
def test_merging_into_a_broken_quiz_file_is_refused(runner, monkeypatch, tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    (course / "quiz.yaml").write_text("title: Mine\nquestions:\n  - id: 1bad\n", encoding="utf-8")
    result = run(runner, monkeypatch, tmp_path, {"bank.gift": "::Q::Sky{T}\n"}, "--merge")
    assert result.exit_code == 2
    assert "course/quiz.yaml:3:9: error: questions[0].id: '1bad' is not allowed here" in result.stderr
    assert "course/quiz.yaml: error: has problems of its own, so nothing can be added to it" in result.stderr
    assert (course / "quiz.yaml").read_text(encoding="utf-8") == "title: Mine\nquestions:\n  - id: 1bad\n"


def test_merging_into_a_flow_style_list_is_refused(runner, monkeypatch, tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    text = "title: Mine\nquestions: [{id: q, type: true-false, text: T, answer: true}]\n"
    (course / "quiz.yaml").write_text(text, encoding="utf-8")
    result = run(runner, monkeypatch, tmp_path, {"bank.gift": "::Q::Sky{T}\n"}, "--merge")
    assert result.exit_code == 2
    assert "course/quiz.yaml: error: its question list is written in flow style ([ … ])" in result.stderr
    assert (course / "quiz.yaml").read_text(encoding="utf-8") == text


def test_nothing_is_written_when_only_some_files_fail(runner, monkeypatch, tmp_path):
    good = Path(__file__).resolve().parents[1] / "qbank" / "xml" / "images.xml"
    files = {"images.xml": good.read_bytes(), "bad.gift": "::Q::{=a\n"}
    result = run(runner, monkeypatch, tmp_path, files)
    assert_refused(result, tmp_path, "bad.gift:1:6: error: a '{' without the '}' that closes the answers")

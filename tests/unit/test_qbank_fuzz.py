"""Property-based fuzzing of both importers (Hypothesis, derandomized: the same examples in every run).

Whatever a GIFT or Moodle XML file holds, import-questions ends with a valid quiz.yaml (exit 0)
or with located errors and nothing written (exit 2): never a traceback, never an internal error.
Inputs are token soup made of each format's syntax, and corpus files (tests/qbank/) with a random
slice replaced by such soup.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.cli import main
from builder.problems import Problems
from builder.sources import yamldoc
from builder.sources.quiz import read_quiz

FUZZ = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SECONDS = 20
CORPUS = REPO / "tests" / "qbank"

GIFT_TOKENS = list("{}~=#:%->\\/\n\t $[]*.") + [
    "::", "####", "->", "//", "$CATEGORY: a/b", "[html]", "[markdown]", "[plain]", "[moodle]", "%50%", "%-100%",
    "%--5%", "T", "TRUE", "F", "FALSE", "true", "#3.14:0.1", "1..5", "5..1", ">2 RANDOM",
    ">3 ALL VERTICAL ABSOLUTE_POSITION SHOW none\n", "\\n", "\\{", "\\=", "<b>", "<img src=\"x.png\">", "&amp;",
    "&nbsp;", '// coursepack: {"weight": 2}\n',
    '// coursepack: {"fixed": [9]}\n', "// coursepack: [\n", "// [id:x]\n", "\n\n", "é", "\x00", "\ufeff", "9" * 30,
    "1e999", "::Q::", "Question text",
]  # fmt: skip
XML_TOKENS = [
    "<quiz>", "</quiz>", '<question type="multichoice">', '<question type="truefalse">', '<question type="matching">',
    '<question type="numerical">', '<question type="ordering">', '<question type="category">', '<question type="x">',
    "</question>", "<name><text>N</text></name>", '<questiontext format="html">', '<questiontext format="markdown">',
    "</questiontext>", "<text>", "</text>", "<![CDATA[", "]]>", "<p>", "</p>", "&amp;", "&x;", "&#0;",
    "<!DOCTYPE quiz>", '<answer fraction="50">', '<answer fraction="abc">', '<answer fraction="100">', "</answer>",
    "<single>false</single>",
    "<subquestion>", "</subquestion>", "<tolerance>x</tolerance>", "<gradingtype>ALL_OR_NOTHING</gradingtype>",
    '<img src="@@PLUGINFILE@@/a.png">', '<file name="../a.png" path="/" encoding="base64">iVBORw0KGgo=</file>',
    "<!-- coursepack: {\"draw\": 9} -->", "<!-- coursepack: {\"range\": [1] } -->", "<defaultgrade>-3</defaultgrade>",
    "true", "false", "<", ">", "/", '"', "\n", " ", "é",
]  # fmt: skip


words = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12)
SNIPPETS = ["<p>A <b>bold</b> text</p>", "a &amp; b", '<img src="@@PLUGINFILE@@/a b.png" alt="x">', "*", "", "\x07"]
texts = st.integers(0, 9).flatmap(lambda n: st.sampled_from(SNIPPETS) if n == 0 else words)  # now and then a snippet
FRACTIONS = st.sampled_from(["100", "0", "0", "50", "-50", "33.33333", "100", "0", "150", "abc", ""])


@st.composite
def structured_xml(draw):
    """A well-formed Moodle XML bank of questions of every type, mostly plausible: the converters get a workout."""
    out = ["<quiz>"]
    for _ in range(draw(st.integers(2, 5))):
        qtype = draw(st.sampled_from(["multichoice", "truefalse", "shortanswer", "numerical", "matching", "ordering",
                                      "essay", "category", "cloze"]))  # fmt: skip
        fmt = draw(st.sampled_from(["html", "plain_text", "moodle_auto_format", "markdown", "wiki_like", "bogus"]))
        parts = [f'<question type="{qtype}">', "<category><text>$course$/top/c</text></category>"]
        parts.append(draw(st.sampled_from(["", '<!-- coursepack: {"partial_credit": false, "fixed": [1]} -->',
                                           '<!-- coursepack: {"range": ["1", "3"], "weight": "x"} -->'])))  # fmt: skip
        parts.append(f"<name><text>{escape(draw(texts))}</text></name><defaultgrade>{draw(FRACTIONS)}</defaultgrade>")
        parts.append(f"<penalty>{draw(FRACTIONS)}</penalty>")
        parts.append(f'<questiontext format="{fmt}"><text>{escape(draw(texts))}</text>')
        parts.append('<file name="a b.png" path="/" encoding="base64">iVBORw0KGgo=</file></questiontext>')
        single = draw(st.booleans())
        parts.append(f"<single>{str(single).lower()}</single><usecase>{int(draw(st.booleans()))}</usecase>")
        n = draw(st.integers(1, 4))
        for k in range(n):
            if qtype == "truefalse":
                value, fraction = ("true", "false")[k % 2], ("100", "0")[k % 2]
            elif qtype == "numerical":
                value, fraction = str(draw(st.integers(-5, 5))), draw(st.sampled_from(["100", "0", "50"]))
            else:
                value = draw(texts)
                fraction = draw(st.sampled_from(["100", "0", "0"] if single else ["50", "50", "-50", "0"]))
            parts.append(f'<answer fraction="{fraction}" format="{fmt}"><text>{escape(value)}</text>')
            parts.append(f"<tolerance>{draw(st.sampled_from(['0', '0.5', '0', 'x']))}</tolerance></answer>")
            parts.append(f"<subquestion><text>{escape(draw(words))}</text><answer><text>{escape(value)}</text>")
            parts.append("</answer></subquestion>")
        out.append("".join(parts) + "</question>")
    return "".join(out) + "</quiz>"


def soup(tokens):
    return st.lists(st.sampled_from(tokens), max_size=60).map("".join)


def spliced(paths, tokens):
    """A corpus file with a random slice replaced by token soup."""
    texts = [p.read_text(encoding="utf-8") for p in paths]
    return st.tuples(st.sampled_from(texts), st.floats(0, 1), st.integers(0, 60), soup(tokens)).map(
        lambda t: t[0][: int(t[1] * len(t[0]))] + t[3] + t[0][int(t[1] * len(t[0])) + t[2] :]
    )


def import_once(runner, name: str, text: str, *options: str):
    with tempfile.TemporaryDirectory() as tmp:
        bank = Path(tmp) / name
        bank.write_bytes(text.encode("utf-8", "surrogatepass"))
        course = Path(tmp) / "course"
        started = time.monotonic()
        result = runner.invoke(main, ["import-questions", str(bank), "-o", str(course / "quiz.yaml"), *options])
        seconds = time.monotonic() - started
        written = (course / "quiz.yaml").read_text(encoding="utf-8") if (course / "quiz.yaml").exists() else None
        files = sorted(p.name for p in course.rglob("*")) if course.exists() else []
    return result, seconds, written, files


def assert_quiz_or_clear_refusal(result, seconds, written, files):
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    if result.exit_code == 2:
        assert ": error: " in result.stderr and "nothing was written" in result.stderr, result.stderr
        assert written is None and files == []
    else:
        problems = Problems()
        doc = yamldoc.load(written, "quiz.yaml", problems)
        assert doc is not None and read_quiz(doc, problems) is not None, [p.format() for p in problems]
    assert seconds < SECONDS


OPTIONS = st.sampled_from([(), ("--skip-unsupported",)])


@FUZZ
@given(text=st.one_of(soup(GIFT_TOKENS), spliced(sorted(CORPUS.glob("gift/*.gift")), GIFT_TOKENS)), options=OPTIONS)
def test_any_gift_file_imports_or_is_refused_clearly(runner, text, options):
    assert_quiz_or_clear_refusal(*import_once(runner, "bank.gift", text, *options))


@FUZZ
@given(
    text=st.one_of(soup(XML_TOKENS), spliced(sorted(CORPUS.glob("xml/*.xml")), XML_TOKENS), structured_xml()),
    options=OPTIONS,
)
def test_any_moodle_xml_file_imports_or_is_refused_clearly(runner, text, options):
    assert_quiz_or_clear_refusal(*import_once(runner, "bank.xml", text, *options))

"""Property-based fuzzing of the course and quiz loaders (Hypothesis, derandomized: the same examples in every run).

Whatever course.yaml or quiz.yaml holds, a build ends in a package (exit 0) or in located
errors (exit 2): never a traceback, never an internal error, and within the bound of
docs/limits.md. Inputs come three ways: YAML written from random values of every type a loader
can meet, random token soup made of YAML's syntax and the format's keys, and valid files with a
random slice replaced by such tokens.
"""

from __future__ import annotations

import math
import tempfile
import textwrap
import time
from pathlib import Path

import yaml
from conftest import COURSE_YAML, LESSON, QUIZ_YAML
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.cli import main
from builder.sources.course import COURSE_KEYS
from builder.sources.quiz import QUIZ_KEYS, question_keys

QUESTION_KEYS = question_keys()

FUZZ = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
#: The bound of docs/limits.md for a source this small (the benchmark holds the worst cases).
SECONDS = 20

WORDS = sorted(set(COURSE_KEYS + QUIZ_KEYS + QUESTION_KEYS)) + ["true-false", "numeric", "lessons/one.html"]
TOKENS = WORDS + list(":-[]{},&*!|>?'\"#%@`\t\n ") + ["  ", "\n  - ", ": ", "&a ", "*a", "!!str ", "!include ", ".nan"]
TOKENS += ["2025-02-30", "9" * 60, "1e400", "1.0e+400", "<<: ", "---\n", "\\u0000", "\u00e9", "\ufeff"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(WORDS),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(WORDS) | st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=25,
)
soup = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)


def documents(valid: str, keys) -> st.SearchStrategy[str]:
    """YAML text: random values under the format's keys, token soup, or *valid* with a slice replaced."""
    structured = st.dictionaries(st.sampled_from(sorted(keys)), values, max_size=8).map(
        lambda d: yaml.safe_dump(d, allow_unicode=True)
    )
    spliced = st.tuples(st.integers(0, len(valid)), st.integers(0, 40), soup).map(
        lambda t: valid[: t[0]] + t[2] + valid[t[0] + t[1] :]
    )
    return st.one_of(structured, soup, spliced)


def build_once(runner, course_yaml: str, quiz_yaml: str):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "course"
        (root / "lessons").mkdir(parents=True)
        (root / "course.yaml").write_text(course_yaml, encoding="utf-8")
        (root / "quiz.yaml").write_text(quiz_yaml, encoding="utf-8")
        for name in ("one", "two"):
            (root / "lessons" / f"{name}.html").write_text(LESSON, encoding="utf-8")
        started = time.monotonic()
        result = runner.invoke(main, ["build", str(root), "-o", str(Path(tmp) / "dist"), "-q"])
        seconds = time.monotonic() - started
        written = list((Path(tmp) / "dist").glob("*")) if (Path(tmp) / "dist").exists() else []
    return result, seconds, written


def assert_build_or_clear_refusal(result, seconds, written):
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    if result.exit_code == 2:
        assert ": error: " in result.stderr or "Error: " in result.stderr, result.stderr
        assert written == []
    else:
        assert [p.name for p in written] and all(p.suffix == ".zip" for p in written)
    assert seconds < SECONDS


@FUZZ
@given(text=documents(textwrap.dedent(COURSE_YAML), COURSE_KEYS))
def test_any_course_yaml_builds_or_is_refused_clearly(runner, text):
    assert_build_or_clear_refusal(*build_once(runner, text, QUIZ_YAML))


@FUZZ
@given(text=documents(textwrap.dedent(QUIZ_YAML), QUIZ_KEYS + QUESTION_KEYS))
def test_any_quiz_yaml_builds_or_is_refused_clearly(runner, text):
    assert_build_or_clear_refusal(*build_once(runner, COURSE_YAML, text))


@FUZZ
@given(question=st.dictionaries(st.sampled_from(sorted(QUESTION_KEYS)), values, max_size=7))
def test_any_question_builds_or_is_refused_clearly(runner, question):
    question = {"id": "q_fuzz", "type": "numeric", "text": "T", **question}
    text = QUIZ_YAML + textwrap.indent(yaml.safe_dump([question], allow_unicode=True), "  ")
    result, seconds, written = build_once(runner, COURSE_YAML, text)
    assert_build_or_clear_refusal(result, seconds, written)
    numbers = [v for v in question.values() if isinstance(v, float) and not math.isfinite(v)]
    if numbers:  # NaN and infinities are refused wherever they are
        assert result.exit_code == 2 and "is not a finite number" in result.stderr

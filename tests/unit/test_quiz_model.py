"""The quiz model and what the build derives from it: SCORM 1.2 patterns, the sealed answer key, the
runtime configuration and the worst-case suspend_data of both example courses."""

from __future__ import annotations

import hashlib
import json
import re
import textwrap
import zipfile
from pathlib import Path

import pytest

from builder.answerkey import key_seed, unseal
from builder.cli import main
from builder.model import scramble
from builder.page.runtime_config import runtime_config
from builder.sources.course import load_course
from builder.suspend import worst_case_length

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "course_src" / "self-compassion"
SHOWCASE = REPO / "course_src" / "quiz-showcase"


@pytest.fixture(scope="module")
def showcase():
    course, warnings = load_course(SHOWCASE)
    assert warnings == []
    return course


@pytest.fixture(scope="module")
def showcase_zip(tmp_path_factory):
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("dist")
    result = CliRunner().invoke(main, ["build", str(SHOWCASE), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    (path,) = out.glob("*.zip")
    return path


def page_config(zip_path) -> dict:
    with zipfile.ZipFile(zip_path) as zf:
        page = zf.read("index.html").decode()
    return json.loads(
        re.search(r'<script type="application/json" id="course-config">(.*?)</script>', page, re.S).group(1)
    )


def test_worst_case_suspend_data_of_the_example_courses(showcase):
    sample, _ = load_course(SAMPLE)
    # "2~ffff~" + 2 bitmap characters (8 lessons) + "~" + "3.s.100." + evaluation "-" and 4 ratings + "." + 8 answers
    assert worst_case_length(sample) == 7 + 2 + 1 + 8 + 5 + 1 + 8 == 32
    # showcase: 7 + 1 + 1, "3.s.100." (8), seed "xxxxx." (6), checked "AA." (ceil(10/6) + 1), evaluation "-123." (5),
    # answers: core 1 + 1 + 1 + (2 + 20) + (1 + 20) + 4 + 5 + 1, the 2 longest scenarios (1 + 20) + 1
    assert worst_case_length(showcase) == 9 + 8 + 6 + 3 + 5 + 56 + 22 == 109
    assert runtime_config(showcase)["suspendWorstCase"] == 109


def test_worst_case_takes_the_longest_questions_a_pool_can_draw(make_course):
    quiz = textwrap.dedent("""\
        title: Q
        attempts: 12
        feedback: after-question
        pools:
          - id: p
            draw: 1
            questions:
              - {id: a, type: true-false, text: T, answer: true}
              - {id: b, type: fill-in, text: F, answers: [x], max_length: 30}
          - id: r
            questions:
              - {id: c, type: multiple-response, text: M, choices: [{text: A, correct: true}, B, C, D, E, F, G]}
              - {id: d, type: matching, text: Ma, pairs: [{source: A, target: X}, {source: B, target: Y}]}
        evaluation:
          items: [{id: e1, text: One}, {id: e2, text: Two}]
        """)
    course, _ = load_course(make_course({"quiz.yaml": quiz}))
    # "2~ffff~A~" (9) + "c.s.100." (8) + seed (6) + checked for 3 questions (2) + "-12." (4)
    # + answers: fill-in 2 + 30, multiple-response ceil(7 / 6) = 2, matching 2
    assert worst_case_length(course) == 9 + 8 + 6 + 2 + 4 + 32 + 2 + 2


def test_scorm_patterns_and_single_character_identifiers(showcase):
    q = {x.id: x for x in showcase.quiz.questions}
    assert q["gloves_replace"].correct_patterns == ("f",)
    assert q["rub_duration"].correct_patterns == ("b",)
    assert q["soap_needed"].correct_patterns == ("a,b",)
    assert q["alcohol_resistant"].correct_patterns == ("spores", "spore")
    assert q["wash_seconds"].correct_patterns == ()  # a bare range has no single correct number
    assert q["rub_seconds"].correct_patterns == ("25",)
    assert q["confidence_before"].correct_patterns == ()
    matching = q["moments_match"]
    (pattern,) = matching.correct_patterns
    assert re.fullmatch(r"1\.[a-e],2\.[a-e],3\.[a-e],4\.[a-e]", pattern)
    targets = matching.targets
    assert [targets["abcde".index(p[-1])] for p in pattern.split(",")] == [t for _, t in matching.pairs]
    sequencing = q["rub_steps"]
    (pattern,) = sequencing.correct_patterns
    assert re.fullmatch(r"[a-e](,[a-e]){4}", pattern) and pattern != "a,b,c,d,e"
    assert [sequencing.sequence["abcde".index(c)] for c in pattern.split(",")] == list(sequencing.items)
    assert {x.interaction_type for x in q.values()} == {
        "true-false",
        "choice",
        "fill-in",
        "numeric",
        "matching",
        "sequencing",
        "likert",
    }


def test_scrambles_are_fixed_and_never_the_identity():
    for n in range(2, 37):
        order = scramble(n, f"items/q{n}")
        assert sorted(order) == list(range(n)) and list(order) != list(range(n))
        assert scramble(n, f"items/q{n}") == order
    assert scramble(1, "x") == (0,) and scramble(0, "x") == ()


def test_the_answer_key_is_not_in_the_package_as_plain_text(showcase, showcase_zip):
    with zipfile.ZipFile(showcase_zip) as zf:
        texts = {name: zf.read(name).decode("utf-8") for name in zf.namelist()}
    secrets = [q.explanation for q in showcase.quiz.questions if q.explanation]
    secrets += [c.feedback for q in showcase.quiz.questions for c in q.choices if c.feedback]
    assert len(secrets) > 10
    for name, text in texts.items():
        for secret in secrets:
            assert secret not in text and json.dumps(secret)[1:-1] not in text, (name, secret)
    config = page_config(showcase_zip)
    quiz = json.dumps(config["quiz"])
    for word in ('"correct"', '"answer"', '"answers"', '"explanation"', '"pairs"', "spore"):
        assert word not in quiz, word
    by_id = {q.id: q for q in showcase.quiz.questions}
    for q in config["quiz"]["questions"]:  # a sequence is never listed in its correct order
        if q["type"] == "sequencing":
            assert [item["text"] for item in q["items"]] != list(by_id[q["id"]].items)
    # ... but it is all there, sealed per question.
    for q in config["quiz"]["questions"]:
        secret = unseal(q["key"], key_seed(config["course"]["id"], config["fingerprint"], q["id"]))
        model = by_id[q["id"]]
        assert secret.get("k") == model.key and secret.get("e", "") == model.explanation


def test_runtime_configuration_of_the_quiz(showcase_zip):
    config = page_config(showcase_zip)
    assert config["format"] == 2
    quiz = config["quiz"]
    assert (quiz["feedback"], quiz["reveal"], quiz["randomized"], quiz["attempts"]) == (
        "after-question",
        "after-passing",
        True,
        3,
    )
    assert [(s["id"], s["draw"], s["shuffle"], len(s["questions"])) for s in quiz["sections"]] == [
        ("core", 8, False, 8),
        ("scenarios", 2, True, 4),
    ]
    types = {q["id"]: (q["type"], q["interaction"]) for q in quiz["questions"]}
    assert types["soap_needed"] == ("multiple-response", "choice")
    soap = next(q for q in quiz["questions"] if q["id"] == "soap_needed")
    assert [c["id"] for c in soap["choices"]] == list("abcde") and soap["choices"][-1]["fixed"] is True
    assert soap["shuffle"] is True and soap["partial"] is True
    matching = next(q for q in quiz["questions"] if q["id"] == "moments_match")
    assert [s["id"] for s in matching["sources"]] == ["1", "2", "3", "4"]
    assert [t["id"] for t in matching["targets"]] == list("abcde")
    assert quiz["evaluation"]["required"] is True and quiz["evaluation"]["comment"]["id"] == "eval_comment"
    assert [p["id"] for p in quiz["evaluation"]["scale"]] == list("12345")
    assert config["fingerprintV1"] is None  # v1 progress cannot map onto a randomized quiz


def test_the_sample_course_keeps_its_v1_fingerprint_and_gets_the_default_scale():
    sample, _ = load_course(SAMPLE)
    config = runtime_config(sample)
    parts = [lesson.id for lesson in sample.lessons] + ["|"] + [q.id for q in sample.quiz.questions]
    digest = int(hashlib.sha256("\n".join(parts).encode()).hexdigest(), 16)
    v1 = ""
    for _ in range(4):
        digest, rem = divmod(digest, 36)
        v1 += "0123456789abcdefghijklmnopqrstuvwxyz"[rem]
    assert config["fingerprintV1"] == v1 != config["fingerprint"]
    evaluation = config["quiz"]["evaluation"]
    assert evaluation["required"] is False
    assert [p["text"] for p in evaluation["scale"]] == [
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    ]
    assert config["quiz"]["randomized"] is False and config["quiz"]["feedback"] == "after-quiz"


def test_the_showcase_builds_byte_identical_twice(runner, tmp_path):
    zips = []
    for name in ("a", "b"):
        result = runner.invoke(main, ["build", str(SHOWCASE), "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.stderr
        zips.append(next((tmp_path / name).glob("*.zip")).read_bytes())
    assert zips[0] == zips[1]

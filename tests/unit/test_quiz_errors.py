"""quiz.yaml: every validation error, with its exact message, file:line:col and hint; exit 2, nothing written."""

from __future__ import annotations

import textwrap

import pytest

from builder.cli import main


def build_quiz(runner, make_course, tmp_path, quiz: str, course_yaml: str | None = None):
    files = {"quiz.yaml": textwrap.dedent(quiz)}
    if course_yaml is not None:
        files["course.yaml"] = course_yaml
    out = tmp_path / "dist"
    result = runner.invoke(main, ["build", str(make_course(files)), "-o", str(out)])
    return result, out


def assert_errors(result, out, *expected):
    assert result.exit_code == 2, result.output
    for line in expected:
        assert line in result.stderr, f"missing {line!r} in:\n{result.stderr}"
    assert "Traceback" not in result.stderr
    assert not out.exists() or not list(out.iterdir())


HEAD = "title: Check\nquestions:\n"


def question(body: str) -> str:
    """A quiz whose first question is *body* (written without indentation; it starts on line 3)."""
    return HEAD + textwrap.indent(textwrap.dedent(body).strip() + "\n", "    ").replace("    ", "  - ", 1)


CASES = [
    # ------------------------------------------------------------------ quiz level
    pytest.param(
        "title: Check\nfeedbak: never\nquestions:\n  - {id: a, type: true-false, text: T, answer: true}\n",
        ["quiz.yaml:2:1: error: feedbak: unknown key 'feedbak'", "hint: did you mean 'feedback'?"],
        id="unknown-quiz-key",
    ),
    pytest.param(
        "title: Check\nfeedback: later\nreveal_answers: sometimes\ndisplay: paged\n"
        "questions:\n  - {id: a, type: true-false, text: T, answer: true}\n",
        [
            "quiz.yaml:2:11: error: feedback: 'later' is not one of: after-question, after-quiz, never",
            "quiz.yaml:3:17: error: reveal_answers: 'sometimes' is not one of: always, after-passing, never",
            "quiz.yaml:4:10: error: display: 'paged' is not one of: one-at-a-time, all-at-once",
        ],
        id="feedback-reveal-and-display-modes",
    ),
    pytest.param(
        "title: Check\n",
        [
            "quiz.yaml:1:1: error: 'questions' is missing",
            "hint: add a 'questions:' list (or 'pools:' with questions inside)",
        ],
        id="no-questions",
    ),
    pytest.param(
        "title: Check\nquestions:\n  - {id: a, type: true-false, text: T, answer: true}\n"
        "pools:\n  - id: p\n    questions:\n      - {id: b, type: true-false, text: T, answer: true}\n",
        [
            "quiz.yaml:4:1: error: pools: give either 'questions' or 'pools', not both",
            "hint: put every question inside a pool, or remove 'pools'",
        ],
        id="questions-and-pools",
    ),
    pytest.param(
        "title: Check\npools:\n  - id: p\n    draw: 3\n    questions:\n"
        "      - {id: a, type: true-false, text: T, answer: true}\n"
        "      - {id: b, type: true-false, text: T, answer: true}\n"
        "  - id: p\n    draw: 0\n    questions:\n      - {id: c, type: true-false, text: T, answer: true}\n",
        [
            "quiz.yaml:4:11: error: pools[0].draw: 3 is more than the 2 questions in this pool",
            "hint: draw at most 2, or add questions to the pool",
            "quiz.yaml:8:9: error: pools[1].id: the pool id 'p' is used twice (also at line 3)",
            "quiz.yaml:9:11: error: pools[1].draw: 0 is out of range; it must be at least 1",
        ],
        id="pool-draws",
    ),
    pytest.param(
        "title: Check\npools:\n  - id: p\n    draw: 1\n    questions:\n"
        "      - {id: a, type: likert, text: Rate}\n      - {id: b, type: true-false, text: T, answer: true}\n",
        [
            "quiz.yaml:2:1: error: pools: no question in this quiz is sure to be scored: likert questions are not "
            "scored",
            "hint: add a scored question (every type but likert), or draw more questions",
        ],
        id="maybe-nothing-scored",
    ),
    pytest.param(
        "title: Check\nquestions:\n  - {id: a, type: true-false, text: T, answer: true}\n"
        "  - {id: a, type: true-false, text: U, answer: false}\n",
        ["quiz.yaml:4:10: error: questions[1].id: the id 'a' is used twice (also at line 3)"],
        id="duplicate-ids",
    ),
    # ------------------------------------------------------------------ common question keys
    pytest.param(
        question("""
        id: Q-1
        type: multiple_response
        text: Pick
        choices: [A, B]
        """),
        [
            "quiz.yaml:3:9: error: questions[0].id: 'Q-1' is not allowed here",
            "quiz.yaml:4:11: error: questions[0].type: question type 'multiple_response' is not supported",
            "hint: did you mean 'multiple-response'?",
            # the rest is checked as the type the author meant
            "quiz.yaml:6:14: error: questions[0].choices: no choice is marked 'correct: true'",
        ],
        id="bad-id-and-type",
    ),
    pytest.param(
        question("""
        id: a
        type: true-false
        text: T
        answer: true
        weight: 0.125
        choices: [A, B]
        """),
        [
            "quiz.yaml:7:13: error: questions[0].weight: 0.125 has more than 2 decimal places",
            "hint: SCORM 1.2 LMSs such as Moodle accept at most 2 decimals in cmi.interactions.n.weighting",
            "quiz.yaml:8:5: error: questions[0].choices: 'choices' does not apply to a true-false question",
            "hint: a true-false question takes: text, weight, explanation, answer",
        ],
        id="weight-and-foreign-key",
    ),
    pytest.param(
        question("""
        id: a
        type: single-choice
        text: Pick
        """),
        [
            "quiz.yaml:3:5: error: questions[0]: 'choices' is missing",
            "hint: list the options under 'choices:' and mark the right one with 'correct: true'",
        ],
        id="type-needs-its-key",
    ),
    # ------------------------------------------------------------------ choices
    pytest.param(
        question("""
        id: a
        type: single-choice
        text: Pick
        choices:
          - {text: A, correct: true}
          - {text: B, correct: true}
          - A
          - true
        """),
        [
            "quiz.yaml:9:9: error: questions[0].choices[2]: the choice 'A' is given twice (also at line 7)",
            "quiz.yaml:10:9: error: questions[0].choices[3]: expected the choice's text or a mapping with 'text:', "
            "found true (a yes/no value)",
        ],
        id="choice-entries",
    ),
    pytest.param(
        question("""
        id: a
        type: single-choice
        text: Pick
        choices:
          - {text: A, correct: true}
          - {text: B, correct: true}
        """),
        [
            "quiz.yaml:7:7: error: questions[0].choices: 2 choices are marked correct; a single-choice question has "
            "exactly one",
            "hint: use 'type: multiple-response' when several choices are right",
        ],
        id="single-choice-two-correct",
    ),
    pytest.param(
        question("""
        id: a
        type: multiple-response
        text: Pick
        choices: [A]
        """),
        [
            "quiz.yaml:6:14: error: questions[0].choices: needs at least 2 choices, found 1",
            "quiz.yaml:6:14: error: questions[0].choices: no choice is marked 'correct: true'",
            "hint: mark the right answer with 'correct: true'",
        ],
        id="too-few-choices",
    ),
    pytest.param(
        question("""
        id: a
        type: single-choice
        text: Pick
        choices: [{text: c0, correct: true}, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17,
                  c18, c19, c20, c21, c22, c23, c24, c25, c26, c27, c28, c29, c30, c31, c32, c33, c34, c35, c36]
        """),
        [
            "quiz.yaml:6:14: error: questions[0].choices: has 37 choices; SCORM 1.2 names each choice with one "
            "character (0-9, a-z), so at most 36 fit",
            "hint: split the question in two, or remove some",
        ],
        id="more-than-36-choices",
    ),
    pytest.param(
        question("""
        id: a
        type: multiple-response
        text: Pick
        choices:
          - {text: A, correct: yes please, fixed: 1, feedback: [x]}
          - {txt: B}
        """),
        [
            "quiz.yaml:7:28: error: questions[0].choices[0].correct: expected true or false, found the text "
            "'yes please'",
            "quiz.yaml:7:47: error: questions[0].choices[0].fixed: expected true or false, found the number 1",
            "quiz.yaml:7:60: error: questions[0].choices[0].feedback: expected text, found a list",
            "quiz.yaml:8:10: error: questions[0].choices[1].txt: unknown key 'txt'",
            "hint: did you mean 'text'?",
            "quiz.yaml:8:9: error: questions[0].choices[1]: 'text' is missing",
        ],
        id="choice-mapping-keys",
    ),
    # ------------------------------------------------------------------ fill-in
    pytest.param(
        question("""
        id: a
        type: fill-in
        text: Fill
        answers: ["a very long answer", ""]
        max_length: 10
        whitespace: trim
        case_sensitive: "no"
        """),
        [
            "quiz.yaml:6:15: error: questions[0].answers[0]: is 18 characters long, longer than max_length (10)",
            "hint: raise max_length (at most 255) or shorten the answer",
            "quiz.yaml:6:37: error: questions[0].answers[1]: must not be empty",
            "quiz.yaml:8:17: error: questions[0].whitespace: 'trim' is not one of: normalize, exact, ignore",
            "quiz.yaml:9:21: error: questions[0].case_sensitive: expected true or false, found the text 'no'",
        ],
        id="fill-in-answers",
    ),
    pytest.param(
        question("""
        id: a
        type: fill-in
        text: Fill
        answers: [x]
        max_length: 256
        """),
        ["quiz.yaml:7:17: error: questions[0].max_length: 256 is out of range; it must be at least 1 and at most 255"],
        id="fill-in-255-cap",
    ),
    pytest.param(
        question("""
        id: a
        type: fill-in
        text: Fill
        answers: [a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19, a20, a21]
        """),
        ["quiz.yaml:6:14: error: questions[0].answers: has 21 accepted answers; at most 20 are allowed"],
        id="fill-in-too-many-answers",
    ),
    # ------------------------------------------------------------------ numeric
    pytest.param(
        question("""
        id: a
        type: numeric
        text: Number
        answer: ten
        tolerance: 2
        range: [5, 1]
        """),
        [
            "quiz.yaml:6:13: error: questions[0].answer: a numeric question needs a number, found the text 'ten'",
            "hint: write the number without quotes, e.g. 'answer: 12.5'",
            "quiz.yaml:7:5: error: questions[0].tolerance: give either 'tolerance' or 'range', not both",
            "quiz.yaml:8:12: error: questions[0].range: the lowest value 5 is greater than the highest 1",
            "hint: write the lowest value first",
        ],
        id="numeric-conflicts",
    ),
    pytest.param(
        question("""
        id: a
        type: numeric
        text: Number
        """),
        [
            "quiz.yaml:3:5: error: questions[0]: 'answer' is missing",
            "hint: give 'answer' (with an optional 'tolerance'), or 'range: [lowest, highest]'",
        ],
        id="numeric-needs-an-answer",
    ),
    pytest.param(
        question("""
        id: a
        type: numeric
        text: Number
        answer: 12
        range: [1, 10]
        """),
        [
            "quiz.yaml:6:13: error: questions[0].answer: 12 is outside the range [1, 10]",
            "hint: the answer reported to the LMS must be one of the accepted numbers",
        ],
        id="numeric-answer-in-range",
    ),
    pytest.param(
        question("""
        id: a
        type: numeric
        text: Number
        range: [1, two]
        """),
        [
            "quiz.yaml:6:12: error: questions[0].range: expected two numbers [lowest, highest], found a list",
            "hint: write it as 'range: [10, 20]'",
        ],
        id="numeric-range-shape",
    ),
    pytest.param(
        question("""
        id: a
        type: numeric
        text: Number
        answer: 3
        tolerance: -1
        """),
        ["quiz.yaml:7:16: error: questions[0].tolerance: -1 is out of range; it must be at least 0"],
        id="numeric-negative-tolerance",
    ),
    # ------------------------------------------------------------------ matching
    pytest.param(
        question("""
        id: a
        type: matching
        text: Match
        pairs:
          - {source: A, target: X}
          - {source: A, target: Y}
          - {source: B}
        distractors: [X, Z, Z]
        """),
        [
            "quiz.yaml:8:18: error: questions[0].pairs[1].source: the source 'A' is given twice (also at line 7)",
            "hint: every source must be different; several sources may share a target",
            "quiz.yaml:9:9: error: questions[0].pairs[2]: 'target' is missing",
            "quiz.yaml:10:25: error: questions[0].distractors[2]: 'Z' is given twice (also at line 10)",
        ],
        id="matching-pairs",
    ),
    pytest.param(
        question("""
        id: a
        type: matching
        text: Match
        pairs:
          - {source: A, target: X}
          - {source: B, target: Y}
        distractors: [X]
        """),
        [
            "quiz.yaml:9:19: error: questions[0].distractors[0]: 'X' is already the target of a pair",
            "hint: a distractor matches no source: remove it or reword it",
        ],
        id="matching-distractor-is-a-target",
    ),
    pytest.param(
        question("""
        id: a
        type: matching
        text: Match
        pairs: [{source: A, target: X}]
        """),
        ["quiz.yaml:6:12: error: questions[0].pairs: needs at least 2 pairs, found 1"],
        id="matching-one-pair",
    ),
    pytest.param(
        question("""
        id: a
        type: matching
        text: Match
        pairs: [{source: A, target: X}, {source: B, target: Y}]
        distractors: [d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, d10, d11, d12, d13, d14, d15, d16, d17, d18, d19, d20,
                      d21, d22, d23, d24, d25, d26, d27, d28, d29, d30, d31, d32, d33, d34]
        """),
        [
            "quiz.yaml:7:18: error: questions[0].distractors: gives 37 different targets; SCORM 1.2 names each target "
            "with one character (0-9, a-z), so at most 36 fit",
            "hint: remove distractors, or split the question in two",
        ],
        id="matching-more-than-36-targets",
    ),
    # ------------------------------------------------------------------ sequencing and likert
    pytest.param(
        question("""
        id: a
        type: sequencing
        text: Order
        items: [one]
        """),
        ["quiz.yaml:6:12: error: questions[0].items: needs at least 2 items, found 1", "hint: add items"],
        id="sequencing-one-item",
    ),
    pytest.param(
        question("""
        id: a
        type: sequencing
        text: Order
        items: [s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15, s16, s17, s18, s19, s20, s21, s22,
                s23, s24, s25, s26, s27, s28, s29, s30, s31, s32, s33, s34, s35, s36]
        partial_credit: maybe
        """),
        [
            "quiz.yaml:6:12: error: questions[0].items: has 37 items; SCORM 1.2 names each item with one character "
            "(0-9, a-z), so at most 36 fit",
            "quiz.yaml:8:21: error: questions[0].partial_credit: expected true or false, found the text 'maybe'",
        ],
        id="sequencing-more-than-36-items",
    ),
    pytest.param(
        question("""
        id: a
        type: likert
        text: Rate
        weight: 2
        scale: [Low, Low]
        """)
        + "  - {id: b, type: true-false, text: T, answer: true}\n",
        [
            "quiz.yaml:6:5: error: questions[0].weight: a likert question is not scored, so it takes no weight",
            "hint: remove 'weight'",
            "quiz.yaml:7:18: error: questions[0].scale[1]: 'Low' is given twice (also at line 7)",
        ],
        id="likert-weight-and-scale",
    ),
    pytest.param(
        question("""
        id: a
        type: likert
        text: Rate
        scale: [s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11]
        """)
        + "  - {id: b, type: true-false, text: T, answer: true}\n",
        [
            "quiz.yaml:6:12: error: questions[0].scale: has 11 scale points; at most 10 are allowed",
            "hint: use a shorter scale",
        ],
        id="likert-scale-too-long",
    ),
    # ------------------------------------------------------------------ evaluation
    pytest.param(
        "title: Check\nquestions:\n  - {id: a, type: true-false, text: T, answer: true}\n"
        "evaluation:\n  required: maybe\n  items:\n    - {id: a, text: Dup}\n    - {text: No id}\n"
        "  comment: ''\n",
        [
            "quiz.yaml:5:13: error: evaluation.required: expected true or false, found the text 'maybe'",
            "quiz.yaml:7:12: error: evaluation.items[0].id: the id 'a' is used twice (also at line 3)",
            "hint: give every question and evaluation item its own id",
            "quiz.yaml:8:7: error: evaluation.items[1]: 'id' is missing",
            "quiz.yaml:9:12: error: evaluation.comment: must not be empty",
        ],
        id="evaluation-items",
    ),
    pytest.param(
        "title: Check\nquestions:\n  - {id: a, type: true-false, text: T, answer: true}\nevaluation:\n  title: Rate\n",
        ["quiz.yaml:5:3: error: evaluation: 'items' is missing"],
        id="evaluation-needs-items",
    ),
    pytest.param(
        "title: Check\nquestions:\n  - {id: eval_comment, type: true-false, text: T, answer: true}\n"
        "evaluation:\n  items: [{id: e, text: Good}]\n  comment: Tell us more\n",
        ["quiz.yaml:6:12: error: evaluation.comment: the id 'eval_comment' is used twice (also at line 3)"],
        id="evaluation-comment-id-clash",
    ),
]


@pytest.mark.parametrize("quiz, expected", CASES)
def test_quiz_errors(runner, make_course, tmp_path, quiz, expected):
    result, out = build_quiz(runner, make_course, tmp_path, quiz)
    assert_errors(result, out, *expected)


def test_every_problem_of_a_quiz_is_reported_in_one_run(runner, make_course, tmp_path):
    quiz = HEAD + (
        "  - {id: a, type: single-choice, text: P, choices: [A, B]}\n"
        "  - {id: b, type: fill-in, text: F, answers: ['']}\n"
        "  - {id: c, type: numeric, text: N}\n"
        "  - {id: d, type: sequencing, text: S, items: [x]}\n"
    )
    result, out = build_quiz(runner, make_course, tmp_path, quiz)
    assert_errors(
        result,
        out,
        "quiz.yaml:3:52: error: questions[0].choices: no choice is marked 'correct: true'",
        "quiz.yaml:4:47: error: questions[1].answers[0]: must not be empty",
        "quiz.yaml:5:5: error: questions[2]: 'answer' is missing",
        "quiz.yaml:6:47: error: questions[3].items: needs at least 2 items, found 1",
        "error: 4 problems found; nothing was written",
    )


def test_a_required_evaluation_needs_a_quiz_in_the_completion_rule(runner, make_course, tmp_path):
    course = (
        (make_course() / "course.yaml").read_text().replace("pass_mark: 50\n", "pass_mark: 50\ncompletion: lessons\n")
    )
    quiz = (
        HEAD + "  - {id: a, type: true-false, text: T, answer: true}\nevaluation:\n  required: true\n"
        "  items: [{id: e, text: Good}]\n"
    )
    result, out = build_quiz(runner, make_course, tmp_path, quiz, course_yaml=course)
    assert_errors(
        result,
        out,
        "course.yaml:7:13: error: completion: 'lessons' cannot wait for the required course evaluation in the quiz",
        "hint: set 'completion: both' (or 'quiz'), or make the evaluation optional with 'required: false'",
    )


def test_out_of_attempts_message_without_a_limit_is_a_warning(runner, make_course, tmp_path):
    quiz = (
        "title: Check\nattempts: 0\nout_of_attempts: Call us\n"
        + "questions:\n  - {id: a, type: true-false, text: T, answer: true}\n"
    )
    result, out = build_quiz(runner, make_course, tmp_path, quiz)
    assert result.exit_code == 0, result.stderr
    assert (
        "quiz.yaml:3:1: warning: out_of_attempts: the quiz allows unlimited attempts, so this message never shows"
        in result.stderr
    )
    assert "hint: set 'attempts', or remove 'out_of_attempts'" in result.stderr


def test_fill_in_answers_count_against_the_suspend_data_budget(runner, make_course, tmp_path):
    questions = "".join(f"  - {{id: f{i}, type: fill-in, text: F, answers: [x], max_length: 255}}\n" for i in range(16))
    result, out = build_quiz(runner, make_course, tmp_path, "title: Long\nattempts: 3\nquestions:\n" + questions)
    # "2~ffff~" (7) + visited (1) + "~" (1) + "3.s.100." (8) + 16 x (2 + 255) = 4129
    assert_errors(
        result,
        out,
        "course.yaml: error: this course's progress data can reach 4129 characters, more than "
        "the 4096 SCORM 1.2 allows in cmi.suspend_data",
    )

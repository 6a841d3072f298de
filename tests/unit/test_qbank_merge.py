"""import-questions --merge: questions are added to an existing quiz.yaml without changing anything that is there.

The existing lines stay byte for byte (comments included), the questions there read as before
(ids stable), a question the file holds already is not added again, and categories join the pools
of the same name or become new pools.
"""

from __future__ import annotations

import shutil
import textwrap

from conftest import REPO

from builder.cli import main
from builder.problems import Problems
from builder.sources import yamldoc
from builder.sources.quiz import read_quiz

COURSES = REPO / "course_src"


def quiz_of(path):
    problems = Problems()
    doc = yamldoc.load(path.read_text(encoding="utf-8"), str(path), problems)
    quiz = read_quiz(doc, problems)
    assert quiz is not None, [p.format() for p in problems]
    return quiz


def write_bank(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def merge(runner, bank, quiz, *args):
    return runner.invoke(main, ["import-questions", str(bank), "-o", str(quiz), "--merge", *args])


def only_additions(before: str, after: str) -> list:
    """The lines of *after* that are not in *before*, checking that *before*'s lines all stay, in order."""
    old, new = before.splitlines(), after.splitlines()
    added, i = [], 0
    for line in new:
        if i < len(old) and line == old[i]:
            i += 1
        else:
            added.append(line)
    assert i == len(old), f"line {i + 1} of the old file changed: {old[i]!r}"
    return added


def test_questions_are_added_to_a_question_list_and_nothing_else_changes(runner, tmp_path):
    course = tmp_path / "self-compassion"
    shutil.copytree(COURSES / "self-compassion", course)
    quiz_file = course / "quiz.yaml"
    before_text = quiz_file.read_text(encoding="utf-8")
    before = quiz_of(quiz_file)
    bank = write_bank(
        tmp_path,
        "bank.gift",
        """\
        // [id:scs_subscales]
        ::Subscales::How many subscales does the Self-Compassion Scale have?{#6}

        ::Kindness::Self-kindness is one of the three components of self-compassion.{T}
        """,
    )
    result = merge(runner, bank, quiz_file)
    assert result.exit_code == 0, result.stderr
    after_text = quiz_file.read_text(encoding="utf-8")
    added = only_additions(before_text, after_text)
    assert added[0] == "  # imported by coursepack import-questions from bank.gift"
    after = quiz_of(quiz_file)
    assert after.questions[: len(before.questions)] == before.questions  # ids, texts, answers: as they were
    assert [q.id for q in after.questions[len(before.questions) :]] == ["scs_subscales_2", "kindness"]
    assert "# note: the id 'scs_subscales' is taken, so this question is 'scs_subscales_2'" in after_text
    assert after.evaluation == before.evaluation
    assert after_text.index("id: kindness") < after_text.index("evaluation:")  # before the evaluation, in the list
    built = runner.invoke(main, ["build", str(course), "-o", str(tmp_path / "dist")])
    assert built.exit_code == 0, built.stderr


def test_importing_the_same_bank_again_adds_nothing_and_leaves_the_file_alone(runner, tmp_path):
    quiz_file = tmp_path / "quiz.yaml"
    bank = REPO / "tests" / "qbank" / "gift" / "multiple_choice.gift"
    assert runner.invoke(main, ["import-questions", str(bank), "-o", str(quiz_file)]).exit_code == 0
    first = quiz_file.read_bytes()
    stamp = quiz_file.stat().st_mtime_ns
    again = merge(runner, bank, quiz_file)
    assert again.exit_code == 0, again.stderr
    assert quiz_file.read_bytes() == first and quiz_file.stat().st_mtime_ns == stamp
    assert "added 0 questions" in again.stderr and "(5 already there)" in again.stderr
    assert "question 'Single' is in" in again.stderr and "already, as 'single'" in again.stderr


def test_a_question_already_there_under_another_name_is_not_added(runner, tmp_path):
    quiz_file = tmp_path / "quiz.yaml"
    quiz_file.write_text(
        'title: Mine\nquestions:\n  - id: sky\n    type: true-false\n    text: "The sky is blue."\n    answer: true\n',
        encoding="utf-8",
    )
    bank = write_bank(tmp_path, "bank.gift", "::Heaven::The sky is blue.{TRUE}\n\n::Grass::Grass is green.{T}\n")
    result = merge(runner, bank, quiz_file)
    assert result.exit_code == 0, result.stderr
    assert [q.id for q in quiz_of(quiz_file).questions] == ["sky", "grass"]
    assert "question 'Heaven' is in" in result.stderr and "as 'sky'" in result.stderr


def test_categories_join_pools_of_the_same_name_or_become_new_pools(runner, tmp_path):
    course = tmp_path / "quiz-showcase"
    shutil.copytree(COURSES / "quiz-showcase", course)
    quiz_file = course / "quiz.yaml"
    before_text = quiz_file.read_text(encoding="utf-8")
    before = quiz_of(quiz_file)
    bank = write_bank(
        tmp_path,
        "bank.gift",
        """\
        $CATEGORY: $course$/top/Hand Hygiene Check/scenarios

        ::Ring::You should take off rings before a surgical hand rub.{T}

        // coursepack: {"draw": 1}
        $CATEGORY: $course$/top/Hand Hygiene Check/Extra questions

        ::Lotion::Hand lotion helps keep the skin intact.{T}

        ::Towel::Which towel should you use to dry your hands?{=A single-use towel ~A shared cloth towel}
        """,
    )
    result = merge(runner, bank, quiz_file)
    assert result.exit_code == 0, result.stderr
    only_additions(before_text, quiz_file.read_text(encoding="utf-8"))
    after = quiz_of(quiz_file)
    assert [(p.id, p.draw, [q.id for q in p.questions][-1:]) for p in after.pools] == [
        ("core", 8, ["confidence_before"]),
        ("scenarios", 2, ["ring"]),
        ("extra_questions", 1, ["towel"]),
    ]
    assert [q for q in after.questions if q.id in {q.id for q in before.questions}] == list(before.questions)
    built = runner.invoke(main, ["build", str(course), "-o", str(tmp_path / "dist")])
    assert built.exit_code == 0, built.stderr


def test_merge_into_a_file_that_does_not_exist_yet_writes_a_new_one(runner, tmp_path):
    bank = REPO / "tests" / "qbank" / "gift" / "matching.gift"
    result = merge(runner, bank, tmp_path / "new" / "quiz.yaml")
    assert result.exit_code == 0, result.stderr
    assert [q.id for q in quiz_of(tmp_path / "new" / "quiz.yaml").questions] == ["capitals", "shared_answers"]

"""Every class of bad input: the exact message, the location, exit code 2, nothing written."""

from __future__ import annotations

import os

import pytest

from builder.cli import main


def build(runner, course, tmp_path):
    out = tmp_path / "dist"
    result = runner.invoke(main, ["build", str(course), "-o", str(out)])
    return result, out


def assert_invalid(result, out, *expected):
    """Exit 2, each expected line in stderr, and no package in the output folder."""
    assert result.exit_code == 2, result.output
    for line in expected:
        assert line in result.stderr, f"missing {line!r} in:\n{result.stderr}"
    assert "Traceback" not in result.stderr
    assert not out.exists() or not list(out.iterdir())


def test_unknown_key_suggests_the_right_one(runner, make_course, tmp_path):
    course = make_course({"course.yaml": "titel: Typo\n" + (make_course() / "course.yaml").read_text()})
    result, out = build(runner, course, tmp_path)
    assert_invalid(
        result, out, "course/course.yaml:1:1: error: titel: unknown key 'titel'", "hint: did you mean 'title'?"
    )


def test_wrong_types_are_named_with_line_and_column(runner, make_course, tmp_path):
    text = (
        (make_course() / "course.yaml")
        .read_text()
        .replace("version: 1.0.0", "version: 1.5")
        .replace("pass_mark: 50", "pass_mark: high")
    )
    result, out = build(runner, make_course({"course.yaml": text}), tmp_path)
    assert_invalid(
        result,
        out,
        "course.yaml:3:10: error: version: must be a semantic version in quotes, found the number 1.5",
        'hint: write it in quotes with three parts, e.g. version: "1.0.0"',
        "course.yaml:6:12: error: pass_mark: expected a number, found the text 'high'",
    )


def test_every_problem_is_reported_in_one_run(runner, make_course, tmp_path):
    text = (
        (make_course() / "course.yaml")
        .read_text()
        .replace("id: tiny", "id: Tiny Course")
        .replace("file: lessons/two.html", "file: lessons/too.html")
    )
    result, out = build(runner, make_course({"course.yaml": text, "quiz.yaml": "title: Q\nquestions: []\n"}), tmp_path)
    assert_invalid(
        result,
        out,
        "course.yaml:1:5: error: id: 'Tiny Course' is not allowed here",
        "course.yaml:13:11: error: lessons[1].file: 'lessons/too.html' does not exist",
        "hint: did you mean 'lessons/two.html'?",
        "quiz.yaml:2:12: error: questions: expected a non-empty list, found a list",
        "error: 3 problems found; nothing was written",
    )


def test_missing_required_keys_and_explicit_mastery_choice(runner, make_course, tmp_path):
    text = (
        (make_course() / "course.yaml")
        .read_text()
        .replace("mastery_score_in_manifest: false\n", "")
        .replace("title: Tiny course\n", "")
    )
    result, out = build(runner, make_course({"course.yaml": text}), tmp_path)
    assert_invalid(
        result,
        out,
        "course.yaml:1:1: error: 'title' is missing",
        "course.yaml:1:1: error: 'mastery_score_in_manifest' is missing",
        "hint: add 'mastery_score_in_manifest: false'",
    )


def test_duplicate_ids_point_at_the_first_one(runner, make_course, tmp_path):
    text = (make_course() / "course.yaml").read_text().replace("id: two", "id: one")
    quiz = (make_course() / "quiz.yaml").read_text()
    quiz += "  - id: q_one\n    type: true-false\n    text: Again\n    answer: false\n"
    result, out = build(runner, make_course({"course.yaml": text, "quiz.yaml": quiz}), tmp_path)
    assert_invalid(
        result,
        out,
        "course.yaml:11:9: error: lessons[1].id: the id 'one' is used twice (also at line 8)",
        "quiz.yaml:9:9: error: questions[1].id: the id 'q_one' is used twice (also at line 4)",
    )


def test_duplicate_yaml_keys_are_an_error(runner, make_course, tmp_path):
    text = (make_course() / "course.yaml").read_text() + "title: Second title\n"
    result, out = build(runner, make_course({"course.yaml": text}), tmp_path)
    assert_invalid(result, out, "course.yaml:15:1: error: 'title' is given twice (first on line 2)")


def test_answers_must_fit_their_question(runner, make_course, tmp_path):
    quiz = (
        (make_course() / "quiz.yaml")
        .read_text()
        .replace("answer: true", 'answer: "yes please"')
        .replace("type: true-false", "type: true_false")
    )
    result, out = build(runner, make_course({"quiz.yaml": quiz}), tmp_path)
    assert_invalid(
        result,
        out,
        "quiz.yaml:5:11: error: questions[0].type: question type 'true_false' is not supported",
        "hint: did you mean 'true-false'?",
        "quiz.yaml:7:13: error: questions[0].answer: a true-false question needs the answer true or false, "
        "found the text 'yes please'",
    )


def test_yaml_syntax_error_is_located(runner, make_course, tmp_path):
    result, out = build(runner, make_course({"quiz.yaml": "title: [unclosed\nquestions:\n"}), tmp_path)
    assert_invalid(result, out, "quiz.yaml:2:10: error: this is not valid YAML")


def test_missing_asset_and_did_you_mean(runner, make_course, tmp_path):
    course = make_course(
        {
            "lessons/two.html": '<p>Look:</p>\n<img src="../media/chart.svg" alt="A chart">\n',
            "media/chart.png": b"\x89PNG",
        }
    )
    result, out = build(runner, course, tmp_path)
    assert_invalid(
        result,
        out,
        "lessons/two.html:2: error: '../media/chart.svg' does not exist "
        "(looked for media/chart.svg in the course folder)",
        "hint: did you mean 'chart.png'?",
    )


def test_assets_may_not_escape_the_course_folder(runner, make_course, tmp_path):
    (tmp_path / "outside.png").write_bytes(b"x")
    course = make_course(
        {
            "lessons/two.html": '<p><img src="../../outside.png" alt="x"> '
            '<img src="/media/a.png" alt="y"></p>\n'
            '<p><img src="../media/link.png" alt="z"></p>\n'
        }
    )
    (course / "media").mkdir()
    os.symlink(tmp_path / "outside.png", course / "media" / "link.png")
    result, out = build(runner, course, tmp_path)
    assert_invalid(
        result,
        out,
        "lessons/two.html:1: error: '../../outside.png' points outside the course folder",
        "lessons/two.html:1: error: '/media/a.png' starts with '/'",
        "lessons/two.html:2: error: '../media/link.png' is a link to a file outside the course folder",
        "hint: replace the symbolic link with a copy of the file",
    )


def test_lesson_files_may_not_escape_the_course_folder(runner, make_course, tmp_path):
    (tmp_path / "elsewhere.html").write_text("<p>x</p>")
    text = (make_course() / "course.yaml").read_text().replace("lessons/two.html", "../elsewhere.html")
    result, out = build(runner, make_course({"course.yaml": text}), tmp_path)
    assert_invalid(
        result, out, "course.yaml:13:11: error: lessons[1].file: '../elsewhere.html' is outside the course folder"
    )


def test_non_utf8_lesson_names_line_and_column(runner, make_course, tmp_path):
    result, out = build(
        runner, make_course({"lessons/two.html": "<p>fine</p>\n".encode() + b"<p>caf\xe9</p>\n"}), tmp_path
    )
    assert_invalid(
        result,
        out,
        "lessons/two.html:2:7: error: this file is not UTF-8 (byte 0xe9 cannot be decoded)",
        "hint: save the file as UTF-8 in your editor",
    )


@pytest.mark.parametrize("body", ["", "   \n", "<div>  </div>\n"])
def test_empty_lessons_are_rejected(runner, make_course, tmp_path, body):
    result, out = build(runner, make_course({"lessons/one.html": body}), tmp_path)
    assert_invalid(result, out, "lessons/one.html:1:1: error: this lesson ")


def test_embeds_need_a_title_for_their_text_fallback(runner, make_course, tmp_path):
    course = make_course(
        {"lessons/two.html": '<p>Watch:</p>\n<iframe src="https://www.youtube-nocookie.com/embed/abc"></iframe>\n'}
    )
    result, out = build(runner, course, tmp_path)
    assert_invalid(result, out, "lessons/two.html:2: error: this embedded frame has no title")


def test_quiz_completion_needs_a_quiz(runner, make_course, tmp_path):
    text = (make_course() / "course.yaml").read_text().replace("quiz: quiz.yaml\n", "completion: both\n")
    result, out = build(runner, make_course({"course.yaml": text}), tmp_path)
    assert_invalid(result, out, "course.yaml:14:13: error: completion: 'both' needs a quiz, but the course has none")


def test_unknown_language_lists_the_available_ones(runner, make_course, tmp_path):
    text = (make_course() / "course.yaml").read_text().replace("language: en", "language: xx")
    result, out = build(runner, make_course({"course.yaml": text}), tmp_path)
    assert_invalid(
        result,
        out,
        "course.yaml:4:11: error: language: there are no player strings for 'xx'",
        "hint: available: en, es",
    )


def test_missing_course_folder(runner, tmp_path):
    result, out = build(runner, tmp_path / "nope", tmp_path)
    assert_invalid(result, out, "nope: error: is not a folder")


def test_suspend_data_budget_is_enforced(runner, make_course, tmp_path):
    questions = "".join(f"  - id: q{i}\n    type: true-false\n    text: S{i}\n    answer: true\n" for i in range(4100))
    quiz = "title: Long\nattempts: 3\nquestions:\n" + questions
    result, out = build(runner, make_course({"quiz.yaml": quiz}), tmp_path)
    # "1~ffff~" (7) + visited (1) + "~" (1) + "3" "." state "." 4100 answers "." score (3 digits) = 4117
    assert_invalid(
        result,
        out,
        "course.yaml: error: this course's progress data can reach 4117 characters, "
        "more than the 4096 SCORM 1.2 allows in cmi.suspend_data",
    )


def test_a_failed_build_leaves_the_previous_package_alone(runner, make_course, tmp_path):
    course = make_course()
    ok, out = build(runner, course, tmp_path)
    assert ok.exit_code == 0, ok.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (course / "lessons" / "two.html").write_text("")
    result, _ = build(runner, course, tmp_path)
    assert result.exit_code == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_path_written_from_the_course_folder_gets_the_path_from_the_lesson(runner, make_course, tmp_path):
    course = make_course({"lessons/one.html": '<p><img src="media/x.svg" alt="x"></p>\n', "media/x.svg": "<svg/>"})
    result = runner.invoke(main, ["build", str(course), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "lessons/one.html:1: error: 'media/x.svg' does not exist (looked for lessons/media/x.svg" in result.stderr
    assert "hint: paths are relative to the lesson file: write '../media/x.svg' (the file is media/x.svg)" in (
        result.stderr
    )

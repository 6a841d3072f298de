"""Lint (``coursepack validate``): each warning code, on a course that triggers it and one that does not.

Findings are read from ``validate --json``: their code, message and location (file and line).
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import COURSE_YAML, SAMPLE

from builder.cli import main
from builder.model import LINT_CODES as CODES


def findings(runner, course, *args):
    """(result, problems) of ``coursepack validate --json [args] course``."""
    result = runner.invoke(main, ["validate", "--json", *args, str(course)])
    assert "Traceback" not in result.stderr, result.stderr
    doc = json.loads(result.stdout)  # exactly one JSON document on stdout
    return result, doc["problems"]


def only(problems, code):
    return [p for p in problems if p["code"] == code]


def where(problem):
    """``lessons/one.html:3`` (the file relative to the course folder, and the line)."""
    rel = re.sub(r"^.*?/course/", "", problem["file"])
    return f"{rel}:{problem['line']}" if problem["line"] is not None else rel


def assert_clean(runner, course, code):
    result, problems = findings(runner, course)
    assert result.exit_code == 0, result.output
    assert only(problems, code) == [], problems


def assert_finding(runner, course, code, location, message):
    result, problems = findings(runner, course)
    assert result.exit_code == 0, result.output  # a warning never fails validate without --strict
    hits = only(problems, code)
    assert [(where(p), p["message"]) for p in hits] == [(location, message)], problems
    assert hits[0]["level"] == "warning"
    assert hits[0]["hint"]
    return hits[0]


# ---------------------------------------------------------------------------- link-anchor
def test_link_anchor_to_a_missing_id(runner, make_course):
    course = make_course({"lessons/one.html": '<p>See <a href="#later">below</a>.</p>\n<p id="soon">Text.</p>\n'})
    hit = assert_finding(
        runner, course, "link-anchor", "lessons/one.html:1", "'#later' points to no element in this lesson"
    )
    assert hit["hint"] == 'add id="later" to the element it should jump to, or correct the link'


def test_link_anchor_to_another_lessons_missing_id(runner, make_course):
    course = make_course({"lessons/one.html": '<p>Next: <a href="two.html#part-2">part 2</a>.</p>\n'})
    assert_finding(
        runner,
        course,
        "link-anchor",
        "lessons/one.html:1",
        "'two.html#part-2': the lesson 'Two' (lessons/two.html) has no element with id 'part-2'",
    )


def test_link_anchor_to_ids_the_player_cannot_reach(runner, make_course):
    course = make_course(
        {
            "lessons/one.html": '<p id="start"><a href="#end">End</a> <a href="#lesson-two">Two</a> '
            '<a href="two.html#end">Two, at its end</a></p>\n',
            "lessons/two.html": '<p>Two.</p>\n<p id="end">The end.</p>\n',
        }
    )
    result, problems = findings(runner, course)
    assert [(where(p), p["message"]) for p in only(problems, "link-anchor")] == [
        ("lessons/one.html:1", "'#end' is in another lesson (lessons/two.html); the player shows one lesson at a time"),
        ("lessons/one.html:1", "'#lesson-two' does not change lessons; the player only follows links to lesson files"),
        ("lessons/one.html:1", "'two.html#end' opens the lesson 'Two' at its top; the player ignores '#end'"),
    ]
    assert only(problems, "link-anchor")[0]["hint"] == 'link to that lesson\'s file instead: href="two.html"'


def test_link_anchor_clean_when_the_id_exists(runner, make_course):
    course = make_course(
        {
            "lessons/one.html": '<p>See <a href="#later">below</a>.</p>\n<p id="later">Here.</p>\n'
            '<p><a href="two.html">Lesson two</a> <a href="#top">top</a></p>\n'
        }
    )
    assert_clean(runner, course, "link-anchor")


# ---------------------------------------------------------------------------- link-broken
def test_link_broken_for_a_url_in_a_style_attribute(runner, make_course):
    course = make_course(
        {
            "lessons/one.html": '<p>Intro.</p>\n<div style="background: url(../media/bg.png)">Box</div>\n',
            "media/bg.png": b"\x89PNG fake",
        }
    )
    assert_finding(
        runner,
        course,
        "link-broken",
        "lessons/one.html:2",
        "url(../media/bg.png) in a style attribute will not work in the package: the build only copies "
        "files that src and href attributes point to, and the lesson moves to the package root",
    )


def test_link_broken_for_a_file_a_packaged_stylesheet_needs(runner, make_course):
    course = make_course(
        {
            "lessons/one.html": '<link rel="stylesheet" href="../media/site.css">\n<p>Styled.</p>\n',
            "media/site.css": "body { color: #222; }\n@font-face { src: url(fonts/body.woff2); }\n",
            "media/fonts/body.woff2": b"wOF2",
        }
    )
    assert_finding(
        runner,
        course,
        "link-broken",
        "media/site.css:2",
        "'fonts/body.woff2' (media/fonts/body.woff2) is not in the package: the build only packages "
        "files that lessons point to",
    )


def test_link_broken_clean_when_everything_is_packaged(runner, make_course):
    course = make_course(
        {
            "lessons/one.html": '<link rel="stylesheet" href="../media/site.css">\n'
            '<link rel="preload" href="../media/fonts/body.woff2" as="font">\n'
            '<p style="background: url(data:image/gif;base64,R0lGOD)">Styled.</p>\n',
            "media/site.css": "@font-face { src: url(fonts/body.woff2); }\n",
            "media/fonts/body.woff2": b"wOF2",
        }
    )
    assert_clean(runner, course, "link-broken")


# ---------------------------------------------------------------------------- id-duplicate
def test_id_duplicate_across_lessons_and_with_the_player(runner, make_course):
    course = make_course(
        {
            "lessons/one.html": '<h3 id="summary">Summary</h3>\n<p>One.</p>\n',
            "lessons/two.html": '<p><a href="#summary">Summary</a></p>\n<h3 id="summary">Summary</h3>\n'
            '<p id="main">x</p>\n',
        }
    )
    result, problems = findings(runner, course)
    hits = [(where(p), p["message"]) for p in only(problems, "id-duplicate")]
    assert hits == [
        (
            "lessons/two.html:2",
            "the id 'summary' is also used in lessons/one.html (line 1); all lessons share one page, "
            "so '#summary' (or for=/aria-… pointing to it) finds the first one",
        ),
        ("lessons/two.html:3", "the id 'main' is already used by the player page"),
    ]


def test_id_duplicate_clean_with_distinct_or_unreferenced_ids(runner, make_course):
    course = make_course(
        {
            "lessons/one.html": '<h3 id="one-summary">Summary</h3>\n<p id="note">One.</p>\n'
            '<a href="#one-summary">up</a>\n',
            "lessons/two.html": '<h3 id="two-summary">Summary</h3>\n<p id="note">Two.</p>\n',
        }
    )
    assert_clean(runner, course, "id-duplicate")


# ---------------------------------------------------------------------------- img-alt
def test_img_alt_missing(runner, make_course):
    course = make_course(
        {
            "lessons/one.html": '<p>Look:</p>\n<img src="../media/pic.svg">\n',
            "media/pic.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        }
    )
    assert_finding(runner, course, "img-alt", "lessons/one.html:2", '<img src="../media/pic.svg"> has no alt text')


def test_img_alt_clean_with_text_or_empty_for_decoration(runner, make_course):
    course = make_course(
        {
            "lessons/one.html": '<img src="../media/pic.svg" alt="A chart">\n'
            '<img src="../media/pic.svg" alt="">\n<p>Text.</p>\n',
            "media/pic.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        }
    )
    assert_clean(runner, course, "img-alt")


# ---------------------------------------------------------------------------- http-resource
def test_http_resource_loaded_over_plain_http(runner, make_course):
    course = make_course(
        {"lessons/one.html": '<p>Clip:</p>\n<iframe src="http://video.example.org/embed/1" title="Clip"></iframe>\n'}
    )
    assert_finding(
        runner,
        course,
        "http-resource",
        "lessons/one.html:2",
        "'http://video.example.org/embed/1' is loaded over http:; when the LMS serves the course over "
        "https, browsers block it (mixed content)",
    )


def test_http_resource_clean_for_https_and_for_plain_links(runner, make_course):
    course = make_course(
        {
            "lessons/one.html": '<img src="https://example.org/a.png" alt="A">\n'
            '<p><a href="http://example.org/">A site</a> opens in a new window.</p>\n'
        }
    )
    assert_clean(runner, course, "http-resource")


# ---------------------------------------------------------------------------- media-size
def test_media_size_over_the_budget_set_in_course_yaml(runner, make_course):
    course = make_course(
        {
            "course.yaml": COURSE_YAML + "lint:\n  media_budget_kb: 1\n",
            "lessons/one.html": '<p>Download:</p>\n<p><a href="../media/big.pdf">the handout</a></p>\n',
            "media/big.pdf": b"%PDF" + b"x" * 2500,
        }
    )
    assert_finding(
        runner,
        course,
        "media-size",
        "lessons/one.html:2",
        "'media/big.pdf' is 3 kB, over the media budget of 1 kB per file",
    )


def test_media_size_clean_under_the_budget(runner, make_course):
    course = make_course(
        {
            "course.yaml": COURSE_YAML + "lint:\n  media_budget_kb: 10\n",
            "lessons/one.html": '<p><a href="../media/big.pdf">the handout</a></p>\n',
            "media/big.pdf": b"%PDF" + b"x" * 2500,
        }
    )
    assert_clean(runner, course, "media-size")


# ---------------------------------------------------------------------------- file-unused
def test_file_unused(runner, make_course):
    course = make_course({"media/old-diagram.png": b"\x89PNG"})
    assert_finding(
        runner,
        course,
        "file-unused",
        "media/old-diagram.png",
        "nothing in the course uses this file, so it is not packaged",
    )


def test_file_unused_clean_for_used_hidden_and_junk_files(runner, make_course):
    course = make_course(
        {
            "lessons/one.html": '<img src="../media/pic.png" alt="P">\n',
            "media/pic.png": b"\x89PNG",
            "media/.DS_Store": b"junk",
            ".gitignore": "dist/\n",
            "lessons/one.html~": "backup",
        }
    )
    assert_clean(runner, course, "file-unused")


# ---------------------------------------------------------------------------- lms-api
def test_lms_api_called_from_lesson_script(runner, make_course):
    course = make_course(
        {
            "lessons/one.html": "<p>Done?</p>\n<script>\n  var api = window.parent.API;\n"
            '  api.LMSSetValue("cmi.core.lesson_status", "passed");\n</script>\n'
        }
    )
    assert_finding(
        runner,
        course,
        "lms-api",
        "lessons/one.html:4",
        "script (a <script> element) talks to the LMS itself ('LMSSetValue'); only the player may do that",
    )


def test_lms_api_called_from_a_script_file_and_an_event_handler(runner, make_course):
    course = make_course(
        {
            "lessons/one.html": '<script src="../media/track.js"></script>\n'
            '<button onclick="doLMSCommit()">Save</button>\n',
            "media/track.js": "// tracking\nfunction save() {\n  API_1484_11.Commit('');\n}\n",
        }
    )
    result, problems = findings(runner, course)
    hits = [(where(p), p["message"]) for p in only(problems, "lms-api")]
    assert hits == [
        (
            "lessons/one.html:2",
            "script (its onclick attribute) talks to the LMS itself ('doLMSCommit'); only the player may do that",
        ),
        (
            "media/track.js:3",
            "script (loaded by lessons/one.html) talks to the LMS itself ('API_1484_11'); only the player may do that",
        ),
    ]


def test_lms_api_clean_for_ordinary_scripts(runner, make_course):
    course = make_course({"lessons/one.html": '<p>Hi.</p>\n<script>document.title += " (demo)";</script>\n'})
    assert_clean(runner, course, "lms-api")


# ---------------------------------------------------------------------------- heading-level
def test_heading_level_skips_and_title_level(runner, make_course):
    course = make_course(
        {
            "lessons/one.html": "<h4>Deep first</h4>\n<p>x</p>\n",
            "lessons/two.html": "<h3>Part</h3>\n<h5>Too deep</h5>\n<h2>Like the title</h2>\n",
        }
    )
    result, problems = findings(runner, course)
    assert [(where(p), p["message"]) for p in only(problems, "heading-level")] == [
        ("lessons/one.html:1", "<h4> skips a level: the lesson title is <h2>"),
        ("lessons/two.html:2", "<h5> skips a level: the heading before it is <h3>"),
        (
            "lessons/two.html:3",
            "<h2> has the level of the lesson title or above; the player shows the title 'Two' as <h2>",
        ),
    ]


def test_heading_level_clean_when_starting_at_h3(runner, make_course):
    course = make_course({"lessons/one.html": "<h3>A</h3>\n<h4>A.1</h4>\n<h4>A.2</h4>\n<h3>B</h3>\n<p>x</p>\n"})
    assert_clean(runner, course, "heading-level")


# ---------------------------------------------------------------------------- levels, CI, settings
MESSY = {"lessons/one.html": '<h4>Deep</h4>\n<img src="https://example.org/a.png">\n'}


def test_strict_turns_warnings_into_errors_with_exit_2(runner, make_course):
    course = make_course(MESSY)
    result = runner.invoke(main, ["validate", "--strict", str(course)])
    assert result.exit_code == 2
    assert "lessons/one.html:1: error: <h4> skips a level: the lesson title is <h2> [heading-level]" in result.stderr
    assert 'lessons/one.html:2: error: <img src="https://example.org/a.png"> has no alt text [img-alt]' in result.stderr
    assert "error: " in result.stderr.splitlines()[-1] and "(--strict: warnings count as errors)" in result.stderr

    result, problems = findings(runner, course, "--strict")
    assert result.exit_code == 2
    assert {p["level"] for p in problems} == {"error"} and {p["code"] for p in problems} == {"heading-level", "img-alt"}


def test_without_strict_warnings_are_printed_and_validate_succeeds(runner, make_course):
    course = make_course(MESSY)
    result = runner.invoke(main, ["validate", str(course)])
    assert result.exit_code == 0
    assert "lessons/one.html:1: warning: <h4> skips a level: the lesson title is <h2> [heading-level]" in result.stderr
    assert "    hint: use <h3> here; screen-reader users navigate by heading levels" in result.stderr
    result, problems = findings(runner, course)
    assert json.loads(result.stdout)["ok"] is True


def test_build_prints_lint_warnings_and_still_builds(runner, make_course, tmp_path):
    course = make_course(MESSY)
    out = tmp_path / "dist"
    result = runner.invoke(main, ["build", str(course), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "warning: <h4> skips a level" in result.stderr
    assert (out / "tiny-1.0.0-scorm12.zip").is_file()


def test_lint_ignore_in_course_yaml_silences_codes(runner, make_course):
    course = make_course({**MESSY, "course.yaml": COURSE_YAML + "lint:\n  ignore: [heading-level, img-alt]\n"})
    result = runner.invoke(main, ["validate", "--strict", str(course)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr and "error" not in result.stderr


def test_a_malformed_lint_block_is_an_error_with_its_location(runner, make_course):
    course = make_course({"course.yaml": COURSE_YAML + "lint:\n  ignore: [heading-levels]\n  media_budget_kb: big\n"})
    result = runner.invoke(main, ["validate", str(course)])
    assert result.exit_code == 2
    assert "course.yaml:16:12: error: lint.ignore[0]: 'heading-levels' is not a warning code" in result.stderr
    assert "hint: did you mean 'heading-level'?" in result.stderr
    assert "course.yaml:17:20: error: lint.media_budget_kb: expected a number, found the text 'big'" in result.stderr


def test_the_sample_course_and_a_new_course_are_lint_clean(runner, tmp_path):
    result = runner.invoke(main, ["validate", "--strict", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(main, ["new", str(tmp_path / "fresh")]).exit_code == 0
    result = runner.invoke(main, ["validate", "--strict", str(tmp_path / "fresh")])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_is_documented_on_the_checks_page(code):
    page = (SAMPLE.parents[1] / "docs" / "checks.md").read_text(encoding="utf-8")
    assert f"| `{code}` |" in page


# ---------------------------------------------------------------------------- placeholder
@pytest.mark.parametrize(
    "files, location, text",
    [
        (
            {"lessons/two.html": "<p>Intro.</p>\n<p>Presenter: [PRESENTER NAME]</p>\n"},
            "lessons/two.html:2",
            "[PRESENTER NAME]",
        ),
        (
            {"lessons/one.html": '<p>Text.</p>\n<img src="x.png" alt="TODO" hidden>\n', "lessons/x.png": b"\x89PNG"},
            "lessons/one.html:2",
            "TODO",
        ),
        ({"lessons/one.html": "<p>Lorem ipsum dolor sit amet.</p>\n"}, "lessons/one.html:1", "Lorem ipsum"),
        (
            {"course.yaml": COURSE_YAML.replace("title: Tiny course", "title: Name of the course")},
            "course.yaml:2",
            "Name of the course",
        ),
        (
            {
                "quiz.yaml": "title: Check\nquestions:\n  - id: q1\n    type: true-false\n"
                "    text: Question text goes here.\n    answer: true\n"
            },
            "quiz.yaml:5",
            "Question text goes here.",
        ),
    ],
)
def test_placeholder_text_learners_would_see(runner, make_course, files, location, text):
    course = make_course(files)
    assert_finding(
        runner, course, "placeholder", location, f"'{text}' looks like template text that learners would see"
    )
    strict = runner.invoke(main, ["validate", "--strict", str(course)])
    assert strict.exit_code == 2


def test_prose_that_merely_resembles_a_placeholder_is_clean(runner, make_course):
    prose = (
        "<p>The name of the game is practice; todo lo que haga cuenta.</p>\n"
        "<p>See reference [1] and the note [a]. Insert nothing.</p>\n"
    )
    assert_clean(runner, make_course({"lessons/one.html": prose}), "placeholder")

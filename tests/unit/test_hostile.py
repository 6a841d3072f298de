"""Hostile and broken course sources (docs/limits.md): each ends in exit 2 with a located message.

Every case builds into an output folder that already holds a package from an earlier build, and
checks the exit code, the messages (file:line: error: …), that no traceback or internal error was
printed, and that the output folder was left exactly as it was.
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from conftest import COURSE_YAML, QUIZ_YAML

from builder.cli import main

BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['x'] * 9)}]\n"
    for prev, name in zip([None, "a", "b", "c", "d", "e", "f", "g"], "abcdefgh")
)
LONG_INT = "9" * 5000


def course_yaml(extra: str = "", replace=()) -> str:
    text = COURSE_YAML
    for old, new in replace:
        assert old in text, old
        text = text.replace(old, new)
    return text + textwrap.dedent(extra)


def quiz_yaml(question: str) -> str:
    """The quiz with one more question (written at the indentation of a list entry under 'questions:')."""
    return QUIZ_YAML + textwrap.indent(textwrap.dedent(question), "  ")


XAPI = "xapi:\n  base_iri: https://ce.example.org/xapi\n"

#: id -> (files to write over the valid course, lines expected in stderr)
CASES = {
    # ------------------------------------------------------------------ YAML
    "yaml-alias-bomb-course": (
        {"course.yaml": course_yaml(BOMB)},
        ["course.yaml:20:", "error: this file holds more than 250,000 values"],
    ),
    "yaml-alias-bomb-quiz": ({"quiz.yaml": BOMB + QUIZ_YAML}, ["quiz.yaml:6:", "more than 250,000 values"]),
    "yaml-recursive-alias": (
        {"course.yaml": course_yaml("x: &loop [1, *loop]\n")},
        ["course.yaml:15:", "'*loop' repeats the value it is part of"],
    ),
    "yaml-undefined-alias": (
        {"course.yaml": course_yaml(replace=[("title: Tiny course", "title: *name")])},
        ["course.yaml:2:8: error: '*name' refers to no anchor"],
    ),
    "yaml-deep-nesting": (
        {"course.yaml": course_yaml("x: " + "[" * 100 + "]" * 100 + "\n")},
        ["course.yaml:15:43: error: this value is nested more than 40 levels deep"],
    ),
    "yaml-very-deep-nesting": (
        {"course.yaml": course_yaml("x: " + "[" * 5000 + "]" * 5000 + "\n")},
        ["course.yaml:15:1003: error: this is not valid YAML: exceeded maximum nesting depth"],
    ),
    "yaml-deep-block-nesting": (
        {"quiz.yaml": QUIZ_YAML + "".join("  " * i + f"k{i}:\n" for i in range(60))},
        ["quiz.yaml:", "nested more than 40 levels deep"],
    ),
    "yaml-long-text": (
        {"course.yaml": course_yaml("description: " + "x" * 25_000 + "\n")},
        ["course.yaml:15:14: error: this value is 25,000 characters long; one value may be at most 20,000"],
    ),
    "yaml-tab-indent": (
        {"course.yaml": course_yaml(replace=[("  - id: two", "\t- id: two")])},
        ["course.yaml:11:1: error: a tab character: YAML indents with spaces only"],
    ),
    "yaml-tab-in-quiz": (
        {"quiz.yaml": QUIZ_YAML.replace("    text: The sky", "\ttext: The sky")},
        ["quiz.yaml:6:1: error: a tab character"],
    ),
    "yaml-syntax": ({"course.yaml": course_yaml('title: "unclosed\n')}, ["course.yaml:", "this is not valid YAML"]),
    "yaml-two-documents": (
        {"course.yaml": course_yaml("---\nid: again\n")},
        ["course.yaml:15:1: error: this file holds a second YAML document"],
    ),
    "yaml-control-character": (
        {"course.yaml": course_yaml(replace=[("Tiny course", "Tiny\x07course")])},
        ["course.yaml:2:12: error: this is not valid YAML: the character #x0007 is not allowed"],
    ),
    "yaml-not-utf8": ({"course.yaml": b"id: caf\xe9\n"}, ["course.yaml:1:8: error: this file is not UTF-8"]),
    "yaml-bom-only-then-list": ({"course.yaml": "\ufeff- a\n- b\n"}, ["expected a mapping of keys, found a list"]),
    "yaml-empty-file": ({"course.yaml": ""}, ["course.yaml:1:1: error: expected a mapping of keys, found nothing"]),
    "yaml-complex-key": (
        {"course.yaml": course_yaml("? [a, b]\n: 1\n")},
        ["course.yaml:15:3: error: a key must be a plain name"],
    ),
    "yaml-duplicate-key-in-quiz": (
        {"quiz.yaml": QUIZ_YAML + "title: Again\n"},
        ["quiz.yaml:9:1: error: 'title' is given twice (first on line 1)"],
    ),
    # ------------------------------------------------------------------ tags and types
    "tag-include": (
        {"course.yaml": course_yaml("description: !include other.yaml\n")},
        ["course.yaml:15:14: error: the tag '!include' is not allowed"],
    ),
    "tag-python-name": (
        {"course.yaml": course_yaml("description: !!python/name:os.system ''\n")},
        ["course.yaml:15:14: error: the tag '!!python/name:os.system' is not allowed"],
    ),
    "tag-python-object-on-mapping": (
        {"quiz.yaml": QUIZ_YAML + "evaluation: !!python/object:os.system {}\n"},
        ["quiz.yaml:9:13: error: the tag '!!python/object:os.system' is not allowed"],
    ),
    "tag-binary": (
        {"course.yaml": course_yaml("description: !!binary aGVsbG8=\n")},
        ["the tag '!!binary' is not allowed"],
    ),
    "tag-set": ({"course.yaml": course_yaml("authors: !!set {a, b}\n")}, ["the tag '!!set' is not allowed"]),
    "type-5000-digit-integer": (
        {"course.yaml": course_yaml(replace=[("pass_mark: 50", f"pass_mark: {LONG_INT}")])},
        ["course.yaml:6:12: error: '99999", "is out of range: numbers in course files are below 10^15"],
    ),
    "type-5000-digit-quiz-answer": (
        {"quiz.yaml": quiz_yaml(f"- id: q_num\n  type: numeric\n  text: How many?\n  answer: {LONG_INT}\n")},
        ["quiz.yaml:12:13: error: '" + "9" * 39 + "…' is out of range"],
    ),
    "type-impossible-date-outline": (
        {"course.yaml": course_yaml(replace=[("version: 1.0.0", "version: 2025-02-30")])},
        ["course.yaml:3:10: error: '2025-02-30' is not a valid date (day is out of range for month)"],
    ),
    "type-impossible-date-quiz-answer": (
        {"quiz.yaml": quiz_yaml("- id: q_date\n  type: fill-in\n  text: When?\n  answers: [2025-02-30]\n")},
        ["quiz.yaml:12:15: error: '2025-02-30' is not a valid date"],
    ),
    "type-valid-date-where-text-is-expected": (
        {"course.yaml": course_yaml(replace=[("title: Tiny course", "title: 2025-02-28")])},
        ["course.yaml:2:8: error: title: expected text, found date"],
    ),
    "type-nan-range": (
        {"quiz.yaml": quiz_yaml("- id: q_nan\n  type: numeric\n  text: Which?\n  range: [.nan, 5]\n")},
        ["quiz.yaml:12:13: error: '.nan' is not a finite number"],
    ),
    "type-infinite-pass-mark": (
        {"course.yaml": course_yaml(replace=[("pass_mark: 50", "pass_mark: .inf")])},
        ["course.yaml:6:12: error: '.inf' is not a finite number"],
    ),
    "type-overflowing-float": (
        {"course.yaml": course_yaml("duration_minutes: 1.0e+999\n")},
        ["course.yaml:15:19: error: '1.0e+999' is not a finite number"],
    ),
    "type-huge-float-weight": (
        {"quiz.yaml": QUIZ_YAML + "    weight: 1.0e+300\n"},
        ["quiz.yaml:9:13: error: '1.0e+300' is out of range"],
    ),
    "type-bad-bool-tag": (
        {
            "course.yaml": course_yaml(
                replace=[("mastery_score_in_manifest: false", "mastery_score_in_manifest: !!bool maybe")]
            )
        },
        ["course.yaml:5:28: error: 'maybe' is not true or false"],
    ),
    "type-mapping-as-title": (
        {"course.yaml": course_yaml(replace=[("title: Tiny course", "title: {a: 1}")])},
        ["course.yaml:2:8: error: title: expected text, found a mapping"],
    ),
    # ------------------------------------------------------------------ identifiers
    "id-path-traversal": (
        {"course.yaml": course_yaml(replace=[("id: tiny", "id: ../../etc")])},
        ["course.yaml:1:5: error: id: '../../etc' is not allowed here"],
    ),
    "id-too-long": (
        {"course.yaml": course_yaml(replace=[("id: tiny", "id: " + "a" * 65)])},
        ["course.yaml:1:5: error: id: '" + "a" * 65 + "' is not allowed here"],
    ),
    "id-question-with-markup": (
        {"quiz.yaml": QUIZ_YAML.replace("id: q_one", "id: '<script>'")},
        ["quiz.yaml:4:9: error: questions[0].id: '<script>' is not allowed here"],
    ),
    "id-lesson-unicode": (
        {"course.yaml": course_yaml(replace=[("id: one", "id: onе")])},  # a Cyrillic 'е'
        ["course.yaml:8:9: error: lessons[0].id: 'onе' is not allowed here"],
    ),
    # ------------------------------------------------------------------ files
    "file-lesson-outside-folder": (
        {"course.yaml": course_yaml(replace=[("file: lessons/two.html", "file: ../../etc/passwd")])},
        ["course.yaml:13:11: error: lessons[1].file: '../../etc/passwd' is outside the course folder"],
    ),
    "file-lesson-absolute": (
        {"course.yaml": course_yaml(replace=[("file: lessons/two.html", "file: /etc/hostname")])},
        ["lessons[1].file: '/etc/hostname' is outside the course folder"],
    ),
    "file-lesson-too-large": (
        {"lessons/two.html": "<p>" + "x" * 2_100_000 + "</p>\n"},
        ["course.yaml:13:11: error: lessons[1].file: 'lessons/two.html' is 2,100,008 bytes; a lesson file"],
    ),
    "file-quiz-too-large": (
        {"quiz.yaml": QUIZ_YAML + "# " + "x" * 4_000_000 + "\n"},
        ["course.yaml:14:7: error: quiz: 'quiz.yaml' is 4,000,", "a quiz file may be at most 4 MB"],
    ),
    "file-course-yaml-too-large": (
        {"course.yaml": course_yaml("# " + "x" * 1_000_000 + "\n")},
        ["course/course.yaml: error: is 1,000,", "course.yaml may be at most 1 MB", "COURSEPACK_LIMIT_COURSE_FILE_MB"],
    ),
    "file-lesson-is-a-folder": (
        {"lessons/two.html": None, "lessons/two.html/x.txt": "x"},
        ["lessons[1].file: 'lessons/two.html' is a folder, not a file"],
    ),
    "file-template-wrong-place": (
        {"templates/evil.py": "import os\n"},
        ["course/templates/evil.py: error: is not a template: only .html files go directly in templates/"],
    ),
    # ------------------------------------------------------------------ lesson HTML
    "html-base": (
        {"lessons/one.html": '<base href="https://evil.example/">\n<p>Text.</p>\n'},
        ["lessons/one.html:1: error: <base> changes the address every link"],
    ),
    "html-meta-refresh": (
        {"lessons/one.html": '<p>Text.</p>\n<meta http-equiv="refresh" content="0;url=https://evil.example">\n'},
        ['lessons/one.html:2: error: <meta http-equiv="refresh"> acts on the whole player page'],
    ),
    "html-file-url": (
        {"lessons/one.html": '<p>See <img src="file:///etc/passwd" alt="x"></p>\n'},
        ["lessons/one.html:1: error: 'file:///etc/passwd' is a file on the author's computer"],
    ),
    "html-javascript-url": (
        {"lessons/one.html": '<p><a href="javascript:alert(1)">x</a></p>\n'},
        ['lessons/one.html:1: error: <a href="javascript:alert(1)"> runs script from a link'],
    ),
    "html-javascript-url-obfuscated": (
        {"lessons/one.html": '<p><a href=" java&#09;script:alert(1)">x</a></p>\n'},
        ["lessons/one.html:1: error: <a href=", "runs script from a link"],
    ),
    "html-javascript-form-action": (
        {"lessons/one.html": '<form action="javascript:alert(1)"><button>Go</button></form>\n'},
        ['lessons/one.html:1: error: <form action="javascript:alert(1)"> runs script from a link'],
    ),
    "html-unknown-scheme": (
        {"lessons/one.html": '<p><a href="smb://server/share">x</a></p>\n'},
        ["lessons/one.html:1: error: 'smb://server/share' uses the smb: scheme"],
    ),
    "html-data-url-in-iframe": (
        {"lessons/one.html": '<iframe title="x" src="data:text/html,&lt;b&gt;hi&lt;/b&gt;"></iframe>\n'},
        ["lessons/one.html:1: error: a data: address in <iframe src> is refused"],
    ),
    "html-whole-document": (
        {"lessons/one.html": "<!DOCTYPE html>\n<html><head><title>T</title></head><body><p>x</p></body></html>\n"},
        ["lessons/one.html:1: error: a lesson is a fragment, but this file is a whole HTML document"],
    ),
    "html-body-later": (
        {"lessons/one.html": '<p>x</p>\n<body onload="go()"><p>y</p></body>\n'},
        ["lessons/one.html:2: error: a lesson is a fragment, but this file is a whole HTML document (<body>)"],
    ),
    "html-css-url-outside": (
        {"lessons/one.html": '<p style="background: url(../../../secret.png)">x</p>\n'},
        ["lessons/one.html:1: error: url(../../../secret.png) points outside the course folder"],
    ),
    "html-css-escaped-url-outside": (
        {"lessons/one.html": "<style>\np { background: url('\\2e\\2e/\\2e\\2e/x.png'); }\n</style>\n<p>x</p>\n"},
        ["lessons/one.html:2: error: url(\\2e\\2e/\\2e\\2e/x.png) points outside the course folder"],
    ),
    "html-css-import-outside": (
        {"lessons/one.html": '<style>@import "../../shared.css";</style>\n<p>x</p>\n'},
        ["lessons/one.html:1: error: url(../../shared.css) points outside the course folder"],
    ),
    "html-css-file-url": (
        {"lessons/one.html": "<style>p { background: url(file:///etc/passwd); }</style>\n<p>x</p>\n"},
        ["lessons/one.html:1: error: 'file:///etc/passwd' is a file on the author's computer"],
    ),
    "html-srcset-outside": (
        {
            "lessons/one.html": '<p><img alt="x" srcset="../media/ok.png 1x, ../../../x.png 2x"></p>\n',
            "media/ok.png": b"png",
        },
        ["lessons/one.html:1: error: '../../../x.png' points outside the course folder"],
    ),
    "html-absolute-path": (
        {"lessons/one.html": '<p><img alt="x" src="/etc/passwd"></p>\n'},
        ["lessons/one.html:1: error: '/etc/passwd' starts with '/'"],
    ),
    "html-nested-too-deep": (
        {"lessons/one.html": "<p>Start</p>\n" + "<span>" * 300 + "x" + "</span>" * 300 + "\n"},
        ["lessons/one.html:2: error: elements are nested more than 256 levels deep"],
    ),
    # ------------------------------------------------------------------ media
    "media-missing": (
        {"lessons/one.html": '<p><img alt="x" src="../media/none.png"></p>\n'},
        ["lessons/one.html:1: error: '../media/none.png' does not exist"],
    ),
    "media-transcript-too-large": (
        {
            "lessons/one.html": '<audio src="../media/a.mp3" data-transcript="../media/a.txt"></audio>\n',
            "media/a.mp3": b"ID3",
            "media/a.txt": "word " * 500_000,
        },
        [
            "course/media/a.txt: error: is 2,500,000 bytes; "
            "a lesson file (or an HTML or text transcript) may be at most 2 MB"
        ],
    ),
    "media-logo-not-a-file": (
        {"course.yaml": course_yaml("theme:\n  logo: media\n"), "media/x.png": b"png"},
        ["theme.logo: 'media' is a folder, not a file"],
    ),
    # ------------------------------------------------------------------ quiz
    "quiz-not-a-mapping": ({"quiz.yaml": "- just\n- a list\n"}, ["quiz.yaml:1:1: error: expected a mapping of keys"]),
    "quiz-alias-expands-questions": (
        {"quiz.yaml": "title: Q\nx: &q {id: q_a, type: true-false, text: T, answer: true}\nquestions: [*q, *q]\n"},
        ["quiz.yaml:2:1: error: x: unknown key 'x'", "the id 'q_a' is used twice"],
    ),
    "quiz-merge-key": (
        {"quiz.yaml": QUIZ_YAML + "  - <<: {type: true-false}\n    id: q_two\n    text: T\n    answer: false\n"},
        ["quiz.yaml:9:5: error: questions[1].<<: unknown key '<<'"],
    ),
    "quiz-file-is-course-yaml-loop": (
        {"course.yaml": course_yaml(replace=[("quiz: quiz.yaml", "quiz: course.yaml")])},
        ["course.yaml:1:1: error: id: unknown key 'id'", "course.yaml:1:1: error: 'questions' is missing"],
    ),
    # ------------------------------------------------------------------ xAPI block
    "xapi-password-in-base-iri": (
        {"course.yaml": course_yaml("xapi:\n  base_iri: https://admin:hunter2@ce.example.org/xapi\n")},
        ["course.yaml:16:13: error: xapi.base_iri: 'https://***@ce.example.org/xapi' must not contain a user name"],
    ),
    "xapi-token-in-relay-url": (
        {"course.yaml": course_yaml(XAPI + "  relay_url: https://relay.example.org/st?token=s3cret&v=1\n")},
        [
            "course.yaml:17:14: error: xapi.relay_url: 'https://relay.example.org/st?token=***&v=1' carries the "
            "query parameter 'token'",
            "add 'public_urls: [relay_url]' to the xapi block",
        ],
    ),
    "xapi-signature-in-homepage": (
        {"course.yaml": course_yaml(XAPI + "  lms_homepage: https://lms.example.org/?X-Amz-Signature=abc\n")},
        ["xapi.lms_homepage: 'https://lms.example.org/?X-Amz-Signature=***' carries the query parameter"],
    ),
    "xapi-public-urls-wrong": (
        {"course.yaml": course_yaml(XAPI + "  public_urls: [everything]\n")},
        ["course.yaml:17:16: error: xapi.public_urls: expected a list of the URL settings that are public as written"],
    ),
    # ------------------------------------------------------------------ templates
    "template-reaches-globals": (
        {"templates/quiz.html": "<section data-view=\"quiz\">\n{{ cycler.__init__.__globals__.os.system('id') }}\n"},
        ["templates/quiz.html:2: error: this template cannot be rendered: access to attribute '__init__'"],
    ),
    "template-class-walk": (
        {"templates/quiz.html": "{{ ''.__class__.__mro__[1].__subclasses__() }}\n"},
        ["templates/quiz.html:1: error: this template cannot be rendered: access to attribute '__class__'"],
    ),
    "template-changes-config": (
        {"templates/quiz.html": "{{ config.update({'passMark': 0}) }}\n"},
        ["templates/quiz.html:1: error: this template cannot be rendered: access to attribute 'update' of 'dict'"],
    ),
    "template-divides-by-zero": (
        {"templates/quiz.html": "<p>\n{{ 1 / 0 }}\n</p>\n"},
        ["templates/quiz.html:2: error: this template cannot be rendered: ZeroDivisionError: division by zero"],
    ),
    "template-string-bomb": (
        {
            "templates/quiz.html": "{% set ns = namespace(x='ab') %}\n{% for i in range(60) %}"
            "{% set ns.x = ns.x ~ ns.x %}{% endfor %}\n"
        },
        ["templates/quiz.html:2: error: this template cannot be rendered: rendering needs more than 512 MB"],
    ),
    "template-recursion": (
        {"templates/quiz.html": "{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}\n"},
        ["templates/quiz.html:", "a template includes or calls itself without end"],
    ),
    "template-include-outside": (
        {"templates/quiz.html": '{% include "../course.yaml" %}\n'},
        ["templates/quiz.html:1: error: this template cannot be rendered: there is no template '../course.yaml'"],
    ),
}


def build(runner, course: Path, out: Path, *args):
    return runner.invoke(main, ["build", str(course), "-o", str(out), *args])


@pytest.fixture
def out_before(tmp_path):
    """An output folder that holds a package from an earlier build; returns (folder, its listing and bytes)."""
    out = tmp_path / "dist"
    out.mkdir()
    (out / "tiny-0.9.0-scorm12.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    return out, snapshot(out)


def snapshot(folder: Path):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_refused(result, out_before, *expected):
    out, before = out_before
    assert result.exit_code == 2, result.output
    for line in expected:
        assert line in result.stderr, f"missing {line!r} in:\n{result.stderr}"
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert "nothing was written" in result.stderr
    assert snapshot(out) == before


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_source_is_refused_with_a_located_message(runner, make_course, out_before, case):
    files, expected = CASES[case]
    course = make_course(files)
    assert_refused(build(runner, course, out_before[0]), out_before, *expected)


# ------------------------------------------------------------------ what cannot be written as text
def special(make_course, rel: str, kind: str) -> Path:
    course = make_course({"lessons/one.html": '<p><img alt="x" src="../media/pic.png"></p>\n'})
    path = course / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "loop":
        os.symlink(path.name, path)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        server.close()
    elif kind == "device":
        try:
            os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # like /dev/zero: endless
        except PermissionError:
            pytest.skip("making a device file needs root")
    return course


@pytest.mark.parametrize(
    "rel, kind, expected",
    [
        ("media/pic.png", "fifo", "lessons/one.html:1: error: '../media/pic.png' is a named pipe (FIFO), not a file"),
        ("media/pic.png", "socket", "lessons/one.html:1: error: '../media/pic.png' is a socket, not a file"),
        ("media/pic.png", "device", "lessons/one.html:1: error: '../media/pic.png' is a device, not a file"),
        ("media/pic.png", "loop", "lessons/one.html:1: error: '../media/pic.png' is a symbolic link loop"),
        ("lessons/two.html", "fifo", "lessons[1].file: 'lessons/two.html' is a named pipe (FIFO), not a file"),
        ("lessons/two.html", "loop", "lessons[1].file: 'lessons/two.html' is a symbolic link loop"),
        ("quiz.yaml", "fifo", "course.yaml:14:7: error: quiz: 'quiz.yaml' is a named pipe (FIFO), not a file"),
        ("quiz.yaml", "loop", "quiz: 'quiz.yaml' is a symbolic link loop"),
        ("course.yaml", "fifo", "course/course.yaml: error: is a named pipe (FIFO), not a file"),
        ("course.yaml", "loop", "course/course.yaml: error: is a symbolic link loop"),
        ("templates/quiz.html", "fifo", "course/templates/quiz.html: error: is a named pipe (FIFO), not a file"),
        ("templates/quiz.html", "loop", "course/templates/quiz.html: error: is a symbolic link loop"),
        ("templates/static/x.css", "fifo", "course/templates/static/x.css: error: is a named pipe (FIFO)"),
    ],
)
def test_only_regular_files_are_read(make_course, out_before, tmp_path, rel, kind, expected):
    course = special(make_course, rel, kind)
    if rel != "media/pic.png":
        (course / "media").mkdir(exist_ok=True)
        (course / "media/pic.png").write_bytes(b"png")
    # In a child process with a timeout: a regression would block on the pipe instead of failing.
    result = subprocess.run(
        [sys.executable, "-m", "builder", "build", str(course), "-o", str(out_before[0])],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    result.exit_code, result.output = result.returncode, result.stderr
    assert_refused(result, out_before, expected)


# ------------------------------------------------------------------ counts and the limits' variables
def test_lesson_count_limit_names_the_variable(runner, make_course, out_before, monkeypatch):
    monkeypatch.setenv("COURSEPACK_LIMIT_LESSONS", "1")
    result = build(runner, make_course(), out_before[0])
    assert_refused(
        result,
        out_before,
        "course.yaml:7:1: error: lessons: the course has 2 lessons; at most 1 are allowed",
        "COURSEPACK_LIMIT_LESSONS=2",
    )


def test_question_count_limit(runner, make_course, out_before, monkeypatch):
    monkeypatch.setenv("COURSEPACK_LIMIT_QUESTIONS", "1")
    quiz = QUIZ_YAML + "  - id: q_two\n    type: true-false\n    text: T\n    answer: false\n"
    result = build(runner, make_course({"quiz.yaml": quiz}), out_before[0])
    assert_refused(
        result, out_before, "quiz.yaml:3:1: error: questions: the quiz has 2 questions; at most 1 are allowed"
    )


def test_total_lesson_size_limit(runner, make_course, out_before, monkeypatch):
    monkeypatch.setenv("COURSEPACK_LIMIT_LESSONS_TOTAL_MB", "1")
    big = "<p>" + "x" * 600_000 + "</p>\n"
    result = build(runner, make_course({"lessons/one.html": big, "lessons/two.html": big}), out_before[0])
    assert_refused(
        result, out_before, "course.yaml:13:11: error: lessons[1].file: with 'lessons/two.html' the lessons come to"
    )


def test_media_limits(runner, make_course, out_before, monkeypatch):
    monkeypatch.setenv("COURSEPACK_LIMIT_MEDIA_FILE_MB", "1")
    course = make_course(
        {"lessons/one.html": '<p><img alt="x" src="../media/big.png"></p>\n', "media/big.png": bytes(1_000_001)}
    )
    assert_refused(
        build(runner, course, out_before[0]),
        out_before,
        "lessons/one.html:1: error: '../media/big.png' is 1,000,001 bytes; a packaged file",
    )


def test_a_limit_can_be_raised(runner, make_course, tmp_path, monkeypatch):
    course = make_course({"course.yaml": course_yaml("description: " + "x" * 25_000 + "\n")})
    monkeypatch.setenv("COURSEPACK_LIMIT_YAML_TEXT_CHARS", "30000")
    result = build(runner, course, tmp_path / "out")
    assert result.exit_code == 2  # the description has its own limit of 4000 characters
    assert "description: is 25000 characters long; at most 4000 are allowed" in result.stderr


def test_a_bad_limit_variable_is_a_usage_error(runner, make_course, out_before, monkeypatch):
    monkeypatch.setenv("COURSEPACK_LIMIT_YAML_DEPTH", "lots")
    result = build(runner, make_course(), out_before[0])
    assert result.exit_code == 2
    assert "error: COURSEPACK_LIMIT_YAML_DEPTH='lots': expected a positive whole number (default 40)" in result.stderr
    assert snapshot(out_before[0]) == out_before[1]


# ------------------------------------------------------------------ output folder
def test_output_folder_that_is_a_file(runner, make_course, tmp_path):
    target = tmp_path / "dist"
    target.write_text("not a folder")
    result = build(runner, make_course(), target)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '-o' / '--out': '{target}' is a file; give a folder for the packages" in result.stderr
    assert target.read_text() == "not a folder"


def test_output_folder_inside_the_course_is_not_packaged(runner, make_course, tmp_path):
    course = make_course()
    assert build(runner, course, course / "dist").exit_code == 0
    result = build(runner, course, course / "dist")  # the first package now sits in the course folder
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(course / "dist" / "tiny-1.0.0-scorm12.zip") as zf:
        assert not [n for n in zf.namelist() if n.startswith("dist/")]


# ------------------------------------------------------------------ concurrent builds
def test_concurrent_builds_into_one_folder_give_whole_packages(make_course, tmp_path):
    course = make_course()
    out = tmp_path / "dist"
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "builder", "build", str(course), "-o", str(out), "-q"],
            stderr=subprocess.PIPE,
            cwd=tmp_path,
        )
        for _ in range(3)
    ]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["tiny-1.0.0-scorm12.zip"]  # no temporary file left
    with zipfile.ZipFile(out / "tiny-1.0.0-scorm12.zip") as zf:
        assert zf.testzip() is None


def test_a_broken_build_beside_a_good_one_leaves_the_good_package(make_course, tmp_path):
    good = make_course()
    bad = make_course({"course.yaml": course_yaml(BOMB)}, name="bad")
    out = tmp_path / "dist"
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "builder", "build", str(src), "-o", str(out), "-q"],
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
        )
        for src in (good, bad)
    ]
    errors = [run.communicate(timeout=120)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 2], errors
    assert "more than 250,000 values" in errors[1]
    assert sorted(p.name for p in out.iterdir()) == ["tiny-1.0.0-scorm12.zip"]


# ------------------------------------------------------------------ secrets in messages
def test_credentials_never_reach_the_messages(runner, make_course, out_before):
    course = make_course(
        {
            "course.yaml": course_yaml(
                "xapi:\n  base_iri: https://admin:hunter2@ce.example.org/xapi\n"
                "  relay_url: https://relay.example.org/x?sig=abc&token=s3cret\n"
            )
        }
    )
    result = build(runner, course, out_before[0])
    assert_refused(result, out_before, "xapi.base_iri: 'https://***@ce.example.org/xapi'")
    assert "hunter2" not in result.output and "s3cret" not in result.output and "admin" not in result.output


def test_a_relay_url_declared_public_is_shipped(runner, make_course, tmp_path):
    url = "https://relay.example.org/statements?key=site-public-key"
    course = make_course({"course.yaml": course_yaml(XAPI + f"  relay_url: {url}\n  public_urls: [relay_url]\n")})
    result = build(runner, course, tmp_path / "out")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "out" / "tiny-1.0.0-scorm12.zip") as zf:
        assert url in zf.read("index.html").decode()


def test_xapi_relay_option_with_a_token_is_refused(runner, make_course, out_before):
    course = make_course({"course.yaml": course_yaml(XAPI)})
    result = build(runner, course, out_before[0], "--xapi-relay", "https://relay.example.org/x?token=s3cret")
    assert result.exit_code == 2, result.output
    assert "--xapi-relay 'https://relay.example.org/x?token=***' carries the query parameter 'token'" in result.stderr
    assert "s3cret" not in result.output
    assert snapshot(out_before[0]) == out_before[1]


# ------------------------------------------------------------------ templates: what still works
def test_an_override_that_copies_a_default_template_renders_the_same_page(runner, make_course, tmp_path):
    from builder.resources import templates_dir

    plain = make_course()
    copied = make_course({"templates/quiz.html": (templates_dir() / "quiz.html").read_text()}, name="copied")
    for course, out in ((plain, tmp_path / "a"), (copied, tmp_path / "b")):
        assert build(runner, course, out).exit_code == 0
    pages = [
        zipfile.ZipFile(out / "tiny-1.0.0-scorm12.zip").read("index.html") for out in (tmp_path / "a", tmp_path / "b")
    ]
    assert pages[0] == pages[1]


def test_a_never_ending_template_loop_is_stopped(runner, make_course, out_before, monkeypatch):
    from builder.page import templatebox

    monkeypatch.setattr(templatebox, "WALL_SECONDS", 3)  # the test's own budget; CPU time may run out first
    course = make_course(
        {
            "templates/quiz.html": "<p>\n{% for a in range(100000) %}{% for b in range(100000) %}"
            "{% endfor %}{% endfor %}\n"
        }
    )
    assert_refused(
        build(runner, course, out_before[0]),
        out_before,
        "templates/quiz.html:2: error: this template cannot be rendered: rendering took too long",
    )


# ------------------------------------------------------------------ lesson script is a warning
def test_lesson_script_is_a_warning_that_strict_turns_into_an_error(runner, make_course):
    course = make_course(
        {"lessons/one.html": '<p>x</p>\n<button onclick="go()">Go</button>\n<script>var a = 1;</script>\n'}
    )
    result = runner.invoke(main, ["validate", str(course)])
    assert result.exit_code == 0, result.output
    assert (
        "lessons/one.html:2: warning: the onclick attribute of <button> runs script in the player page, where the LMS "
        "connection and every lesson are in reach [lesson-script]" in result.stderr
    )
    assert "lessons/one.html:3: warning: <script> runs script in the player page" in result.stderr
    result = runner.invoke(main, ["validate", "--strict", str(course)])
    assert result.exit_code == 2


def test_verify_code_reads_course_yaml_within_the_limits(runner, make_course):
    course = make_course({"course.yaml": course_yaml(BOMB)})
    result = runner.invoke(main, ["verify-code", "--course", str(course), "--learner", "x", "--date", "2026-01-01"])
    assert result.exit_code == 2, result.output
    assert "course.yaml:20:" in result.stderr and "this file holds more than 250,000 values" in result.stderr
    assert "Traceback" not in result.stderr

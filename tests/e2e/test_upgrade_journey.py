"""A learner part-way through version 1 when the LMS replaces the package by version 2 (issue 20).

Version 1 is the sample course, built today or (``before-records``) the package the first
releases built, without coursepack.json (tests/fixtures/before-records/); version 2 renames a
lesson's title, adds a lesson before it and changes a question's answer, and is built with
``--previous`` the version 1 package. The learner's first session runs on version 1 against
scorm-again; the second gets exactly what the LMS stored and runs on version 2: same place, same
visited lessons, the new lesson unvisited, the quiz restarted with the notice, and nothing else lost.
"""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from . import suspend_v2
from .conftest import REPO_ROOT, SAMPLE_COURSE, build_served, serve_zip
from .lms import seed_cmi
from .quiz_helpers import show_question
from .test_journeys import assert_clean_session, expect_lesson_shown, quiz_view, read_lessons

NEW_TITLE = "Why Self-Compassion Matters at Work"
NEW_LESSON = ("a-pause", "A Short Pause", "lessons/02b-a-pause.html")
CHANGED = "scs_subscales"
BEFORE_RECORDS = REPO_ROOT / "tests" / "fixtures" / "before-records" / "self-compassion-1.0.0-scorm12.zip"


def version_2(folder) -> None:
    """The edits of version 2, made to a copy of the sample course."""
    course = folder / "course.yaml"
    text = course.read_text(encoding="utf-8")
    text = text.replace("version: 1.0.0", "version: 1.1.0")
    text = text.replace('title: "Why Self-Compassion Matters"', f'title: "{NEW_TITLE}"')
    lesson_id, title, file = NEW_LESSON
    text = text.replace(
        "      - id: why-it-matters\n",
        f'      - id: {lesson_id}\n        title: "{title}"\n        file: {file}\n      - id: why-it-matters\n',
    )
    course.write_text(text, encoding="utf-8")
    (folder / file).write_text("<p>Take a breath before the next lesson.</p>\n", encoding="utf-8")
    quiz = folder / "quiz.yaml"
    text = quiz.read_text(encoding="utf-8")
    head, rest = text.split(f"id: {CHANGED}\n", 1)
    rest = rest.replace("answer: true", "answer: false", 1)
    quiz.write_text(head + f"id: {CHANGED}\n" + rest, encoding="utf-8")


@pytest.mark.parametrize("built", ["today", "before-records"])
def test_a_learner_on_version_1_resumes_on_version_2(open_lms, lms_server, tmp_path, built):
    if built == "today":
        v1 = build_served(lms_server, REPO_ROOT / SAMPLE_COURSE, tmp_path / "v1", f"/upgrade-{built}-v1/")
    else:
        v1 = serve_zip(lms_server, BEFORE_RECORDS, tmp_path / "v1", f"/upgrade-{built}-v1/")
        assert "earlier" not in v1.config  # that release's runtime knows only its own layout
    lessons_1 = v1.config["lessons"]
    answered = [q["id"] for q in v1.config["quiz"]["questions"][:2]]

    # Session 1 on version 1: three lessons seen, two questions answered, then back to the third lesson.
    lms1 = open_lms(pkg=f"/upgrade-{built}-v1/index.html")
    sco = lms1.sco
    read_lessons(sco, lessons_1, 0, 2)
    sco.locator('button[data-goto="quiz"]').click()
    expect(quiz_view(sco)).to_be_visible()
    for qid in answered:
        show_question(sco, qid).get_by_role("radio", name="True", exact=True).check()
    sco.locator('button[data-goto="lesson:why-it-matters"]').click()
    expect_lesson_shown(sco, lessons_1[2])
    stored = lms1.close().cmi
    assert stored["core"]["lesson_location"] == "lesson:why-it-matters"
    before = suspend_v2.decode(stored["suspend_data"], v1.config)
    assert [lid for lid, seen in before["visited"].items() if seen] == [lesson["id"] for lesson in lessons_1[:3]]
    assert before["quiz"]["state"] == "p", before["quiz"]
    assert [before["quiz"]["answers"][q] for q in answered] == ["t", "t"], before["quiz"]
    assert_clean_session(lms1, lms1.log())

    # Version 2, built as CI would: with --previous the package it replaces.
    source = tmp_path / "v2-source"
    shutil.copytree(REPO_ROOT / SAMPLE_COURSE, source)
    version_2(source)
    v2 = build_served(lms_server, source, tmp_path / "v2", f"/upgrade-{built}-v2/", "--previous", str(v1.zip_path))
    assert v2.config["fingerprint"] != v1.config["fingerprint"]
    assert v2.config["earlier"][0] == {
        "fingerprint": v1.config["fingerprint"],
        "version": "1.0.0",
        "lessons": [lesson["id"] for lesson in lessons_1],
        "quiz": False,
    }
    # then the layouts version 1 read itself (its own as packages before records wrote it), and v2's own
    after_v1 = [None] if built == "today" else []
    assert [e["version"] for e in v2.config["earlier"]] == ["1.0.0", *after_v1, None]

    # Session 2 on version 2: the LMS hands back exactly what version 1 stored.
    lms2 = open_lms(
        pkg=f"/upgrade-{built}-v2/index.html",
        cmi=seed_cmi(
            entry="resume",
            lesson_location=stored["core"]["lesson_location"],
            suspend_data=stored["suspend_data"],
            lesson_status=stored["core"]["lesson_status"],
        ),
    )
    sco = lms2.sco
    expect(sco.locator("[data-resume-where]")).to_contain_text(NEW_TITLE)
    sco.get_by_role("button", name="Continue where I left off").click()
    renamed = next(lesson for lesson in v2.config["lessons"] if lesson["id"] == "why-it-matters")
    assert renamed["title"] == NEW_TITLE
    expect_lesson_shown(sco, renamed)
    expect(sco.locator('[data-notice="info"]')).to_have_text(
        "This course has been updated since your last visit. Your place and the lessons you have seen are kept; "
        "the quiz has changed, so it starts again."
    )
    state = sco.locator("body").evaluate("() => window.coursepack.state()")
    assert state["visited"] == ["welcome", "self-compassion-test", "why-it-matters"]  # not the new lesson
    assert state["quiz"] == {"phase": "n", "attemptsUsed": 0, "score": None}
    assert set(state["answers"].values()) == {None}
    assert state["status"] == "incomplete"

    # The learner goes on: version 2's own progress is what the LMS gets next.
    sco.get_by_role("button", name="Next", exact=True).click()
    expect_lesson_shown(sco, v2.config["lessons"][4])
    after = lms2.close().cmi
    assert after["suspend_data"].startswith(f"2~{v2.config['fingerprint']}~")
    visited = suspend_v2.decode(after["suspend_data"], v2.config)["visited"]
    assert [lid for lid, seen in visited.items() if seen] == [
        "welcome",
        "self-compassion-test",
        "why-it-matters",
        "guided-meditations",
    ]
    assert_clean_session(lms2, lms2.log())


def test_the_same_journey_keeps_the_quiz_when_only_lessons_change(open_lms, lms_server, tmp_path):
    """Only a lesson added: the attempt in progress is kept, and no notice is shown."""
    v1 = build_served(lms_server, REPO_ROOT / SAMPLE_COURSE, tmp_path / "v1", "/upgrade-keep-v1/")
    lms1 = open_lms(pkg="/upgrade-keep-v1/index.html")
    sco = lms1.sco
    sco.locator('button[data-goto="quiz"]').click()
    first = v1.config["quiz"]["questions"][0]["id"]
    show_question(sco, first).get_by_role("radio", name="False", exact=True).check()
    stored = lms1.close().cmi

    source = tmp_path / "v2-source"
    shutil.copytree(REPO_ROOT / SAMPLE_COURSE, source)
    text = (source / "course.yaml").read_text(encoding="utf-8").replace("version: 1.0.0", "version: 1.0.1")
    lesson_id, title, file = NEW_LESSON
    text = text.replace(
        "      - id: why-it-matters\n",
        f'      - id: {lesson_id}\n        title: "{title}"\n        file: {file}\n      - id: why-it-matters\n',
    )
    (source / "course.yaml").write_text(text, encoding="utf-8")
    (source / file).write_text("<p>Breathe.</p>\n", encoding="utf-8")
    v2 = build_served(lms_server, source, tmp_path / "v2", "/upgrade-keep-v2/", "--previous", str(v1.zip_path))
    assert v2.config["earlier"][0]["quiz"] is True

    lms2 = open_lms(
        pkg="/upgrade-keep-v2/index.html",
        cmi=seed_cmi(entry="resume", lesson_location="quiz", suspend_data=stored["suspend_data"]),
    )
    sco = lms2.sco
    sco.get_by_role("button", name="Continue where I left off").click()
    expect(quiz_view(sco)).to_be_visible()
    radio = show_question(sco, first).get_by_role("radio", name="False", exact=True)
    expect(radio).to_be_checked()
    expect(sco.locator('[data-notice="info"]')).to_have_text("")
    state = sco.locator("body").evaluate("() => window.coursepack.state()")
    assert state["answers"][first] == "f" and state["quiz"]["phase"] == "p"

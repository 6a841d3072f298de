"""The learner never loses progress when the LMS stumbles or the tab goes to the background (both SCORM editions)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .editions import SCORM12
from .lms import PAUSED_AT, LmsSession, interactions
from .quiz_helpers import show_question
from .test_journeys import (
    answer_quiz,
    assert_clean_session,
    assert_interactions,
    click_next,
    correct_answers,
    decode_suspend,
    expect_lesson_shown,
    expect_progress,
    quiz_view,
    read_lessons,
    score_quiz,
)

NOT_SAVED = re.compile(r"not confirming that your progress is saved", re.I)


def test_failing_commits_are_retried_and_the_learner_is_told_calmly(open_lms, built_courses, lms_server, edition):
    course = built_courses[edition.name]
    lessons = course.config["lessons"]
    lms = open_lms(edition=edition, pkg=course.pkg)
    sco = lms.sco
    incomplete = edition.word("incomplete")
    lms.wait_for_commit(lambda c: edition.status(c.cmi) == incomplete, what="incomplete on launch")
    expect_lesson_shown(sco, lessons[0])
    lms_server.commit_reply = {"result": False, "errorCode": 101}
    try:
        click_next(sco)
        expect_lesson_shown(sco, lessons[1])
        notice = sco.locator('[data-notice][role="status"]', has_text=NOT_SAVED)
        expect(notice).to_be_visible(timeout=15000)
        log = lms.log()
        failed = [e for e in LmsSession.calls(log, edition.commit) if str(e["ret"]) != "true"]
        assert len(failed) >= 3, "a failed commit is retried before the learner is told"
        # The learner is not blocked: navigation still works while the LMS fails.
        click_next(sco)
    finally:
        # At once: the page change's commit (about a second later) is the one that must find the LMS back.
        # Later, it could fail too, and the next try would be the 60 s one.
        lms_server.commit_reply = {"result": True, "errorCode": 0}
    # Once the LMS answers again, the learner's next step stores the latest state and the notice goes away.
    click_next(sco)
    expect_lesson_shown(sco, lessons[3])
    stored = lms.wait_for_commit(
        lambda c: c.accepted and edition.value(c.cmi, edition.location) == f"lesson:{lessons[3]['id']}",
        what="an accepted commit with the latest location",
    )
    assert edition.status(stored.cmi) == incomplete
    assert all(decode_suspend(stored.cmi["suspend_data"], course)["visited"][x["id"]] for x in lessons[:4])
    expect(sco.locator('[data-notice][role="status"]', has_text=NOT_SAVED)).to_have_count(0)


def test_hiding_the_tab_commits_what_a_failed_commit_left(open_lms, built_courses, lms_server, edition):
    course = built_courses[edition.name]
    lessons = course.config["lessons"]
    lms = open_lms(edition=edition, pkg=course.pkg)
    sco = lms.sco
    incomplete = edition.word("incomplete")
    lms.wait_for_commit(lambda c: edition.status(c.cmi) == incomplete, what="incomplete on launch")
    frame = lms.page.frame(name="scorm_object")
    # Stop the runtime's timers (the retries and the periodic commit), so that after the page change's
    # commit fails, only the visibility handler can commit again.
    frame.evaluate("() => { window.setTimeout = () => 0; window.setInterval = () => 0; }")
    lms_server.commit_reply = {"result": False, "errorCode": 101}
    try:
        click_next(sco)
        expect_lesson_shown(sco, lessons[1])
    finally:
        lms_server.commit_reply = {"result": True, "errorCode": 0}
    moved = lambda c: c.accepted and edition.value(c.cmi, edition.location) == f"lesson:{lessons[1]['id']}"  # noqa: E731
    lms.page.wait_for_timeout(1500)
    assert not any(moved(c) for c in lms.commits()), "the new location was stored without a commit trigger"
    # Switch the tab to the background: the SCO frame sees visibilitychange -> hidden.
    frame.evaluate("""() => {
        Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});
        document.dispatchEvent(new Event('visibilitychange'));
    }""")
    stored = lms.wait_for_commit(moved, timeout=5, what="a commit of the new location when the tab was hidden")
    assert stored.cmi["suspend_data"].startswith("2~")  # suspend_data format v2


def test_each_step_reaches_the_lms_with_no_timer_running(lms_server, context, built_course):
    """A lesson view, each answer and the score are committed by the action itself (time is stopped in the
    page, so no timer can send them), one commit per action: 18 for the sample course (docs/lms-guide.md)."""
    course = built_course
    lessons = course.config["lessons"]
    answers = correct_answers(course)
    lms = LmsSession(lms_server, context).pause_timers().open()
    sco = lms.sco
    lms.wait_for_commit(lambda c: c.cmi["core"]["lesson_status"] == "incomplete", what="incomplete on launch")
    stored = lambda c: decode_suspend(c.cmi["suspend_data"], course)  # noqa: E731

    click_next(sco)
    expect_lesson_shown(sco, lessons[1])
    lms.wait_for_commit(
        lambda c: (
            c.cmi["core"]["lesson_location"] == f"lesson:{lessons[1]['id']}" and stored(c)["visited"][lessons[1]["id"]]
        ),
        what="the lesson view",
    )
    read_lessons(sco, lessons, 1)
    for n, q in enumerate(course.questions):
        answer_quiz(sco, [q], answers)
        given = {x["id"]: answers[x["id"]] if i <= n else None for i, x in enumerate(course.questions)}
        lms.wait_for_commit(
            lambda c, given=given: stored(c)["quiz"]["answers"] == given,
            what=f"the answer to question {n + 1}",
        )
    score_quiz(sco)
    scored = lms.wait_for_commit(lambda c: c.cmi["core"]["lesson_status"] == "passed", what="the score")
    assert SCORM12.outcome(scored.cmi) == SCORM12.expected("passed", "100")
    assert_interactions(interactions(scored.cmi), course, [answers])
    clock = lms.page.frame(name="scorm_object").evaluate("() => Date.now()")
    assert clock == PAUSED_AT.timestamp() * 1000, "the page's clock moved: a timer could have run"

    finish = lms.close()
    commits = [c for c in lms.commits() if not c.terminate]
    expected = (
        1 + len(lessons) + len(course.questions) + 1
    )  # launch, each page (lessons after the first, quiz), answers, score
    assert len(commits) == expected == 18, [c.cmi["core"]["lesson_location"] for c in commits]
    assert len(LmsSession.calls(lms.log(), "LMSCommit")) == expected
    assert finish.terminate and SCORM12.outcome(finish.cmi) == SCORM12.expected("passed", "100")
    assert_clean_session(lms, lms.log())


def test_a_crash_loses_nothing_the_learner_saw_as_done(open_lms, built_course):
    """The renderer crashes (no pagehide, no LMSFinish) right after a page change, an answer, the score; each
    time the next launch, from what the LMS stored, has it."""
    course = built_course
    lessons = course.config["lessons"]
    answers = correct_answers(course)
    first, rest = course.questions[0], course.questions[1:]

    def crashed(lms: LmsSession) -> dict:
        lms.crash()
        assert LmsSession.calls(lms.log(), "LMSFinish") == [], "the crash ended the session properly"
        return lms.stored_launch()

    # A page change, then the crash.
    lms = open_lms()
    click_next(lms.sco)
    expect_lesson_shown(lms.sco, lessons[1])
    lms = open_lms(cmi=crashed(lms))
    lms.sco.get_by_role("button", name="Continue where I left off").click()
    expect_lesson_shown(lms.sco, lessons[1])
    expect_progress(lms.sco, 2, len(lessons) + 1)

    # An answer, then the crash.
    read_lessons(lms.sco, lessons, 1)
    answer_quiz(lms.sco, [first], answers)
    lms = open_lms(cmi=crashed(lms))
    lms.sco.get_by_role("button", name="Continue where I left off").click()
    expect(quiz_view(lms.sco)).to_be_visible()
    fieldset = show_question(lms.sco, first["id"])  # the resumed attempt opens on the first unanswered one
    expect(
        fieldset.get_by_role("radio", name="True" if answers[first["id"]] == "t" else "False", exact=True)
    ).to_be_checked()
    for q in rest:
        expect(quiz_view(lms.sco).locator(f'fieldset[data-question-id="{q["id"]}"] input:checked')).to_have_count(0)

    # The score, then the crash.
    answer_quiz(lms.sco, rest, answers)
    score_quiz(lms.sco)
    launch = crashed(lms)
    assert (launch["core"]["lesson_status"], launch["core"]["score"]["raw"]) == ("passed", "100")
    assert_interactions(interactions(lms.last_commit().cmi), course, [answers])
    lms = open_lms(cmi=launch)
    expect(lms.sco.locator('[data-notice="complete"]')).not_to_be_empty()
    read_lessons(lms.sco, lessons)
    expect(quiz_view(lms.sco).locator("[data-results] .score")).to_contain_text("100")

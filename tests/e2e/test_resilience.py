"""The learner never loses progress when the LMS stumbles or the tab goes to the background (both SCORM editions)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .lms import LmsSession
from .test_journeys import click_next, expect_lesson_shown

NOT_SAVED = re.compile(r"not confirming that your progress is saved", re.I)


def test_failing_commits_are_retried_and_the_learner_is_told_calmly(open_lms, built_courses, lms_server, edition):
    course = built_courses[edition.name]
    lessons = course.config["lessons"]
    lms = open_lms(edition=edition, pkg=course.pkg)
    sco = lms.sco
    incomplete = edition.word("incomplete")
    lms.wait_for_commit(lambda c: edition.status(c.cmi) == incomplete, what="incomplete on launch")
    expect_lesson_shown(sco, lessons[0])
    before = len(lms.commits())
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
    expect_lesson_shown(sco, lessons[2])
    # Once the LMS answers again, the retry stores the latest state and the notice goes away.
    stored = lms.wait_for_commit(
        lambda c: edition.value(c.cmi, edition.location) == f"lesson:{lessons[2]['id']}",
        timeout=30,
        what="the retried commit with the latest location",
    )
    assert len(lms.commits()) > before
    assert edition.status(stored.cmi) == incomplete
    expect(sco.locator('[data-notice][role="status"]', has_text=NOT_SAVED)).to_have_count(0, timeout=15000)


def test_hiding_the_tab_commits_pending_progress(open_lms, built_courses, edition):
    course = built_courses[edition.name]
    lessons = course.config["lessons"]
    lms = open_lms(edition=edition, pkg=course.pkg)
    sco = lms.sco
    incomplete = edition.word("incomplete")
    lms.wait_for_commit(lambda c: edition.status(c.cmi) == incomplete, what="incomplete on launch")
    frame = lms.page.frame(name="scorm_object")
    # Stop the runtime's timers (the coalesced and periodic commits), so only the visibility
    # handler can commit what the next page change writes.
    frame.evaluate("() => { window.setTimeout = () => 0; window.setInterval = () => 0; }")
    click_next(sco)
    expect_lesson_shown(sco, lessons[1])
    moved = lambda c: edition.value(c.cmi, edition.location) == f"lesson:{lessons[1]['id']}"  # noqa: E731
    lms.page.wait_for_timeout(1500)
    assert not any(moved(c) for c in lms.commits()), "the new location was committed without a commit trigger"
    # Switch the tab to the background: the SCO frame sees visibilitychange -> hidden.
    frame.evaluate("""() => {
        Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});
        document.dispatchEvent(new Event('visibilitychange'));
    }""")
    stored = lms.wait_for_commit(moved, timeout=5, what="a commit of the new location when the tab was hidden")
    assert stored.cmi["suspend_data"].startswith("2~")  # suspend_data format v2

"""course.yaml ``tracking:`` in scorm-again: what the LMS stored, and the calls that got it there, per option."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from .a11y import assert_no_violations
from .conftest import REPO_ROOT, SAMPLE_COURSE, build_served
from .editions import EDITIONS, SCORM12
from .lms import ERROR_FNS, LmsSession, interactions
from .test_journeys import (
    answer_quiz,
    assert_clean_session,
    assert_interactions,
    correct_answers,
    failing_answers,
    read_lessons,
    score_quiz,
)


def built_with(lms_server, tmp_path, tracking: str, *args: str):
    """The sample course with *tracking* (the lines of a ``tracking:`` block) added to its course.yaml, served."""
    source = tmp_path / "src"
    shutil.copytree(REPO_ROOT / SAMPLE_COURSE, source)
    with (source / "course.yaml").open("a", encoding="utf-8") as f:
        f.write("tracking:\n" + "".join(f"  {line}\n" for line in tracking.splitlines()))
    prefix = f"/tracking-{tmp_path.name}/"
    return build_served(lms_server, source, tmp_path, prefix, *args), f"{prefix}index.html"


def calls_once_exit_began(log: list[dict], edition) -> list[str]:
    """The API functions called from the session_time write on (the end of the session), error checks aside."""
    (start,) = [i for i, e in enumerate(log) if e["fn"] == edition.set_value and e["args"][0] == edition.session_time]
    return [e["fn"] for e in log[start:] if e["fn"] not in ERROR_FNS]


@pytest.mark.parametrize("edition", EDITIONS, ids=str)
@pytest.mark.parametrize("commit_on_exit", [True, False])
def test_commit_on_exit_decides_the_commit_before_finish_and_nothing_is_lost(
    open_lms, lms_server, tmp_path, edition, commit_on_exit
):
    course, pkg = built_with(
        lms_server, tmp_path, f"commit_on_exit: {str(commit_on_exit).lower()}", "--format", edition.name
    )
    # An LMS that wants the exit commit takes it without blocking the page (Chromium refuses a synchronous
    # request while a page closes: scorm-again's synchronous commit would fail there, and LMSFinish still store).
    lms = open_lms(pkg=pkg, edition=edition, settings={"useAsynchronousCommits": commit_on_exit})
    lessons = course.config["lessons"]
    read_lessons(lms.sco, lessons, 0, 3)
    shown = f"lesson:{lms.sco.locator('section.view:not([hidden])').get_attribute('data-lesson-id')}"
    last_action = lms.wait_for_commit(lambda c: edition.value(c.cmi, edition.location) == shown, what="the page change")
    finish = lms.close()
    log = lms.log()
    ending = calls_once_exit_began(log, edition)
    if commit_on_exit:
        assert ending == [edition.set_value, edition.commit, edition.terminate], ending
    else:
        assert ending == [edition.set_value, edition.terminate], ending  # no commit once the page is closing
    # Either way the LMS holds what the learner did: each action was committed when it happened.
    for element in (edition.location, edition.suspend_data):
        assert edition.value(finish.cmi, element) == edition.value(last_action.cmi, element)
    assert edition.value(finish.cmi, edition.exit) == edition.suspend_exit
    assert_clean_session(lms, log, edition=edition)


def pass_at_the_second_attempt(lms: LmsSession, course) -> None:
    sco = lms.sco
    read_lessons(sco, course.config["lessons"])
    answer_quiz(sco, course.questions, failing_answers(course))
    score_quiz(sco)
    sco.get_by_role("button", name="Retake quiz").click()
    answer_quiz(sco, course.questions, correct_answers(course))
    expect(score_quiz(sco)).to_contain_text("100")


@pytest.mark.parametrize("rule", ["first-attempt", "none"])
def test_interactions_go_for_the_first_attempt_only_or_not_at_all(open_lms, lms_server, tmp_path, rule):
    course, pkg = built_with(lms_server, tmp_path, f"interactions: {rule}")
    lms = open_lms(pkg=pkg)
    pass_at_the_second_attempt(lms, course)
    finish = lms.close()
    stored = interactions(finish.cmi)
    if rule == "none":
        assert stored == []
    else:
        assert_interactions(stored, course, [failing_answers(course)])  # the first attempt's, each id once
        assert len({i["id"] for i in stored}) == len(stored) == len(course.questions)
    # The score and the status still reach the LMS.
    assert SCORM12.outcome(finish.cmi) == SCORM12.expected("passed", "100")
    log = lms.log()
    sent = {element.split(".")[2] for element, _ in LmsSession.sets(log) if element.startswith("cmi.interactions.")}
    assert sent == (set() if rule == "none" else {str(i) for i in range(len(course.questions))})
    assert_clean_session(lms, log)


@pytest.mark.parametrize("edition", EDITIONS, ids=str)
def test_score_raw_writes_the_raw_score_without_min_and_max(open_lms, lms_server, tmp_path, edition):
    course, pkg = built_with(lms_server, tmp_path, "score: raw", "--format", edition.name)
    lms = open_lms(pkg=pkg, edition=edition)
    fields = [f"{edition.score_prefix}{field}" for field in ("min", "max")]
    lms_own = [edition.value(lms.cmi(), element) for element in fields]  # the LMS's defaults ('' or its own)
    read_lessons(lms.sco, course.config["lessons"])
    answer_quiz(lms.sco, course.questions, correct_answers(course))
    expect(score_quiz(lms.sco)).to_contain_text("100")
    finish = lms.close()
    log = lms.log()
    scores = [(k, v) for k, v in LmsSession.sets(log) if k.startswith(edition.score_prefix)]
    # SCORM 2004 keeps score.scaled: its success status and a manifest objective are judged by it.
    wanted = [(f"{edition.score_prefix}raw", "100")]
    if edition is not SCORM12:
        wanted.append((f"{edition.score_prefix}scaled", "1"))
    assert scores == wanted
    assert edition.status(finish.cmi) == edition.word("passed")
    assert edition.value(finish.cmi, f"{edition.score_prefix}raw") == "100"
    assert [edition.value(finish.cmi, element) for element in fields] == lms_own  # left as the LMS had them
    assert_clean_session(lms, log, edition=edition)


@pytest.mark.parametrize("edition", EDITIONS, ids=str)
def test_in_a_window_of_its_own_the_exit_control_ends_the_session_and_closes_the_window(
    lms_server, context, tmp_path, edition
):
    course, pkg = built_with(lms_server, tmp_path, "launch: new-window", "--format", edition.name)
    lms = LmsSession(lms_server, context, pkg=pkg, window=True, api=edition.api, cmi=edition.seed()).open()
    sco = lms.sco
    assert sco.evaluate("() => window.opener !== null && window.parent === window")  # found the API via opener
    read_lessons(sco, course.config["lessons"], 0, 2)
    exit_control = sco.get_by_role("button", name="Exit the course")
    assert_no_violations(sco.main_frame, "the course in a window of its own, with its exit control")
    exit_control.focus()  # a native button: reachable from the keyboard
    with sco.expect_event("close"):
        sco.keyboard.down("Enter")  # a button acts on Enter's keydown; the window is gone before any keyup
    finish = lms.wait_for_commit(lambda c: c.terminate, what="the terminate commit")
    assert edition.value(finish.cmi, edition.location) == f"lesson:{course.config['lessons'][2]['id']}"
    assert edition.value(finish.cmi, edition.exit) == edition.suspend_exit
    log = lms.log()  # the LMS window is still open: its own log
    assert calls_once_exit_began(log, edition) == [edition.set_value, edition.terminate]
    assert_clean_session(lms, log, edition=edition)

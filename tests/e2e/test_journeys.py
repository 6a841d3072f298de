"""Learner journeys through the built sample course, in Chromium, against scorm-again.

Every test drives the real package (built once per session with the CLI) as a learner does
and asserts what the LMS stored: the commits the server received and/or scorm-again's live
CMI data, plus the API call log (what the runtime asked of the LMS, and the error codes).
The correct answers come from the built package's runtime configuration, never from here.
Each journey runs twice: the SCORM 1.2 package against scorm-again's ``API``, the SCORM 2004
package against its ``API_1484_11`` (editions.py says where each edition keeps what).
"""

from __future__ import annotations

import math
import re

import pytest
from playwright.sync_api import FrameLocator, expect

from . import suspend_v2
from .editions import SCORM12, SCORM2004
from .lms import LmsSession, interactions
from .quiz_helpers import DURATION, TIMESTAMP, assert_interactions_2004, open_feedback, press_score, show_question

TIMESPAN = re.compile(r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$")  # CMITimespan
CMITIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,2})?$")  # CMITime (time of day)
DECIMAL = re.compile(r"^-?\d{1,3}(\.\d{1,2})?$")
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
NOT_RECORDED = re.compile(r"not being recorded", re.I)


# ============================================================== learner actions
def lesson_view(sco: FrameLocator, lesson_id: str):
    return sco.locator(f'section.view[data-view="lesson"][data-lesson-id="{lesson_id}"]')


def quiz_view(sco: FrameLocator):
    return sco.locator('section.view[data-view="quiz"]')


def expect_lesson_shown(sco: FrameLocator, lesson: dict) -> None:
    view = lesson_view(sco, lesson["id"])
    expect(view).to_be_visible()
    expect(view.get_by_role("heading", level=2)).to_have_text(lesson["title"])
    expect(sco.locator("section.view:not([hidden])")).to_have_count(1)


def click_next(sco: FrameLocator) -> None:
    sco.get_by_role("button", name="Next", exact=True).click()


def read_lessons(sco: FrameLocator, lessons: list[dict], start: int = 0, stop: int | None = None) -> None:
    """Show lessons[start] .. lessons[stop-1] in turn with Next; ends on the view after them."""
    stop = len(lessons) if stop is None else stop
    for i in range(start, stop):
        expect_lesson_shown(sco, lessons[i])
        click_next(sco)
    if stop < len(lessons):
        expect_lesson_shown(sco, lessons[stop])
    else:
        expect(quiz_view(sco)).to_be_visible()


def answer_quiz(sco: FrameLocator, questions: list[dict], answers: dict[str, str]) -> None:
    for q in questions:
        fieldset = show_question(sco, q["id"])
        expect(fieldset.locator("legend")).to_contain_text(q["text"])
        radio = fieldset.get_by_role("radio", name="True" if answers[q["id"]] == "t" else "False", exact=True)
        radio.check()
        expect(radio).to_be_checked()


def score_quiz(sco: FrameLocator):
    press_score(sco)
    results = quiz_view(sco).locator("[data-results]")
    expect(results).to_be_visible()
    return results


def expect_progress(sco: FrameLocator, visited_views: int, total_views: int) -> str:
    """The progressbar shows the percentage of views visited (any sensible rounding); returns it."""
    percent = 100 * visited_views / total_views
    accepted = {
        str(math.floor(percent)),
        str(math.ceil(percent)),
        f"{percent:.1f}".rstrip("0").rstrip("."),
        f"{percent:.2f}".rstrip("0").rstrip("."),
    }
    bar = sco.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", re.compile("^(" + "|".join(map(re.escape, accepted)) + ")$"))
    return bar.get_attribute("aria-valuenow")


# ============================================================== expectations
def correct_answers(course) -> dict[str, str]:
    answers = {q["id"]: q["answer"] for q in course.questions}
    assert set(answers.values()) <= {"t", "f"}, f"true-false answers must be 't'/'f': {answers}"
    return answers


def flip(answer: str) -> str:
    return "f" if answer == "t" else "t"


def weighted_score(questions: list[dict], answers: dict[str, str]) -> float:
    total = sum(q["weight"] for q in questions)
    got = sum(q["weight"] for q in questions if answers[q["id"]] == q["answer"])
    return round(100 * got / total, 2)


def failing_answers(course) -> dict[str, str]:
    """Answers that score below the pass mark: get questions wrong, in order, until it fails."""
    answers = correct_answers(course)
    for q in course.questions:
        if weighted_score(course.questions, answers) < course.config["passMark"]:
            break
        answers[q["id"]] = flip(q["answer"])
    assert weighted_score(course.questions, answers) < course.config["passMark"]
    return answers


def score_str(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def assert_interactions(stored: list[dict], course, attempts: list[dict[str, str]], edition=SCORM12) -> None:
    """One journal record per question per attempt, in quiz order, with exact field values."""
    expected = [(q, answers[q["id"]]) for answers in attempts for q in course.questions]
    if edition is SCORM2004:
        assert_interactions_2004(stored, expected, course.config)
        return
    assert len(stored) == len(expected), f"{len(stored)} interactions stored, expected {len(expected)}"
    for n, ((q, response), rec) in enumerate(zip(expected, stored)):
        where = f"cmi.interactions.{n}"
        assert rec["id"] == q["id"], where
        assert rec["type"] == "true-false", where
        assert rec["student_response"] == response, where
        assert rec["correct_responses"] == {"0": {"pattern": q["answer"]}}, where
        assert rec["result"] == ("correct" if response == q["answer"] else "wrong"), where
        assert DECIMAL.match(rec["weighting"]) and float(rec["weighting"]) == q["weight"], (where, rec["weighting"])
        assert TIMESPAN.match(rec["latency"]), (where, rec["latency"])
        assert CMITIME.match(rec["time"]), (where, rec["time"])


def assert_interaction_values_sent(log: list[dict], edition=SCORM12) -> None:
    """What the runtime sent (before scorm-again normalises timespans) is valid SCORM 1.2 (or 2004)."""
    if edition is SCORM2004:
        for element, value in LmsSession.sets(log):
            if re.fullmatch(r"cmi\.interactions\.\d+\.latency", element):
                assert DURATION.match(value), (element, value)
            elif re.fullmatch(r"cmi\.interactions\.\d+\.timestamp", element):
                assert TIMESTAMP.match(value), (element, value)
            elif re.fullmatch(r"cmi\.interactions\.\d+\.id", element):
                assert re.fullmatch(r"urn:coursepack:[a-z0-9-]+:[A-Za-z0-9_-]{1,255}", value), (element, value)
        return
    for element, value in LmsSession.sets(log):
        if re.fullmatch(r"cmi\.interactions\.\d+\.latency", element):
            assert TIMESPAN.match(value), (element, value)
        elif re.fullmatch(r"cmi\.interactions\.\d+\.time", element):
            assert CMITIME.match(value), (element, value)
        elif re.fullmatch(r"cmi\.interactions\.\d+\.id", element):
            assert re.fullmatch(r"[A-Za-z0-9_-]{1,255}", value), (element, value)


def decode_suspend(data: str, course) -> dict:
    """suspend_data format v2 (docs/architecture.md section 5), decoded by suspend_v2.decode."""
    state = suspend_v2.decode(data, course.config)
    quiz = state["quiz"]
    if quiz is not None:
        assert quiz["presented"] == [x["id"] for x in course.questions], "the sample quiz shows every question"
        quiz = {
            "attempts": quiz["attempts"],
            "state": quiz["state"],
            "answers": quiz["answers"],
            "score": quiz["score"],
        }
    return {"visited": state["visited"], "quiz": quiz}


def assert_clean_session(lms: LmsSession, log: list[dict], finished: bool = True, edition=SCORM12) -> None:
    """Initialize once first, Finish (Terminate) once (if finished), zero API errors, nothing after it."""
    assert log, "the runtime made no API call"
    initialize, finish = edition.initialize, edition.terminate
    assert log[0]["fn"] == initialize, f"first API call was {log[0]['fn']}{log[0]['args']}"
    fns = [e["fn"] for e in log]
    assert fns.count(initialize) == 1
    assert LmsSession.calls(log, initialize)[0]["ret"] == "true"
    errors = [(e["seq"], e["fn"], e["args"], e["ret"], e["err"], e.get("thrown")) for e in LmsSession.errors(log)]
    tail = [(e["seq"], e["fn"], e["args"], e["ret"], e["err"]) for e in log[-8:]]
    assert errors == [], (
        f"API calls that set an error code: {errors}\nlast calls: {tail}\nLMS messages: {lms.messages()}"
    )
    if finished:
        assert fns.count(finish) == 1, f"{finish} called {fns.count(finish)} times"
        assert LmsSession.calls(log, finish)[0]["ret"] == "true"
        assert LmsSession.calls_after_finish(log) == [], f"API calls after {finish}"
        session_times = [v for k, v in LmsSession.sets(log) if k == edition.session_time]
        assert len(session_times) == 1, f"session_time written {len(session_times)} times"
        assert edition.session_time_format.fullmatch(session_times[0]), session_times[0]
    else:
        assert finish not in fns
    assert lms.page_errors == [], f"uncaught errors in the page: {lms.page_errors}"


def finish_course_passing(lms: LmsSession, course, start: int = 0) -> None:
    """From lessons[start] on: read the remaining lessons, answer everything right, score."""
    sco = lms.sco
    read_lessons(sco, course.config["lessons"], start)
    answer_quiz(sco, course.questions, correct_answers(course))
    results = score_quiz(sco)
    expect(results).to_contain_text("100")


# ============================================================== journeys
@pytest.fixture
def course(built_courses, edition):
    """The sample course's package of the edition."""
    return built_courses[edition.name]


@pytest.fixture
def launch(open_lms, course, edition):
    """Factory: the package launched from an LMS of its edition (``cmi``: what the LMS stored, else a first launch)."""

    def _launch(**kwargs) -> LmsSession:
        return open_lms(edition=edition, pkg=course.pkg, **kwargs)

    return _launch


def test_learner_reads_everything_passes_and_closes(launch, course, edition):
    cfg = course.config
    assert len(course.questions) == 8, "the sample course has 8 questions"
    lms = launch()
    sco = lms.sco

    # Launch: the runtime sets incomplete and commits at once.
    incomplete = edition.word("incomplete")
    first = lms.wait_for_commit(lambda c: edition.status(c.cmi) == incomplete, what="incomplete on launch")
    assert edition.status(first.cmi) == incomplete

    read_lessons(sco, cfg["lessons"])
    views = len(cfg["lessons"]) + 1
    assert expect_progress(sco, views, views) == "100"
    answer_quiz(sco, course.questions, correct_answers(course))
    results = score_quiz(sco)
    expect(results).to_contain_text("100")
    open_feedback(results)
    for q in course.questions:
        expect(results.locator(f'[data-feedback-for="{q["id"]}"]')).to_be_visible()
    expect(sco.get_by_role("button", name="Retake quiz")).to_have_count(0)

    # The pass is committed immediately, before the learner leaves.
    passed = edition.word(cfg["status"]["pass"])
    scored = lms.wait_for_commit(lambda c: edition.status(c.cmi) == passed, what="the commit of the pass")
    assert edition.outcome(scored.cmi) == edition.expected(cfg["status"]["pass"], "100")
    assert_interactions(interactions(scored.cmi), course, [correct_answers(course)], edition)
    live = lms.cmi()
    assert edition.outcome(live) == edition.expected("passed", "100")

    # Writes in the documented order: interactions, the score (min, max, raw; then scaled in 2004), the status
    # (lesson_status; completion_status then success_status in 2004), commit.
    log = lms.log()
    order = [(i, e["args"][0]) for i, e in enumerate(log) if e["fn"] == edition.set_value]
    idx = {name: i for i, name in order}
    last_interaction = max(i for i, name in order if name.startswith("cmi.interactions."))
    chain = [last_interaction] + [idx[name] for name in edition.score_elements + edition.status_elements]
    assert all(a < b for a, b in zip(chain, chain[1:])), chain
    last_status = idx[edition.status_elements[-1]]
    assert any(e["fn"] == edition.commit for e in log[last_status:]), "no commit after scoring"

    finish = lms.close()
    assert finish is lms.last_commit()
    assert edition.outcome(finish.cmi) == edition.expected("passed", "100")
    assert edition.value(finish.cmi, edition.exit) == edition.done_exit
    session_time = edition.value(finish.cmi, edition.session_time)
    assert edition.stored_time_format.match(session_time), session_time
    assert edition.value(finish.cmi, edition.location) == "quiz"
    if edition is SCORM2004:
        assert finish.cmi["progress_measure"] == "1"  # every view seen
    assert_interactions(interactions(finish.cmi), course, [correct_answers(course)], edition)
    state = decode_suspend(finish.cmi["suspend_data"], course)
    assert all(state["visited"].values()), state
    assert state["quiz"] == {"attempts": 1, "state": "s", "answers": correct_answers(course), "score": "100"}

    log = lms.log()
    assert_clean_session(lms, log, edition=edition)
    assert_interaction_values_sent(log, edition)
    assert (edition.exit, edition.done_exit) in LmsSession.sets(log)


def test_learner_fails_retakes_and_passes(launch, course, edition):
    cfg = course.config
    assert cfg["quiz"]["attempts"] == 0 or cfg["quiz"]["attempts"] >= 2, "the journey needs a retake"
    lms = launch()
    sco = lms.sco
    read_lessons(sco, cfg["lessons"])

    wrong = failing_answers(course)
    first_score = weighted_score(course.questions, wrong)
    answer_quiz(sco, course.questions, wrong)
    results = score_quiz(sco)
    expect(results).to_contain_text(score_str(first_score))
    open_feedback(results)
    for q in course.questions:
        expect(results.locator(f'[data-feedback-for="{q["id"]}"]')).to_be_visible()
    retake = sco.get_by_role("button", name="Retake quiz")
    expect(retake).to_be_visible()

    failed = lms.wait_for_commit(lambda c: edition.score(c.cmi)[0] != "", what="the commit of the failed attempt")
    assert edition.outcome(failed.cmi) == edition.expected(cfg["status"]["fail"], score_str(first_score))
    assert_interactions(interactions(failed.cmi), course, [wrong], edition)
    assert [r["result"] for r in interactions(failed.cmi)].count(edition.wrong) == sum(
        1 for q in course.questions if wrong[q["id"]] != q["answer"]
    )
    assert edition.status(lms.cmi()) == edition.word("incomplete")

    retake.click()
    answer_quiz(sco, course.questions, correct_answers(course))
    results = score_quiz(sco)
    expect(results).to_contain_text("100")

    passed = edition.word(cfg["status"]["pass"])
    passed_commit = lms.wait_for_commit(lambda c: edition.status(c.cmi) == passed, what="the commit of the pass")
    assert edition.outcome(passed_commit.cmi) == edition.expected("passed", "100")

    finish = lms.close()
    assert edition.outcome(finish.cmi) == edition.expected("passed", "100")
    assert edition.value(finish.cmi, edition.exit) == edition.done_exit
    assert_interactions(interactions(finish.cmi), course, [wrong, correct_answers(course)], edition)
    state = decode_suspend(finish.cmi["suspend_data"], course)
    assert state["quiz"]["attempts"] == 2 and state["quiz"]["state"] == "s" and state["quiz"]["score"] == "100"
    log = lms.log()
    assert_clean_session(lms, log, edition=edition)
    assert_interaction_values_sent(log, edition)
    statuses = edition.status_writes(LmsSession.sets(log))
    assert statuses[-1] == edition.word("passed") and edition.word("passed") not in statuses[:-1], statuses


def test_close_mid_course_and_resume(launch, course, edition):
    cfg = course.config
    lessons = cfg["lessons"]
    seen = 4  # lessons[0..3] shown in session 1, the last one still on screen when the learner leaves
    assert len(lessons) > seen

    # Session 1
    lms1 = launch()
    read_lessons(lms1.sco, lessons, 0, seen - 1)
    progress_1 = expect_progress(lms1.sco, seen, len(lessons) + 1)
    finish1 = lms1.close()
    location = edition.value(finish1.cmi, edition.location)
    assert location == f"lesson:{lessons[seen - 1]['id']}"
    assert edition.value(finish1.cmi, edition.exit) == edition.suspend_exit
    assert edition.status(finish1.cmi) == edition.word("incomplete")
    assert finish1.cmi["suspend_data"] != ""
    if edition is SCORM2004:  # the share of views seen, as the progress bar shows it, to 7 decimals at most
        measure = finish1.cmi["progress_measure"]
        assert re.fullmatch(r"0\.\d{1,7}", measure) and abs(float(measure) - seen / (len(lessons) + 1)) < 1e-7, measure
    state = decode_suspend(finish1.cmi["suspend_data"], course)
    assert state["visited"] == {lesson["id"]: i < seen for i, lesson in enumerate(lessons)}
    assert_clean_session(lms1, lms1.log(), edition=edition)

    # Session 2: the LMS hands back exactly what it stored.
    suspend_data = finish1.cmi["suspend_data"]
    lms2 = launch(cmi=edition.seed(entry="resume", location=location, suspend_data=suspend_data, status="incomplete"))
    sco = lms2.sco
    sco.get_by_role("button", name="Continue where I left off").click()
    expect_lesson_shown(sco, lessons[seen - 1])
    expect(sco.get_by_role("progressbar")).to_have_attribute("aria-valuenow", progress_1)  # visits kept
    expect(sco.get_by_role("button", name="Continue where I left off")).to_be_hidden()

    finish_course_passing(lms2, course, start=seen - 1)
    finish2 = lms2.close()
    assert edition.outcome(finish2.cmi) == edition.expected("passed", "100")
    assert edition.value(finish2.cmi, edition.exit) == edition.done_exit
    assert all(decode_suspend(finish2.cmi["suspend_data"], course)["visited"].values())
    log = lms2.log()
    assert_clean_session(lms2, log, edition=edition)
    reads = [e["args"][0] for e in LmsSession.calls(log, edition.get_value)]
    assert {edition.entry, edition.location, "cmi.suspend_data"} <= set(reads)


def test_review_mode_changes_nothing(launch, course, edition):
    cfg = course.config
    # A finished run first, to get real suspend_data and location from it.
    run1 = launch()
    finish_course_passing(run1, course)
    stored = run1.close().cmi
    assert edition.status(stored) == edition.word("passed")

    lms = launch(
        cmi=edition.seed(
            entry="",
            mode="review",
            status="passed",
            score="100",
            location=edition.value(stored, edition.location),
            suspend_data=stored["suspend_data"],
        )
    )
    sco = lms.sco
    expect(sco.locator("section.view:not([hidden])")).to_have_count(1)
    for _ in range(len(cfg["lessons"]) + 1):  # navigate with Next until the quiz
        if quiz_view(sco).is_visible():
            break
        click_next(sco)
    expect(quiz_view(sco)).to_be_visible()
    for q in course.questions:  # the stored answers, read-only
        fieldset = quiz_view(sco).locator(f'fieldset[data-question-id="{q["id"]}"]')
        radio = fieldset.get_by_role("radio", name="True" if q["answer"] == "t" else "False", exact=True)
        expect(radio).to_be_checked()
        expect(radio).to_be_disabled()

    finish = lms.close()
    log = lms.log()
    assert_clean_session(lms, log, edition=edition)
    written = [k for k, _ in LmsSession.sets(log)]
    forbidden = [
        k
        for k in written
        if k in edition.status_elements
        or k.startswith(edition.score_prefix)
        or k.startswith(("cmi.interactions.", "cmi.objectives."))
        or k in ("cmi.suspend_data", edition.location, "cmi.progress_measure")
    ]
    assert forbidden == [], f"review mode wrote {forbidden}"
    assert edition.outcome(finish.cmi) == edition.expected("passed", "100")
    assert interactions(finish.cmi) == []
    assert finish.cmi["suspend_data"] == stored["suspend_data"]


def test_without_an_lms_the_course_still_works(context, lms_server, course):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{lms_server.url}{course.pkg}")
    notice = page.get_by_role("status").filter(has_text=NOT_RECORDED)
    expect(notice).to_be_visible()
    page.get_by_role("button", name="Start the course").click()

    lessons = course.config["lessons"]
    for lesson in lessons:
        view = page.locator(f'section.view[data-view="lesson"][data-lesson-id="{lesson["id"]}"]')
        expect(view).to_be_visible()
        page.get_by_role("button", name="Next", exact=True).click()
    quiz = page.locator('section.view[data-view="quiz"]')
    expect(quiz).to_be_visible()
    answer_quiz(page, course.questions, correct_answers(course))
    press_score(page)
    expect(quiz.locator("[data-results]")).to_be_visible()
    expect(quiz.locator("[data-results]")).to_contain_text("100")
    expect(notice).to_be_visible()
    assert errors == []


def test_api_found_two_frames_deep(launch, course, edition):
    lessons = course.config["lessons"]
    lms = launch(wrap=True)
    sco = lms.sco
    expect_lesson_shown(sco, lessons[0])
    expect(sco.get_by_role("status").filter(has_text=NOT_RECORDED)).to_have_count(0)
    incomplete = edition.word("incomplete")
    lms.wait_for_commit(lambda c: edition.status(c.cmi) == incomplete, what="incomplete on launch")
    click_next(sco)
    expect_lesson_shown(sco, lessons[1])
    second = f"lesson:{lessons[1]['id']}"
    lms.wait_for_commit(
        lambda c: edition.value(c.cmi, edition.location) == second,
        what="the page-change commit",
    )
    finish = lms.close()
    assert edition.value(finish.cmi, edition.exit) == edition.suspend_exit
    assert edition.value(finish.cmi, edition.location) == second
    assert_clean_session(lms, lms.log(), edition=edition)


def test_resume_prompt_start_from_the_beginning(launch, course, edition):
    """The other answer to the resume prompt: the first lesson is shown."""
    lessons = course.config["lessons"]
    lms1 = launch()
    read_lessons(lms1.sco, lessons, 0, 2)
    stored = lms1.close().cmi
    lms2 = launch(
        cmi=edition.seed(
            entry="resume",
            location=edition.value(stored, edition.location),
            suspend_data=stored["suspend_data"],
            status="incomplete",
        )
    )
    lms2.sco.get_by_role("button", name="Start from the beginning").click()
    expect_lesson_shown(lms2.sco, lessons[0])
    assert_clean_session(lms2, lms2.log(), finished=False, edition=edition)

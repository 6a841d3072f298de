"""Learner journeys through the built sample course, in Chromium, against scorm-again.

Every test drives the real package (built once per session with the CLI) as a learner does
and asserts what the LMS stored: the commits the server received and/or scorm-again's live
CMI data, plus the API call log (what the runtime asked of the LMS, and the error codes).
The correct answers come from the built package's runtime configuration, never from here.
"""

from __future__ import annotations

import math
import re

from playwright.sync_api import FrameLocator, expect

from . import suspend_v2
from .lms import LmsSession, interactions, seed_cmi
from .quiz_helpers import open_feedback, press_score, show_question

TIMESPAN = re.compile(r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$")  # CMITimespan
CMITIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,2})?$")  # CMITime (time of day)
DECIMAL = re.compile(r"^-?\d{1,3}(\.\d{1,2})?$")
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
NOT_RECORDED = re.compile(r"not being recorded", re.I)
SCORM12_SUSPEND_LIMIT = 4096


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


def assert_interactions(stored: list[dict], course, attempts: list[dict[str, str]]) -> None:
    """One journal record per question per attempt, in quiz order, with exact field values."""
    expected = [(q, answers[q["id"]]) for answers in attempts for q in course.questions]
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


def assert_interaction_values_sent(log: list[dict]) -> None:
    """What the runtime sent (before scorm-again normalises timespans) is valid SCORM 1.2."""
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


def assert_clean_session(lms: LmsSession, log: list[dict], finished: bool = True) -> None:
    """Initialize once first, Finish once (if finished), zero API errors, nothing after Finish."""
    assert log, "the runtime made no API call"
    assert log[0]["fn"] == "LMSInitialize", f"first API call was {log[0]['fn']}{log[0]['args']}"
    fns = [e["fn"] for e in log]
    assert fns.count("LMSInitialize") == 1
    assert LmsSession.calls(log, "LMSInitialize")[0]["ret"] == "true"
    errors = [(e["seq"], e["fn"], e["args"], e["ret"], e["err"], e.get("thrown")) for e in LmsSession.errors(log)]
    tail = [(e["seq"], e["fn"], e["args"], e["ret"], e["err"]) for e in log[-8:]]
    assert errors == [], (
        f"API calls that set an error code: {errors}\nlast calls: {tail}\nLMS messages: {lms.messages()}"
    )
    if finished:
        assert fns.count("LMSFinish") == 1, f"LMSFinish called {fns.count('LMSFinish')} times"
        assert LmsSession.calls(log, "LMSFinish")[0]["ret"] == "true"
        assert LmsSession.calls_after_finish(log) == [], "API calls after LMSFinish"
        session_times = [v for k, v in LmsSession.sets(log) if k == "cmi.core.session_time"]
        assert len(session_times) == 1, f"session_time written {len(session_times)} times"
        assert re.fullmatch(r"\d{4}:\d{2}:\d{2}(\.\d{1,2})?", session_times[0]), session_times[0]
    else:
        assert "LMSFinish" not in fns
    assert lms.page_errors == [], f"uncaught errors in the page: {lms.page_errors}"


def status_and_score(cmi: dict) -> tuple:
    core = cmi["core"]
    return core["lesson_status"], core["score"]["raw"], core["score"]["min"], core["score"]["max"]


def finish_course_passing(lms: LmsSession, course, start: int = 0) -> None:
    """From lessons[start] on: read the remaining lessons, answer everything right, score."""
    sco = lms.sco
    read_lessons(sco, course.config["lessons"], start)
    answer_quiz(sco, course.questions, correct_answers(course))
    results = score_quiz(sco)
    expect(results).to_contain_text("100")


# ============================================================== journeys
def test_learner_reads_everything_passes_and_closes(open_lms, built_course):
    course = built_course
    cfg = course.config
    assert len(course.questions) == 8, "the sample course has 8 questions"
    lms = open_lms()
    sco = lms.sco

    # Launch: the runtime sets incomplete and commits at once.
    first = lms.wait_for_commit(lambda c: c.cmi["core"]["lesson_status"] == "incomplete", what="incomplete on launch")
    assert first.cmi["core"]["lesson_status"] == "incomplete"

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
    scored = lms.wait_for_commit(
        lambda c: c.cmi["core"]["lesson_status"] == cfg["status"]["pass"], what="the commit of the pass"
    )
    assert status_and_score(scored.cmi) == (cfg["status"]["pass"], "100", "0", "100")
    assert_interactions(interactions(scored.cmi), course, [correct_answers(course)])
    live = lms.cmi()
    assert status_and_score(live) == ("passed", "100", "0", "100")

    # Writes in the documented order: interactions, score.min, score.max, score.raw, status, commit.
    log = lms.log()
    order = [(i, e["args"][0]) for i, e in enumerate(log) if e["fn"] == "LMSSetValue"]
    idx = {name: i for i, name in order}
    last_interaction = max(i for i, name in order if name.startswith("cmi.interactions."))
    assert (
        last_interaction
        < idx["cmi.core.score.min"]
        < idx["cmi.core.score.max"]
        < idx["cmi.core.score.raw"]
        < idx["cmi.core.lesson_status"]
    )
    assert any(e["fn"] == "LMSCommit" for e in log[idx["cmi.core.lesson_status"] :]), "no commit after scoring"

    finish = lms.close()
    core = finish.cmi["core"]
    assert finish is lms.last_commit()
    assert status_and_score(finish.cmi) == ("passed", "100", "0", "100")
    assert core["exit"] == ""
    assert TIMESPAN.match(core["session_time"]), core["session_time"]
    assert core["lesson_location"] == "quiz"
    assert_interactions(interactions(finish.cmi), course, [correct_answers(course)])
    state = decode_suspend(finish.cmi["suspend_data"], course)
    assert all(state["visited"].values()), state
    assert state["quiz"] == {"attempts": 1, "state": "s", "answers": correct_answers(course), "score": "100"}

    log = lms.log()
    assert_clean_session(lms, log)
    assert_interaction_values_sent(log)
    assert ("cmi.core.exit", "") in LmsSession.sets(log)


def test_learner_fails_retakes_and_passes(open_lms, built_course):
    course = built_course
    cfg = course.config
    assert cfg["quiz"]["attempts"] == 0 or cfg["quiz"]["attempts"] >= 2, "the journey needs a retake"
    lms = open_lms()
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

    failed = lms.wait_for_commit(lambda c: c.cmi["core"]["score"]["raw"] != "", what="the commit of the failed attempt")
    assert status_and_score(failed.cmi) == (cfg["status"]["fail"], score_str(first_score), "0", "100")
    assert_interactions(interactions(failed.cmi), course, [wrong])
    assert [r["result"] for r in interactions(failed.cmi)].count("wrong") == sum(
        1 for q in course.questions if wrong[q["id"]] != q["answer"]
    )
    assert lms.cmi()["core"]["lesson_status"] == "incomplete"

    retake.click()
    answer_quiz(sco, course.questions, correct_answers(course))
    results = score_quiz(sco)
    expect(results).to_contain_text("100")

    passed = lms.wait_for_commit(
        lambda c: c.cmi["core"]["lesson_status"] == cfg["status"]["pass"], what="the commit of the pass"
    )
    assert status_and_score(passed.cmi) == ("passed", "100", "0", "100")

    finish = lms.close()
    assert status_and_score(finish.cmi) == ("passed", "100", "0", "100")
    assert finish.cmi["core"]["exit"] == ""
    assert_interactions(interactions(finish.cmi), course, [wrong, correct_answers(course)])
    state = decode_suspend(finish.cmi["suspend_data"], course)
    assert state["quiz"]["attempts"] == 2 and state["quiz"]["state"] == "s" and state["quiz"]["score"] == "100"
    log = lms.log()
    assert_clean_session(lms, log)
    assert_interaction_values_sent(log)
    statuses = [v for k, v in LmsSession.sets(log) if k == "cmi.core.lesson_status"]
    assert statuses[-1] == "passed" and "passed" not in statuses[:-1], statuses


def test_close_mid_course_and_resume(open_lms, built_course):
    course = built_course
    cfg = course.config
    lessons = cfg["lessons"]
    seen = 4  # lessons[0..3] shown in session 1, the last one still on screen when the learner leaves
    assert len(lessons) > seen

    # Session 1
    lms1 = open_lms()
    read_lessons(lms1.sco, lessons, 0, seen - 1)
    progress_1 = expect_progress(lms1.sco, seen, len(lessons) + 1)
    finish1 = lms1.close()
    core = finish1.cmi["core"]
    assert core["lesson_location"] == f"lesson:{lessons[seen - 1]['id']}"
    assert core["exit"] == "suspend"
    assert core["lesson_status"] == "incomplete"
    assert finish1.cmi["suspend_data"] != ""
    state = decode_suspend(finish1.cmi["suspend_data"], course)
    assert state["visited"] == {lesson["id"]: i < seen for i, lesson in enumerate(lessons)}
    assert_clean_session(lms1, lms1.log())

    # Session 2: the LMS hands back exactly what it stored.
    lms2 = open_lms(
        cmi=seed_cmi(
            entry="resume",
            lesson_location=core["lesson_location"],
            suspend_data=finish1.cmi["suspend_data"],
            lesson_status=core["lesson_status"],
        )
    )
    sco = lms2.sco
    sco.get_by_role("button", name="Continue where I left off").click()
    expect_lesson_shown(sco, lessons[seen - 1])
    expect(sco.get_by_role("progressbar")).to_have_attribute("aria-valuenow", progress_1)  # visits kept
    expect(sco.get_by_role("button", name="Continue where I left off")).to_be_hidden()

    finish_course_passing(lms2, course, start=seen - 1)
    finish2 = lms2.close()
    assert status_and_score(finish2.cmi) == ("passed", "100", "0", "100")
    assert finish2.cmi["core"]["exit"] == ""
    assert all(decode_suspend(finish2.cmi["suspend_data"], course)["visited"].values())
    log = lms2.log()
    assert_clean_session(lms2, log)
    reads = [e["args"][0] for e in LmsSession.calls(log, "LMSGetValue")]
    assert {"cmi.core.entry", "cmi.core.lesson_location", "cmi.suspend_data"} <= set(reads)


def test_review_mode_changes_nothing(open_lms, built_course):
    course = built_course
    cfg = course.config
    # A finished run first, to get real suspend_data and location from it.
    run1 = open_lms()
    finish_course_passing(run1, course)
    stored = run1.close().cmi
    assert stored["core"]["lesson_status"] == "passed"

    lms = open_lms(
        cmi=seed_cmi(
            entry="",
            lesson_mode="review",
            credit="no-credit",
            lesson_status="passed",
            score_raw="100",
            score_min="0",
            score_max="100",
            lesson_location=stored["core"]["lesson_location"],
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
    assert_clean_session(lms, log)
    written = [k for k, _ in LmsSession.sets(log)]
    forbidden = [
        k
        for k in written
        if k == "cmi.core.lesson_status"
        or k.startswith("cmi.core.score.")
        or k.startswith("cmi.interactions.")
        or k in ("cmi.suspend_data", "cmi.core.lesson_location")
    ]
    assert forbidden == [], f"review mode wrote {forbidden}"
    assert status_and_score(finish.cmi) == ("passed", "100", "0", "100")
    assert interactions(finish.cmi) == []
    assert finish.cmi["suspend_data"] == stored["suspend_data"]


def test_without_an_lms_the_course_still_works(context, lms_server, built_course):
    course = built_course
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{lms_server.url}/pkg/index.html")
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


def test_api_found_two_frames_deep(open_lms, built_course):
    course = built_course
    lessons = course.config["lessons"]
    lms = open_lms(wrap=True)
    sco = lms.sco
    expect_lesson_shown(sco, lessons[0])
    expect(sco.get_by_role("status").filter(has_text=NOT_RECORDED)).to_have_count(0)
    lms.wait_for_commit(lambda c: c.cmi["core"]["lesson_status"] == "incomplete", what="incomplete on launch")
    click_next(sco)
    expect_lesson_shown(sco, lessons[1])
    lms.wait_for_commit(
        lambda c: c.cmi["core"]["lesson_location"] == f"lesson:{lessons[1]['id']}",
        what="the page-change commit (coalesced, ~1 s)",
    )
    finish = lms.close()
    assert finish.cmi["core"]["exit"] == "suspend"
    assert finish.cmi["core"]["lesson_location"] == f"lesson:{lessons[1]['id']}"
    assert_clean_session(lms, lms.log())


def test_resume_prompt_start_from_the_beginning(open_lms, built_course):
    """The other answer to the resume prompt: the first lesson is shown."""
    course = built_course
    lessons = course.config["lessons"]
    lms1 = open_lms()
    read_lessons(lms1.sco, lessons, 0, 2)
    stored = lms1.close().cmi
    lms2 = open_lms(
        cmi=seed_cmi(
            entry="resume",
            lesson_location=stored["core"]["lesson_location"],
            suspend_data=stored["suspend_data"],
            lesson_status="incomplete",
        )
    )
    lms2.sco.get_by_role("button", name="Start from the beginning").click()
    expect_lesson_shown(lms2.sco, lessons[0])
    assert_clean_session(lms2, lms2.log(), finished=False)

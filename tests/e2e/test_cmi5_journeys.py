"""cmi5 journeys: the sample course's cmi5 package (the real assets/cmi5.js) in Debian's Chromium.

The tests' cmi5 LMS (tests/e2e/cmi5_lms.py) launches the package and fronts the real Ralph; every
journey reads the learner's statements back from Ralph and checks them against the xAPI schemas
(``../shared/schemas/xapi``, with xapi_checks.py's rules on top) and against every rule of
cmi5_rules.py. The package, Ralph and the LMS are shared by the module (conftest.py); each test
is a new learner, so tests never see each other's statements.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import datetime, timezone
from urllib.parse import parse_qsl, urlsplit

from playwright.sync_api import Page, expect

from builder.certificate import verification_code

from . import cmi5_rules
from .a11y import browser_today
from .cmi5_lms import TestLms, new_learner
from .conftest import CMI5_BASE_IRI
from .lms import press_start
from .test_cmi5_lms import http, of, schema_problems
from .test_journeys import answer_quiz, correct_answers, flip, quiz_view, read_lessons, score_quiz
from .xapi_checks import check_all

COURSE_IRI = f"{CMI5_BASE_IRI}/course/self-compassion"
AU_IRI = f"{COURSE_IRI}/au"
CMI5 = "https://w3id.org/xapi/cmi5/context/"
CATEGORY = CMI5 + "categories/cmi5"
MOVEON = CMI5 + "categories/moveon"
SESSION_ID = CMI5 + "extensions/sessionid"
MASTERY = CMI5 + "extensions/masteryscore"
RESUME = "coursepack.resume"


# ====================================================================== helpers
def open_au(context, url: str) -> Page:
    """The launch URL in a new page, once the player has started (a view, the start page or the resume prompt
    shows); a start page is pressed through, as a learner would."""
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(url)
    page.wait_for_function(
        "() => { const s = window.coursepack && window.coursepack.state();"
        " return Boolean(s) && (s.view !== null || s.resumePrompt || s.start); }"
    )
    press_start(page)
    return page


def cmi5_state(page: Page) -> dict:
    return page.evaluate("() => window.coursepackCmi5.state()")


def xapi_state(page: Page) -> dict:
    return page.evaluate("() => window.coursepackXapi.state()")


def wait_state(page: Page, predicate, what: str, timeout: float = 45.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        state = xapi_state(page)
        if predicate(state):
            return state
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}; reporter state {state}")
        time.sleep(0.2)


def answers_scoring(package, right: int) -> dict[str, str]:
    """Answers with the first *right* questions correct and the rest wrong."""
    correct = correct_answers(package)
    return {q["id"]: correct[q["id"]] if i < right else flip(correct[q["id"]]) for i, q in enumerate(package.questions)}


def take_quiz(page: Page, package, right: int):
    answer_quiz(page, package.questions, answers_scoring(package, right))
    return score_quiz(page)


def open_quiz(page: Page) -> None:
    page.get_by_role("navigation", name="Course contents").get_by_role("button", name="Quiz", exact=True).click()
    expect(quiz_view(page)).to_be_visible()


def sessions_of(lms: TestLms, actor: dict) -> list:
    return [s for s in lms.lms.sessions.values() if s.actor == actor]


def checked(lms: TestLms, ralph, actor: dict, since: datetime, at_least: int, until=None) -> list[dict]:
    """The learner's statements once there are *at_least* (and *until* holds), every check applied."""
    stored = of(ralph, actor, at_least=at_least)
    deadline = time.monotonic() + 20
    while until is not None and not until(stored) and time.monotonic() < deadline:
        time.sleep(0.3)
        stored = of(ralph, actor)
    time.sleep(0.5)  # anything sent twice would show up now
    stored = of(ralph, actor)
    sessions = sessions_of(lms, actor)
    lms_ids = {s["id"] for s in lms.lms.sent}
    assert cmi5_rules.check(stored, sessions, lms_ids) == []
    assert schema_problems(stored) == []
    au = [s for s in stored if s["id"] not in lms_ids]
    check_all(au, base_iri=CMI5_BASE_IRI, language="en", since=since, launch_activity=lms.lms.activity_id)
    return stored


def trail(statements: list[dict]) -> list[str]:
    """Verbs in timestamp order, an AU's own statements about the launch activity marked with '*'."""
    ordered = sorted(statements, key=lambda s: s["timestamp"])
    out = []
    for s in ordered:
        name = s["verb"]["id"].rsplit("/", 1)[-1]
        categories = [a["id"] for a in (s["context"].get("contextActivities") or {}).get("category", [])]
        out.append(f"{name}*" if CATEGORY in categories and name not in ("launched", "satisfied") else name)
    return out


def by_verb(statements: list[dict], name: str) -> list[dict]:
    return [s for s in statements if s["verb"]["id"].rsplit("/", 1)[-1] == name]


def refused(lms: TestLms, session) -> list:
    """What the LMS refused the session, but the 404s of documents not written yet (the first launch's)."""
    return [r for r in lms.lms.rejections if r.session == session.id and r.status != 404]


def resume_document(lms: TestLms, session) -> dict | None:
    scope = ("state", session.activity_id, "account", session.actor["account"]["homePage"])
    scope += (session.actor["account"]["name"], session.registration)
    found = lms.lms.documents.get(scope, RESUME)
    return json.loads(found.content) if found else None


# ====================================================================== the journeys
def test_pass_then_exit_to_the_lms(context, cmi5_lms, cmi5_ralph, cmi5_package):
    """Read everything, pass, leave with "Exit the course": the whole trail, in order, by the rules."""
    actor = new_learner()
    since = datetime.now(timezone.utc)
    back = f"{cmi5_lms.url}/lms/course-page?id=7"
    session = cmi5_lms.launch(actor, return_url=back)
    page = open_au(context, session.url)
    assert cmi5_state(page)["connected"] is True and cmi5_state(page)["sessionId"] == session.id
    expect(page.locator('[data-notice="mode"]')).to_be_empty()
    expect(quiz_view(page).locator(".quiz-intro")).to_contain_text("The pass mark is 75%.")
    read_lessons(page, cmi5_package.lessons)
    expect(take_quiz(page, cmi5_package, 8)).to_contain_text("100")
    wait_state(page, lambda s: s["queued"] == 0 and s["sent"] >= 19, "the statements up to completed")
    page.get_by_role("button", name="Exit the course").click()
    page.wait_for_url(back)
    stored = checked(cmi5_lms, cmi5_ralph, actor, since, at_least=22)

    lessons, questions = len(cmi5_package.lessons), len(cmi5_package.questions)
    assert trail(stored) == (
        ["launched", "initialized*"]
        + ["experienced"] * lessons
        + ["answered"] * questions
        + ["passed*", "completed*", "satisfied", "terminated*"]
    )
    au = [s for s in stored if s["id"] not in {x["id"] for x in cmi5_lms.lms.sent}]
    for s in au:
        context_ = s["context"]
        assert s["actor"] == actor and context_["registration"] == session.registration
        assert context_["extensions"][SESSION_ID] == session.id
        assert context_["contextActivities"]["grouping"][0] == {"objectType": "Activity", "id": AU_IRI}
    experienced = by_verb(au, "experienced")
    assert [s["object"]["id"] for s in experienced] == [f"{COURSE_IRI}/lesson/{x['id']}" for x in cmi5_package.lessons]
    for s in experienced + by_verb(au, "answered"):  # cmi5 allowed: the template, no cmi5 or moveon category
        assert "category" not in s["context"]["contextActivities"]
    (passed,) = by_verb(au, "passed")
    assert passed["object"] == {"objectType": "Activity", "id": session.activity_id}
    assert passed["result"]["score"] == {"scaled": 1, "raw": 100, "min": 0, "max": 100}
    assert passed["result"]["success"] is True and passed["result"]["duration"].startswith("PT")
    assert [a["id"] for a in passed["context"]["contextActivities"]["category"]] == [CATEGORY, MOVEON]
    assert passed["context"]["extensions"][MASTERY] == 0.75
    (completed,) = by_verb(au, "completed")
    assert completed["result"]["completion"] is True
    # The certificate's code and printed date (the learner's local date), the learner id the account name.
    date = browser_today(page)
    code = verification_code(
        "self-compassion", cmi5_package.config["course"]["version"], actor["account"]["name"], date
    )
    assert completed["result"]["extensions"] == {
        f"{CMI5_BASE_IRI}/extension/certificate-code": code,
        f"{CMI5_BASE_IRI}/extension/certificate-date": date,
    }
    (terminated,) = by_verb(au, "terminated")
    assert [a["id"] for a in terminated["context"]["contextActivities"]["category"]] == [CATEGORY]
    assert set(terminated["result"]) == {"duration"}
    document = resume_document(cmi5_lms, session)
    assert document["status"] == "completed-passed" and document["exit"] == "" and document["score"] == 100
    assert cmi5_lms.lms.sessions[session.id].terminated_at is not None
    assert refused(cmi5_lms, session) == []
    assert page.errors == []


def test_fail_then_pass_in_a_later_session(context, cmi5_lms, cmi5_ralph, cmi5_package):
    """Session 1 fails (held until its end, then sent); session 2 fails once more, then passes: only passed."""
    actor = new_learner()
    since = datetime.now(timezone.utc)
    first = cmi5_lms.launch(actor)
    page = open_au(context, first.url)
    read_lessons(page, cmi5_package.lessons)
    expect(take_quiz(page, cmi5_package, 4)).to_contain_text("50")
    assert cmi5_state(page)["held"] is True
    time.sleep(0.5)
    assert "failed" not in trail(of(cmi5_ralph, actor))  # one verdict per session: it waits for the end
    page.close(run_before_unload=True)
    stored = checked(cmi5_lms, cmi5_ralph, actor, since, at_least=20)
    assert trail(stored)[-2:] == ["failed*", "terminated*"]
    (failed,) = by_verb(stored, "failed")
    assert failed["result"]["score"] == {"scaled": 0.5, "raw": 50, "min": 0, "max": 100}
    assert failed["result"]["success"] is False and failed["context"]["extensions"][MASTERY] == 0.75

    second = cmi5_lms.launch(actor, registration=first.registration)
    page = open_au(context, second.url)
    page.get_by_role("button", name="Continue where I left off").click()
    expect(quiz_view(page)).to_be_visible()
    quiz_view(page).get_by_role("button", name="Retake quiz").click()
    expect(take_quiz(page, cmi5_package, 4)).to_contain_text("50")
    quiz_view(page).get_by_role("button", name="Retake quiz").click()
    expect(take_quiz(page, cmi5_package, 6)).to_contain_text("75")  # at the pass mark: passed
    page.close(run_before_unload=True)  # at once: keepalive carries passed, completed, terminated
    stored = checked(
        cmi5_lms, cmi5_ralph, actor, since, at_least=42, until=lambda s: trail(s).count("terminated*") == 2
    )
    later = [s for s in stored if s["context"]["extensions"].get(SESSION_ID) == second.id]
    assert [v for v in trail(later) if v.endswith("*")] == ["initialized*", "passed*", "completed*", "terminated*"]
    (passed,) = by_verb(stored, "passed")
    assert passed["result"]["score"] == {"scaled": 0.75, "raw": 75, "min": 0, "max": 100}
    assert trail(stored).count("satisfied") == 1 and "abandoned" not in trail(stored)


def test_the_mastery_score_of_the_launch_data_overrides_the_package(context, cmi5_lms, cmi5_ralph, cmi5_package):
    """The LMS asks 0.9: 75% fails (the package's 75 would pass), and the page says 90%."""
    actor = new_learner()
    since = datetime.now(timezone.utc)
    session = cmi5_lms.launch(actor, mastery_score=0.9)
    page = open_au(context, session.url)
    assert cmi5_state(page)["masteryScore"] == 0.9
    open_quiz(page)
    expect(quiz_view(page).locator(".quiz-intro")).to_contain_text("The pass mark is 90%.")
    results = take_quiz(page, cmi5_package, 6)
    expect(results).to_contain_text("75")
    expect(results).to_contain_text("You did not reach the pass mark this time.")
    expect(results).to_contain_text("Pass mark: 90%")
    page.close(run_before_unload=True)
    stored = checked(cmi5_lms, cmi5_ralph, actor, since, at_least=13)
    (failed,) = by_verb(stored, "failed")
    assert failed["result"]["score"]["scaled"] == 0.75 and failed["context"]["extensions"][MASTERY] == 0.9
    assert "passed" not in trail(stored) and "completed*" not in trail(stored)


def test_browse_mode_sends_only_initialized_and_terminated(context, cmi5_lms, cmi5_ralph, cmi5_package):
    actor = new_learner()
    since = datetime.now(timezone.utc)
    session = cmi5_lms.launch(actor, launch_mode="Browse")
    page = open_au(context, session.url)
    assert cmi5_state(page)["mode"] == "browse"
    expect(page.locator('[data-notice="mode"]')).to_contain_text("You are reviewing this course.")
    read_lessons(page, cmi5_package.lessons, 0, 2)
    open_quiz(page)
    expect(quiz_view(page).get_by_role("radio").first).to_be_disabled()  # nothing to score in Browse mode
    page.close(run_before_unload=True)
    stored = checked(cmi5_lms, cmi5_ralph, actor, since, at_least=3)
    assert trail(stored) == ["launched", "initialized*", "terminated*"]
    assert resume_document(cmi5_lms, session) is None  # nothing written in Browse mode


def test_close_and_resume_from_the_state_document(context, cmi5_lms, cmi5_ralph, cmi5_package):
    actor = new_learner()
    since = datetime.now(timezone.utc)
    first = cmi5_lms.launch(actor)
    page = open_au(context, first.url)
    read_lessons(page, cmi5_package.lessons, 0, 3)
    page.close(run_before_unload=True)
    stored = checked(cmi5_lms, cmi5_ralph, actor, since, at_least=7)
    assert trail(stored) == ["launched", "initialized*"] + ["experienced"] * 4 + ["terminated*"]
    document = resume_document(cmi5_lms, first)
    lesson = cmi5_package.lessons[3]
    assert document["location"] == f"lesson:{lesson['id']}" and document["exit"] == "suspend"
    assert document["status"] == "incomplete" and document["suspendData"].startswith("2~")
    assert document["time"] > 0 and len(document["suspendData"]) <= 64000

    second = cmi5_lms.launch(actor, registration=first.registration)
    page = open_au(context, second.url)
    resume = page.locator("[data-resume]")
    expect(resume).to_contain_text(f"You stopped at: {lesson['title']}")
    page.get_by_role("button", name="Continue where I left off").click()
    expect(page.locator(f'section[data-lesson-id="{lesson["id"]}"]')).to_be_visible()
    state = page.evaluate("() => window.coursepack.state()")
    assert state["visited"] == [x["id"] for x in cmi5_package.lessons[:4]]
    page.close(run_before_unload=True)
    stored = checked(cmi5_lms, cmi5_ralph, actor, since, at_least=11)
    assert trail(stored)[7:] == ["launched", "initialized*", "experienced", "terminated*"]
    assert "abandoned" not in trail(stored)  # the first session ended with terminated


def test_a_refused_fetch_shows_the_notice_and_sends_nothing(context, cmi5_lms, cmi5_ralph, cmi5_package):
    actor = new_learner()
    session = cmi5_lms.launch(actor)
    status, _, body = http("POST", dict(parse_qsl(urlsplit(session.url).query))["fetch"])
    assert status == 200 and "auth-token" in json.loads(body)  # someone else took this launch's token
    page = open_au(context, session.url)
    notice = page.locator('[data-notice="mode"]')
    expect(notice).to_have_text(
        "This course could not connect to your learning platform, so your progress is not being recorded. "
        "To have it recorded, close the course and open it again from the platform."
    )
    assert "error-code 1" in cmi5_state(page)["problem"] and cmi5_state(page)["connected"] is False
    expect(page.locator(f'section[data-lesson-id="{cmi5_package.lessons[0]["id"]}"]')).to_be_visible()
    read_lessons(page, cmi5_package.lessons, 0, 2)  # the course still plays
    page.close(run_before_unload=True)

    broken = session.url.replace("registration=", "registration=not-a-uuid")
    page = open_au(context, broken)
    expect(page.locator('[data-notice="mode"]')).to_contain_text("could not connect to your learning platform")
    assert cmi5_state(page)["problem"] == "launch parameters missing or malformed: registration"
    page.close(run_before_unload=True)
    time.sleep(1.0)
    assert [s["verb"]["id"].rsplit("/", 1)[-1] for s in of(cmi5_ralph, actor)] == ["launched"]
    assert refused(cmi5_lms, session) == []


def test_lrs_down_mid_session_every_statement_arrives_once(context, cmi5_lms, cmi5_ralph, cmi5_package):
    actor = new_learner()
    since = datetime.now(timezone.utc)
    session = cmi5_lms.launch(actor)
    page = open_au(context, session.url)
    read_lessons(page, cmi5_package.lessons, 0, 2)
    wait_state(page, lambda s: s["queued"] == 0 and s["sent"] >= 4, "the first statements to be delivered")
    cmi5_ralph.stop()
    try:
        read_lessons(page, cmi5_package.lessons, 2)
        expect(take_quiz(page, cmi5_package, 8)).to_contain_text("100")
        queued = wait_state(page, lambda s: s["failures"] >= 1 and s["queued"] >= 10, "failed deliveries")
        assert queued["lastStatus"] == 503
    finally:
        cmi5_ralph.start()
    page.evaluate("() => window.coursepackXapi.flush()")
    wait_state(page, lambda s: s["queued"] == 0, "the queue to drain after the LRS came back", timeout=60)
    page.close(run_before_unload=True)
    stored = checked(cmi5_lms, cmi5_ralph, actor, since, at_least=22)
    counts = Counter(trail(stored))
    assert counts == Counter(
        {
            "launched": 1,
            "initialized*": 1,
            "experienced": 8,
            "answered": 8,
            "passed*": 1,
            "completed*": 1,
            "satisfied": 1,
            "terminated*": 1,
        }
    )

"""Accessibility of every distinct view, in Chromium, with axe-core (WCAG 2.1 A and AA).

Each view of the sample course and of the quiz showcase (every lesson, the quiz before and after
scoring with its errors and feedback, failed and passed results, the evaluation before and after
sending, the certificate, the resume prompt, review mode) is checked with axe-core at the
desktop width, then at 320 px for horizontal scrolling and 44 px touch targets. A keyboard-only
journey (no mouse) completes the sample course and opens the certificate.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from builder.certificate import verification_code
from builder.digits import BASE64URL

from .a11y import active, assert_no_violations, assert_reflows, audit, browser_today, sco_frame
from .lms import seed_cmi
from .quiz_helpers import answer, presented_ids, right, wrong
from .test_journeys import click_next, correct_answers, expect_lesson_shown, failing_answers, quiz_view, score_quiz

SHOWCASE = "/showcase/index.html"


def passed_suspend(course) -> str:
    """suspend_data of the sample course: every lesson read, the quiz passed at 100 %, no evaluation."""
    lessons = len(course.lesson_ids)
    visited = "".join(BASE64URL[min(63, (1 << min(6, lessons - i)) - 1)] for i in range(0, lessons, 6))
    answers = "".join(q["answer"] for q in course.questions)
    evaluation = "-" * (1 + len(course.config["quiz"]["evaluation"]["items"]))
    return f"2~{course.config['fingerprint']}~{visited}~1.s.100.{evaluation}.{answers}"


def answer_true_false(sco, course, answers: dict) -> None:
    for q in course.questions:
        fs = quiz_view(sco).locator(f'fieldset[data-question-id="{q["id"]}"]')
        fs.get_by_role("radio", name="True" if answers[q["id"]] == "t" else "False", exact=True).check()


# ============================================================================ every view
def test_every_view_of_the_sample_course(open_lms, built_course):
    course = built_course
    lms = open_lms()
    sco = lms.sco
    lessons = course.config["lessons"]
    for i, lesson in enumerate(lessons):
        expect_lesson_shown(sco, lesson)
        audit(lms, f"lesson {lesson['id']}")
        if i == 0:  # the table of contents collapses on a small screen, behind a button
            lms.page.set_viewport_size({"width": 320, "height": 640})
            toggle = sco.get_by_role("button", name="Course contents")
            expect(toggle).to_have_attribute("aria-expanded", "false")
            expect(sco.locator("#toc-list")).to_be_hidden()
            toggle.click()
            expect(toggle).to_have_attribute("aria-expanded", "true")
            expect(sco.locator("#toc-list")).to_be_visible()
            assert_no_violations(sco_frame(lms), "the open table of contents at 320 px")
            toggle.click()
            lms.page.set_viewport_size({"width": 1100, "height": 900})
        click_next(sco)
    quiz = quiz_view(sco)
    expect(quiz).to_be_visible()
    audit(lms, "the quiz before scoring")

    # Unanswered questions: the message is tied to each question's group.
    quiz.get_by_role("button", name="Score my quiz").click()
    first = quiz.locator("fieldset[data-question-id]").first
    expect(first).to_have_attribute("aria-describedby", re.compile(r"\S"))
    expect(first).to_have_accessible_description("Please answer this question.")
    audit(lms, "the quiz with unanswered questions")

    answer_true_false(sco, course, failing_answers(course))
    results = score_quiz(sco)
    expect(results).to_contain_text("did not reach the pass mark")
    expect(quiz.locator("[data-quiz-live]")).to_contain_text("Your score")
    audit(lms, "the results of a failed attempt")
    expect(sco.get_by_role("button", name="View and print your certificate")).to_be_hidden()

    sco.get_by_role("button", name="Retake quiz").click()
    answer_true_false(sco, course, correct_answers(course))
    results = score_quiz(sco)
    expect(results).to_contain_text("You passed")
    evaluation = quiz.locator("[data-evaluation]")
    expect(evaluation).to_be_visible()
    audit(lms, "the results of a passed attempt, with the evaluation")

    evaluation.get_by_role("button", name="Send my evaluation").click()
    expect(evaluation.locator("fieldset[data-question-id]").first).to_have_accessible_description(
        "Please rate this statement."
    )
    audit(lms, "the evaluation with unrated statements")
    for fieldset in evaluation.locator("fieldset[data-question-id]").all():
        fieldset.get_by_role("radio", name="Agree", exact=True).check()
    evaluation.get_by_role("button", name="Send my evaluation").click()
    expect(evaluation).to_contain_text("Your evaluation has been recorded")
    audit(lms, "the sent evaluation")

    sco.get_by_role("button", name="View and print your certificate").click()
    view = sco.locator('[data-view="certificate"]')
    expect(view).to_be_visible()
    expect(view.get_by_role("heading", level=2)).to_be_focused()
    expect(view.locator("[data-certificate-name]")).to_have_text("Sam Student")
    audit(lms, "the certificate")
    view.get_by_role("button", name="Back to the course").click()
    expect(quiz.get_by_role("heading", level=2)).to_be_focused()


def test_every_view_of_the_quiz_showcase(open_lms, showcase_course):
    course = showcase_course
    questions = {q["id"]: q for q in course.questions}
    lms = open_lms(pkg=SHOWCASE)
    sco = lms.sco
    for lesson in course.config["lessons"]:
        expect_lesson_shown(sco, lesson)
        audit(lms, f"lesson {lesson['id']}")
        click_next(sco)
    quiz = quiz_view(sco)
    expect(quiz).to_be_visible()
    audit(lms, "the quiz before scoring")

    quiz.get_by_role("button", name="Score my quiz").click()
    expect(quiz.get_by_role("status").filter(has_text="Questions still unanswered")).to_be_visible()
    audit(lms, "the quiz with unanswered questions")

    shown = presented_ids(sco)
    for qid in shown:
        answer(sco, questions[qid], wrong(questions[qid]))
    numeric = next(qid for qid in shown if questions[qid]["type"] == "numeric")
    box = quiz.locator(f'fieldset[data-question-id="{numeric}"]').get_by_role("textbox")
    box.fill("twelve")
    box.press("Tab")
    quiz.get_by_role("button", name="Score my quiz").click()
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_have_accessible_description(re.compile("This is not a number"))
    audit(lms, "the quiz with an invalid number")
    box.fill(wrong(questions[numeric]))
    box.press("Tab")
    expect(box).not_to_have_attribute("aria-invalid", "true")

    checked = quiz.locator(f'fieldset[data-question-id="{shown[0]}"]')
    checked.get_by_role("button", name="Check answer").click()
    expect(checked.locator("[data-question-feedback]")).to_contain_text("Incorrect")
    expect(quiz.locator("[data-quiz-live]")).to_have_text("Incorrect")
    audit(lms, "the quiz with checked feedback")

    results = score_quiz(sco)
    expect(results).to_contain_text("did not reach the pass mark")
    audit(lms, "the results of a failed attempt")

    sco.get_by_role("button", name="Retake quiz").click()
    for qid in presented_ids(sco):
        answer(sco, questions[qid], right(questions[qid]))
    results = score_quiz(sco)
    expect(results).to_contain_text("You passed")
    evaluation = quiz.locator("[data-evaluation]")
    expect(evaluation).to_be_visible()
    expect(sco.get_by_role("button", name="View and print your certificate")).to_be_hidden()  # evaluation required
    audit(lms, "the results of a passed attempt, with the required evaluation")

    for fieldset in evaluation.locator("fieldset[data-question-id]").all():
        fieldset.get_by_role("radio").first.check()
    evaluation.get_by_role("button", name="Send my evaluation").click()
    expect(evaluation).to_contain_text("Your evaluation has been recorded")
    audit(lms, "the sent evaluation")

    sco.get_by_role("navigation", name="Course contents").get_by_role("button", name="Certificate").click()
    view = sco.locator('[data-view="certificate"]')
    expect(view).to_be_visible()
    expect(view.locator("dt")).to_have_text(["Course version", "Date of completion", "Quiz score"])  # no CE block
    expect(view.locator("[data-certificate-score]")).to_have_text("100%")
    audit(lms, "the certificate without CE credit")


def test_resume_prompt_and_review_mode(open_lms, built_course):
    course = built_course
    lms = open_lms(
        cmi=seed_cmi(
            entry="resume",
            lesson_status="incomplete",
            lesson_location="lesson:exercises",
            suspend_data=f"2~{course.config['fingerprint']}~PA~0.n..-----.--------",
        )
    )
    expect(lms.sco.locator("[data-resume]")).to_be_visible()
    audit(lms, "the resume prompt")
    lms.page.close()

    # Moodle reopens a finished attempt in review mode: the certificate is still there.
    lms = open_lms(
        cmi=seed_cmi(
            entry="",
            lesson_status="passed",
            lesson_mode="review",
            credit="no-credit",
            score_raw="100",
            suspend_data=passed_suspend(course),
        )
    )
    sco = lms.sco
    expect_lesson_shown(sco, course.config["lessons"][0])
    expect(sco.get_by_role("status").filter(has_text="reviewing")).to_be_visible()
    audit(lms, "a lesson in review mode")
    sco.get_by_role("button", name="View and print your certificate").click()
    expect(sco.locator("[data-certificate-name]")).to_have_text("Sam Student")
    audit(lms, "the certificate in review mode")


# ============================================================================ keyboard only
def press_until(lms, key: str, wanted, limit: int = 80, what: str = "") -> dict:
    """Press *key* until the focused element satisfies *wanted*; returns it."""
    frame = sco_frame(lms)
    seen = []
    for _ in range(limit):
        lms.page.keyboard.press(key)
        now = active(frame)
        if wanted(now):
            return now
        seen.append(f"{now['tag']}:{now['name'][:20]}")
    raise AssertionError(f"{key} never reached {what}; focus went through {seen[-15:]}")


def is_button(name: str):
    return lambda el: el["tag"] == "button" and el["name"] == name


def test_keyboard_only_journey_completes_the_sample_course(open_lms, built_course):
    course = built_course
    answers = correct_answers(course)
    lms = open_lms(cmi=seed_cmi(student_id="kb_learner", student_name="Learner, Keyboard"))
    frame_ready = lms.sco.locator("section.view:not([hidden]) h2")
    expect(frame_ready).to_have_text(course.config["lessons"][0]["title"])
    frame = sco_frame(lms)
    frame.evaluate(
        "() => { window.__events = []; document.addEventListener('coursepack', "
        "(e) => window.__events.push(e.detail)); }"
    )

    # The skip link comes first, shows when focused and moves focus to the main content.
    skip = press_until(lms, "Tab", lambda el: el["tag"] == "a", what="the skip link")
    assert skip["name"] == "Skip to the lesson" and skip["outline"], skip
    lms.page.keyboard.press("Enter")
    assert active(frame)["tag"] == "main"

    for i, lesson in enumerate(course.config["lessons"]):
        if i:
            focused = active(frame)
            assert focused["tag"] == "h2" and focused["text"] == lesson["title"], focused  # focus on the new heading
        nxt = press_until(lms, "Tab", is_button("Next"), what="Next")
        assert nxt["outline"], "the focused button shows no focus outline"
        lms.page.keyboard.press("Enter")
    focused = active(frame)
    assert focused["tag"] == "h2" and focused["text"] == course.config["quiz"]["title"], focused

    # True/false: Tab into each radio group, Space picks True, the arrow key picks False.
    for q in course.questions:
        radio = press_until(
            lms,
            "Tab",
            lambda el, qid=q["id"]: el["inQuestion"] == qid and el["type"] == "radio",
            what=f"question {q['id']}",
        )
        assert radio["name"] == "True", radio
        lms.page.keyboard.press("Space" if answers[q["id"]] == "t" else "ArrowDown")
    # Shift+Tab goes back to the last group, which keeps its answer.
    press_until(lms, "Tab", is_button("Score my quiz"), what="Score my quiz")
    back = press_until(lms, "Shift+Tab", lambda el: el["type"] == "radio", what="the last question")
    assert back["inQuestion"] == course.questions[-1]["id"] and back["checked"], back
    press_until(lms, "Tab", is_button("Score my quiz"), what="Score my quiz")
    lms.page.keyboard.press("Enter")
    focused = active(frame)
    assert focused["tag"] == "h3" and focused["text"] == "Your results", focused
    expect(quiz_view(lms.sco).locator("[data-results]")).to_contain_text("You passed")

    # The optional evaluation: arrow keys choose a rating, Space sends it.
    items = course.config["quiz"]["evaluation"]["items"]
    for item in items:
        press_until(lms, "Tab", lambda el, iid=item["id"]: el["inQuestion"] == iid, what=f"rating {item['id']}")
        for _ in range(3):
            lms.page.keyboard.press("ArrowRight")
    press_until(lms, "Tab", lambda el: el["tag"] == "textarea", what="the comment")
    lms.page.keyboard.type("Clear and useful.")
    press_until(lms, "Tab", is_button("Send my evaluation"), what="Send my evaluation")
    lms.page.keyboard.press("Space")
    expect(lms.sco.locator("[data-evaluation-done]")).to_contain_text("recorded")

    press_until(lms, "Tab", is_button("View and print your certificate"), what="the certificate button")
    lms.page.keyboard.press("Enter")
    focused = active(frame)
    assert focused["tag"] == "h2" and focused["text"] == "Your certificate", focused
    press_until(lms, "Tab", is_button("Back to the course"), what="Back to the course")
    assert press_until(lms, "Shift+Tab", lambda el: el["tag"] == "button", limit=1)["name"] == "Print the certificate"

    view = lms.sco.locator('[data-view="certificate"]')
    expect(view.locator("[data-certificate-name]")).to_have_text("Keyboard Learner")
    date = view.locator("[data-certificate-date]").get_attribute("datetime")
    assert date == browser_today(frame)
    code = verification_code("self-compassion", course.version, "kb_learner", date)
    expect(view.locator("[data-certificate-code]")).to_have_text(code)

    # The player events carry the code: with the status that completed the course, and on opening.
    events = frame.evaluate("() => window.__events")
    status = [e for e in events if e["type"] == "status"]
    assert status[-1]["status"] == "passed" and status[-1]["certificate"] == {"code": code, "date": date}
    assert [e for e in events if e["type"] == "certificate"] == [{"type": "certificate", "code": code, "date": date}]

    core = lms.cmi()["core"]
    assert (core["lesson_status"], core["score"]["raw"]) == ("passed", "100")
    assert_reflows(lms, "the certificate")

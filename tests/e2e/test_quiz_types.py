"""The quiz engine in Chromium against scorm-again: every question type, pools, attempts, feedback,
resume, review and the course evaluation, on the quiz showcase course (course_src/quiz-showcase).

Which questions an attempt shows is random: the tests read the attempt from the page, check it
against the draw recomputed from the stored seed (suspend_v2.presented), and take the correct
answers from the package's sealed keys (answer_key.py). The tests of every type answered right and
wrong run for both SCORM editions (the 2004 package's responses and patterns in the 2004 formats);
the rest are the engine's, the same in every package, and run on the SCORM 1.2 one.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from . import suspend_v2
from .editions import SCORM2004
from .lms import LmsSession, interactions, seed_cmi
from .quiz_helpers import (
    answer,
    assert_interactions,
    assert_interactions_2004,
    assert_moodle_2004_accepts,
    assert_moodle_accepts,
    control_values,
    description,
    fieldset,
    interaction_id,
    option_texts,
    partial,
    presented_ids,
    quiz_view,
    right,
    runtime_state,
    score,
    score_str,
    show_question,
    to_scoring,
    wrong,
)
from .test_journeys import assert_clean_session, click_next, expect_lesson_shown

PKG = "/showcase/index.html"


def open_showcase(open_lms, **kwargs) -> LmsSession:
    return open_lms(pkg=PKG, **kwargs)


def by_id(course) -> dict:
    return {q["id"]: q for q in course.questions}


@pytest.fixture
def showcase(showcase_courses, edition):
    """The quiz showcase's package of the edition."""
    return showcase_courses[edition.name]


@pytest.fixture
def launch_showcase(open_lms, showcase, edition):
    def _launch(**kwargs) -> LmsSession:
        return open_lms(edition=edition, pkg=showcase.pkg, **kwargs)

    return _launch


def assert_journal(edition, stored: list[dict], answered: list, config: dict) -> None:
    """The interactions of the answers, exact, in the edition's formats."""
    if edition is SCORM2004:
        assert_interactions_2004(stored, answered, config)
    else:
        assert_interactions(stored, answered)


def assert_moodle_takes(edition, log: list[dict]) -> None:
    """Every value sent passes the checks of Moodle's player for the edition."""
    (assert_moodle_2004_accepts if edition is SCORM2004 else assert_moodle_accepts)(log)


def read_lessons_to_quiz(lms: LmsSession, course) -> None:
    for lesson in course.config["lessons"]:
        expect_lesson_shown(lms.sco, lesson)
        click_next(lms.sco)
    expect(quiz_view(lms.sco)).to_be_visible()


def attempt(lms: LmsSession, course, choose) -> list[tuple[dict, str]]:
    """Answer every question shown with ``choose(question)``; returns (question, answer) in page order."""
    questions = by_id(course)
    answered = []
    for qid in presented_ids(lms.sco):
        q = questions[qid]
        value = choose(q)
        answer(lms.sco, q, value)
        answered.append((q, value))
    return answered


def score_quiz(sco):
    to_scoring(sco).click()
    results = quiz_view(sco).locator("[data-results]")
    expect(results).to_be_visible()
    return results


def assert_draw(lms: LmsSession, course, shown: list[str]) -> str:
    """The attempt shows every core question in order and `draw` scenario questions, as the seed says."""
    seed = suspend_v2.decode(lms.cmi()["suspend_data"], course.config)["quiz"]["seed"]
    sections = course.config["quiz"]["sections"]
    questions = course.config["quiz"]["questions"]
    core = [questions[i]["id"] for i in sections[0]["questions"]]
    pool = {questions[i]["id"] for i in sections[1]["questions"]}
    assert shown[: len(core)] == core
    assert len(shown) == len(core) + sections[1]["draw"] and set(shown[len(core) :]) <= pool
    assert shown == [q["id"] for q in suspend_v2.presented(course.config, seed)]
    return seed


# ============================================================================ tests
def test_every_type_answered_right_then_the_required_evaluation(launch_showcase, showcase, edition):
    course = showcase
    lms = launch_showcase()
    sco = lms.sco
    read_lessons_to_quiz(lms, course)
    shown = presented_ids(sco)
    assert {by_id(course)[qid]["type"] for qid in shown} >= {
        "true-false",
        "single-choice",
        "multiple-response",
        "fill-in",
        "numeric",
        "matching",
        "sequencing",
        "likert",
    }
    answered = attempt(lms, course, right)
    seed = assert_draw(lms, course, shown)

    # Feedback after each question: "Check answer" locks it and shows the verdict and the choice's
    # feedback; the correct answers stay hidden until the quiz is passed (reveal_answers: after-passing).
    single = by_id(course)["rub_duration"]
    fs = show_question(sco, single["id"])
    assert option_texts(sco, single) == [
        next(c["text"] for c in single["choices"] if c["id"] == oid) for oid in suspend_v2.option_order(single, seed)
    ]
    fs.get_by_role("button", name="Check answer").click()
    feedback = fs.locator("[data-question-feedback]")
    expect(feedback).to_contain_text("Correct")
    expect(feedback).to_contain_text(single["choice_feedback"][ord(single["answer"]) - ord("a")])
    expect(fs.get_by_role("radio").first).to_be_disabled()

    results = score_quiz(sco)
    expect(results).to_contain_text("Your score: 100%")
    expect(results.locator("[data-feedback-for]")).to_have_count(len(shown))
    evaluation = quiz_view(sco).locator("[data-evaluation]")
    expect(evaluation).to_be_visible()
    expect(results).to_contain_text("complete the course evaluation")
    expect(sco.get_by_role("button", name="Retake quiz")).to_have_count(0)

    # Passed, but the required evaluation is still open: incomplete, with the score.
    scored = lms.wait_for_commit(lambda c: edition.score(c.cmi)[0] != "", what="the scoring commit")
    assert edition.outcome(scored.cmi) == edition.expected("incomplete", "100")
    assert_journal(edition, interactions(scored.cmi), answered, course.config)

    # The evaluation: every statement must be rated; the comment is optional and one line.
    evaluation.get_by_role("button", name="Send my evaluation").click()
    expect(evaluation.get_by_role("status").filter(has_text="Statements still unrated: 3")).to_be_visible()
    items = course.config["quiz"]["evaluation"]["items"]
    scale = course.config["quiz"]["evaluation"]["scale"]
    ratings = {items[0]["id"]: "5", items[1]["id"]: "4", items[2]["id"]: "2"}
    for item in items:
        evaluation.locator(f'fieldset[data-question-id="{item["id"]}"]').get_by_role(
            "radio", name=scale[int(ratings[item["id"]]) - 1]["text"], exact=True
        ).check()
    evaluation.get_by_label("What would you change about this course?").fill("More cases\nfrom the wards,  please.")
    evaluation.get_by_role("button", name="Send my evaluation").click()
    expect(evaluation).to_contain_text("Your evaluation has been recorded")
    expect(evaluation.get_by_role("button", name="Send my evaluation")).to_be_hidden()

    passed = edition.word("passed")
    done = lms.wait_for_commit(lambda c: edition.status(c.cmi) == passed, what="passed after the evaluation")
    assert edition.score(done.cmi) == edition.score_of("100")  # the evaluation never changes the score
    records = interactions(done.cmi)
    assert_journal(edition, records[: len(answered)], answered, course.config)
    survey = records[len(answered) :]
    comment = "More cases from the wards, please."
    if edition is SCORM2004:  # URNs, the texts, and the comment as long-fill-in (up to 255: more than fill-in's 250)
        language = course.config["course"]["language"]
        assert [
            (r["id"], r["type"], r["description"], r["learner_response"], r["result"], r["weighting"]) for r in survey
        ] == [
            (
                interaction_id(course.config, item["id"]),
                "likert",
                description(item["text"], language),
                ratings[item["id"]],
                "neutral",
                "0",
            )
            for item in items
        ] + [
            (
                interaction_id(course.config, "eval_comment"),
                "long-fill-in",
                description("What would you change about this course?", language),
                comment,
                "neutral",
                "0",
            )
        ]
    else:
        assert [(r["id"], r["type"], r["student_response"], r["result"], r["weighting"]) for r in survey] == [
            (item["id"], "likert", ratings[item["id"]], "neutral", "0") for item in items
        ] + [("eval_comment", "fill-in", comment, "neutral", "0")]
    assert all((r.get("correct_responses") or {}) == {} for r in survey)

    finish = lms.close()
    assert edition.value(finish.cmi, edition.exit) == edition.done_exit and edition.status(finish.cmi) == passed
    state = suspend_v2.decode(finish.cmi["suspend_data"], course.config)["quiz"]
    assert state["evaluation"] == {"submitted": True, "answers": ratings}
    assert state["checked"][single["id"]] is True
    assert state["answers"] == {q["id"]: v for q, v in answered}
    log = lms.log()
    assert_clean_session(lms, log, edition=edition)
    assert_moodle_takes(edition, log)


def test_wrong_then_partly_right_answers_and_the_last_attempt(launch_showcase, showcase, edition):
    course = showcase
    lms = launch_showcase()
    sco = lms.sco
    read_lessons_to_quiz(lms, course)
    all_answered = []
    for number, choose in enumerate((wrong, partial, wrong), start=1):
        shown = presented_ids(sco)
        answered = attempt(lms, course, choose)
        assert_draw(lms, course, shown)
        results = score_quiz(sco)
        expected = score(answered)
        assert expected < course.config["passMark"]
        expect(results.locator(".score")).to_have_text(f"Your score: {score_str(expected)}%")
        all_answered += answered
        stored = lms.wait_for_commit(
            lambda c, n=len(all_answered): len(c.cmi.get("interactions") or {}) == n,
            what=f"the commit of attempt {number}",
        )
        assert edition.outcome(stored.cmi) == edition.expected("incomplete", score_str(expected))
        assert_journal(edition, interactions(stored.cmi), all_answered, course.config)
        # Correct answers are revealed only after passing; explanations of wrong answers stay hidden too.
        for q, value in answered:
            item = results.locator(f'[data-feedback-for="{q["id"]}"]')
            expect(item.locator(".feedback-correct")).to_have_count(0)
            if q["type"] != "likert" and q["explanation"] and value == wrong(q):
                expect(item).not_to_contain_text(q["explanation"])
        if number < 3:
            sco.get_by_role("button", name="Retake quiz").click()
            # A new attempt opens on its first question (one question at a time), ready to answer.
            expect(quiz_view(sco).get_by_role("heading", name=f"Question 1 of {len(shown)}")).to_be_visible()
            expect(fieldset(sco, presented_ids(sco)[0]).locator("input, select, button").first).to_be_enabled()

    results = quiz_view(sco).locator("[data-results]")
    expect(results).to_contain_text("You have used all your attempts at this quiz.")
    expect(results).to_contain_text(course.config["quiz"]["outOfAttempts"])
    expect(sco.get_by_role("button", name="Retake quiz")).to_have_count(0)
    expect(quiz_view(sco).locator("[data-evaluation]")).to_be_visible()  # the quiz is over: the evaluation opens

    finish = lms.close()
    assert edition.status(finish.cmi) == edition.word("incomplete")
    state = suspend_v2.decode(finish.cmi["suspend_data"], course.config)["quiz"]
    assert state["attempts"] == 3 and state["state"] == "s"
    log = lms.log()
    assert_clean_session(lms, log, edition=edition)
    assert_moodle_takes(edition, log)


def test_partial_credit_scores(open_lms, showcase_course):
    """The partly right attempt, question by question, with the exact credit per type."""
    course = showcase_course
    lms = open_showcase(open_lms)
    sco = lms.sco
    sco.get_by_role("button", name="Quiz").click()
    answered = attempt(lms, course, partial)
    results = score_quiz(sco)
    expect(results.locator(".score")).to_have_text(f"Your score: {score_str(score(answered))}%")
    for qid, label in (
        ("soap_needed", "Partly correct"),
        ("rub_steps", "Partly correct"),
        ("moments_match", "Incorrect"),
        ("confidence_before", "Answer recorded"),
    ):
        expect(results.locator(f'[data-feedback-for="{qid}"] .feedback-result')).to_have_text(label)
    stored = lms.wait_for_commit(lambda c: c.cmi["core"]["score"]["raw"] != "", what="the scoring commit")
    assert_interactions(interactions(stored.cmi), answered)
    assert_clean_session(lms, lms.log(), finished=False)


def test_resume_shows_the_same_draw_order_and_answers_then_review(open_lms, showcase_course):
    course = showcase_course
    questions = by_id(course)
    lms1 = open_showcase(open_lms)
    sco = lms1.sco
    sco.get_by_role("button", name="Quiz").click()
    shown = presented_ids(sco)
    orders = {
        qid: option_texts(sco, questions[qid])
        for qid in shown
        if questions[qid]["type"] in ("single-choice", "multiple-response", "matching")
    }
    given = {}
    for qid in shown:  # some questions answered, one matching question half done, the rest open
        q = questions[qid]
        if q["type"] in ("fill-in", "sequencing", "true-false") or qid == "wash_seconds":
            given[qid] = "47,5" if qid == "wash_seconds" else right(q)
        elif q["type"] == "matching":
            given[qid] = right(q)[:2] + "--"
        else:
            continue
        answer(sco, q, given[qid])
    before = {qid: control_values(sco, questions[qid]) for qid in shown}
    before["wash_seconds"] = "47.5"  # a number is kept in its plain form
    show_question(sco, "gloves_replace").get_by_role("button", name="Check answer").click()
    expect(fieldset(sco, "gloves_replace").locator("[data-question-feedback]")).to_contain_text("Correct")
    finish1 = lms1.close()
    assert finish1.cmi["core"]["lesson_location"] == "quiz" and finish1.cmi["core"]["exit"] == "suspend"
    assert_clean_session(lms1, lms1.log())

    lms2 = open_showcase(
        open_lms,
        cmi=seed_cmi(
            entry="resume", lesson_location="quiz", lesson_status="incomplete", suspend_data=finish1.cmi["suspend_data"]
        ),
    )
    sco = lms2.sco
    sco.get_by_role("button", name="Continue where I left off").click()
    assert presented_ids(sco) == shown
    for qid, order in orders.items():
        assert option_texts(sco, questions[qid]) == order, qid
    assert {qid: control_values(sco, questions[qid]) for qid in shown} == before
    checked = show_question(sco, "gloves_replace")
    expect(checked.get_by_role("radio").first).to_be_disabled()
    expect(checked.locator("[data-question-feedback]")).to_contain_text("Correct")

    # Finish the attempt: the answers given in the first session are what the LMS receives.
    answered = []
    for qid in shown:
        q = questions[qid]
        if qid not in given or q["type"] == "matching":
            answer(sco, q, right(q))
        answered.append((q, control_values(sco, q)))
    score_quiz(sco)
    stored = lms2.wait_for_commit(lambda c: c.cmi["core"]["score"]["raw"] != "", what="the scoring commit")
    assert_interactions(interactions(stored.cmi), answered)
    assert dict((r["id"], r["student_response"]) for r in interactions(stored.cmi))["wash_seconds"] == "47.5"
    finish2 = lms2.close()
    assert_clean_session(lms2, lms2.log())

    # Review: the recorded answers, read-only, with the results; nothing is written.
    lms3 = open_showcase(
        open_lms,
        cmi=seed_cmi(
            entry="",
            lesson_mode="review",
            credit="no-credit",
            lesson_status="incomplete",
            lesson_location="quiz",
            suspend_data=finish2.cmi["suspend_data"],
        ),
    )
    sco = lms3.sco
    sco.get_by_role("button", name="Quiz").click()
    assert presented_ids(sco) == shown
    for q, value in answered:
        assert control_values(sco, q) == value, q["id"]
        expect(fieldset(sco, q["id"]).locator("input, select, button").first).to_be_disabled()
    expect(quiz_view(sco).locator("[data-results]")).to_be_visible()
    expect(quiz_view(sco).get_by_role("button", name="Score my quiz")).to_be_hidden()
    lms3.close()
    written = [k for k, _ in LmsSession.sets(lms3.log())]
    assert written == ["cmi.core.session_time"], written


def test_keyboard_only_matching_and_sequencing(open_lms, showcase_course):
    course = showcase_course
    questions = by_id(course)
    lms = open_showcase(open_lms)
    sco = lms.sco
    sco.get_by_role("button", name="Quiz").click()
    keyboard = lms.page.keyboard

    # Matching: each source is a <select>; Tab moves between them, arrow keys choose.
    matching = questions["moments_match"]
    selects = show_question(sco, matching["id"]).locator("select")
    selects.first.focus()
    for i, target in enumerate(matching["answer"]):
        options = selects.nth(i).locator("option").evaluate_all("os => os.map(o => o.value)")
        for _ in range(options.index(target)):
            keyboard.press("ArrowDown")
        expect(selects.nth(i)).to_have_value(target)
        keyboard.press("Tab")
    fieldset(sco, matching["id"]).get_by_role("button", name="Check answer").focus()
    keyboard.press("Enter")
    expect(fieldset(sco, matching["id"]).locator("[data-question-feedback]")).to_contain_text("Correct")

    # Sequencing: Move up / Move down buttons; focus stays on the moved item, a live region says where it went.
    sequencing = questions["rub_steps"]
    fs = show_question(sco, sequencing["id"])
    target = sequencing["answer"]
    for position, item in enumerate(target):
        text = next(x["text"] for x in sequencing["items"] if x["id"] == item)
        order = control_values(sco, sequencing)
        if order.index(item) == position:
            continue
        fs.get_by_role("button", name=f"Move up: {text}", exact=True).focus()
        while control_values(sco, sequencing).index(item) > position:
            keyboard.press("Enter")
            focused = lms.page.frame(name="scorm_object").evaluate(
                "() => document.activeElement.getAttribute('aria-label')"
            )
            assert focused in (f"Move up: {text}", f"Move down: {text}"), focused
        expect(quiz_view(sco).locator("[data-quiz-live]")).to_contain_text(
            f"“{text}” is now at position {position + 1}"
        )
    assert control_values(sco, sequencing) == target
    fs.get_by_role("button", name="Check answer").focus()
    keyboard.press("Space")
    expect(fs.locator("[data-question-feedback]")).to_contain_text("Correct")
    state = runtime_state(lms)
    assert state["answers"][matching["id"]] == ",".join(
        f"{s['id']}.{t}" for s, t in zip(matching["sources"], matching["answer"])
    )
    assert state["answers"][sequencing["id"]] == ",".join(target)
    assert_clean_session(lms, lms.log(), finished=False)


def test_the_sample_course_evaluation_is_optional_and_never_scored(open_lms, built_course):
    course = built_course
    lms = open_lms()
    sco = lms.sco
    for lesson in course.config["lessons"]:
        expect_lesson_shown(sco, lesson)
        click_next(sco)
    for q in course.questions:
        show_question(sco, q["id"]).get_by_role(
            "radio", name="True" if q["answer"] == "t" else "False", exact=True
        ).check()
    score_quiz(sco)
    passed = lms.wait_for_commit(
        lambda c: c.cmi["core"]["lesson_status"] == "passed", what="passed without the evaluation"
    )
    assert len(interactions(passed.cmi)) == len(course.questions)
    evaluation = quiz_view(sco).locator("[data-evaluation]")
    expect(evaluation.get_by_role("heading", name="Rate this Course")).to_be_visible()
    expect(evaluation).to_contain_text("This evaluation is optional")
    for item in course.config["quiz"]["evaluation"]["items"]:
        evaluation.locator(f'fieldset[data-question-id="{item["id"]}"]').get_by_role(
            "radio", name="Agree", exact=True
        ).check()
    evaluation.get_by_role("button", name="Send my evaluation").click()
    done = lms.wait_for_commit(
        lambda c: len(c.cmi.get("interactions") or {}) > len(course.questions), what="the evaluation's interactions"
    )
    survey = interactions(done.cmi)[len(course.questions) :]
    assert [(r["type"], r["student_response"], r["result"]) for r in survey] == [("likert", "4", "neutral")] * 4
    assert (done.cmi["core"]["lesson_status"], done.cmi["core"]["score"]["raw"]) == ("passed", "100")
    finish = lms.close()
    assert finish.cmi["core"]["exit"] == ""
    assert_clean_session(lms, lms.log())
    assert_moodle_accepts(lms.log())


def test_v1_progress_of_the_sample_course_still_resumes(open_lms, built_course):
    """suspend_data written by the previous runtime (format v1) is read, not thrown away."""
    course = built_course
    assert course.config["fingerprintV1"]
    answers = "".join(q["answer"] for q in course.questions[:3]) + "-" * (len(course.questions) - 3)
    v1 = f"1~{course.config['fingerprintV1']}~_D~1.p.{answers}.50"
    lms = open_lms(cmi=seed_cmi(entry="resume", lesson_location="quiz", suspend_data=v1, lesson_status="incomplete"))
    sco = lms.sco
    sco.get_by_role("button", name="Continue where I left off").click()
    expect(sco.get_by_role("status").filter(has_text="has been updated")).to_have_count(0)
    state = runtime_state(lms)
    assert state["quiz"] == {"phase": "p", "attemptsUsed": 1, "score": 50}
    assert [state["answers"][q["id"]] for q in course.questions] == [q["answer"] for q in course.questions[:3]] + [
        None
    ] * (len(course.questions) - 3)
    expect(sco.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    assert_clean_session(lms, lms.log(), finished=False)


TINY_COURSE = """\
id: tiny-{name}
title: Tiny quiz
version: 1.0.0
language: en
mastery_score_in_manifest: false
pass_mark: 50
completion: quiz
lessons:
  - {{id: one, title: One, file: one.html}}
quiz: quiz.yaml
"""
TINY_QUIZ = """\
title: Tiny quiz
attempts: 0
feedback: {feedback}
reveal_answers: never
questions:
  - {{id: sky, type: true-false, text: "The sky is blue on a clear day.", answer: true,
     explanation: "Rayleigh scattering favours short wavelengths."}}
  - {{id: sum, type: numeric, text: "How much is 2 + 2?", answer: 4, explanation: "Two pairs make four."}}
"""


def build_tiny(tmp_path, lms_server, feedback: str) -> str:
    """A two-question quiz with the given feedback mode, built with the CLI and served; returns its URL path."""
    src = tmp_path / f"src-{feedback}"
    src.mkdir()
    (src / "course.yaml").write_text(TINY_COURSE.format(name=feedback))
    (src / "quiz.yaml").write_text(TINY_QUIZ.format(feedback=feedback))
    (src / "one.html").write_text("<p>Look up.</p>\n")
    out = tmp_path / f"out-{feedback}"
    proc = subprocess.run(
        [sys.executable, "-m", "builder", "build", str(src), "-o", str(out)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    root = tmp_path / f"pkg-{feedback}"
    with zipfile.ZipFile(next(out.glob("*.zip"))) as zf:
        zf.extractall(root)
    lms_server.mount(f"/tiny-{feedback}/", root)
    return f"/tiny-{feedback}/index.html"


@pytest.mark.parametrize("feedback", ["never", "after-quiz"])
def test_feedback_never_and_answers_never_revealed(open_lms, lms_server, tmp_path, feedback):
    lms = open_lms(pkg=build_tiny(tmp_path, lms_server, feedback))
    sco = lms.sco
    sco.get_by_role("button", name="Quiz").click()
    show_question(sco, "sky").get_by_role("radio", name="False", exact=True).check()
    show_question(sco, "sum").get_by_role("textbox").fill("5")
    results = score_quiz(sco)
    expect(results.locator(".score")).to_have_text("Your score: 0%")
    if feedback == "never":
        expect(results.locator("[data-feedback-for]")).to_have_count(0)
    else:
        expect(results.locator("[data-feedback-for]")).to_have_count(2)
        expect(results.locator('[data-feedback-for="sky"] .feedback-result')).to_have_text("Incorrect")
    expect(results).not_to_contain_text("Correct answer")
    expect(results).not_to_contain_text("Rayleigh")
    sco.get_by_role("button", name="Retake quiz").click()  # attempts: 0 is unlimited
    show_question(sco, "sky").get_by_role("radio", name="True", exact=True).check()
    show_question(sco, "sum").get_by_role("textbox").fill(" 4,0 ")
    results = score_quiz(sco)
    expect(results.locator(".score")).to_have_text("Your score: 100%")
    if feedback == "after-quiz":  # a right answer's explanation is no secret
        expect(results.locator('[data-feedback-for="sky"]')).to_contain_text("Rayleigh")
    stored = lms.wait_for_commit(lambda c: c.cmi["core"]["lesson_status"] == "passed", what="the pass")
    assert [r["student_response"] for r in interactions(stored.cmi)] == ["f", "5", "t", "4"]
    assert_clean_session(lms, lms.log(), finished=False)

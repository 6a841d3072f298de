"""The learner's design, as a learner sees it in Chromium: the start page, the type scale and the
measure, the first screen on a phone, the quiz one question at a time with its review list, and
the cues that must survive Windows' forced colours (a border, an outline or text, not colour)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from . import suspend_v2
from .a11y import sco_frame
from .lms import LmsSession, press_start, seed_cmi
from .quiz_helpers import presented_ids, runtime_state, to_scoring
from .test_accessibility import SHOWCASE, answer_true_false
from .test_journeys import click_next, correct_answers, expect_lesson_shown, failing_answers, quiz_view, score_quiz

HARNESS_BAR = 30  # px above the SCO frame in tests/e2e/harness/lms.html


def frame_viewport(lms: LmsSession, width: int, height: int) -> None:
    """Make the course's frame exactly width x height CSS px (the LMS page adds its bar)."""
    lms.page.set_viewport_size({"width": width, "height": height + HARNESS_BAR})
    size = sco_frame(lms).evaluate("() => [innerWidth, innerHeight]")
    assert size == [width, height], size


# ============================================================================ the start page
def test_the_start_page_introduces_the_course_and_records_nothing_until_start(open_lms, built_course):
    course = built_course
    lms = open_lms(start=False)
    sco = lms.sco
    start = sco.locator("[data-start]")
    expect(start).to_be_visible()
    expect(sco.locator("section.view:not([hidden])")).to_have_count(0)
    expect(start.get_by_role("heading", level=2)).to_have_text(course.config["course"]["title"])
    cover = start.get_by_role("img", name="A heart held above an open, curved line, drawn in warm colours.")
    expect(cover).to_have_attribute("src", "media/cover.svg")
    expect(cover).to_be_visible()
    expect(start.locator(".start-description")).to_contain_text("Clinicians who want to offer self-compassion")
    facts = dict(zip(start.locator("dt").all_text_contents(), start.locator("dd").all_text_contents()))
    assert facts == {
        "Time": "About 120 minutes",
        "Lessons": str(len(course.lesson_ids)),
        "Quiz questions": str(len(course.questions)),
        "Pass mark": "75%",
        "Continuing education credit": "2 credit hours",
        "Provider": "coursepack sample course (no CE provider)",
        "Written by": "David Lukoff, PhD",
        "Certificate": "Printable once you complete the course",
    }, facts
    # One primary action; the resume prompt is not there on a first launch.
    expect(start.locator("button:visible")).to_have_count(1)
    expect(start.get_by_role("button", name="Start the course")).to_have_class(re.compile(r"\bprimary\b"))
    state = runtime_state(lms)
    assert (state["view"], state["visited"], state["progress"], state["start"], state["resumePrompt"]) == (
        None,
        [],
        0,
        True,
        False,
    )
    # The launch marked the course started; nothing else is written while the start page shows.
    sets = [k for k, _ in LmsSession.sets(lms.log())]
    assert sets == ["cmi.core.lesson_status", "cmi.core.exit"], sets

    start.get_by_role("button", name="Start the course").click()
    expect_lesson_shown(sco, course.config["lessons"][0])
    expect(sco.locator("section.view:not([hidden]) h2")).to_be_focused()
    expect(start).to_be_hidden()
    # The LMS calls of the launch are those of a course without a start page: the started status
    # and exit, the first lesson's suspend_data and location, then one commit.
    lms.wait_for_commit(lambda c: c.cmi["core"]["lesson_location"] == f"lesson:{course.lesson_ids[0]}")
    calls = [(e["fn"], e["args"][0] if e["fn"] == "LMSSetValue" else "") for e in lms.log()]
    writes = [c for c in calls if c[0] in ("LMSSetValue", "LMSCommit")]
    assert writes[:5] == [
        ("LMSSetValue", "cmi.core.lesson_status"),
        ("LMSSetValue", "cmi.core.exit"),
        ("LMSSetValue", "cmi.suspend_data"),
        ("LMSSetValue", "cmi.core.lesson_location"),
        ("LMSCommit", ""),
    ], writes
    stored = lms.last_commit().cmi
    assert suspend_v2.decode(stored["suspend_data"], course.config)["visited"] == {
        lesson_id: i == 0 for i, lesson_id in enumerate(course.lesson_ids)
    }


def test_a_returning_learner_resumes_from_the_start_page(open_lms, built_course):
    course = built_course
    lessons = course.config["lessons"]
    lms = open_lms(
        cmi=seed_cmi(
            entry="resume",
            lesson_status="incomplete",
            lesson_location=f"lesson:{lessons[2]['id']}",
            suspend_data=f"2~{course.config['fingerprint']}~HA~0.n..-----.--------",
        )
    )
    start = lms.sco.locator("[data-start]")
    expect(start).to_be_visible()
    expect(start.get_by_role("button", name="Start the course")).to_be_hidden()
    expect(start.locator("[data-resume-where]")).to_have_text(f"You stopped at: {lessons[2]['title']}")
    expect(start.get_by_role("button", name="Continue where I left off")).to_have_class(re.compile(r"\bprimary\b"))
    assert runtime_state(lms)["resumePrompt"] is True
    start.get_by_role("button", name="Continue where I left off").click()
    expect_lesson_shown(lms.sco, lessons[2])


# ============================================================================ type and measure
def test_the_type_scale_and_the_measure_at_1280_px(open_lms, built_course):
    lms = open_lms()
    frame_viewport(lms, 1280, 800)
    frame = sco_frame(lms)
    sizes = frame.evaluate("""() => {
        const size = (el) => parseFloat(getComputedStyle(el).fontSize);
        const lesson = document.querySelector('section.view:not([hidden])');
        return {course: size(document.querySelector('h1')), lesson: size(lesson.querySelector('h2')),
                section: size(lesson.querySelector('.lesson-body h3')),
                body: size(lesson.querySelector('.lesson-body p'))};
    }""")
    assert sizes["course"] > sizes["lesson"] > sizes["section"] > sizes["body"], sizes
    # Characters on each full line (all but a paragraph's last) of the first lesson's paragraphs.
    lines = frame.evaluate("""() => {
        const range = document.createRange();
        const out = [];
        for (const p of document.querySelectorAll('section.view:not([hidden]) .lesson-body p')) {
            const rows = new Map();
            const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                for (let i = 0; i < node.length; i += 1) {
                    range.setStart(node, i);
                    range.setEnd(node, i + 1);
                    const box = range.getClientRects()[0];
                    if (box) rows.set(Math.round(box.top), (rows.get(Math.round(box.top)) || 0) + 1);
                }
            }
            out.push(...Array.from(rows.values()).slice(0, -1));
        }
        return out;
    }""")
    assert len(lines) >= 5, lines
    assert max(lines) <= 76, lines  # 75 characters and the space where the line breaks
    assert sum(lines) / len(lines) >= 60, lines


@pytest.mark.parametrize("pkg", [None, SHOWCASE], ids=["sample", "showcase"])
def test_the_first_lesson_heading_is_in_the_first_screen_of_a_phone(open_lms, built_course, showcase_course, pkg):
    lms = open_lms(start=False, **({"pkg": pkg} if pkg else {}))
    frame_viewport(lms, 375, 812)
    press_start(lms.sco)
    frame = sco_frame(lms)
    course = showcase_course if pkg else built_course
    expect_lesson_shown(lms.sco, course.config["lessons"][0])
    box = frame.evaluate("""() => {
        const r = document.querySelector('section.view:not([hidden]) h2').getBoundingClientRect();
        return {top: r.top, bottom: r.bottom, scrollY, scrollWidth: document.documentElement.scrollWidth};
    }""")
    assert box["scrollY"] == 0 and box["scrollWidth"] <= 375, box
    assert 0 <= box["top"] and box["bottom"] <= 812 / 3, box  # well inside: the lesson text follows on screen


# ============================================================================ one question at a time
def test_one_question_at_a_time_with_a_review_list_before_scoring(open_lms, built_course):
    course = built_course
    answers = correct_answers(course)
    lms = open_lms()
    sco = lms.sco
    for _ in course.config["lessons"]:
        click_next(sco)
    quiz = quiz_view(sco)
    ids = presented_ids(sco)
    total = len(ids)
    fieldsets = quiz.locator("[data-quiz-form] fieldset[data-question-id]")
    expect(fieldsets).to_have_count(total)  # every question is drawn, one is shown
    expect(quiz.locator("[data-quiz-form] fieldset[data-question-id]:visible")).to_have_count(1)
    expect(quiz.get_by_role("heading", name=f"Question 1 of {total}")).to_be_visible()
    progress = quiz.locator("[data-quiz-progress]")
    expect(progress).to_have_text(f"0 of {total} answered")
    expect(quiz.get_by_role("button", name="Previous question")).to_be_hidden()
    expect(quiz.get_by_role("button", name="Score my quiz")).to_be_hidden()

    first = fieldsets.nth(0)
    first.get_by_role("radio", name="True" if answers[ids[0]] == "t" else "False", exact=True).check()
    expect(progress).to_have_text(f"1 of {total} answered")
    lms.wait_for_commit(lambda c: c.cmi["suspend_data"].endswith(answers[ids[0]] + "-" * (total - 1)))
    writes = len(LmsSession.sets(lms.log()))
    quiz.get_by_role("button", name="Next question").click()
    expect(quiz.get_by_role("heading", name=f"Question 2 of {total}")).to_be_focused()
    expect(fieldsets.nth(1)).to_be_visible()
    expect(first).to_be_hidden()
    quiz.get_by_role("button", name="Previous question").click()
    expect(first.get_by_role("radio", checked=True)).to_have_count(1)  # the answer stays
    assert len(LmsSession.sets(lms.log())) == writes, "moving between questions writes nothing to the LMS"

    # The review list: every question, answered or not, each a way back to it.
    to_scoring(sco)
    review = quiz.locator("[data-quiz-review]")
    expect(review.get_by_role("heading", name="Review your answers")).to_be_focused()
    entries = review.locator("[data-review-list] li")
    expect(entries).to_have_count(total)
    expect(entries.nth(0)).to_contain_text("Answered")
    expect(entries.filter(has_text="Not answered")).to_have_count(total - 1)
    entries.nth(4).get_by_role("button").click()
    expect(quiz.get_by_role("heading", name=f"Question 5 of {total}")).to_be_focused()
    expect(fieldsets.nth(4)).to_be_visible()

    # Scoring with questions unanswered shows the first of them, its message tied to it.
    to_scoring(sco).click()
    expect(quiz.get_by_role("status").filter(has_text=f"Questions still unanswered: {total - 1}")).to_be_visible()
    expect(fieldsets.nth(1)).to_be_visible()
    expect(fieldsets.nth(1)).to_have_accessible_description("Please answer this question.")
    expect(fieldsets.nth(1).get_by_role("radio").first).to_be_focused()
    state = runtime_state(lms)
    assert state["quiz"]["phase"] == "p" and state["answers"][ids[0]] == answers[ids[0]], state


# ============================================================================ forced colours
def cue(frame, selector: str, pseudo: str | None = None) -> dict:
    return frame.evaluate(
        """([selector, pseudo]) => {
            const el = document.querySelector(selector);
            const s = getComputedStyle(el, pseudo);
            const box = el.getBoundingClientRect();
            return {content: s.content, width: box.width, background: s.backgroundColor,
                    borderTop: [s.borderTopStyle, parseFloat(s.borderTopWidth), s.borderTopColor],
                    borderLeft: [s.borderLeftStyle, parseFloat(s.borderLeftWidth), s.borderLeftColor],
                    borderRight: [s.borderRightStyle, parseFloat(s.borderRightWidth), s.borderRightColor]};
        }""",
        [selector, pseudo],
    )


def test_the_cues_that_colour_carries_survive_forced_colours(open_lms, built_course):
    course = built_course
    lms = open_lms()
    lms.page.emulate_media(forced_colors="active")
    frame = sco_frame(lms)
    assert frame.evaluate("() => matchMedia('(forced-colors: active)').matches")
    click_next(lms.sco)
    expect_lesson_shown(lms.sco, course.config["lessons"][1])
    views = len(course.lesson_ids) + 1

    # The progress bar: its track has a border, and its fill is a border as long as the progress.
    frame.evaluate("() => document.getAnimations().forEach((a) => a.finish())")  # the fill's transition
    track = cue(frame, "[data-progress]")
    fill = cue(frame, "[data-progress-fill]")
    assert track["borderTop"][0] == "solid" and track["borderTop"][1] >= 1, track
    assert fill["borderTop"][0] == "solid" and fill["borderTop"][1] >= 4, fill
    assert fill["borderTop"][2] != track["background"], (fill, track)
    assert abs(fill["width"] - (track["width"] - 2) * round(100 * 2 / views) / 100) <= 2, (fill, track)

    # The current contents entry: a bar (a border) on its left; the others have none.
    current = cue(frame, '.toc-item[aria-current="page"]')
    other = cue(frame, f'.toc-item[data-goto="lesson:{course.lesson_ids[2]}"]')
    assert current["borderLeft"][0] == "solid" and current["borderLeft"][1] >= 3, current
    assert current["borderLeft"][2] != current["background"], current
    assert other["borderLeft"][1] == 0, other

    # Visited lessons show a check mark (text) in place of their number; unvisited ones do not.
    visited = cue(frame, f'.toc-item[data-goto="lesson:{course.lesson_ids[0]}"] .toc-num', "::before")
    unvisited = cue(frame, f'.toc-item[data-goto="lesson:{course.lesson_ids[2]}"] .toc-num', "::before")
    assert visited["content"] == '"\u2713"', visited
    assert unvisited["content"] in ("none", "normal"), unvisited

    # The results: a mark beside the verdict, and the score's bar (a border fill) against the pass mark.
    for _ in course.lesson_ids[1:]:
        click_next(lms.sco)
    answer_true_false(lms.sco, course, failing_answers(course))
    score_quiz(lms.sco)
    mark = cue(frame, ".verdict-icon")
    assert frame.evaluate("() => document.querySelector('.verdict-icon').textContent") == "\u2717"
    assert mark["borderTop"][0] == "solid" and mark["borderTop"][1] >= 2, mark
    meter = cue(frame, "[data-results] .meter")
    score = cue(frame, "[data-results] .meter-fill")
    tick = cue(frame, "[data-results] .meter-mark")
    assert meter["borderTop"][0] == "solid" and score["borderTop"][0] == "solid", (meter, score)
    assert 0 < score["width"] < meter["width"], (score, meter)
    assert max(tick["borderLeft"][1], tick["borderRight"][1]) >= 2, tick  # the pass mark's line

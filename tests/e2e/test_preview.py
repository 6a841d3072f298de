"""``coursepack preview`` in headless Chromium: live reload, the inspector, build errors, the strict LMS.

Each test starts its own preview server on an ephemeral port of 127.0.0.1 (stopped afterwards)
for a small course written into tmp_path, and drives the preview page as an author would.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from builder.preview.server import PreviewServer

from .a11y import AXE, WCAG_TAGS
from .lms import press_start

COURSE_YAML = """\
id: preview-demo
title: Preview demo
version: 1.0.0
language: en
mastery_score_in_manifest: false
lessons:
  - id: one
    title: Lesson one
    file: lessons/one.html
  - id: two
    title: Lesson two
    file: lessons/two.html
"""
FILES = {
    "course.yaml": COURSE_YAML,
    "lessons/one.html": "<p>The first lesson, as written.</p>\n",
    "lessons/two.html": "<p>The second lesson, as written.</p>\n",
}


@pytest.fixture
def course(tmp_path) -> Path:
    root = tmp_path / "course"
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def preview(course):
    server = PreviewServer(course, port=0, interval=0.1, debounce=0.1).start()
    yield server
    server.stop()


@pytest.fixture
def page(context, preview) -> Page:
    page = context.new_page()
    page.goto(preview.url)
    expect(page.locator("[data-build-status]")).to_have_text(re.compile(r"^Build 1 ok"))
    press_start(page.frame_locator("#scorm_object"))  # the learner leaves the start page for the first lesson
    return page


def lesson(page: Page, lesson_id: str):
    return page.frame_locator("#scorm_object").locator(f'section[data-view="lesson"][data-lesson-id="{lesson_id}"]')


def calls(page: Page, fn: str, element: str | None = None):
    selector = f'[data-calls] tr[data-fn="{fn}"]' + (f'[data-element="{element}"]' if element else "")
    return page.locator(selector)


def write(course: Path, rel: str, text: str) -> None:
    (course / rel).write_text(text, encoding="utf-8")


def test_editing_a_lesson_changes_the_served_page_without_a_manual_reload(page, course):
    expect(lesson(page, "one")).to_contain_text("The first lesson, as written.")
    page.evaluate("window.__samePage = true")  # gone if the preview page itself were reloaded
    page.frame_locator("#scorm_object").get_by_role("button", name="Next", exact=True).click()
    expect(lesson(page, "two")).to_be_visible()

    write(course, "lessons/two.html", "<p>The second lesson, edited.</p>\n")
    expect(lesson(page, "two")).to_contain_text("The second lesson, edited.")
    expect(lesson(page, "two")).to_be_visible()  # the learner's place is kept across the rebuild
    assert page.evaluate("window.__samePage") is True
    expect(page.locator("[data-build-status]")).to_have_text(re.compile(r"^Build 2 ok"))
    # The relaunch is a new LMS session seeded with what the first one stored: both lessons were
    # read, so the course was completed and exited normally (entry "", status completed).
    expect(page.locator("[data-calls] tr.session")).to_have_count(2)
    expect(page.locator("[data-calls] tr.session").nth(1)).to_contain_text(
        'after rebuild 2 · learner_1 (Doe, Jane) · entry ""'
    )
    status = page.locator(
        '[data-calls] tr[data-fn="LMSGetValue"][data-element="cmi.core.lesson_status"][data-session="2"]'
    )
    expect(status.locator("td.ret")).to_have_text('"completed"')


def test_the_inspector_lists_the_set_values_a_page_change_makes(page):
    expect(calls(page, "LMSSetValue", "cmi.core.lesson_location")).to_have_count(1)  # the first lesson
    page.frame_locator("#scorm_object").get_by_role("button", name="Next", exact=True).click()
    expect(lesson(page, "two")).to_be_visible()

    location = calls(page, "LMSSetValue", "cmi.core.lesson_location").last
    expect(location).to_contain_text('LMSSetValue("cmi.core.lesson_location", "lesson:two")')
    expect(location).to_have_attribute("data-code", "0")
    expect(location.locator("td.ret")).to_have_text('"true"')
    suspend = calls(page, "LMSSetValue", "cmi.suspend_data").last
    expect(suspend).to_contain_text('LMSSetValue("cmi.suspend_data", "')
    expect(calls(page, "LMSCommit")).to_have_count(2)  # the launch, then one for all the page change wrote
    expect(page.locator("[data-calls] tr.is-error")).to_have_count(0)

    page.get_by_role("tab", name="Data model").click()
    expect(page.locator('[data-core] tr[data-element="cmi.core.lesson_location"]')).to_contain_text('"lesson:two"')
    expect(page.locator('[data-core] tr[data-element="cmi.core.lesson_status"]')).to_contain_text('"completed"')
    stored = page.locator("[data-suspend]").inner_text()
    expect(page.locator("[data-suspend-length]")).to_have_text(str(len(stored)))


def test_a_broken_edit_shows_the_error_and_keeps_serving_the_last_good_build(page, course, preview):
    write(course, "lessons/one.html", '<p>Half-finished edit.</p>\n<img src="../media/missing.png" alt="">\n')
    errors = page.locator("[data-build-errors]")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text(
        f"{course}/lessons/one.html:2: error: '../media/missing.png' does not exist "
        "(looked for media/missing.png in the course folder)"
    )
    expect(errors).to_contain_text("The frame still shows the last good build (build 1).")
    expect(page.locator("[data-build-status]")).to_have_text(re.compile(r"^Build 2 failed"))
    expect(lesson(page, "one")).to_contain_text("The first lesson, as written.")
    assert preview.state.good == 1

    write(course, "lessons/one.html", "<p>The first lesson, fixed.</p>\n")
    expect(errors).to_be_hidden()
    expect(lesson(page, "one")).to_contain_text("The first lesson, fixed.")


def test_close_and_resume_new_learner_and_name_format(page):
    expect(calls(page, "LMSGetValue", "cmi.core.student_name").first.locator("td.ret")).to_have_text('"Doe, Jane"')
    page.get_by_role("button", name="Close and resume").click()
    sessions = page.locator("[data-calls] tr.session")
    expect(sessions).to_have_count(2)
    expect(sessions.nth(1)).to_contain_text('close and resume · learner_1 (Doe, Jane) · entry "resume"')
    # The first session ended properly: exit, session_time, then LMSFinish.
    finish = calls(page, "LMSFinish").first
    expect(finish).to_have_attribute("data-code", "0")
    expect(calls(page, "LMSSetValue", "cmi.core.session_time").first).to_contain_text('"0000:')

    page.get_by_label("Learner name").select_option("first-last")
    expect(sessions).to_have_count(3)
    expect(calls(page, "LMSGetValue", "cmi.core.student_name").last.locator("td.ret")).to_have_text('"Jane Doe"')

    page.get_by_role("button", name="New learner").click()
    expect(sessions).to_have_count(4)
    expect(sessions.nth(3)).to_contain_text('new learner · learner_2 (Sam Lee) · entry "ab-initio"')
    expect(calls(page, "LMSGetValue", "cmi.core.lesson_status").last.locator("td.ret")).to_have_text('"not attempted"')


def test_the_strict_lms_rejects_and_flags_what_the_standard_forbids(page):
    results = page.evaluate("""() => {
      const entries = [];
      const s = CoursepackPreviewLMS.createSession({
        learner: {id: 'l1', name: 'Doe, Jane'}, strict: true, onCall: (e) => entries.push(e)});
      const api = s.api;
      const code = () => api.LMSGetLastError();
      const out = {};
      out.beforeInit = [api.LMSGetValue('cmi.core.lesson_status'), code()];
      out.initArg = [api.LMSInitialize('x'), code()];
      out.init = [api.LMSInitialize(''), code()];
      out.again = [api.LMSInitialize(''), code()];
      out.notAttempted = [api.LMSSetValue('cmi.core.lesson_status', 'not attempted'), code()];
      out.upper = [api.LMSSetValue('cmi.core.lesson_status', 'PASSED'), code()];
      out.readOnly = [api.LMSSetValue('cmi.core.student_name', 'X'), code()];
      out.writeOnly = [api.LMSGetValue('cmi.core.exit'), code()];
      out.keyword = [api.LMSSetValue('cmi.core._children', 'x'), code()];
      out.noChildren = [api.LMSGetValue('cmi.core.lesson_status._children'), code()];
      out.notArray = [api.LMSGetValue('cmi.core._count'), code()];
      out.scorm2004 = [api.LMSSetValue('cmi.completion_status', 'completed'), code()];
      out.score150 = [api.LMSSetValue('cmi.core.score.raw', '150'), code()];
      out.iso = [api.LMSSetValue('cmi.core.session_time', 'PT1M'), code()];
      out.normalExit = [api.LMSSetValue('cmi.core.exit', 'normal'), code()];
      out.gap = [api.LMSSetValue('cmi.interactions.1.id', 'q1'), code()];
      out.first = [api.LMSSetValue('cmi.interactions.0.id', 'q1'), code(), api.LMSGetValue('cmi.interactions._count')];
      out.type = [api.LMSSetValue('cmi.interactions.0.type', 'true-false'), code()];
      out.badResponse = [api.LMSSetValue('cmi.interactions.0.student_response', 'yes'), code()];
      out.incorrect = [api.LMSSetValue('cmi.interactions.0.result', 'incorrect'), code()];
      out.long = [api.LMSSetValue('cmi.suspend_data', 'x'.repeat(4097)), code()];
      s.strict = false;
      out.lenient = [api.LMSSetValue('cmi.suspend_data', 'x'.repeat(4097)), code()];
      out.number = [api.LMSSetValue('cmi.core.score.raw', 85), code()];
      out.finish = [api.LMSFinish(''), code()];
      out.after = [api.LMSCommit(''), code()];
      out.flags = entries.filter((e) => e.fn === 'LMSSetValue').map((e) => e.flags.map((f) => f.level));
      out.stored = s.values['cmi.core.lesson_status'];
      return out;
    }""")
    expected = {
        "beforeInit": ["", "301"],
        "initArg": ["false", "201"],
        "init": ["true", "0"],
        "again": ["false", "101"],
        "notAttempted": ["false", "405"],
        "upper": ["false", "405"],
        "readOnly": ["false", "403"],
        "writeOnly": ["", "404"],
        "keyword": ["false", "402"],
        "noChildren": ["", "202"],
        "notArray": ["", "203"],
        "scorm2004": ["false", "201"],
        "score150": ["false", "405"],
        "iso": ["false", "405"],
        "normalExit": ["false", "405"],
        "gap": ["false", "201"],
        "first": ["true", "0", "1"],
        "type": ["true", "0"],
        "badResponse": ["false", "405"],
        "incorrect": ["false", "405"],
        "long": ["false", "405"],
        "lenient": ["true", "0"],
        "number": ["true", "0"],
        "finish": ["true", "0"],
        "after": ["false", "101"],
    }
    assert {k: results[k] for k in expected} == expected, json.dumps(results, indent=1)
    assert results["flags"][-1] == ["warning"]  # a number, not a string: accepted and flagged
    assert results["flags"][-2] == ["warning"]  # over 4096 with strict limits off: accepted and flagged
    assert results["stored"] == "completed"  # never set by the SCO: the LMS records completed at LMSFinish


def test_xapi_statements_and_player_events_are_captured(context, course, preview):
    # A stand-in for an xAPI reporter: it posts one statement to the launch endpoint.
    write(
        course,
        "lessons/one.html",
        """<p>Reporter lesson.</p>
<script>
  (function () {
    var q = new URLSearchParams(location.search);
    fetch(q.get('endpoint') + 'statements', {method: 'POST', headers: {'Content-Type': 'application/json',
      'Authorization': q.get('auth'), 'X-Experience-API-Version': '1.0.3'},
      body: JSON.stringify({actor: JSON.parse(q.get('actor')),
        verb: {id: 'http://adlnet.gov/expapi/verbs/experienced', display: {'en-US': 'experienced'}},
        object: {id: 'https://example.org/preview-demo/one', definition: {name: {'en-US': 'Lesson one'}}},
        context: {registration: q.get('registration')}})});
  })();
</script>
<script>notDefinedAnywhere();</script>
""",
    )
    preview.wait_for(lambda s: s.ok and s.attempt >= 2)
    page = context.new_page()
    page.goto(preview.url)
    press_start(page.frame_locator("#scorm_object"))
    page.get_by_role("tab", name="xAPI").click()
    statement = page.locator('[data-statements] li[data-verb="http://adlnet.gov/expapi/verbs/experienced"]')
    expect(statement).to_have_count(1)
    expect(statement).to_contain_text("experienced · Lesson one")
    expect(page.locator("[data-xapi-note]")).to_be_hidden()
    expect(page.locator('[data-player-events] li[data-type="view"]').first).to_contain_text("lesson:one")
    expect(page.locator("[data-calls] tr.note").filter(has_text="script error in the course")).to_contain_text(
        re.compile(r"notDefinedAnywhere is not defined \(/course/index\.html:\d+\)")
    )


# --------------------------------------------------------------------------- the layout
def course_shown(page: Page) -> None:
    """The course runs in the frame and shows one screen: the start page (a first launch offers "Start the
    course", a later one the resume prompt) or, once started, one view."""
    course = page.frame_locator("#scorm_object")
    expect(course.get_by_role("heading", level=1, name="Preview demo")).to_be_visible()
    expect(course.locator("section.view:not([hidden]), [data-start]:not([hidden])")).to_have_count(1)


def open_at(context, preview, width: int, height: int) -> Page:
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    page.goto(preview.url)
    course_shown(page)
    return page


def box(page: Page, selector: str) -> dict:
    found = page.locator(selector).bounding_box()
    assert found, f"{selector} is not displayed"
    return found


def course_window(page: Page) -> dict:
    """The course's own view of its window: its width, and whether the player's wide layout (50em) applies."""
    return page.frame(name="scorm_object").evaluate(
        "() => ({width: window.innerWidth, wide: matchMedia('(min-width: 50em)').matches})"
    )


def expect_frame_width(page: Page, width: int) -> None:
    expect(page.locator("[data-frame-size]")).to_have_text(re.compile(rf"^{width} × \d+ px$"))
    assert round(box(page, "#scorm_object")["width"]) == width
    assert course_window(page)["width"] == width


def controls_violations(page: Page) -> list[dict]:
    """axe-core (WCAG 2.1 A/AA) on the layout's controls: the course width, the separator, the inspector's bar."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
        const context = {include: [['.lms-bar'], ['[data-splitter]'], ['.inspector-bar']]};
        const result = await axe.run(context, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
        return result.violations.map((v) => ({id: v.id, nodes: v.nodes.map((n) => n.target.join(' '))}));
    }""",
        WCAG_TAGS,
    )


def test_at_1280_the_course_has_a_desktop_width_and_the_inspector_collapses_and_resizes(context, preview):
    page = open_at(context, preview, 1280, 800)
    toggle = page.get_by_role("button", name="Inspector", exact=True)
    separator = page.get_by_role("separator", name="Inspector size")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(separator).to_have_attribute("aria-orientation", "vertical")
    frame, inspector = box(page, "#scorm_object"), box(page, "[data-inspector]")
    # Beside the course, not over it, and the course keeps the player's desktop layout.
    assert inspector["x"] >= frame["x"] + frame["width"]
    assert course_window(page)["wide"], f"the course frame is {frame['width']} px: the player's narrow layout"
    width = round(frame["width"])
    assert width + 8 + round(inspector["width"]) == 1280
    expect_frame_width(page, width)
    assert controls_violations(page) == []

    # Resized from the keyboard: the separator's arrows (Shift for bigger steps), Home and End.
    size = int(separator.get_attribute("aria-valuenow"))
    assert size == 1280 - 8 - width
    separator.focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(separator).to_have_attribute("aria-valuenow", str(size + 32))
    expect_frame_width(page, width - 32)
    page.keyboard.press("Shift+ArrowRight")
    expect(separator).to_have_attribute("aria-valuenow", str(size + 32 - 64))
    expect_frame_width(page, width - 32 + 64)
    page.keyboard.press("Home")
    expect(separator).to_have_attribute("aria-valuenow", separator.get_attribute("aria-valuemin"))
    expect_frame_width(page, 1280 - 8 - int(separator.get_attribute("aria-valuemin")))
    page.keyboard.press("End")
    expect_frame_width(page, 320)  # the course keeps its minimum
    page.keyboard.press("Home")
    smallest = int(separator.get_attribute("aria-valuenow"))
    # And with the pointer: dragged 50 px to the left, over the course frame.
    handle = box(page, "[data-splitter]")
    page.mouse.move(handle["x"] + 4, handle["y"] + 200)
    page.mouse.down()
    page.mouse.move(handle["x"] - 20, handle["y"] + 200)
    page.mouse.move(handle["x"] - 46, handle["y"] + 200)
    page.mouse.up()
    expect(separator).to_have_attribute("aria-valuenow", str(smallest + 50))
    resized = 1280 - 8 - smallest - 50
    expect_frame_width(page, resized)

    # Collapsed to a bar under the course, which then has the whole width; the button says so.
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("[data-inspector-body]")).to_be_hidden()
    expect(separator).to_be_hidden()
    expect_frame_width(page, 1280)
    frame, bar = box(page, "#scorm_object"), box(page, ".inspector-bar")
    assert bar["y"] >= frame["y"] + frame["height"] and bar["height"] < 60

    # Remembered across a reload; expanded again it has the size it was given.
    page.reload()
    course_shown(page)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect_frame_width(page, 1280)
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("[data-calls]")).to_be_visible()
    expect_frame_width(page, resized)

    # Enter on the separator collapses it too, and hands the focus to the button that expands it.
    separator.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")


def test_the_width_selector_gives_the_course_a_phone_a_tablet_or_a_desktop_width(context, preview):
    page = open_at(context, preview, 1280, 800)
    selector = page.get_by_label("Course width")
    full = round(box(page, "#scorm_object")["width"])
    for label, width, wide in (("Phone (375 px)", 375, False), ("Tablet (768 px)", 768, False)):
        selector.select_option(label=label)
        expect_frame_width(page, width)
        assert course_window(page)["wide"] is wide
        stage, frame = box(page, "[data-stage]"), box(page, "#scorm_object")
        assert (
            abs((frame["x"] - stage["x"]) - (stage["x"] + stage["width"] - frame["x"] - frame["width"])) <= 1
        )  # centred

    # A desktop's 1280 px do not fit beside the inspector: the course keeps them and scrolls; docked below, it fits.
    selector.select_option(label="Desktop (1280 px)")
    expect_frame_width(page, 1280)
    assert page.locator("[data-stage]").evaluate("(s) => s.scrollWidth > s.clientWidth")
    page.get_by_role("button", name="Below", exact=True).click()
    expect(page.get_by_role("button", name="Below", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("separator", name="Inspector size")).to_have_attribute("aria-orientation", "horizontal")
    expect_frame_width(page, 1280)
    assert page.locator("[data-stage]").evaluate("(s) => s.scrollWidth <= s.clientWidth")
    frame, inspector = box(page, "#scorm_object"), box(page, "[data-inspector]")
    assert inspector["y"] >= frame["y"] + frame["height"]
    assert course_window(page)["wide"]

    page.reload()
    course_shown(page)
    expect(selector).to_have_value("1280")
    expect(page.get_by_role("button", name="Below", exact=True)).to_have_attribute("aria-pressed", "true")
    expect_frame_width(page, 1280)
    page.get_by_role("button", name="Beside", exact=True).click()
    selector.select_option(label="Full width")
    expect_frame_width(page, full)


def test_at_375_the_inspector_is_a_bar_under_a_course_of_the_full_width(context, preview):
    page = open_at(context, preview, 375, 667)
    toggle = page.get_by_role("button", name="Inspector", exact=True)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("[data-inspector-body]")).to_be_hidden()
    expect(page.get_by_role("button", name="Beside", exact=True)).to_be_disabled()
    expect_frame_width(page, 375)
    frame, bar = box(page, "#scorm_object"), box(page, ".inspector-bar")
    assert frame["height"] >= 300, f"the course frame is {frame['height']} px high"
    assert bar["y"] >= frame["y"] + frame["height"] and round(bar["y"] + bar["height"]) == 667
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    assert controls_violations(page) == []

    # Expanded, it goes below the course, never over it, and resizes with the up and down arrows.
    toggle.click()
    expect(page.locator("[data-calls]")).to_be_visible()
    separator = page.get_by_role("separator", name="Inspector size")
    expect(separator).to_have_attribute("aria-orientation", "horizontal")
    frame, inspector = box(page, "#scorm_object"), box(page, "[data-inspector]")
    assert inspector["y"] >= frame["y"] + frame["height"]
    assert round(frame["width"]) == 375 and frame["height"] >= 160
    size = int(separator.get_attribute("aria-valuenow"))
    separator.focus()
    page.keyboard.press("ArrowUp")
    expect(separator).to_have_attribute("aria-valuenow", str(size + 16))
    assert round(box(page, "#scorm_object")["height"]) == round(frame["height"]) - 16
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(separator).to_have_attribute("aria-valuenow", str(size - 16))

    # A tablet's width on a phone: the course frame scrolls sideways, the page does not.
    page.get_by_label("Course width").select_option(label="Tablet (768 px)")
    expect_frame_width(page, 768)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375

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
    expect(calls(page, "LMSCommit")).to_have_count(2)  # coalesced: one commit for the page change
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

"""``coursepack preview --format scorm2004`` in headless Chromium: the player on the strict SCORM 2004 test LMS.

The course is played through its real adapter (templates/runtime/adapters/scorm2004.js) against the preview's
test LMS (builder/preview/static/lms2004.js), which flags every value a strict LMS, scorm-again or
Moodle's player would refuse; the inspector shows the calls and the data model.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from builder.preview.server import PreviewServer

from .lms import press_start
from .quiz_helpers import press_score, show_question

COURSE_YAML = """\
id: preview-2004
title: Preview 2004
version: 1.0.0
language: en
pass_mark: 75
mastery_score_in_manifest: true
lessons:
  - id: one
    title: Lesson one
    file: lessons/one.html
quiz: quiz.yaml
"""
QUIZ_YAML = """\
title: Check
questions:
  - id: q_one
    type: true-false
    text: The sky is blue.
    answer: true
"""
FILES = {
    "course.yaml": COURSE_YAML,
    "quiz.yaml": QUIZ_YAML,
    "lessons/one.html": "<p>The only lesson.</p>\n",
}


@pytest.fixture
def preview(tmp_path):
    root = tmp_path / "course"
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    server = PreviewServer(root, port=0, interval=0.1, debounce=0.1, format_name="scorm2004").start()
    yield server
    server.stop()


@pytest.fixture
def page(context, preview) -> Page:
    page = context.new_page()
    page.goto(preview.url)
    expect(page.locator("[data-build-status]")).to_have_text(re.compile(r"^Build 1 ok"))
    press_start(page.frame_locator("#scorm_object"))  # the learner leaves the start page for the first lesson
    return page


def calls(page: Page, fn: str, element: str | None = None):
    selector = f'[data-calls] tr[data-fn="{fn}"]' + (f'[data-element="{element}"]' if element else "")
    return page.locator(selector)


def stored(page: Page, element: str):
    """The data model's row of *element* (Data model tab)."""
    return page.locator(f'#tab-data tr[data-element="{element}"]')


def expect_nothing_flagged(page: Page) -> None:
    """No call failed, and no value was one a strict LMS, scorm-again or Moodle's player would refuse."""
    expect(page.locator("[data-calls] tr[data-fn]").first).to_be_attached()
    expect(page.locator("[data-calls] tr[data-fn].is-error")).to_have_count(0)
    expect(page.locator("[data-calls] tr[data-fn].is-warning")).to_have_count(0)


def test_the_course_finds_api_1484_11_and_initializes(page, preview):
    assert preview.builds.served is not None and (preview.builds.served / "assets" / "scorm2004.js").is_file()
    expect(page.locator(".lms-bar")).to_contain_text("Test LMS (SCORM 2004 4th Edition)")
    assert page.evaluate("typeof window.API_1484_11.Initialize === 'function' && window.API === undefined")
    initialize = calls(page, "Initialize")
    expect(initialize).to_have_count(1)
    expect(initialize).to_have_attribute("data-code", "0")
    expect(initialize.locator("td.ret")).to_have_text('"true"')
    expect(calls(page, "GetValue", "cmi.learner_name").locator("td.ret")).to_have_text('"Doe, Jane"')
    expect(calls(page, "GetValue", "cmi.entry").locator("td.ret")).to_have_text('"ab-initio"')
    expect(calls(page, "GetValue", "cmi.suspend_data")).to_have_count(0)  # a new attempt has none: never a 403
    expect(calls(page, "Commit").first).to_have_attribute("data-code", "0")
    expect_nothing_flagged(page)

    page.get_by_role("tab", name="Data model").click()
    core = page.locator("[data-core]")
    expect(core.locator('tr[data-element="cmi.completion_status"]')).to_contain_text('"incomplete"')
    expect(core.locator('tr[data-element="cmi.success_status"]')).to_contain_text('"unknown"')
    expect(core.locator('tr[data-element="cmi.exit"]')).to_contain_text('"suspend"')
    expect(core.locator('tr[data-element="cmi.scaled_passing_score"]')).to_contain_text('"0.75"')
    expect(page.locator("[data-suspend-limit]")).to_have_text("64000")
    expect(page.locator("[data-suspend]")).to_have_text(re.compile(r"^2~"))  # suspend_data format 2


def test_the_player_passes_the_quiz_on_the_2004_test_lms(page):
    sco = page.frame_locator("#scorm_object")
    sco.get_by_role("button", name="Next", exact=True).click()
    quiz = sco.locator('section.view[data-view="quiz"]')
    show_question(sco, "q_one").get_by_role("radio", name="True", exact=True).check()
    press_score(sco)
    expect(quiz.locator("[data-results]")).to_contain_text("100")
    expect(calls(page, "SetValue", "cmi.success_status").last.locator("td.ret")).to_have_text('"true"')
    expect_nothing_flagged(page)

    page.get_by_role("tab", name="Data model").click()
    for element, value in {
        "cmi.completion_status": "completed",
        "cmi.success_status": "passed",
        "cmi.score.scaled": "1",
        "cmi.score.raw": "100",
        "cmi.progress_measure": "1",
        "cmi.location": "quiz",
        "cmi.exit": "normal",
        # the manifest's objective (mastery_score_in_manifest) mirrors the SCO's status and score
        "cmi.objectives.0.id": "preview-2004-quiz",
        "cmi.objectives.0.success_status": "passed",
        "cmi.objectives.0.score.scaled": "1",
    }.items():
        expect(stored(page, element)).to_contain_text(json.dumps(value))
    row = page.locator('[data-interactions] tr[data-interaction="0"]')
    expect(row).to_contain_text("urn:coursepack:preview-2004:q_one")
    expect(row).to_contain_text("true-false")
    expect(row).to_contain_text("correct")


def test_close_and_resume_keeps_a_suspended_attempt_and_a_new_learner_starts_afresh(page):
    page.get_by_role("tab", name="Data model").click()
    expect(page.locator("[data-suspend]")).to_have_text(re.compile(r"^2~"))
    suspend_data = page.locator("[data-suspend]").text_content()
    page.get_by_role("tab", name="Calls").click()
    page.get_by_role("button", name="Close and resume").click()
    sessions = page.locator("[data-calls] tr.session")
    expect(sessions).to_have_count(2)
    expect(sessions.nth(1)).to_contain_text('close and resume · learner_1 (Doe, Jane) · entry "resume"')
    expect(calls(page, "Terminate").first).to_have_attribute("data-code", "0")
    resumed = page.locator('[data-calls] tr[data-fn="GetValue"][data-element="cmi.suspend_data"][data-session="2"]')
    expect(resumed.locator("td.ret")).to_have_text(json.dumps(suspend_data))
    expect(page.frame_locator("#scorm_object").get_by_role("button", name="Continue where I left off")).to_be_visible()
    expect_nothing_flagged(page)

    page.get_by_role("button", name="New learner").click()
    expect(sessions).to_have_count(3)
    expect(sessions.nth(2)).to_contain_text('new learner · learner_2 (Lee, Sam) · entry "ab-initio"')


def test_the_strict_2004_lms_rejects_and_flags_what_the_standard_forbids(page):
    results = page.evaluate("""() => {
      const entries = [];
      const make = (extra) => CoursepackPreviewLMS.createSession(Object.assign(
        {learner: {id: 'l1', name: 'Doe, Jane'}, strict: true, onCall: (e) => entries.push(e)}, extra));
      const s = make({masteryScore: 75});
      const api = s.api;
      const code = () => api.GetLastError();
      const set = (e, v) => [api.SetValue(e, v), code()];
      const get = (e) => [api.GetValue(e), code()];
      const out = {};
      out.beforeInit = get('cmi.completion_status');
      out.storeBeforeInit = set('cmi.location', 'x');
      out.initArg = [api.Initialize('x'), code()];
      out.init = [api.Initialize(''), code()];
      out.again = [api.Initialize(''), code()];
      out.version = get('cmi._version');
      out.entry = get('cmi.entry');
      out.status = get('cmi.completion_status');
      out.navInitial = get('adl.nav.request');
      out.suspendUnset = get('cmi.suspend_data');
      out.scoreUnset = get('cmi.score.raw');
      out.passing = get('cmi.scaled_passing_score');
      out.undefined = get('cmi.nothing');
      out.scorm12 = get('cmi.core.lesson_status');
      out.writeOnly = get('cmi.exit');
      out.readOnly = set('cmi.learner_name', 'X');
      out.keyword = set('cmi.interactions._count', '3');
      out.noChildren = get('cmi.location._children');
      out.notArray = get('cmi.score._count');
      out.completionWord = set('cmi.completion_status', 'passed');
      out.successWord = set('cmi.success_status', 'completed');
      out.scaledRange = set('cmi.score.scaled', '1.5');
      out.scaledType = set('cmi.score.scaled', 'abc');
      out.moodleDigits = set('cmi.score.raw', '123456');
      out.timespan12 = set('cmi.session_time', '0000:01:00.00');
      out.duration = set('cmi.session_time', 'PT1M30.5S');
      out.exitNormal = set('cmi.exit', 'normal');
      out.navNone = set('adl.nav.request', '_none_');
      out.navExitAll = set('adl.nav.request', 'exitAll');
      out.gap = set('cmi.interactions.1.id', 'urn:coursepack:c:q');
      out.typeFirst = set('cmi.interactions.0.type', 'choice');
      out.spaceId = set('cmi.interactions.0.id', 'q one');
      out.id = set('cmi.interactions.0.id', 'urn:coursepack:c:q_one');
      out.responseFirst = set('cmi.interactions.0.learner_response', 'a');
      out.type = set('cmi.interactions.0.type', 'choice');
      out.comma = set('cmi.interactions.0.learner_response', 'a,b');
      out.twice = set('cmi.interactions.0.learner_response', 'a[,]a');
      out.choice = set('cmi.interactions.0.learner_response', 'a[,]c');
      out.wrong = set('cmi.interactions.0.result', 'wrong');
      out.incorrect = set('cmi.interactions.0.result', 'incorrect');
      out.timestamp3 = set('cmi.interactions.0.timestamp', '2026-01-31T09:05:00.123Z');
      out.timestamp2 = set('cmi.interactions.0.timestamp', '2026-01-31T09:05:00.12Z');
      out.braceText = set('cmi.interactions.0.description', '{lang=en}{not a tag}');
      out.description = set('cmi.interactions.0.description', '{lang=en}Pick two.');
      out.tf = [set('cmi.interactions.1.id', 'urn:coursepack:c:q_two'), set('cmi.interactions.1.type', 'true-false'),
        set('cmi.interactions.1.correct_responses.0.pattern', 't'),
        set('cmi.interactions.1.correct_responses.0.pattern', 'true'),
        set('cmi.interactions.1.correct_responses.1.pattern', 'false')];
      out.numeric = [set('cmi.interactions.2.id', 'urn:coursepack:c:q_three'),
        set('cmi.interactions.2.type', 'numeric'),
        set('cmi.interactions.2.correct_responses.0.pattern', '10[:]5'),
        set('cmi.interactions.2.correct_responses.0.pattern', '5[:]10')];
      out.fillIn = [set('cmi.interactions.3.id', 'urn:coursepack:c:q_four'), set('cmi.interactions.3.type', 'fill-in'),
        set('cmi.interactions.3.correct_responses.0.pattern', '{case_matters=false}spores'),
        set('cmi.interactions.3.learner_response', 'Paris, France')];
      out.objective = [set('cmi.objectives.0.id', 'c-quiz'), set('cmi.objectives.1.id', 'c-quiz')];
      out.suspendMax = set('cmi.suspend_data', 'x'.repeat(64000));
      out.suspendOver = set('cmi.suspend_data', 'x'.repeat(64001));
      out.scaled = set('cmi.score.scaled', '0.8');
      out.successSet = set('cmi.success_status', 'failed');
      out.successJudged = get('cmi.success_status');
      s.strict = false;
      out.lenient = set('cmi.suspend_data', 'x'.repeat(64001));
      out.number = [api.SetValue('cmi.score.raw', 80), code()];
      const levels = (e) => e.flags.map((f) => f.level);
      out.lenientFlags = entries.filter((e) => e.fn === 'SetValue').slice(-2).map(levels);
      out.terminate = [api.Terminate(''), code()];
      out.afterGet = get('cmi.location');
      out.afterSet = set('cmi.location', 'x');
      out.afterCommit = [api.Commit(''), code()];
      out.afterTerminate = [api.Terminate(''), code()];
      out.flags = entries.filter((e) => e.fn === 'SetValue' && e.args[0] === 'cmi.interactions.3.learner_response')
        .map((e) => e.flags.map((f) => f.level));
      out.stored = s.values['cmi.success_status'];
      const stored = (lastExit) => ({values: {'cmi.suspend_data': 'kept'}, counts: {}, lastExit, launched: true});
      const suspended = make({record: stored('suspend')});
      suspended.api.Initialize('');
      out.resume = [suspended.api.GetValue('cmi.entry'), suspended.api.GetValue('cmi.suspend_data')];
      const ended = make({record: stored('normal')});
      ended.api.Initialize('');
      out.newAttempt = [ended.api.GetValue('cmi.entry'), ended.api.GetValue('cmi.suspend_data'),
        ended.api.GetLastError()];
      return out;
    }""")
    expected = {
        "beforeInit": ["", "122"],
        "storeBeforeInit": ["false", "132"],
        "initArg": ["false", "201"],
        "init": ["true", "0"],
        "again": ["false", "103"],
        "version": ["1.0", "0"],
        "entry": ["ab-initio", "0"],
        "status": ["unknown", "0"],
        "navInitial": ["_none_", "0"],
        "suspendUnset": ["", "403"],
        "scoreUnset": ["", "403"],
        "passing": ["0.75", "0"],
        "undefined": ["", "401"],
        "scorm12": ["", "401"],
        "writeOnly": ["", "405"],
        "readOnly": ["false", "404"],
        "keyword": ["false", "404"],
        "noChildren": ["", "301"],
        "notArray": ["", "301"],
        "completionWord": ["false", "406"],
        "successWord": ["false", "406"],
        "scaledRange": ["false", "407"],
        "scaledType": ["false", "406"],
        "moodleDigits": ["false", "406"],
        "timespan12": ["false", "406"],
        "duration": ["true", "0"],
        "exitNormal": ["true", "0"],
        "navNone": ["false", "406"],
        "navExitAll": ["true", "0"],
        "gap": ["false", "351"],
        "typeFirst": ["false", "408"],
        "spaceId": ["false", "406"],
        "id": ["true", "0"],
        "responseFirst": ["false", "408"],
        "type": ["true", "0"],
        "comma": ["false", "406"],
        "twice": ["false", "406"],
        "choice": ["true", "0"],
        "wrong": ["false", "406"],
        "incorrect": ["true", "0"],
        "timestamp3": ["false", "406"],
        "timestamp2": ["true", "0"],
        "braceText": ["false", "406"],
        "description": ["true", "0"],
        "tf": [["true", "0"], ["true", "0"], ["false", "406"], ["true", "0"], ["false", "351"]],
        "numeric": [["true", "0"], ["true", "0"], ["false", "406"], ["true", "0"]],
        "fillIn": [["true", "0"], ["true", "0"], ["true", "0"], ["true", "0"]],
        "objective": [["true", "0"], ["false", "351"]],
        "suspendMax": ["true", "0"],
        "suspendOver": ["false", "406"],
        "scaled": ["true", "0"],
        "successSet": ["true", "0"],
        "successJudged": ["passed", "0"],
        "lenient": ["true", "0"],
        "number": ["true", "0"],
        "terminate": ["true", "0"],
        "afterGet": ["", "123"],
        "afterSet": ["false", "133"],
        "afterCommit": ["false", "143"],
        "afterTerminate": ["false", "113"],
        "resume": ["resume", "kept"],
        "newAttempt": ["ab-initio", "", "403"],
    }
    assert {k: results[k] for k in expected} == expected, json.dumps(results, indent=1)
    # 'Paris, France' is valid but scorm-again splits it at the comma: accepted and flagged.
    assert results["flags"] == [["warning"]]
    # Over 64000 with strict limits off, and a number instead of a string: accepted and flagged.
    assert results["lenientFlags"] == [["warning"], ["warning"]]
    # The scaled passing score judges success when the session ends: the course's 'failed' is replaced.
    assert results["stored"] == "passed"

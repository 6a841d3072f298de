"""``coursepack preview --format cmi5`` in headless Chromium: the preview launches the package as a cmi5 LMS would.

The package's own adapter (assets/cmi5.js) runs in the course frame: it takes the launch's one
token, reads LMS.LaunchData and reports; the inspector's xAPI tab shows the LMS's statements
(``launched``, ``abandoned``, ``satisfied``) and the course's. The tests check the launch URL,
the one-time fetch URL (already used by the page), the launch data the LMS wrote, a player that
works, and the statements shown.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from lxml import etree
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
xapi:
  base_iri: https://ce.example.org/xapi
"""
LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"
INITIALIZED = "http://adlnet.gov/expapi/verbs/initialized"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
TERMINATED = "http://adlnet.gov/expapi/verbs/terminated"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
ABANDONED = "https://w3id.org/xapi/adl/verbs/abandoned"
SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"


def write_course(root: Path) -> Path:
    files = {"course.yaml": COURSE_YAML, "lessons/one.html": "<p>The only lesson.</p>\n"}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def preview(tmp_path):
    server = PreviewServer(write_course(tmp_path / "course"), port=0, interval=0.1, debounce=0.1, format_name="cmi5")
    yield server.start()
    server.stop()


def course_url(page: Page, after: str = "") -> str:
    """The course frame's URL once it holds a cmi5 launch (and differs from *after*)."""
    page.wait_for_function(
        "(after) => { const f = document.querySelector('#scorm_object');"
        " return f.src.includes('activityId=') && f.src !== after; }",
        arg=after,
    )
    return page.evaluate("document.querySelector('#scorm_object').src")


def post(url: str, body: bytes = b"", headers: dict | None = None, method: str = "POST"):
    request = urllib.request.Request(url, data=body if method != "GET" else None, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def launch_data(preview, params: dict) -> dict:
    """LMS.LaunchData as the preview's LMS wrote it for this launch."""
    from builder.preview.cmi5_lms import agent_key

    actor = json.loads(params["actor"])
    scope = ("state", params["activityId"], *agent_key(actor), params["registration"])
    return json.loads(preview.cmi5.documents.get(scope, "LMS.LaunchData").content)


def shown(page: Page, verb: str):
    return page.locator(f'[data-statements] li[data-verb="{verb}"]')


def test_the_preview_launches_a_cmi5_package_as_a_cmi5_lms_would(context, preview):
    page = context.new_page()
    page.goto(preview.url)
    expect(page.locator("[data-build-status]")).to_have_text(re.compile(r"^Build 1 ok"))
    url = course_url(page)
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{preview.url}course/index.html"
    assert set(params) == {"endpoint", "fetch", "actor", "registration", "activityId"}
    assert params["endpoint"] == f"{preview.url}__preview__/cmi5/lms/xapi/"
    assert json.loads(params["actor"])["account"] == {"homePage": preview.url, "name": "learner_1"}
    au_id = etree.parse(str(preview.builds.served / "cmi5.xml")).find("{*}au").get("id")
    assert au_id == "https://ce.example.org/xapi/course/preview-demo/au" and params["activityId"] != au_id
    assert page.evaluate("'API' in window") is False  # a cmi5 LMS offers no SCORM API
    expect(page.frame_locator("#scorm_object").locator('section[data-lesson-id="one"]')).to_contain_text(
        "The only lesson."
    )

    course = page.frame_locator("#scorm_object")
    expect(course.locator('[data-notice="mode"]')).to_be_empty()  # tracking: the adapter connected
    press_start(course)  # the learner leaves the start page for the one lesson
    status, body = post(params["fetch"])
    assert status == 200 and json.loads(body)["error-code"] == "1"  # the page took this launch's one token
    data = launch_data(preview, params)
    session = data["contextTemplate"]["extensions"][SESSION_ID]
    assert data == {
        "contextTemplate": {
            "contextActivities": {"grouping": [{"objectType": "Activity", "id": au_id}]},
            "extensions": {SESSION_ID: session},
        },
        "launchMode": "Normal",
        "moveOn": "Completed",  # completion "lessons", no quiz: no masteryScore
    }
    # The one lesson read: the course is completed, the LMS satisfied; the xAPI tab shows it all.
    page.get_by_role("tab", name="xAPI").click()
    for verb in (LAUNCHED, INITIALIZED, EXPERIENCED, COMPLETED, SATISFIED):
        expect(shown(page, verb)).to_have_count(1)
    expect(page.locator("[data-calls] tr.session")).to_contain_text("cmi5 launch, Normal")
    assert [r for r in preview.cmi5.rejections if r.status != 404] == []  # a first launch finds no documents: 404

    # Close and resume: the same registration, a new session; the first ended with terminated.
    page.get_by_role("button", name="Close and resume").click()
    second = course_url(page, after=url)
    again = dict(parse_qsl(urlsplit(second).query))
    assert again["registration"] == params["registration"] and again["fetch"] != params["fetch"]
    expect(shown(page, LAUNCHED)).to_have_count(2)
    expect(shown(page, INITIALIZED)).to_have_count(2)
    expect(shown(page, TERMINATED).first).to_be_attached()
    first = preview.cmi5.sessions[session]
    assert first.terminated_at is not None and not first.abandoned
    expect(shown(page, ABANDONED)).to_have_count(0)
    press_start(course)  # a completed course does not resume: its start page offers "Start the course"
    expect(course.locator('section[data-lesson-id="one"]')).to_be_visible()
    expect(course.locator('[data-notice="complete"]')).to_have_text("You have completed this course.")
    expect(shown(page, COMPLETED)).to_have_count(1)  # once per registration

    page.locator("[data-mode]").select_option("browse")
    browse = dict(parse_qsl(urlsplit(course_url(page, after=second)).query))
    assert launch_data(preview, browse)["launchMode"] == "Browse"
    expect(course.locator('[data-notice="mode"]')).to_contain_text("You are reviewing this course.")
    expect(shown(page, INITIALIZED)).to_have_count(3)

"""``coursepack preview --format cmi5`` in headless Chromium: the preview launches the package as a cmi5 LMS would.

Until the AU adapter exists (issue 14, phase 2) the course brings a stand-in ``templates/static/cmi5.js``
(the SCORM 1.2 adapter, which finds no SCORM API in a cmi5 launch), and these tests check what the
LMS side does: the launch URL in the course frame, the one-time fetch URL, LMS.LaunchData, and the
``launched``/``abandoned`` statements in the inspector.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from lxml import etree
from playwright.sync_api import Page, expect

from builder.preview.server import PreviewServer

from .conftest import REPO_ROOT

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
ABANDONED = "https://w3id.org/xapi/adl/verbs/abandoned"
SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"


def write_course(root: Path, adapter: bool = True) -> Path:
    files = {"course.yaml": COURSE_YAML, "lessons/one.html": "<p>The only lesson.</p>\n"}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    if adapter:
        stand_in = (REPO_ROOT / "templates" / "runtime" / "adapters" / "scorm12.js").read_text(encoding="utf-8")
        (root / "templates" / "static").mkdir(parents=True)
        (root / "templates" / "static" / "cmi5.js").write_text(stand_in, encoding="utf-8")
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


def read_launch_data(params: dict, token: str):
    """The AU's read of LMS.LaunchData with *token*: (status, body)."""
    query = {
        "activityId": params["activityId"],
        "agent": params["actor"],
        "registration": params["registration"],
        "stateId": "LMS.LaunchData",
    }
    headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}
    return post(f"{params['endpoint']}activities/state?{urlencode(query)}", headers=headers, method="GET")


def launch_data(params: dict, token: str) -> dict:
    status, body = read_launch_data(params, token)
    assert status == 200, body
    return json.loads(body)


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

    status, body = post(params["fetch"])
    token = json.loads(body)["auth-token"]
    assert status == 200 and token
    status, body = post(params["fetch"])
    assert status == 200 and json.loads(body)["error-code"] == "1"  # one token per launch
    data = launch_data(params, token)
    session = data["contextTemplate"]["extensions"][SESSION_ID]
    assert data == {
        "contextTemplate": {
            "contextActivities": {"grouping": [{"objectType": "Activity", "id": au_id}]},
            "extensions": {SESSION_ID: session},
        },
        "launchMode": "Normal",
        "moveOn": "Completed",  # completion "lessons", no quiz: no masteryScore
    }
    page.get_by_role("tab", name="xAPI").click()
    expect(page.locator(f'[data-statements] li[data-verb="{LAUNCHED}"]')).to_have_count(1)
    expect(page.locator("[data-calls] tr.session")).to_contain_text("cmi5 launch, Normal")

    # Close and resume: the same registration, a new session; the first never terminated, so it was abandoned.
    page.get_by_role("button", name="Close and resume").click()
    second = course_url(page, after=url)
    again = dict(parse_qsl(urlsplit(second).query))
    assert again["registration"] == params["registration"] and again["fetch"] != params["fetch"]
    expect(page.locator(f'[data-statements] li[data-verb="{LAUNCHED}"]')).to_have_count(2)
    expect(page.locator(f'[data-statements] li[data-verb="{ABANDONED}"]')).to_have_count(1)
    status, _ = read_launch_data(params, token)
    assert status == 401  # the abandoned session's token is gone

    page.locator("[data-mode]").select_option("browse")
    browse = dict(parse_qsl(urlsplit(course_url(page, after=second)).query))
    status, body = post(browse["fetch"])
    assert launch_data(browse, json.loads(body)["auth-token"])["launchMode"] == "Browse"


def test_without_its_adapter_the_preview_shows_why_cmi5_does_not_build(context, tmp_path):
    server = PreviewServer(write_course(tmp_path / "bare", adapter=False), port=0, format_name="cmi5").start()
    try:
        page = context.new_page()
        page.goto(server.url)
        expect(page.locator("[data-build-errors-list]")).to_contain_text(
            "no runtime adapter for the cmi5 package (templates/runtime/adapters/cmi5.js)"
        )
        assert server.cmi5 is None
        status, _ = post(f"{server.url}__preview__/cmi5/launch", b'{"learner": {"id": "x"}}')
        assert status == 409
    finally:
        server.stop()

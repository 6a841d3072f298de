"""Tests of the LMS harness itself, with a tiny hand-written SCO.

They prove that the parts the journeys rely on are real and can fail: API calls reach
scorm-again, every call and its error code is logged, seeded data reaches the SCO, and commits
(including the LMSFinish beacon when the learner closes the window) reach the server.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from .lms import LmsSession, interactions, seed_cmi

TINY_SCO = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tiny SCO</title></head>
<body>
<p id="state" role="status">starting</p>
<button type="button" id="finish">Finish</button>
<button type="button" id="bad">Bad calls</button>
<script>
function findAPI(win) {
  for (var n = 0; win && n < 500; n++) {
    try { if (win.API) { return win.API; } } catch (e) {}
    if (!win.parent || win.parent === win) { break; }
    win = win.parent;
  }
  return null;
}
var api = findAPI(window);
var done = false, finished = false;
if (!api) {
  document.getElementById("state").textContent = "no api";
} else {
  api.LMSInitialize("");
  var seen = ["entry", "lesson_location", "lesson_mode", "credit", "student_name", "lesson_status"].map(
    function (k) { return k + "=" + api.LMSGetValue("cmi.core." + k); });
  seen.push("suspend_data=" + api.LMSGetValue("cmi.suspend_data"));
  api.LMSSetValue("cmi.core.lesson_status", "incomplete");
  api.LMSSetValue("cmi.core.lesson_location", "page-2");
  api.LMSSetValue("cmi.suspend_data", "1~abcd~A~");
  api.LMSCommit("");
  document.getElementById("state").textContent = "api found; " + seen.join("; ");
}
document.getElementById("finish").onclick = function () {
  var n = api.LMSGetValue("cmi.interactions._count");
  api.LMSSetValue("cmi.interactions." + n + ".id", "q1");
  api.LMSSetValue("cmi.interactions." + n + ".type", "true-false");
  api.LMSSetValue("cmi.interactions." + n + ".student_response", "t");
  api.LMSSetValue("cmi.interactions." + n + ".correct_responses.0.pattern", "t");
  api.LMSSetValue("cmi.interactions." + n + ".result", "correct");
  api.LMSSetValue("cmi.interactions." + n + ".weighting", "1");
  api.LMSSetValue("cmi.interactions." + n + ".latency", "0000:00:02.50");
  api.LMSSetValue("cmi.interactions." + n + ".time", "12:34:56");
  api.LMSSetValue("cmi.core.score.min", "0");
  api.LMSSetValue("cmi.core.score.max", "100");
  api.LMSSetValue("cmi.core.score.raw", "80");
  api.LMSSetValue("cmi.core.lesson_status", "passed");
  api.LMSCommit("");
  done = true;
  document.getElementById("state").textContent = "scored";
};
document.getElementById("bad").onclick = function () {
  api.LMSSetValue("cmi.core.lesson_status", "not attempted");
  api.LMSGetValue("cmi.core.exit");
  api.LMSSetValue("cmi.core.score.raw", "150");
  document.getElementById("state").textContent = "bad calls made";
};
window.addEventListener("pagehide", function () {
  if (!api || finished) { return; }
  finished = true;
  api.LMSSetValue("cmi.core.exit", done ? "" : "suspend");
  api.LMSSetValue("cmi.core.session_time", "0000:00:01.50");
  api.LMSFinish("");
});
</script>
</body></html>
"""


@pytest.fixture
def tiny_sco(tmp_path, lms_server) -> str:
    (tmp_path / "index.html").write_text(TINY_SCO, encoding="utf-8")
    prefix = f"/tiny-{uuid.uuid4().hex[:8]}/"
    lms_server.mount(prefix, tmp_path)
    return prefix + "index.html"


def test_calls_reach_scorm_again_and_commits_reach_the_server(open_lms, tiny_sco):
    lms: LmsSession = open_lms(pkg=tiny_sco, start=False)
    expect(lms.sco.get_by_role("status")).to_contain_text("api found")

    log = lms.log()
    init = LmsSession.calls(log, "LMSInitialize")
    assert [(e["args"], e["ret"], e["err"]) for e in init] == [([""], "true", "0")]
    assert ("cmi.core.lesson_location", "page-2") in LmsSession.sets(log)
    assert LmsSession.errors(log) == []

    # LMSCommit went to the server as scorm-again's JSON commit.
    commit = lms.wait_for_commit(lambda c: not c.terminate, what="the LMSCommit")
    assert commit.cmi["core"]["lesson_status"] == "incomplete"
    assert commit.cmi["core"]["lesson_location"] == "page-2"
    assert commit.cmi["suspend_data"] == "1~abcd~A~"
    assert commit.content_type.startswith("application/json")

    lms.sco.get_by_role("button", name="Finish").click()
    expect(lms.sco.get_by_role("status")).to_have_text("scored")
    cmi = lms.cmi()
    assert cmi["core"]["lesson_status"] == "passed"
    assert cmi["core"]["score"] == {"raw": "80", "min": "0", "max": "100"}
    [inter] = interactions(cmi)
    # scorm-again stores CMITimespans normalised (0000:00:02.50 -> 00:00:02.5).
    assert (inter["id"], inter["result"], inter["latency"], inter["time"]) == (
        "q1",
        "correct",
        "00:00:02.5",
        "12:34:56",
    )
    assert inter["correct_responses"]["0"]["pattern"] == "t"
    scored = lms.wait_for_commit(lambda c: c.cmi["core"]["lesson_status"] == "passed", what="the scored commit")
    assert scored.cmi["core"]["score"]["raw"] == "80"

    # Closing the window: the SCO's pagehide handler finishes; scorm-again sends the beacon.
    finish = lms.close()
    assert finish.terminate and finish is lms.last_commit()
    assert finish.cmi["core"]["exit"] == ""
    assert finish.cmi["core"]["session_time"] == "00:00:01.5"  # normalised by scorm-again
    assert finish.cmi["core"]["lesson_status"] == "passed"
    assert interactions(finish.cmi)[0]["student_response"] == "t"
    log = lms.log()  # from the server's mirror now
    assert [e["fn"] for e in log].count("LMSFinish") == 1
    assert log[-1]["fn"] == "LMSFinish" and log[-1]["ret"] == "true"
    assert LmsSession.calls_after_finish(log) == []
    assert LmsSession.errors(log) == []


def test_error_codes_are_logged(open_lms, tiny_sco):
    lms = open_lms(pkg=tiny_sco, start=False)
    lms.sco.get_by_role("button", name="Bad calls").click()
    expect(lms.sco.get_by_role("status")).to_have_text("bad calls made")
    errors = [(e["fn"], e["args"][0], e["err"]) for e in LmsSession.errors(lms.log())]
    assert errors == [
        ("LMSSetValue", "cmi.core.lesson_status", "405"),
        ("LMSGetValue", "cmi.core.exit", "404"),
        ("LMSSetValue", "cmi.core.score.raw", "405"),
    ]


def test_seeded_learner_data_reaches_the_sco(open_lms, tiny_sco):
    lms = open_lms(
        pkg=tiny_sco,
        start=False,
        cmi=seed_cmi(
            entry="resume",
            lesson_location="lesson:two",
            suspend_data="1~abcd~B~",
            lesson_status="incomplete",
            lesson_mode="review",
            credit="no-credit",
            student_name="Doe, Jane",
        ),
    )
    expect(lms.sco.get_by_role("status")).to_have_text(
        "api found; entry=resume; lesson_location=lesson:two; lesson_mode=review; credit=no-credit; "
        "student_name=Doe, Jane; lesson_status=incomplete; suspend_data=1~abcd~B~"
    )
    assert LmsSession.errors(lms.log()) == []


def test_api_is_reachable_two_frames_deep(open_lms, tiny_sco):
    lms = open_lms(pkg=tiny_sco, wrap=True, start=False)
    expect(lms.sco.get_by_role("status")).to_contain_text("api found")
    assert lms.page.locator("#wrapper").count() == 1 and lms.page.locator("#scorm_object").count() == 0
    commit = lms.wait_for_commit(lambda c: True, what="a commit from the nested SCO")
    assert commit.cmi["core"]["lesson_location"] == "page-2"


def test_no_api_without_the_lms_page(context, lms_server, tiny_sco):
    page = context.new_page()
    page.goto(lms_server.url + tiny_sco)
    expect(page.get_by_role("status")).to_have_text("no api")
    assert re.search(r"/tiny-\w+/index\.html$", page.url)

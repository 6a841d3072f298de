"""The xAPI relay end to end: Chromium -> package -> ``coursepack relay`` -> Ralph, and forgeries that never arrive.

The sample course gets an ``xapi:`` block in a scratch copy and is built with the real CLI and
``--xapi-relay`` pointing at a relay started for this module (``coursepack relay`` as a
subprocess on an ephemeral 127.0.0.1 port, tests/e2e/relay_proc.py). The relay learns the
sample course from the built package and the quiz showcase from its source folder; the LRS
key and secret reach it only through its environment. Ralph is the LRS, as in
test_xapi_lrs.py (same fixture). Everything is read back from Ralph.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
from collections import Counter
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect
from xapi.forgeries import FORGERIES, Kit
from xapi.relay_statements import Session, now_iso

from builder.certificate import verification_code

from .a11y import browser_today
from .conftest import REPO_ROOT
from .lms import press_start, seed_cmi
from .ralph_lrs import free_port
from .relay_proc import RelayProcess
from .test_certificate import open_certificate
from .test_journeys import quiz_view
from .test_xapi_lrs import (
    BASE_IRI,
    HOMEPAGE,
    XAPI_BLOCK,
    build,
    check,
    full_trail,
    new_learner,
    ralph,  # noqa: F401
    read_all_and_pass,
    sco_frame,
    statements_of,
    trail,
    wait_for,
    wait_state,
)

RESPONSES: list[tuple[int, object, dict]] = []  # every answer of the relay to these tests, checked at the end


@pytest.fixture(scope="module")
def showcase_source(tmp_path_factory):
    root = tmp_path_factory.mktemp("relay-showcase") / "quiz-showcase"
    shutil.copytree(REPO_ROOT / "course_src" / "quiz-showcase", root)
    with open(root / "course.yaml", "a", encoding="utf-8") as fh:
        fh.write(XAPI_BLOCK)
    return root


@pytest.fixture(scope="module")
def relay_port():
    return free_port()


@pytest.fixture(scope="module")
def package(tmp_path_factory, lms_server, relay_port):
    """The sample course built with ``--xapi-relay`` (the relay's address is known before it starts)."""
    url = f"http://127.0.0.1:{relay_port}/xapi/statements"
    return build(tmp_path_factory, lms_server, "via-relay", XAPI_BLOCK, "scorm12", "--xapi-relay", url)["scorm12"]


@pytest.fixture(scope="module")
def relay(tmp_path_factory, lms_server, ralph, package, showcase_source, relay_port):
    (zip_path,) = tmp_path_factory.getbasetemp().glob("dist-via-relay[0-9]*/*-scorm12.zip")
    proc = RelayProcess(
        tmp_path_factory.mktemp("relay"),
        ralph.endpoint,
        ralph.username,
        ralph.password,
        [zip_path, showcase_source],
        "--allow-origin",
        lms_server.url,
        port=relay_port,
    )
    proc.start()
    assert ralph.password not in " ".join(proc.argv)  # the secret is in the environment only
    yield proc
    proc.stop()


def post(relay: RelayProcess, body, **kw):
    answer = relay.post(body, **kw)
    RESPONSES.append(answer)
    return answer


# ====================================================================== a real session
def test_a_browser_session_through_the_relay_lands_in_the_lrs(open_lms, package, relay, ralph):
    assert package.config["xapi"]["relay"] == relay.statements_url and package.config["xapi"]["auth"] is None
    learner = new_learner()
    since = datetime.now(timezone.utc)
    lms = open_lms(cmi=seed_cmi(student_id=learner), pkg=f"{package.prefix}index.html")
    frame = sco_frame(lms, package.prefix)
    read_all_and_pass(lms.sco, package)
    state = wait_state(frame, lambda s: s["queued"] == 0 and s["sent"] > 0, "the statements to be delivered")
    assert state["mode"] == "relay" and state["rejected"] == 0 and state["failures"] == 0
    finish = lms.close()
    assert finish.cmi["core"]["lesson_status"] == "passed"
    expected = full_trail(package)
    found = wait_for(ralph, learner, lambda s: Counter(trail(s)) == expected, "the whole trail through the relay")
    check(found, since)
    assert {s["actor"]["account"]["name"] for s in found} == {learner}
    requests = [r for r in relay.log_records() if r.get("event") == "request" and r["path"] == "/xapi/statements"]
    assert requests and {r["method"] for r in requests} == {"POST"}  # text/plain: never a preflight
    assert {r["status"] for r in requests} == {200}
    assert sum(r["statements"] for r in requests) >= sum(expected.values())


def test_the_course_evaluation_goes_through_the_relay(open_lms, package, relay, ralph):
    """The sample course's optional evaluation, sent after the pass: the relay forwards every rating and the comment."""
    evaluation = package.config["quiz"]["evaluation"]
    learner = new_learner()
    since = datetime.now(timezone.utc)
    lms = open_lms(cmi=seed_cmi(student_id=learner), pkg=f"{package.prefix}index.html")
    frame = sco_frame(lms, package.prefix)
    read_all_and_pass(lms.sco, package)
    box = quiz_view(lms.sco).locator("[data-evaluation]")
    for item in evaluation["items"]:
        box.locator(f'fieldset[data-question-id="{item["id"]}"]').get_by_role("radio", name="Agree", exact=True).check()
    box.get_by_label(evaluation["comment"]["text"]).fill("Clear and useful.")
    box.get_by_role("button", name="Send my evaluation").click()
    expect(box).to_contain_text("Your evaluation has been recorded")
    state = wait_state(frame, lambda s: s["queued"] == 0 and s["sent"] > 0, "the statements to be delivered")
    assert state["rejected"] == 0 and state["failures"] == 0
    lms.close()
    expected = full_trail(package) + Counter(
        [("answered", f"evaluation/{item['id']}") for item in evaluation["items"]]
        + [("answered", f"evaluation/{evaluation['comment']['id']}")]
    )
    found = wait_for(ralph, learner, lambda s: Counter(trail(s)) == expected, "the trail with the evaluation")
    check(found, since)
    course = package.config["xapi"]["course"]["id"]
    responses = {s["object"]["id"]: s["result"]["response"] for s in found if "/evaluation/" in s["object"]["id"]}
    assert responses == {
        **{f"{course}/evaluation/{item['id']}": "4" for item in evaluation["items"]},
        f"{course}/evaluation/{evaluation['comment']['id']}": "Clear and useful.",
    }
    for s in found:
        if "/evaluation/" in s["object"]["id"]:
            assert set(s["result"]) == {"response", "duration"}  # never scored


def test_a_learner_without_an_lms_gets_the_certificate_and_the_relay_takes_its_code(
    browser, lms_server, package, relay, ralph
):
    """An xAPI-only launch (the package opened with an actor, no LMS) through the relay: the certificate in the
    player, its code and printed date on `completed`, accepted. The browser's clock is set in a time zone
    whose date differs from UTC's now, so the printed date is not the statement's UTC day."""
    now = datetime.now(timezone.utc)
    zone, shift = ("Pacific/Kiritimati", 1) if now.hour + now.minute / 60 >= 10.5 else ("Pacific/Pago_Pago", -1)
    context = browser.new_context(timezone_id=zone)
    context.set_default_timeout(10_000)
    learner = new_learner()
    actor = {"objectType": "Agent", "account": {"homePage": HOMEPAGE, "name": learner}, "name": "Rita Relay"}
    try:
        page = context.new_page()
        page.goto(lms_server.url + f"{package.prefix}index.html?{urlencode({'actor': json.dumps(actor)})}")
        expect(page.get_by_role("status").filter(has_text="recorded by your learning record store")).to_be_visible()
        press_start(page)
        read_all_and_pass(page, package)
        view = open_certificate(page)
        expect(view.locator("[data-certificate-name]")).to_have_text("Rita Relay")
        date = view.locator("[data-certificate-date]").get_attribute("datetime")
        assert date == browser_today(page) == (now + timedelta(days=shift)).date().isoformat()
        code = verification_code("self-compassion", package.config["course"]["version"], learner, date)
        expect(view.locator("[data-certificate-code]")).to_have_text(code)
        state = wait_state(page, lambda s: s["queued"] == 0 and s["sent"] > 0, "the statements to be delivered")
        assert state["mode"] == "relay" and state["rejected"] == 0 and state["failures"] == 0
        page.close(run_before_unload=True)
    finally:
        context.close()
    expected = full_trail(package)
    found = wait_for(ralph, learner, lambda s: Counter(trail(s)) == expected, "the whole trail through the relay")
    check(found, now)
    assert {json.dumps(s["actor"], sort_keys=True) for s in found} == {  # the name stays in the browser
        json.dumps({"objectType": "Agent", "account": {"homePage": HOMEPAGE, "name": learner}}, sort_keys=True)
    }
    (completed,) = [s for s in found if s["verb"]["id"].endswith("/completed")]
    assert completed["result"]["extensions"] == {
        f"{BASE_IRI}/extension/certificate-code": code,
        f"{BASE_IRI}/extension/certificate-date": date,
    }
    assert completed["timestamp"][:10] != date  # the date printed, not the statement's UTC day


def test_an_e_mail_learner_is_not_sent_to_the_relay_nor_offered_a_certificate(browser, lms_server, package, relay):
    """The relay takes LMS account actors only: a launch naming the learner by e-mail would have every
    statement refused, so the package sends none and offers no certificate nobody could verify."""
    context = browser.new_context()
    context.set_default_timeout(10_000)
    posted = len([r for r in relay.log_records() if r.get("event") == "request" and r["method"] == "POST"])
    actor = {"objectType": "Agent", "mbox": f"mailto:{new_learner()}@example.org", "name": "Eve Email"}
    try:
        page = context.new_page()
        page.goto(lms_server.url + f"{package.prefix}index.html?{urlencode({'actor': json.dumps(actor)})}")
        press_start(page)
        read_all_and_pass(page, package)
        expect(page.get_by_role("status").filter(has_text="not being recorded")).to_be_visible()
        assert page.evaluate("() => window.coursepack.state().certificate") == {"available": False, "open": False}
        state = page.evaluate("() => window.coursepackXapi.state()")
        assert state["reason"] == "the relay records LMS account actors only" and state["queued"] == 0
        page.close(run_before_unload=True)
    finally:
        context.close()
    assert len([r for r in relay.log_records() if r.get("event") == "request" and r["method"] == "POST"]) == posted


# ====================================================================== forgeries
def _forgeries(session: Session, x: dict, showcase: dict) -> dict:
    def make(base, change):
        change(base)
        return base

    other_course = session.experienced(next(iter(x["lessons"])))
    other_course["object"] = dict(showcase["lessons"][next(iter(showcase["lessons"]))])
    rated = next(iid for iid, a in x["evaluation"].items() if a["definition"]["interactionType"] == "likert")
    unknown_course = session.initialized()
    unknown_course["object"] = {"objectType": "Activity", "id": f"{BASE_IRI}/course/not-ours"}
    return {
        "another course's activity": (other_course, "activity"),
        "an unknown course": (unknown_course, "activity"),
        "a foreign homePage": (
            make(session.initialized(), lambda s: s["actor"]["account"].update(homePage="https://evil.example.org")),
            "homepage",
        ),
        "a bad score": (make(session.scored(100, True), lambda s: s["result"]["score"].update(scaled=1.5)), "score"),
        "raw above max": (make(session.scored(100, True), lambda s: s["result"]["score"].update(raw=101)), "score"),
        "a stale timestamp": (
            make(session.completed(), lambda s: s.update(timestamp=now_iso(-30 * 86400))),
            "timestamp-range",
        ),
        "a missing id": (make(session.completed(), lambda s: s.pop("id")), "id"),
        "forged credit hours": (
            make(
                session.completed(),
                lambda s: s["context"]["extensions"].update({f"{BASE_IRI}/extension/ce-credit-hours": 40}),
            ),
            "extension",
        ),
        "a scored evaluation answer": (
            make(
                session.evaluated(rated, "4"),
                lambda s: s["result"].update(score={"scaled": 1, "raw": 100, "min": 0, "max": 100}),
            ),
            "result",
        ),
        "a rating outside the evaluation's scale": (
            make(session.evaluated(rated, "4"), lambda s: s["result"].update(response="9")),
            "result",
        ),
        "an evaluation item with another definition": (
            make(session.evaluated(rated, "4"), lambda s: s["object"]["definition"].update(interactionType="choice")),
            "definition",
        ),
    }


def test_forged_statements_are_refused_and_never_reach_the_lrs(package, relay, ralph, showcase_source):
    from builder.xapi.relay.allowlist import config_from_source

    x = package.config["xapi"]
    learner = new_learner()
    session = Session(x, learner)
    sent_ids = []
    for name, (forged, rule) in _forgeries(session, x, config_from_source(showcase_source)).items():
        honest = session.initialized()
        sent_ids += [honest["id"], forged.get("id")]
        status, answer, _ = post(relay, [honest, forged])
        assert status == 400, (name, answer)
        assert (answer["rule"], answer["index"]) == (rule, 1), name
        assert answer["error"] == "refused" and answer["detail"].startswith("statement 1: ")
    # an oversized body (valid statements, padded past the 256 KiB limit)
    honest = session.initialized()
    sent_ids.append(honest["id"])
    status, answer, _ = post(relay, (json.dumps([honest]) + " " * (300 * 1024)).encode())
    assert status == 400 and answer["rule"] == "body-size"
    # then one honest batch, so the LRS is known to have taken what reached it
    marker = [session.initialized(), session.terminated()]
    assert post(relay, marker)[0] == 200
    found = wait_for(ralph, learner, lambda s: len(s) >= 2, "the honest batch")
    assert sorted(s["id"] for s in found) == sorted(s["id"] for s in marker)
    stored = {s["id"] for s in ralph.statements()}
    assert not stored & {i for i in sent_ids if i}, "a statement of a refused batch reached the LRS"
    refusals = [r for r in relay.log_records() if r.get("event") == "request" and r["status"] == 400]
    assert {r["rule"] for r in refusals} >= {"activity", "homepage", "score", "timestamp-range", "id", "body-size"}


def test_the_forgery_table_is_refused_by_rule_and_never_stored(package, relay, ralph, showcase_source):
    """docs/relay-rules.md's table, row by row, against Ralph: honest statements first where a row needs them."""
    from builder.xapi.relay.allowlist import config_from_source

    other = config_from_source(showcase_source)
    refused_ids, honest_ids = set(), set()
    for forgery in FORGERIES:
        learner = new_learner()
        kit = Kit(
            Session(package.config["xapi"], learner, config=package.config),
            package.config["xapi"],
            package.config,
            other,
        )
        before = forgery.before(kit)
        if before:
            assert post(relay, before)[0] == 200, forgery.name
            honest_ids |= {s["id"] for s in before}
            wait_for(ralph, learner, lambda found, n=len(before): len(found) >= n, "the honest statements")
        body = forgery.make(kit)
        status, answer, _ = post(relay, body if isinstance(body, bytes) else body)
        assert status == 400, (forgery.name, answer)
        assert (answer["rule"], answer["index"]) == (forgery.rule, forgery.index), (forgery.name, answer)
        if not isinstance(body, bytes):
            refused_ids |= {s.get("id") for s in body if isinstance(s, dict) and s.get("id")}
    marker_learner = new_learner()
    marker = Session(package.config["xapi"], marker_learner).initialized()
    assert post(relay, [marker])[0] == 200
    wait_for(ralph, marker_learner, lambda found: len(found) == 1, "the marker")
    stored = {s["id"] for s in ralph.statements()}
    assert honest_ids <= stored
    assert not refused_ids & stored, "a statement of a refused batch reached the LRS"
    rules = {r["rule"] for r in relay.log_records() if r.get("event") == "request" and r["status"] == 400}
    assert rules >= {f.rule for f in FORGERIES}


def test_a_resent_batch_is_answered_as_delivered_and_not_duplicated(package, relay, ralph):
    learner = new_learner()
    session = Session(package.config["xapi"], learner)
    batch = session.trail()[:5]
    first = post(relay, batch)
    again = post(relay, batch)  # e.g. the answer was lost on page unload
    assert first[0] == again[0] == 200 and first[1] == again[1] == [s["id"] for s in batch]
    mixed = batch[3:] + [session.terminated(), session.completed()]
    assert post(relay, mixed)[0] == 200  # old and new together
    found = wait_for(ralph, learner, lambda s: len(s) >= 7, "seven statements")
    assert len(found) == 7 and len({s["id"] for s in found}) == 7
    assert Counter(s["id"] for s in statements_of(ralph, learner)) == Counter(s["id"] for s in batch + mixed[2:])


def test_an_lrs_that_is_down_is_a_retryable_answer(package, relay, ralph):
    session = Session(package.config["xapi"], new_learner())
    ralph.stop()
    try:
        status, answer, _ = post(relay, [session.initialized()])
    finally:
        ralph.start()
    assert status == 502 and answer["error"] == "lrs-unavailable"  # the package keeps it and retries
    assert post(relay, [session.initialized()])[0] == 200


def test_no_answer_or_log_line_holds_the_credentials_or_a_learner(relay, ralph):
    secrets = [
        ralph.password,
        ralph.auth_value,
        ralph.auth_value.split(" ", 1)[1],
        base64.b64encode(ralph.password.encode()).decode(),
    ]
    assert RESPONSES, "the tests above posted nothing"
    answers = json.dumps([[status, body, headers] for status, body, headers in RESPONSES])
    text = relay.log_text()
    for secret in secrets:
        assert secret not in answers and secret not in text
    records = relay.log_records()  # every line is one JSON object
    assert records[0]["event"] == "start" and records[0]["lrs"] == ralph.url.split("//", 1)[1]
    requests = [r for r in records if r.get("event") == "request"]
    assert requests and all(set(r) >= {"method", "path", "status", "statements", "ms", "client"} for r in requests)
    assert "learner-" not in text  # learner ids never logged
    for r in requests:  # client addresses only as hashes
        assert re.fullmatch(r"[0-9a-f]{12}", r["client"])
        assert "127.0.0.1" not in json.dumps({k: v for k, v in r.items() if k != "error"})  # (error: the LRS's)
    assert {r["client"] for r in requests} == {requests[0]["client"]}

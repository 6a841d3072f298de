"""The tests' cmi5 LMS over HTTP, against the real Ralph, and the cmi5 rules checker the journeys will use.

The sample course (with an ``xapi:`` block) is built as a cmi5 package by the CLI, with the
schema checked; until the AU adapter exists (phase 2) the course brings its own stand-in
``templates/static/cmi5.js``. A small AU written here in Python plays the browser's part: it
reads the launch URL, POSTs to ``fetch``, reads LMS.LaunchData and sends statements, so every
LMS duty of cmi5 sections 8 to 11 is exercised over HTTP. Statements are read back from Ralph.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from schema_paths import schema_dir

from . import cmi5_rules
from .cmi5_lms import LMS_IRI, TestLms, new_learner
from .conftest import REPO_ROOT, SAMPLE_COURSE
from .ralph_lrs import Ralph
from .xapi_checks import validator

BASE_IRI = "https://ce.example.org/xapi"
COURSE_IRI = f"{BASE_IRI}/course/self-compassion"
AU_IRI = f"{COURSE_IRI}/au"
ADL = "http://adlnet.gov/expapi/verbs/"
CMI5 = "https://w3id.org/xapi/cmi5/context/"
SESSION_ID = CMI5 + "extensions/sessionid"
CATEGORY = CMI5 + "categories/cmi5"
MOVEON = CMI5 + "categories/moveon"
MASTERY = CMI5 + "extensions/masteryscore"
#: finds no SCORM API in a cmi5 launch: no tracking
STAND_IN = REPO_ROOT / "templates" / "runtime" / "adapters" / "scorm12.js"


# ====================================================================== fixtures
@pytest.fixture(scope="module")
def ralph(tmp_path_factory):
    lrs = Ralph(tmp_path_factory.mktemp("ralph-cmi5"), cors_origins=[])
    lrs.start()
    yield lrs
    lrs.stop()


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    """The sample course as a cmi5 package, built by the CLI with the schema checked, extracted."""
    source = tmp_path_factory.mktemp("src-cmi5") / "self-compassion"
    shutil.copytree(REPO_ROOT / SAMPLE_COURSE, source)
    with open(source / "course.yaml", "a", encoding="utf-8") as fh:
        fh.write(f"\nxapi:\n  base_iri: {BASE_IRI}\n")
    (source / "templates" / "static").mkdir(parents=True)
    shutil.copyfile(STAND_IN, source / "templates" / "static" / "cmi5.js")
    out = tmp_path_factory.mktemp("dist-cmi5")
    schemas = schema_dir("cmi5", "CourseStructure.xsd")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "builder",
            "build",
            str(source),
            "-o",
            str(out),
            "--format",
            "cmi5",
            "--schemas",
            str(schemas),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    root = tmp_path_factory.mktemp("pkg-cmi5")
    with zipfile.ZipFile(out / "self-compassion-1.0.0-cmi5.zip") as zf:
        zf.extractall(root)
    return root


@pytest.fixture(scope="module")
def lms(package, ralph):
    server = TestLms(package, ralph).start()
    yield server
    server.stop()


# ====================================================================== a stand-in AU (what cmi5.js will do)
class Au:
    """The AU's side of one launch over HTTP: launch parameters, fetch, documents, statements."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.page = f"{parts.scheme}://{parts.netloc}{parts.path}"
        self.params = dict(parse_qsl(parts.query))
        self.endpoint = self.params["endpoint"]
        self.actor = json.loads(self.params["actor"])
        self.registration = self.params["registration"]
        self.activity_id = self.params["activityId"]
        self.token: str | None = None
        self.launch_data: dict = {}
        self._last = datetime.now(timezone.utc)

    def fetch(self) -> dict:
        status, headers, body = http("POST", self.params["fetch"])
        assert status == 200 and headers["Content-Type"] == "application/json", (status, headers)
        data = json.loads(body)
        self.token = data.get("auth-token", self.token)
        return data

    def call(self, method: str, resource: str, params=None, body=None, headers=None, version: bool = True):
        sent = {"Authorization": f"Basic {self.token}"} if self.token else {}
        if version:
            sent["X-Experience-API-Version"] = "1.0.3"
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        query = f"?{urlencode(params)}" if params else ""
        return http(method, f"{self.endpoint}{resource}{query}", body, sent)

    def state(self, method: str, state_id: str | None, body=None, headers=None, **params):
        query = {"activityId": self.activity_id, "agent": json.dumps(self.actor), "registration": self.registration}
        if state_id is not None:
            query["stateId"] = state_id
        query.update(params)
        return self.call(method, "activities/state", {k: v for k, v in query.items() if v is not None}, body, headers)

    def start(self) -> dict:
        """Fetch the token and read LMS.LaunchData, as an AU does first."""
        self.fetch()
        status, _, body = self.state("GET", "LMS.LaunchData")
        assert status == 200, body
        self.launch_data = json.loads(body)
        return self.launch_data

    def statement(self, verb: str, obj: str | None = None, result: dict | None = None, defined: bool = True) -> dict:
        """A statement with the contextTemplate as its context base; *defined*: with the cmi5 category."""
        context = copy.deepcopy(self.launch_data["contextTemplate"])
        context["registration"] = self.registration
        if defined:
            categories = [{"id": CATEGORY}]
            if result and ("success" in result or "completion" in result):
                categories.append({"id": MOVEON})
            context.setdefault("contextActivities", {})["category"] = categories
        if verb in ("passed", "failed") and "masteryScore" in self.launch_data:
            context["extensions"][MASTERY] = self.launch_data["masteryScore"]
        self._last = max(datetime.now(timezone.utc), self._last + timedelta(milliseconds=5))  # strictly later
        statement = {
            "id": str(uuid.uuid4()),
            "timestamp": self._last.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "actor": self.actor,
            "verb": {"id": ADL + verb, "display": {"en-US": verb}},
            "object": {"objectType": "Activity", "id": obj or self.activity_id},
            "context": context,
        }
        if result:
            statement["result"] = result
        return statement

    def send(self, *statements: dict) -> int:
        status, _, body = self.call("POST", "statements", body=list(statements))
        return status

    def session(self, passed_score: float = 0.9) -> list[dict]:
        """A whole Normal session that reads a lesson, answers, passes and completes, each statement sent when made."""
        plan = [
            ("initialized", None, None, True),
            ("experienced", f"{COURSE_IRI}/lesson/welcome", None, False),
            ("answered", f"{COURSE_IRI}/quiz/question/scs_subscales", {"response": "true", "success": True}, False),
            (
                "passed",
                None,
                {
                    "score": {"scaled": passed_score, "raw": round(passed_score * 100), "min": 0, "max": 100},
                    "success": True,
                    "duration": "PT1M",
                },
                True,
            ),
            ("completed", None, {"completion": True, "duration": "PT1M"}, True),
            ("terminated", None, {"duration": "PT1M2S"}, True),
        ]
        sent = []
        for verb, obj, result, defined in plan:
            statement = self.statement(verb, obj, result, defined)
            assert self.send(statement) == 200, verb
            sent.append(statement)
        return sent


def http(method: str, url: str, body: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=15) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def launched(lms: TestLms, **options) -> Au:
    """A new launch (a new learner unless *actor* is given) and its AU, started."""
    au = Au(lms.launch(**options).url)
    au.start()
    return au


def of(ralph: Ralph, actor: dict, at_least: int = 1) -> list[dict]:
    """The learner's statements in Ralph (waits until there are *at_least*)."""
    name = actor["account"]["name"]

    def mine(found: list[dict]) -> list[dict]:
        return [s for s in found if (s["actor"].get("account") or {}).get("name") == name]

    found = ralph.wait_for_statements(
        lambda found: len(mine(found)) >= at_least, what=f"{at_least} statements of {name}"
    )
    return mine(found)


def verbs(statements: list[dict]) -> list[str]:
    return [s["verb"]["id"].rsplit("/", 1)[-1] for s in sorted(statements, key=lambda s: s["timestamp"])]


def schema_problems(statements: list[dict]) -> list[str]:
    return [f"{s['verb']['id']}: {e.message}" for s in statements for e in validator().iter_errors(s)]


# ====================================================================== launch (sections 8.1, 10, 9.3.1)
def test_the_launch_url_launch_data_and_the_launched_statement(lms, ralph, package):
    actor = new_learner()
    session = lms.launch(actor, return_url="https://lms.example.org/course/7")
    au = Au(session.url)
    assert au.page == f"{lms.url}/content/index.html"
    assert set(au.params) == {"endpoint", "fetch", "actor", "registration", "activityId"}
    assert au.endpoint == f"{lms.url}/lms/xapi/" and au.params["fetch"].startswith(f"{lms.url}/lms/fetch/")
    assert au.actor == actor and uuid.UUID(au.registration)
    assert au.activity_id.startswith(LMS_IRI) and au.activity_id != AU_IRI  # 8.1: generated, never the publisher id
    status, _, page = http("GET", au.page)
    assert status == 200 and page == (package / "index.html").read_bytes()

    data = au.start()
    assert data == {
        "contextTemplate": {
            "contextActivities": {"grouping": [{"objectType": "Activity", "id": AU_IRI}]},
            "extensions": {SESSION_ID: session.id},
        },
        "launchMode": "Normal",
        "moveOn": "CompletedAndPassed",
        "masteryScore": 0.75,
        "returnURL": "https://lms.example.org/course/7",
    }

    (statement,) = of(ralph, actor)
    assert statement["verb"]["id"] == ADL + "launched"
    assert statement["object"]["id"] == au.activity_id
    assert statement["object"]["definition"]["name"] == {"en": "Self-Compassion for Clinicians"}
    context = statement["context"]
    assert context["registration"] == au.registration
    assert [a["id"] for a in context["contextActivities"]["grouping"]] == [AU_IRI]
    assert [a["id"] for a in context["contextActivities"]["category"]] == [CATEGORY]
    assert context["extensions"] == {
        SESSION_ID: session.id,
        CMI5 + "extensions/launchurl": au.page,
        CMI5 + "extensions/launchmode": "Normal",
        CMI5 + "extensions/moveon": "CompletedAndPassed",
        MASTERY: 0.75,
    }
    assert schema_problems([statement]) == []

    again = Au(lms.launch(actor, registration=au.registration).url)
    assert again.activity_id == au.activity_id and again.registration == au.registration
    assert Au(lms.launch(new_learner()).url).activity_id == au.activity_id  # 8.1: the same for all registrations


def test_the_launch_data_carries_what_the_lms_decides(lms):
    au = launched(lms, launch_mode="Browse", mastery_score=0.9, move_on="Passed", launch_parameters="Start=1")
    assert au.launch_data["launchMode"] == "Browse"
    assert (au.launch_data["masteryScore"], au.launch_data["moveOn"]) == (0.9, "Passed")
    assert au.launch_data["launchParameters"] == "Start=1"
    assert "returnURL" not in au.launch_data
    assert "masteryScore" not in launched(lms, mastery_score=None).launch_data


# ====================================================================== fetch (section 8.2)
def test_the_fetch_url_gives_one_token_per_launch(lms):
    session = lms.launch()
    au = Au(session.url)
    status, _, _ = http("GET", au.params["fetch"])
    assert status == 405  # 8.2.1: POST only, so nothing caches the token
    first = au.fetch()
    assert first == {"auth-token": session.token}
    second = au.fetch()
    assert second["error-code"] == "1" and second["error-text"]
    unknown = Au(session.url.replace(au.params["fetch"].rsplit("/", 1)[1], "nope"))
    assert unknown.fetch()["error-code"] == "2"
    other = Au(lms.launch().url)
    assert other.fetch()["auth-token"] != first["auth-token"]


def test_the_xapi_endpoint_wants_the_fetched_token_and_the_version_header(lms):
    session = lms.launch()
    au = Au(session.url)
    status, _, body = http("GET", f"{au.endpoint}about")
    assert status == 200 and "1.0.3" in json.loads(body)["version"]
    au.token = session.token  # known, but never fetched
    assert au.state("GET", "LMS.LaunchData")[0] == 401
    au.token = None
    au.fetch()
    assert au.state("GET", "LMS.LaunchData")[0] == 200
    status, _, _ = au.call("GET", "activities/state", {"activityId": au.activity_id}, version=False)
    assert status == 400
    au.token = "bm90OnRoZXRva2Vu"
    assert au.state("GET", "LMS.LaunchData")[0] == 401
    assert [r.status for r in lms.lms.rejections[-3:]] == [401, 400, 401]


# ====================================================================== documents (sections 10, 11; xAPI 2.2-2.6, 3.1)
def test_the_state_api_keeps_documents_with_the_xapi_rules(lms):
    au = launched(lms)
    assert au.state("GET", "resume")[0] == 404
    assert au.state("PUT", "resume", {"a": 1, "b": 2})[0] == 204
    status, headers, body = au.state("GET", "resume")
    assert status == 200 and json.loads(body) == {"a": 1, "b": 2}
    assert headers["Content-Type"] == "application/json"
    assert headers["ETag"] == f'"{hashlib.sha1(body).hexdigest()}"' and headers["Last-Modified"]
    assert au.state("POST", "resume", {"b": 3, "c": 4})[0] == 204  # 2.2: top-level merge
    assert json.loads(au.state("GET", "resume")[2]) == {"a": 1, "b": 3, "c": 4}
    assert au.state("POST", "resume", b"plain text", {"Content-Type": "text/plain"})[0] == 400
    assert json.loads(au.state("GET", "resume")[2]) == {"a": 1, "b": 3, "c": 4}  # unchanged
    assert au.state("PUT", "resume", {"x": 1}, {"If-Match": '"0000"'})[0] == 412
    assert au.state("PUT", "resume", {"x": 1}, {"If-None-Match": "*"})[0] == 412
    etag = au.state("GET", "resume")[1]["ETag"]
    assert au.state("PUT", "resume", {"x": 1}, {"If-Match": etag})[0] == 204
    assert json.loads(au.state("GET", "resume")[2]) == {"x": 1}
    assert au.state("PUT", "notes", b"free text", {"Content-Type": "text/plain"})[0] == 204
    assert au.state("GET", "notes")[2] == b"free text"

    status, _, body = au.state("GET", None)
    assert status == 200 and json.loads(body) == ["LMS.LaunchData", "notes", "resume"]
    future = (datetime.now(timezone.utc) + timedelta(minutes=1)).isoformat()
    assert json.loads(au.state("GET", None, since=future)[2]) == []
    assert au.state("GET", None, since="yesterday")[0] == 400
    assert au.state("DELETE", "notes")[0] == 204 and au.state("GET", "notes")[0] == 404

    other = au.state("PUT", "x", {"k": 1}, registration=None)  # the same AU, no registration: another scope
    assert other[0] == 204 and au.state("GET", "x")[0] == 404
    assert au.state("DELETE", None, registration=None)[0] == 204
    assert au.state("GET", "x", registration=None)[0] == 404

    assert au.state("GET", "resume", registration="not-a-uuid")[0] == 400
    assert au.call("GET", "activities/state", {"agent": json.dumps(au.actor), "stateId": "resume"})[0] == 400
    assert au.state("GET", "resume", agent=json.dumps(new_learner()))[0] == 403  # another learner's documents


def test_the_au_can_read_launch_data_but_never_change_it(lms):
    au = launched(lms)
    before = au.state("GET", "LMS.LaunchData")[2]
    assert au.state("PUT", "LMS.LaunchData", {"launchMode": "Review"})[0] == 403
    assert au.state("POST", "LMS.LaunchData", {"launchMode": "Review"})[0] == 403
    assert au.state("DELETE", "LMS.LaunchData")[0] == 403
    assert au.state("DELETE", None)[0] == 403  # every document of the scope, LMS.LaunchData with them
    assert au.state("GET", "LMS.LaunchData")[2] == before


def test_learner_preferences_live_in_the_agent_profile(lms):
    au = launched(lms)
    query = {"agent": json.dumps(au.actor), "profileId": "cmi5LearnerPreferences"}
    assert au.call("GET", "agents/profile", query)[0] == 404
    lms.lms.set_learner_preferences(au.actor, {"languagePreference": "es-MX,en", "audioPreference": "off"})
    status, headers, body = au.call("GET", "agents/profile", query)
    assert status == 200 and json.loads(body) == {"languagePreference": "es-MX,en", "audioPreference": "off"}
    assert (
        au.call("PUT", "agents/profile", query, {"audioPreference": "on"})[0] == 409
    )  # 3.1: a PUT needs a precondition
    assert au.call("PUT", "agents/profile", query, {"audioPreference": "on"}, {"If-Match": '"stale"'})[0] == 412
    assert au.call("PUT", "agents/profile", query, {"audioPreference": "on"}, {"If-Match": headers["ETag"]})[0] == 204
    assert json.loads(au.call("GET", "agents/profile", query)[2]) == {"audioPreference": "on"}
    lms.lms.preferences_writable = False
    try:
        assert au.call("POST", "agents/profile", query, {"audioPreference": "off"})[0] == 403  # 11: the LMS may refuse
    finally:
        lms.lms.preferences_writable = True
    listing = au.call("GET", "agents/profile", {"agent": json.dumps(au.actor)})
    assert json.loads(listing[2]) == ["cmi5LearnerPreferences"]


# ====================================================================== statements (sections 6.3, 9)
def test_statements_go_through_to_ralph_and_only_the_learners(lms, ralph):
    au = launched(lms)
    sent = au.session()
    extra = au.statement("experienced", f"{COURSE_IRI}/lesson/x", defined=False)
    status, _, _ = au.call("PUT", "statements", {"statementId": extra["id"]}, extra)
    assert status == 204
    stored = of(ralph, au.actor, at_least=len(sent) + 3)  # launched, the session, the PUT one, satisfied
    assert {s["id"] for s in sent} <= {s["id"] for s in stored}
    assert verbs(stored) == [
        "launched",
        "initialized",
        "experienced",
        "answered",
        "passed",
        "completed",
        "satisfied",
        "terminated",
        "experienced",
    ]
    assert schema_problems(stored) == []
    status, _, body = au.call("GET", "statements", {"registration": au.registration})
    assert status == 200
    read = json.loads(body)["statements"]
    assert {s["id"] for s in sent} <= {s["id"] for s in read}
    assert all(s["actor"]["account"] == au.actor["account"] for s in read)
    assert au.call("GET", "statements", {"agent": json.dumps(new_learner())})[0] == 403

    refused = [
        dict(au.statement("experienced", defined=False), actor=new_learner()),  # another learner
        au.statement("voided", defined=False),  # 6.3: no voiding
        au.statement("satisfied", defined=False),  # an LMS verb
    ]
    refused[1]["object"] = {"objectType": "StatementRef", "id": sent[0]["id"]}
    refused[2]["verb"]["id"] = "https://w3id.org/xapi/adl/verbs/satisfied"
    before = len(lms.lms.rejections)
    assert [au.send(s) for s in refused] == [403, 403, 403]
    assert [r.status for r in lms.lms.rejections[before:]] == [403, 403, 403]
    time.sleep(0.5)
    assert not {s["id"] for s in refused} & {s["id"] for s in ralph.statements()}


def test_after_terminated_the_token_stops_working(package, ralph):
    server = TestLms(package, ralph, grace=0.5).start()
    try:
        au = launched(server)
        au.send(au.statement("initialized"))
        au.send(au.statement("terminated", result={"duration": "PT1S"}))
        assert au.state("GET", "LMS.LaunchData")[0] == 200  # within the grace period
        time.sleep(0.8)
        assert au.state("GET", "LMS.LaunchData")[0] == 401
        assert au.send(au.statement("experienced", f"{COURSE_IRI}/lesson/welcome", defined=False)) == 401
        assert au.fetch()["error-code"] == "1"
    finally:
        server.stop()


def test_a_relaunch_abandons_a_session_that_never_terminated(lms, ralph):
    au = launched(lms)
    assert au.send(au.statement("initialized")) == 200
    first = list(lms.lms.sessions.values())[-1]
    time.sleep(0.3)
    later = Au(lms.launch(au.actor, registration=au.registration).url)
    assert au.send(au.statement("experienced", f"{COURSE_IRI}/lesson/welcome", defined=False)) == 401
    stored = of(ralph, au.actor, at_least=4)
    assert verbs(stored) == ["launched", "initialized", "abandoned", "launched"]
    (abandoned,) = [s for s in stored if s["verb"]["id"].endswith("/abandoned")]
    assert abandoned["verb"]["id"] == "https://w3id.org/xapi/adl/verbs/abandoned"
    assert abandoned["context"]["extensions"][SESSION_ID] == first.id
    assert abandoned["object"]["id"] == later.activity_id and abandoned["result"]["duration"].startswith("PT")
    assert schema_problems(stored) == []


def test_satisfied_once_when_move_on_is_met_and_only_in_normal_mode(lms, ralph):
    au = launched(lms)
    passed = au.statement("passed", result={"score": {"scaled": 0.8}, "success": True, "duration": "PT9S"})
    au.send(au.statement("initialized"), passed)
    time.sleep(0.3)
    assert "satisfied" not in verbs(of(ralph, au.actor, at_least=3))  # CompletedAndPassed: not yet
    au.send(au.statement("completed", result={"completion": True, "duration": "PT9S"}))
    stored = of(ralph, au.actor, at_least=5)
    (satisfied,) = [s for s in stored if s["verb"]["id"].endswith("/satisfied")]
    assert satisfied["object"]["id"].startswith(LMS_IRI) and satisfied["object"]["id"] != COURSE_IRI  # 9.3.9
    assert satisfied["object"]["definition"]["type"] == "https://w3id.org/xapi/cmi5/activitytype/course"
    assert [a["id"] for a in satisfied["context"]["contextActivities"]["grouping"]] == [COURSE_IRI]
    assert satisfied["context"]["extensions"][SESSION_ID] == au.launch_data["contextTemplate"]["extensions"][SESSION_ID]
    au.send(au.statement("completed", result={"completion": True, "duration": "PT9S"}))
    time.sleep(0.3)
    assert verbs(of(ralph, au.actor)).count("satisfied") == 1

    browse = launched(lms, launch_mode="Browse")
    browse.send(
        browse.statement("initialized"), browse.statement("passed", result={"success": True, "duration": "PT1S"})
    )
    browse.send(browse.statement("completed", result={"completion": True, "duration": "PT1S"}))
    time.sleep(0.3)
    assert "satisfied" not in verbs(of(ralph, browse.actor, at_least=4))

    passing = launched(lms, move_on="Passed")
    passing.send(
        passing.statement("initialized"), passing.statement("passed", result={"success": True, "duration": "PT1S"})
    )
    assert "satisfied" in verbs(of(ralph, passing.actor, at_least=4))


def test_move_on_not_applicable_is_satisfied_at_registration(lms, ralph):
    au = launched(lms, move_on="NotApplicable")
    assert au.launch_data["moveOn"] == "NotApplicable"
    stored = of(ralph, au.actor, at_least=2)
    assert verbs(stored) == ["satisfied", "launched"]  # 9.6.1: judged when the learner is registered
    satisfied, launch = sorted(stored, key=lambda s: s["timestamp"])
    assert satisfied["context"]["extensions"][SESSION_ID] != launch["context"]["extensions"][SESSION_ID]
    launched(lms, actor=au.actor, registration=au.registration, move_on="NotApplicable")
    assert verbs(of(ralph, au.actor, at_least=4)).count("satisfied") == 1


# ====================================================================== the rules checker
@pytest.fixture(scope="module")
def recorded(lms, ralph):
    """A correct Normal session and a correct Browse session of one learner, as Ralph holds them."""
    au = launched(lms)
    au.session()
    browse = Au(lms.launch(au.actor, registration=au.registration, launch_mode="Browse").url)
    browse.start()
    browse._last = au._last
    for statement in (browse.statement("initialized"), browse.statement("terminated", result={"duration": "PT3S"})):
        assert browse.send(statement) == 200
    stored = of(ralph, au.actor, at_least=11)  # launched x2, satisfied, six + two from the AU
    sessions = [s for s in lms.lms.sessions.values() if s.registration == au.registration]
    lms_ids = {s["id"] for s in lms.lms.sent}
    return stored, sessions, lms_ids


def test_the_checker_finds_nothing_wrong_with_correct_sessions(recorded):
    stored, sessions, lms_ids = recorded
    assert cmi5_rules.check(stored, sessions, lms_ids) == []
    assert schema_problems(stored) == []


def _by(statements, which, n=0):
    """The *n*-th statement (in time) whose verb is *which*."""
    return [s for s in sorted(statements, key=lambda s: s["timestamp"]) if s["verb"]["id"].endswith("/" + which)][n]


def _shift(statement, seconds):
    moment = datetime.fromisoformat(statement["timestamp"].replace("Z", "+00:00")) + timedelta(seconds=seconds)
    statement["timestamp"] = moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _copy(statements, which, **changes):
    """A copy of the first *which* statement, 1 ms later, with a new id and *changes*; added to *statements*."""
    twin = copy.deepcopy(_by(statements, which))
    twin["id"] = str(uuid.uuid4())
    _shift(twin, 0.001)
    twin.update(changes)
    statements.append(twin)
    return twin


def _categories(statement):
    return statement["context"]["contextActivities"]["category"]


def _mutate_modes(st, sessions):
    normal = next(s for s in sessions if s.launch_data["launchMode"] == "Normal")
    sessions[sessions.index(normal)] = dataclasses.replace(
        normal, launch_data={**normal.launch_data, "launchMode": "Review"}
    )


#: One way to break each rule of cmi5_rules.RULES, keyed by its text: (statements, sessions) are edited in place.
BREAKS = {
    "every AU statement has a UUID id": lambda st, se: _by(st, "experienced").update(id="lesson-welcome-1"),
    "cmi5 defined statements have an Agent with an account as actor": lambda st, se: _by(st, "initialized").update(
        actor={"objectType": "Agent", "mbox": "mailto:someone@example.org"}
    ),
    "a cmi5 defined verb appears at most once in a session": lambda st, se: _copy(st, "initialized"),
    "at most one of passed and failed in a session": lambda st, se: _copy(
        st, "passed", verb={"id": ADL + "failed", "display": {"en-US": "failed"}}
    ),
    "initialized is the first statement of a session": lambda st, se: _shift(_by(st, "experienced"), -3600),
    "nothing follows terminated in a session": lambda st, se: _shift(_by(st, "answered"), 3600),
    "a session the AU started ends with terminated": lambda st, se: st.remove(_by(st, "terminated", 1)),
    "at most one completed per registration": lambda st, se: _copy(st, "completed"),
    "at most one passed per registration": lambda st, se: _copy(st, "passed"),
    "no failed after a passed in the registration": lambda st, se: _shift(
        _copy(st, "passed", verb={"id": ADL + "failed"}), 1
    ),
    "passed: scaled at or above the masteryScore": lambda st, se: _by(st, "passed")["result"]["score"].update(
        scaled=0.5
    ),
    "failed: scaled below the masteryScore": lambda st, se: _copy(st, "passed", verb={"id": ADL + "failed"}),
    "the AU sends no LMS verb (launched, abandoned, waived, satisfied) and never voids": lambda st, se: _by(
        st, "experienced"
    ).update(verb={"id": ADL + "voided"}),
    "cmi5 defined statements are about the launch's activityId": lambda st, se: _by(st, "completed")["object"].update(
        id=COURSE_IRI
    ),
    "only passed and failed carry a score": lambda st, se: _by(st, "completed")["result"].update(score={"scaled": 1}),
    "score: scaled 0..1, integer min and max, raw an integer within them": lambda st, se: _by(st, "passed")["result"][
        "score"
    ].update(raw=120),
    "success true on passed, false on failed, absent elsewhere": lambda st, se: _by(st, "passed")["result"].update(
        success=False
    ),
    "completion true on completed, absent elsewhere": lambda st, se: _by(st, "terminated")["result"].update(
        completion=True
    ),
    "terminated, completed, passed and failed carry a duration": lambda st, se: _by(st, "completed")["result"].pop(
        "duration"
    ),
    "progress is an integer 0..100 and never on completed": lambda st, se: _by(st, "answered")["result"].update(
        extensions={"https://w3id.org/xapi/cmi5/result/extensions/progress": 150}
    ),
    "the registration is the launch's": lambda st, se: _by(st, "answered")["context"].update(
        registration=str(uuid.uuid4())
    ),
    "the cmi5 category is on exactly the cmi5 verbs about the AU": lambda st, se: _categories(
        _by(st, "initialized")
    ).clear(),
    "the moveon category is on exactly the defined statements with success or completion": lambda st, se: _categories(
        _by(st, "passed")
    ).pop(),
    "the session id is one the LMS launched": lambda st, se: _by(st, "experienced")["context"]["extensions"].update(
        {SESSION_ID: str(uuid.uuid4())}
    ),
    "passed and failed carry the launch data's masteryScore": lambda st, se: _by(st, "passed")["context"][
        "extensions"
    ].pop(MASTERY),
    "timestamps are ISO 8601 in UTC": lambda st, se: _by(st, "experienced").update(
        timestamp="2030-01-01T02:00:00+02:00"
    ),
    "every statement keeps the whole contextTemplate": lambda st, se: _by(st, "answered")["context"][
        "contextActivities"
    ].pop("grouping"),
    "Browse and Review sessions send no cmi5 defined statement but initialized and terminated": _mutate_modes,
    "the LMS sent launched before the session's statements": lambda st, se: st.remove(_by(st, "launched")),
    "the LMS sends satisfied at most once per registration": lambda st, se: _copy(st, "satisfied"),
}


def test_every_rule_has_a_way_to_break_it():
    assert sorted(BREAKS) == sorted(rule.text for rule in cmi5_rules.RULES)


@pytest.mark.parametrize("rule", cmi5_rules.RULES, ids=lambda rule: f"{rule.section} {rule.text}")
def test_the_checker_names_each_broken_rule(recorded, rule):
    stored, sessions, lms_ids = recorded
    statements, sessions = copy.deepcopy(stored), list(sessions)
    before = {s["id"] for s in statements}
    BREAKS[rule.text](statements, sessions)
    lms_ids = set(lms_ids) | {
        s["id"] for s in statements if s["id"] not in before and s["verb"]["id"].endswith("/satisfied")
    }
    findings = cmi5_rules.check(statements, sessions, lms_ids)
    assert any(f.startswith(f"§{rule.section} {rule.text}: ") for f in findings), findings

"""The relay's HTTP behaviour: routes, CORS, content types, sizes, the rate limit, LRS answers, logs.

The ASGI application is called directly (no server, no sockets) with a stand-in for the LRS
forwarder; the real forwarder is tested against a small stand-in LRS on 127.0.0.1 at the end.
Ralph and a real browser come in tests/e2e/test_relay.py.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from builder.xapi.lrs import Credentials
from builder.xapi.relay.allowlist import config_from_source, load_allowlist
from builder.xapi.relay.app import RelayApp, Settings, setup_logging
from builder.xapi.relay.forward import Answer, Forwarder
from builder.xapi.relay.ratelimit import RateLimiter
from builder.xapi.relay.rules import Checker, Limits
from builder.xapi.releases import release_from_source

from .relay_statements import Session

LMS = "https://lms.example.org"
SECRET = "Relay-S3cret-Value"


def run(coro):
    """Run *coro* to its end on a thread of its own (Playwright's sync API, used by the e2e tests
    in the same session, leaves an event loop running in the main thread)."""
    box = {}

    def target():
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            box["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


class FakeForwarder:
    """Answers as told; keeps what it was given."""

    def __init__(self):
        self.bodies: list[bytes] = []
        self.queries: list[str] = []
        self.answer = Answer(200, "[]")
        self.closed = False

    async def post(self, body: bytes) -> Answer:
        self.bodies.append(body)
        return self.answer

    async def get(self, query: str) -> Answer:
        """The LRS's history of a registration: nothing stored (the real LRS is in tests/e2e)."""
        self.queries.append(query)
        return Answer(200, "", body='{"statements": []}')

    def close(self):
        self.closed = True


class Client:
    def __init__(self, app):
        self.app = app

    def request(self, method, path, body=b"", headers=None, client=("203.0.113.7", 50000), chunks=None):
        headers = {k.lower(): v for k, v in (headers or {}).items()}
        if body and "content-length" not in headers:
            headers["content-length"] = str(len(body))
        scope = {
            "type": "http",
            "method": method,
            "path": path,
            "query_string": b"",
            "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
            "client": client,
        }
        parts = list(chunks) if chunks is not None else [body]
        sent = []

        async def receive():
            if parts:
                part = parts.pop(0)
                return {"type": "http.request", "body": part, "more_body": bool(parts)}
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)

        run(self.app(scope, receive, send))
        start = sent[0]
        data = b"".join(m.get("body", b"") for m in sent[1:])
        got = {k.decode(): v.decode() for k, v in start["headers"]}
        return start["status"], (json.loads(data) if data else None), got

    def post(self, statements, content_type="text/plain;charset=UTF-8", **kw):
        body = statements if isinstance(statements, bytes) else json.dumps(statements).encode()
        headers = {"Content-Type": content_type, **kw.pop("headers", {})}
        return self.request("POST", "/xapi/statements", body, headers, **kw)


@pytest.fixture
def logs():
    stream = io.StringIO()
    handler = setup_logging(stream)
    yield stream
    logging.getLogger("coursepack.relay").removeHandler(handler)


@pytest.fixture
def course(course_dir):
    return course_dir(name="self-compassion")


@pytest.fixture
def x(course):
    return config_from_source(course)


@pytest.fixture
def make(course, logs):
    def _make(rate=None, burst=10, limits=Limits(), origins=(LMS,)):
        lrs = FakeForwarder()
        app = RelayApp(
            Checker(load_allowlist([course]), limits),
            lrs,
            RateLimiter(rate, burst) if rate else None,
            Settings(origins=origins, log_salt=b"test"),
        )
        return Client(app), lrs

    return _make


def records(logs) -> list[dict]:
    return [json.loads(line) for line in logs.getvalue().splitlines()]


# ====================================================================== the happy path
def test_a_plain_text_batch_is_forwarded_as_json_and_answered_with_its_ids(make, x, course, logs):
    client, lrs = make()
    batch = Session(x, "learner-7", config=release_from_source(course).config).trail()
    status, answer, headers = client.post(batch, headers={"Origin": LMS})
    assert status == 200 and answer == [s["id"] for s in batch]
    assert headers["access-control-allow-origin"] == LMS and headers["vary"] == "Origin"
    assert headers["cache-control"] == "no-store"
    (body,) = lrs.bodies
    assert json.loads(body) == batch  # forwarded as checked, nothing added or dropped
    (line,) = [r for r in records(logs) if r.get("event") == "request"]
    assert line["method"] == "POST" and line["path"] == "/xapi/statements" and line["status"] == 200
    assert line["statements"] == len(batch) and line["lrs_status"] == 200 and line["ms"] >= 0
    assert line["client"] and "203.0.113.7" not in json.dumps(line)
    assert "learner-7" not in logs.getvalue()


def test_a_single_statement_and_application_json_are_accepted(make, x):
    client, lrs = make()
    one = Session(x, "ann").initialized()
    assert client.post(one, content_type="application/json")[0] == 200
    assert json.loads(lrs.bodies[0]) == [one]


def test_a_resent_batch_is_answered_as_delivered(make, x):
    client, lrs = make()
    batch = Session(x, "ann").trail()[:3]
    lrs.answer = Answer(204)  # the LRS already has every id
    status, answer, _ = client.post(batch)
    assert status == 200 and answer == [s["id"] for s in batch]


# ====================================================================== refusals
def test_a_refused_batch_is_never_forwarded_and_the_reason_is_json(make, x, logs):
    client, lrs = make()
    s = Session(x, "ann")
    forged = s.scored(100, True)
    forged["result"]["score"]["scaled"] = 3
    status, answer, _ = client.post([s.initialized(), forged], headers={"Origin": LMS})
    assert status == 400 and lrs.bodies == []
    assert answer["error"] == "refused" and answer["rule"] == "score" and answer["index"] == 1
    line = records(logs)[-1]
    assert line["status"] == 400 and line["rule"] == "score" and line["index"] == 1 and line["statements"] == 2


def test_content_types_methods_and_paths(make, x):
    client, lrs = make()
    one = [Session(x, "ann").initialized()]
    assert client.post(one, content_type="application/x-www-form-urlencoded")[:2][0] == 415
    assert client.post(one, content_type="")[0] == 415
    status, _, headers = client.request("GET", "/xapi/statements")
    assert status == 405 and headers["allow"] == "POST, OPTIONS"  # the relay never reads the LRS
    assert client.request("PUT", "/xapi/statements", b"[]", {"Content-Type": "text/plain"})[0] == 405
    assert client.request("GET", "/xapi/about")[0] == 404
    assert (
        client.post(one)[0] == 200
        and client.request("POST", "/statements", json.dumps(one).encode(), {"Content-Type": "text/plain"})[0] == 200
    )
    assert len(lrs.bodies) == 2


def test_oversized_bodies_are_refused_by_length_or_while_reading(make, x):
    client, lrs = make(limits=Limits(max_body=2048))
    big = json.dumps([Session(x, "ann").initialized()] * 5).encode()
    assert len(big) > 2048
    status, answer, _ = client.post(big)
    assert status == 400 and answer["rule"] == "body-size"
    # no Content-Length (chunked): counted while reading
    status, answer, _ = client.request(
        "POST", "/xapi/statements", headers={"Content-Type": "text/plain"}, chunks=[big[:1500], big[1500:]]
    )
    assert status == 400 and answer["rule"] == "body-size"
    # a Content-Length far beyond the limit is refused without waiting for the body
    status, answer, _ = client.request(
        "POST", "/xapi/statements", headers={"Content-Type": "text/plain", "Content-Length": str(10**9)}, chunks=[]
    )
    assert status == 400 and answer["rule"] == "body-size"
    assert lrs.bodies == []


def test_health_answers_without_the_lrs_or_the_rate_limit(make):
    client, lrs = make(rate=1, burst=1)
    for _ in range(5):
        status, answer, _ = client.request("GET", "/health")
        assert status == 200 and answer == {"status": "ok", "courses": 1}
    assert lrs.bodies == []


# ====================================================================== CORS
def test_cors_preflight_and_origins(make, x):
    client, lrs = make(origins=(LMS, "http://127.0.0.1:8000"))
    status, _, headers = client.request(
        "OPTIONS",
        "/xapi/statements",
        headers={
            "Origin": LMS,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert status == 204
    assert headers["access-control-allow-origin"] == LMS
    assert "POST" in headers["access-control-allow-methods"]
    assert "content-type" in headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in headers  # never cookies
    one = [Session(x, "ann").initialized()]
    status, _, headers = client.post(one, headers={"Origin": "http://127.0.0.1:8000"})
    assert status == 200 and headers["access-control-allow-origin"] == "http://127.0.0.1:8000"
    # another site's page cannot post through learners' browsers
    status, answer, headers = client.post(one, headers={"Origin": "https://evil.example.org"})
    assert status == 403 and answer["rule"] == "origin" and "access-control-allow-origin" not in headers
    status, _, headers = client.request("OPTIONS", "/xapi/statements", headers={"Origin": "null"})
    assert status == 403
    # no Origin at all (a server, a tool): no CORS headers, still checked and forwarded
    status, _, headers = client.post(one)
    assert status == 200 and "access-control-allow-origin" not in headers
    assert len(lrs.bodies) == 2


# ====================================================================== rate limit
def test_each_client_address_has_its_own_token_bucket(make, x, logs):
    client, lrs = make(rate=0.5, burst=3)
    one = [Session(x, "ann").initialized()]
    assert [client.post(one)[0] for _ in range(3)] == [200, 200, 200]
    status, answer, headers = client.post(one)
    assert status == 429 and answer["error"] == "rate-limit" and headers["retry-after"] == "2"
    assert client.post(one, client=("198.51.100.9", 1))[0] == 200  # another address
    assert records(logs)[-2]["rule"] == "rate-limit"


def test_the_token_bucket_refills_and_forgets_idle_clients():
    now = [0.0]
    limiter = RateLimiter(rate=2, burst=2, max_clients=3, clock=lambda: now[0])
    assert limiter.take("a") == 0 and limiter.take("a") == 0
    assert limiter.take("a") == pytest.approx(0.5)
    now[0] += 0.5
    assert limiter.take("a") == 0
    for key in "bcde":
        limiter.take(key)
    assert len(limiter) <= 3  # bounded
    now[0] += 10
    limiter.take("z")
    assert len(limiter) == 1  # full buckets are dropped


# ====================================================================== LRS answers
@pytest.mark.parametrize(
    "lrs_answer, status, error",
    [
        (Answer(409, "conflict"), 409, "conflict"),
        (Answer(400, "bad"), 400, "refused"),
        (Answer(401, "no"), 502, "lrs-unavailable"),
        (Answer(500, "boom"), 502, "lrs-unavailable"),
        (Answer(0, "cannot reach 127.0.0.1:1: Connection refused"), 502, "lrs-unavailable"),
        (Answer(0, "no answer", timeout=True), 504, "lrs-unavailable"),
        (Answer(429, "slow down", retry_after="7"), 503, "lrs-unavailable"),
    ],
)
def test_lrs_answers_become_answers_the_package_understands(make, x, logs, lrs_answer, status, error):
    client, lrs = make()
    lrs.answer = lrs_answer
    got, answer, headers = client.post([Session(x, "ann").initialized()])
    assert got == status and answer["error"] == error
    if lrs_answer.status == 429:
        assert headers["retry-after"] == "7"
    if lrs_answer.status == 400:
        assert answer["rule"] == "lrs-refused"
    line = [r for r in records(logs) if r.get("event") == "request"][-1]
    assert line["lrs_status"] == lrs_answer.status and line["status"] == status
    if lrs_answer.status == 401:
        assert any(r.get("event") == "lrs-credentials" for r in records(logs))


def test_a_defect_is_a_logged_500_the_package_retries(make, x, logs):
    client, lrs = make()

    def broken(statements):
        raise KeyError("learner-secret-value")

    client.app.checker.check_batch = broken
    status, answer, _ = client.post([Session(x, "learner-9").initialized()])
    assert status == 500 and answer == {"error": "internal", "detail": "the relay failed; retry later"}
    line = records(logs)[-1]
    assert line["status"] == 500 and line["error"].startswith("internal error: KeyError at test_relay_app.py:")
    assert "learner-secret-value" not in logs.getvalue() and "learner-9" not in logs.getvalue()
    assert lrs.bodies == []


def test_lifespan_closes_the_forwarder(make):
    client, lrs = make()
    messages = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent = []

    async def receive():
        return messages.pop(0)

    async def send(message):
        sent.append(message["type"])

    run(client.app({"type": "lifespan"}, receive, send))
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"] and lrs.closed


# ====================================================================== the real forwarder
class StandInLRS:
    """Records requests; answers 200 with the ids, or what ``script`` says; can close idle connections."""

    def __init__(self):
        self.requests: list[dict] = []
        self.echo_secret = False
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                lrs.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body, "peer": self.client_address}
                )
                if lrs.echo_secret:
                    data = json.dumps({"detail": f"bad auth {SECRET} {self.headers['Authorization']}"}).encode()
                    self.send_response(400)
                else:
                    data = json.dumps([s["id"] for s in json.loads(body)]).encode()
                    self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.endpoint = f"http://127.0.0.1:{self.httpd.server_address[1]}/data/xAPI/"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def stand_in():
    lrs = StandInLRS()
    yield lrs
    lrs.close()


def test_the_forwarder_posts_with_the_credentials_and_keeps_its_connection(stand_in, x):
    creds = Credentials(stand_in.endpoint, "relay-key", SECRET)
    forwarder = Forwarder(creds, timeout=5, connections=1)
    try:
        batch = Session(x, "ann").trail()[:2]
        body = json.dumps(batch).encode()
        for _ in range(3):
            answer = run(forwarder.post(body))
            assert answer.status == 200 and json.loads(answer.detail) == [s["id"] for s in batch]
        first = stand_in.requests[0]
        assert first["path"] == "/data/xAPI/statements"
        assert first["headers"]["Authorization"] == "Basic " + base64.b64encode(f"relay-key:{SECRET}".encode()).decode()
        assert first["headers"]["X-Experience-API-Version"] == "1.0.3"
        assert first["headers"]["Content-Type"] == "application/json"
        assert len({r["peer"] for r in stand_in.requests}) == 1  # one kept-alive connection
        stand_in.echo_secret = True
        answer = run(forwarder.post(body))
        assert answer.status == 400 and SECRET not in answer.detail and "[hidden]" in answer.detail
        assert creds.auth[6:] not in answer.detail
    finally:
        forwarder.close()


def test_the_forwarder_reports_an_lrs_that_is_not_there(x):
    creds = Credentials("http://127.0.0.1:9/xAPI/", "k", SECRET)
    forwarder = Forwarder(creds, timeout=2, connections=1)
    try:
        answer = run(forwarder.post(b"[]"))
    finally:
        forwarder.close()
    assert answer.status == 0 and "127.0.0.1:9" in answer.detail and SECRET not in answer.detail

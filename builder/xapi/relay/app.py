"""The relay's ASGI application: routes, CORS, size limits, the rate limit and one JSON log line per request.

Routes:

* ``POST /xapi/statements`` (also ``/statements``): a batch (JSON array) or one statement, as
  ``text/plain`` (what packages send: a CORS "simple" request, no preflight) or ``application/json``.
  200 with the statement ids when the LRS took the batch or already had it; 400 with
  ``{"error": "refused", "rule", "index", "detail"}`` when a statement fails a rule (nothing is
  forwarded); 409 when the LRS holds a different statement under one of the ids; 429 over the
  rate limit; 502/503/504 when the LRS cannot take it now (the package retries later).
* ``OPTIONS`` on the same paths: the CORS preflight, for clients that send one.
* ``GET /health``: liveness for load balancers (never calls the LRS, never rate-limited).

CORS: a request whose ``Origin`` is an allowed LMS origin gets ``Access-Control-Allow-Origin`` with
that origin; a request from any other origin is refused with 403 (requests without ``Origin``,
from servers and tools, are let through). No cookies are ever involved.

Logs: one JSON object per line on stderr, per request: method, path, status, statement count,
duration, the rule of a refusal, the LRS status, and the client address as a salted hash (never
the address itself). Never a credential, a query string, a header, a learner name or id.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple
from urllib.parse import urlencode, urlsplit

from builder.xapi.relay.forward import Answer, Forwarder
from builder.xapi.relay.ratelimit import RateLimiter
from builder.xapi.relay.rules import Checker, Refused, parse_batch
from builder.xapi.relay.sequence import Key, check_sequences, history_keys

STATEMENT_PATHS = ("/xapi/statements", "/statements")
HEALTH_PATH = "/health"
CONTENT_TYPES = ("text/plain", "application/json")
SALT_ENV = "COURSEPACK_RELAY_LOG_SALT"
DRAIN_FACTOR = 4  #: an oversized body is read (and dropped) up to this many times the limit
HISTORY_PAGES = 20  #: pages of one registration's course statements read at most
log = logging.getLogger("coursepack.relay")


@dataclass
class Settings:
    origins: Iterable[str] = ()
    preflight_max_age: int = 86400
    history: bool = True  #: check passed/failed/completed against what the LRS holds (needs statements/read)
    log_salt: bytes = field(default_factory=lambda: (os.environ.get(SALT_ENV) or secrets.token_hex(16)).encode())


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, then the record's ``fields`` (or its message)."""

    def format(self, record: logging.LogRecord) -> str:
        line: Dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
        }
        fields = getattr(record, "fields", None)
        if fields:
            line.update(fields)
        else:
            line["logger"] = record.name
            line["message"] = record.getMessage()
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"))


def setup_logging(stream=None, level: int = logging.INFO) -> logging.Handler:
    """Send the relay's records and uvicorn's own as JSON lines to *stream* (stderr)."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    for name in ("coursepack.relay", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False
    logging.getLogger("uvicorn.access").disabled = True  # its lines hold client addresses and paths
    return handler


class RelayApp:
    """The ASGI application (``await app(scope, receive, send)``)."""

    def __init__(
        self, checker: Checker, forwarder: Forwarder, limiter: Optional[RateLimiter], settings: Settings = None
    ):
        self.checker = checker
        self.forwarder = forwarder
        self.limiter = limiter
        self.settings = settings or Settings()
        self.origins = {o.rstrip("/").lower() for o in self.settings.origins}

    # ------------------------------------------------------------------ ASGI
    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        note: Dict[str, Any] = {}
        status = 500
        try:
            status = await self._handle(scope, receive, send, note)
        except Exception as exc:  # a defect: say where (never values), answer 500 so the package retries
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            note["error"] = f"internal error: {type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}"
            try:
                await self._answer(send, 500, {"error": "internal", "detail": "the relay failed; retry later"}, None)
            except Exception:  # noqa: BLE001 - the answer had already started: nothing more to send
                pass
        finally:
            self._log(scope, status, started, note)

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.forwarder.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _handle(self, scope, receive, send, note) -> int:
        path = scope.get("path", "")
        method = scope.get("method", "")
        headers = _headers(scope)
        origin = headers.get("origin")
        cors = self._cors(origin)
        if path == HEALTH_PATH:
            if method not in ("GET", "HEAD"):
                return await self._answer(
                    send, 405, {"error": "method", "detail": "use GET"}, cors, extra=[(b"allow", b"GET, HEAD")]
                )
            return await self._answer(send, 200, {"status": "ok", "courses": len(self.checker.allow.courses)}, cors)
        if path not in STATEMENT_PATHS:
            return await self._answer(
                send, 404, {"error": "not-found", "detail": "statements go to /xapi/statements"}, cors
            )
        if origin is not None and cors is None:
            note["rule"] = "origin"
            return await self._answer(
                send,
                403,
                {"error": "refused", "rule": "origin", "detail": "this origin is not an LMS this relay accepts"},
                None,
            )
        if self.limiter is not None:
            wait = self.limiter.take(_client(scope))
            if wait > 0:
                note["rule"] = "rate-limit"
                retry = str(self.limiter.retry_after(wait)).encode()
                return await self._answer(
                    send,
                    429,
                    {"error": "rate-limit", "detail": "too many requests; retry later"},
                    cors,
                    extra=[(b"retry-after", retry)],
                )
        if method == "OPTIONS":
            return await self._preflight(send, cors, headers)
        if method != "POST":
            return await self._answer(
                send,
                405,
                {"error": "method", "detail": "statements can only be posted here"},
                cors,
                extra=[(b"allow", b"POST, OPTIONS")],
            )
        kind = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if kind not in CONTENT_TYPES:
            note["rule"] = "content-type"
            return await self._answer(
                send,
                415,
                {"error": "refused", "rule": "content-type", "detail": "send text/plain or application/json"},
                cors,
            )
        try:
            body = await self._body(receive, headers)
            statements = parse_batch(body, self.checker.limits)
            note["statements"] = len(statements)
            self.checker.check_batch(statements)
            if self.settings.history:
                keys = history_keys(statements, self.checker.allow)
                history, failed = await self._history(keys, note) if keys else ({}, None)
                if failed is not None:
                    return await self._history_failed(send, failed, cors, note)
                check_sequences(statements, self.checker.allow, history)
        except Refused as refused:
            note["rule"] = refused.rule
            if refused.index is not None:
                note["index"] = refused.index
            return await self._answer(send, 400, refused.as_dict(), cors)
        payload = json.dumps(statements, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        lrs_started = time.perf_counter()
        answer = await self.forwarder.post(payload)
        note["lrs_status"] = answer.status
        note["lrs_ms"] = round((time.perf_counter() - lrs_started) * 1000, 1)
        return await self._relay_answer(send, answer, statements, cors, note)

    async def _relay_answer(self, send, answer: Answer, statements: List[Dict[str, Any]], cors, note) -> int:
        status = answer.status
        if 200 <= status < 300:
            return await self._answer(send, 200, [s["id"] for s in statements], cors)
        if status == 409:
            return await self._answer(
                send,
                409,
                {"error": "conflict", "detail": "the LRS already holds a different statement with one of these ids"},
                cors,
            )
        if status in (400, 413, 422):
            note["rule"] = "lrs-refused"
            return await self._answer(
                send,
                400,
                {
                    "error": "refused",
                    "rule": "lrs-refused",
                    "index": None,
                    "detail": f"the LRS refused the batch ({status}): {answer.detail}",
                },
                cors,
            )
        if status == 429 or status == 503:
            retry = (answer.retry_after or "5").encode()
            note["error"] = f"the LRS answered {status}"
            return await self._answer(
                send,
                503,
                {"error": "lrs-unavailable", "detail": "the LRS is busy; retry later"},
                cors,
                extra=[(b"retry-after", retry)],
            )
        if status in (401, 403):
            note["error"] = f"the LRS refused the relay's credentials ({status}); check them"
            log.error(
                "",
                extra={
                    "fields": {
                        "event": "lrs-credentials",
                        "lrs_status": status,
                        "message": "the LRS refused the relay's credentials",
                    }
                },
            )
        elif status == 0:
            note["error"] = answer.detail
        else:
            note["error"] = f"the LRS answered {status}"
        code = 504 if answer.timeout else 502
        return await self._answer(
            send, code, {"error": "lrs-unavailable", "detail": "the LRS cannot take statements now; retry later"}, cors
        )

    # ------------------------------------------------------------------ the LRS's history
    async def _history(self, keys: List[Key], note) -> Tuple[Dict[Key, List[dict]], Optional[Answer]]:
        """The course statements the LRS holds for each (learner, course, registration); or the failed answer."""
        started = time.perf_counter()
        out: Dict[Key, List[dict]] = {}
        for key in keys:
            home, name, course, registration = key
            agent = json.dumps({"objectType": "Agent", "account": {"homePage": home, "name": name}})
            query = urlencode({"registration": registration, "activity": course, "agent": agent, "limit": 100})
            found: List[dict] = []
            for _ in range(HISTORY_PAGES):
                answer = await self.forwarder.get(query)
                try:
                    page = json.loads(answer.body) if answer.status == 200 else None
                except ValueError:
                    page = None
                if not isinstance(page, dict) or not isinstance(page.get("statements"), list):
                    note["history_status"] = answer.status
                    return out, answer
                found += [s for s in page["statements"] if isinstance(s, dict)]
                more = page.get("more")
                if not more:
                    break
                query = more if more.startswith("/") else urlsplit(more).path + "?" + urlsplit(more).query
            out[key] = found
        note["history_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return out, None

    async def _history_failed(self, send, answer: Answer, cors, note) -> int:
        """The LRS would not say what it holds: nothing is forwarded, the package retries later."""
        if answer.status in (401, 403):
            note["error"] = (
                f"the LRS refused to let the relay read statements ({answer.status}): give its key the "
                "statements/read scope, or run the relay with --no-history"
            )
        else:
            note["error"] = answer.detail if answer.status == 0 else f"the LRS answered {answer.status} to a query"
        code = 504 if answer.timeout else 502
        return await self._answer(
            send, code, {"error": "lrs-unavailable", "detail": "the LRS cannot be asked now; retry later"}, cors
        )

    # ------------------------------------------------------------------ parts
    async def _body(self, receive, headers: Dict[str, str]) -> bytes:
        """The request body; past the limit the rest is read and dropped (up to a point), then refused.

        Reading an oversized body to its end lets the client see the 400 instead of a connection
        reset; a body far over the limit is not waited for.
        """
        limit = self.checker.limits.max_body
        declared = headers.get("content-length")
        too_large = declared is not None and declared.isdigit() and int(declared) > limit
        if too_large and int(declared) > DRAIN_FACTOR * limit:
            raise Refused("body-size", f"the body is larger than {limit} bytes")
        chunks: List[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                too_large = True
                chunks.clear()
            elif not too_large:
                chunks.append(chunk)
            if not message.get("more_body", False) or size > DRAIN_FACTOR * limit:
                break
        if too_large:
            raise Refused("body-size", f"the body is larger than {limit} bytes")
        return b"".join(chunks)

    def _cors(self, origin: Optional[str]) -> Optional[List[Tuple[bytes, bytes]]]:
        """The CORS headers for *origin*, or None when it is not an allowed LMS origin."""
        if origin is None or origin.rstrip("/").lower() not in self.origins:
            return None
        return [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin")]

    async def _preflight(self, send, cors, headers) -> int:
        if cors is None:
            return await self._answer(send, 204, None, None)
        extra = [
            (b"access-control-allow-methods", b"POST, OPTIONS"),
            (b"access-control-allow-headers", b"Content-Type, X-Experience-API-Version"),
            (b"access-control-max-age", str(self.settings.preflight_max_age).encode()),
        ]
        return await self._answer(send, 204, None, cors, extra=extra)

    async def _answer(self, send, status: int, body: Any, cors, extra: Iterable[Tuple[bytes, bytes]] = ()) -> int:
        data = b"" if body is None else json.dumps(body, separators=(",", ":")).encode("utf-8")
        headers = [(b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff")]
        if body is not None:
            headers += [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
        headers += list(cors or ()) + list(extra)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": data})
        return status

    def _log(self, scope, status: int, started: float, note: Dict[str, Any]) -> None:
        fields: Dict[str, Any] = {
            "event": "request",
            "method": scope.get("method"),
            "path": scope.get("path") if scope.get("path") in STATEMENT_PATHS + (HEALTH_PATH,) else "(other)",
            "status": status,
            "statements": note.get("statements", 0),
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "client": self._client_hash(scope),
        }
        fields.update({k: v for k, v in note.items() if k != "statements"})
        level = logging.WARNING if status >= 500 else logging.INFO
        log.log(level, "", extra={"fields": fields})

    def _client_hash(self, scope) -> Optional[str]:
        client = _client(scope)
        if not client:
            return None
        return hmac.new(self.settings.log_salt, client.encode(), hashlib.sha256).hexdigest()[:12]


def _headers(scope) -> Dict[str, str]:
    out: Dict[str, str] = {}
    for name, value in scope.get("headers") or ():
        out[name.decode("latin-1").lower()] = value.decode("latin-1")
    return out


def _client(scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else ""

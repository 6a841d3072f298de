"""A small HTTP server playing the LMS's part in the end-to-end tests.

It serves the LMS player page (``/lms.html``), scorm-again (``/scorm-again/...``), the
extracted package (``/pkg/...``) and any other directory mounted by a test, and it records
what the LMS side receives:

* ``POST /commit?run=<id>`` -- every commit body scorm-again sends (synchronous XHR for
  LMSCommit, ``navigator.sendBeacon`` for the LMSFinish commit, marked ``terminate=true``);
* ``POST /log?run=<id>`` -- a mirror of the API call log kept by ``lms.html`` (a JSON list of
  calls per beacon), so that the calls are still known after the page was closed;
* ``POST /msg?run=<id>`` -- a mirror of scorm-again's own log messages (warnings, errors), the same way.

Records are kept per ``run`` (one LMS session of one test).
"""

from __future__ import annotations

import json
import mimetypes
import posixpath
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, unquote, urlsplit

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".mp4": "video/mp4",
    ".mp3": "audio/mpeg",
    ".vtt": "text/vtt",
    ".pdf": "application/pdf",
    ".woff2": "font/woff2",
}


@dataclass
class Commit:
    run: str
    seq: int | None  # scorm-again's commitSequence
    terminate: bool  # the LMSFinish commit (sent with sendBeacon)
    content_type: str
    body: Any  # parsed JSON (None if the body was not JSON)
    raw: str
    accepted: bool = True  # the server answered it with success (see LmsServer.commit_reply)
    received: float = field(default_factory=time.monotonic)

    @property
    def cmi(self) -> dict:
        """The committed CMI data (``dataCommitFormat: 'json'`` sends ``{"cmi": {...}}``)."""
        if isinstance(self.body, dict) and "cmi" in self.body:
            return self.body["cmi"]
        raise AssertionError(f"commit body is not scorm-again's JSON CMI export: {self.raw[:300]!r}")


class LmsServer:
    def __init__(self) -> None:
        self._mounts: dict[str, Path] = {}
        self._lock = threading.Condition()
        self._commits: dict[str, list[Commit]] = {}
        self._logs: dict[str, list[dict]] = {}
        self._messages: dict[str, list[dict]] = {}
        self.commit_reply: dict = {"result": True, "errorCode": 0}
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- setup
    def mount(self, prefix: str, directory: Path | str) -> None:
        """Serve ``directory`` under the URL path ``prefix`` (e.g. ``/pkg/``)."""
        if not prefix.startswith("/") or not prefix.endswith("/"):
            raise ValueError(f"mount prefix must start and end with '/': {prefix!r}")
        directory = Path(directory).resolve()
        if not directory.is_dir():
            raise FileNotFoundError(directory)
        with self._lock:
            self._mounts[prefix] = directory

    def start(self) -> "LmsServer":
        server = self

        class Handler(_Handler):
            lms = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="lms-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    @property
    def url(self) -> str:
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    # ------------------------------------------------------------- recording
    def _record_commit(self, commit: Commit) -> None:
        with self._lock:
            self._commits.setdefault(commit.run, []).append(commit)
            self._lock.notify_all()

    def _record_log(self, run: str, entry: dict) -> None:
        with self._lock:
            self._logs.setdefault(run, []).append(entry)
            self._lock.notify_all()

    def _record_message(self, run: str, entry: dict) -> None:
        with self._lock:
            self._messages.setdefault(run, []).append(entry)

    def messages(self, run: str) -> list[dict]:
        """scorm-again's log messages for ``run`` (mirrored by lms.html)."""
        with self._lock:
            return sorted(self._messages.get(run, []), key=lambda e: e["seq"])

    def commits(self, run: str) -> list[Commit]:
        """Commits received for ``run``, in order of arrival."""
        with self._lock:
            return list(self._commits.get(run, []))

    def runs(self) -> list[str]:
        """Every run that sent an API call, in the order of its first call."""
        with self._lock:
            return list(self._logs)

    def api_log(self, run: str) -> list[dict]:
        """The mirrored API call log of ``run``, in call order."""
        with self._lock:
            return sorted(self._logs.get(run, []), key=lambda e: e["seq"])

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
        """Bounded wait for data to arrive at the server; returns the predicate's truthy value."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                value = predicate()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
                self._lock.wait(min(remaining, 0.25))

    def wait_quiet(self, run: str, quiet: float = 0.5, timeout: float = 10.0) -> None:
        """Bounded wait until nothing new (log entry or commit) has arrived for ``run`` for ``quiet`` s."""

        def count() -> int:
            return len(self._logs.get(run, [])) + len(self._commits.get(run, []))

        deadline = time.monotonic() + timeout
        with self._lock:
            seen, since = count(), time.monotonic()
            while True:
                now = time.monotonic()
                if now - since >= quiet:
                    return
                if now >= deadline:
                    raise AssertionError(f"run {run}: data still arriving after {timeout}s")
                self._lock.wait(min(quiet - (now - since), deadline - now))
                if count() != seen:
                    seen, since = count(), time.monotonic()

    # -------------------------------------------------------------- serving
    def resolve(self, url_path: str) -> Path | None:
        with self._lock:
            mounts = sorted(self._mounts.items(), key=lambda kv: len(kv[0]), reverse=True)
        for prefix, directory in mounts:
            if url_path.startswith(prefix):
                rel = posixpath.normpath(unquote(url_path[len(prefix) :]))
                if rel in ("", "."):
                    rel = "index.html"
                if rel.startswith("../") or rel == ".." or rel.startswith("/"):
                    return None
                target = (directory / rel).resolve()
                if directory != target and directory not in target.parents:
                    return None
                return target if target.is_file() else None
        return None


class _Handler(BaseHTTPRequestHandler):
    lms: LmsServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if body and self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the browser went away (page closed): nothing to answer

    def do_GET(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        target = self.lms.resolve(path)
        if target is None:
            self._send(404, b"not found", "text/plain; charset=utf-8")
            return
        ctype = CONTENT_TYPES.get(target.suffix.lower()) or mimetypes.guess_type(target.name)[0]
        self._send(200, target.read_bytes(), ctype or "application/octet-stream")

    do_HEAD = do_GET

    def do_POST(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        run = query.get("run", ["default"])[0]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", errors="replace") if length else ""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        if parts.path == "/commit":
            seq = body.get("commitSequence") if isinstance(body, dict) else None
            reply = dict(self.lms.commit_reply)
            self.lms._record_commit(
                Commit(
                    run=run,
                    seq=seq,
                    terminate=query.get("terminate", [""])[0] == "true",
                    content_type=self.headers.get("Content-Type", ""),
                    body=body,
                    raw=raw,
                    accepted=bool(reply.get("result")),
                )
            )
            self._send(200, json.dumps(reply).encode(), "application/json")
        elif parts.path in ("/log", "/msg"):
            record = self.lms._record_log if parts.path == "/log" else self.lms._record_message
            for entry in body if isinstance(body, list) else [body]:  # lms.html sends batches
                if isinstance(entry, dict) and isinstance(entry.get("seq"), int):
                    record(run, entry)
            self._send(204, b"", "text/plain")
        else:
            self._send(404, b"not found", "text/plain; charset=utf-8")

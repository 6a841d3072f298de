"""The preview's HTTP server (standard library only), bound to 127.0.0.1.

URL layout (one origin, so the course in its frame finds the page's ``window.API``):

* ``/``                            the preview page: the LMS frame and the inspector
* ``/__preview__/<file>``          its static files (``builder/preview/static/``)
* ``/__preview__/test-lms.js``     the test LMS of the previewed format (``lms.js``, ``lms2004.js``…)
* ``/__preview__/events``          Server-Sent Events: ``build`` (every rebuild) and ``xapi``
* ``/__preview__/state``           the latest build state as JSON
* ``/__preview__/xapi/...``        a minimal LRS that records the statements a course sends
* ``/__preview__/cmi5/launch``      (POST) with a cmi5 package: the preview's LMS launches it and
                                   answers with the launch URL; ``/__preview__/cmi5/lms/…`` is that
                                   LMS (fetch URL, State and Agent Profile, statements recorded
                                   like the little LRS's; builder/preview/cmi5_lms.py)
* ``/course/...``                  the last good build, file for file; ``index.html`` gets one
                                   ``<script src="/__preview__/hook.js">`` in the response only

Requests whose ``Host`` is not this server's loopback address are refused, so a web page the
author visits cannot read the preview through DNS rebinding.
"""

from __future__ import annotations

import json
import mimetypes
import posixpath
import re
import secrets
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, List, Optional
from urllib.parse import parse_qs, unquote, urlsplit

from builder import formats
from builder.preview.builds import Builds, BuildState
from builder.preview.watch import Watcher
from builder.problems import CoursepackError, display_path

HOST = "127.0.0.1"
DEFAULT_PORTS = range(8000, 8020)  #: tried in turn when no --port is given
STATIC = Path(__file__).resolve().parent / "static"
KEEPALIVE_SECONDS = 15.0
MAX_STATEMENTS = 5000
HOOK_TAG = b'<script src="/__preview__/hook.js"></script>'
CMI5_LMS = "/__preview__/cmi5/lms/"
CMI5_LAUNCH = "/__preview__/cmi5/launch"
CMI5_MODES = {"normal": "Normal", "browse": "Browse", "review": "Review"}  #: the page's modes, cmi5's words

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".pdf": "application/pdf",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}

NO_BUILD_PAGE = b"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>No build yet</title></head>
<body style="font-family: sans-serif; padding: 2rem"><h1>No build yet</h1>
<p>The course has not built successfully yet. Fix the problems listed above the frame; the preview
rebuilds and reloads by itself when you save.</p></body></html>"""


class PreviewError(CoursepackError):
    """The preview cannot start (exit code 1: the environment, e.g. a port in use)."""

    exit_code = 1


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class PreviewServer:
    """Builds the course, serves it with the preview page, and rebuilds when a file changes.

    :param source: the course folder.
    :param port: the port on 127.0.0.1 (0: any free port).
    :param interval: seconds between polls of the course folder.
    :param debounce: seconds the folder must stay unchanged before a rebuild.
    :param echo: called with one line of text per event worth telling the author (optional).
    :param format_name: the package to build and the test LMS to run it in (builder/formats.py; a cmi5
        package is launched by the preview's cmi5 LMS).
    """

    def __init__(
        self,
        source: Path,
        port: int = 0,
        interval: float = 0.3,
        debounce: float = 0.2,
        echo: Optional[Callable[[str], None]] = None,
        format_name: str = formats.DEFAULT,
    ):
        self.source = Path(source)
        self.port = port
        self.interval = interval
        self.debounce = debounce
        self.echo = echo or (lambda line: None)
        self.token = secrets.token_hex(6)  # tells the page that a new server (and new builds) started
        self.builds = Builds(self.source, format_name=format_name)
        self.test_lms = formats.get(format_name).preview_lms  #: served as /__preview__/test-lms.js
        self.cmi5 = None  #: the cmi5 LMS (builder.preview.cmi5_lms.Cmi5Lms) while the served build is a cmi5 package
        self._cmi5_registrations: dict = {}  # learner id -> registration: a relaunch continues the enrolment
        self.changed = threading.Condition()
        self.stopping = False
        self.statements: List[dict] = []  #: the last MAX_STATEMENTS received
        self.statements_received = 0  #: every one ever received (the ``seq`` of the newest)
        self._httpd: Optional[_HTTPServer] = None
        self._thread: Optional[threading.Thread] = None
        self._watcher: Optional[Watcher] = None
        self._reported_warnings: Optional[tuple] = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "PreviewServer":
        """Listen, build once, then serve and watch (the page shows the build's errors, if any)."""
        server = self

        class Handler(_Handler):
            preview = server

        try:
            self._httpd = _HTTPServer((HOST, self.port), Handler)
        except OSError as exc:
            self.builds.close()
            raise PreviewError(
                f"cannot listen on {HOST}:{self.port}: {exc.strerror or exc}\n"
                f"    hint: choose another port with --port N, or --port 0 for any free one"
            ) from None
        self._report(self.builds.rebuild())
        self._follow_cmi5()
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.2}, name="coursepack-preview-http", daemon=True
        )
        self._thread.start()
        self._watcher = Watcher(self.source, self._rebuild, self.interval, self.debounce).start()
        return self

    def stop(self) -> None:
        """Stop watching and serving, end the event streams, delete the builds."""
        with self.changed:
            self.stopping = True
            self.changed.notify_all()
        if self._watcher is not None:
            self._watcher.stop()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.builds.close()

    @property
    def url(self) -> str:
        assert self._httpd is not None, "the preview server is not running"
        return f"http://{HOST}:{self._httpd.server_address[1]}/"

    @property
    def state(self) -> BuildState:
        return self.builds.state

    # ------------------------------------------------------------------ builds
    def _rebuild(self) -> None:
        state = self.builds.rebuild()
        self._follow_cmi5()
        with self.changed:
            self.changed.notify_all()
        self._report(state)

    def rebuild_now(self) -> BuildState:
        """Rebuild immediately (as a file change would); returns the new state."""
        self._rebuild()
        return self.state

    def _report(self, state: BuildState) -> None:
        warnings = tuple(p for p in state.problems if p.level == "warning")
        if state.ok:
            count = f" ({len(warnings)} warning{'s' if len(warnings) != 1 else ''})" if warnings else ""
            verb = "built" if state.attempt == 1 else "rebuilt"
            if warnings != self._reported_warnings:
                for problem in warnings:
                    self.echo(problem.format())
            self._reported_warnings = warnings
            self.echo(f"{verb} {display_path(self.source)} in {state.seconds:.2f} s{count}")
            return
        for problem in state.problems:
            if problem.level == "error":
                self.echo(problem.format())
        errors = sum(1 for p in state.problems if p.level == "error")
        kept = "still serving the last good build" if state.good else "nothing to serve until it builds"
        self.echo(f"build failed: {errors} problem{'s' if errors != 1 else ''}; {kept}")

    def wait_for(self, predicate: Callable[[BuildState], bool], timeout: float = 10.0) -> BuildState:
        """Wait until ``predicate(state)`` holds (for tests and tools); raises TimeoutError."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not predicate(self.state):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"the preview did not reach the expected state in {timeout} s: {self.state}")
                self.changed.wait(min(left, 0.2))
            return self.state

    # ------------------------------------------------------------------ the little LRS
    def record_statements(self, body, method: str) -> List[str]:
        items = body if isinstance(body, list) else [body]
        ids = []
        with self.changed:
            for item in items:
                if not isinstance(item, dict):
                    continue
                item = dict(item)
                item.setdefault("id", str(uuid.uuid4()))
                ids.append(item["id"])
                self.statements_received += 1
                self.statements.append(
                    {"seq": self.statements_received, "method": method, "received": time.time(), "statement": item}
                )
            del self.statements[:-MAX_STATEMENTS]
            self.changed.notify_all()
        return ids

    def page_state(self) -> dict:
        launch = CMI5_LAUNCH if self.cmi5 is not None else None
        return dict(self.state.as_dict(), server=self.token, source=display_path(self.source), cmi5Launch=launch)

    # ------------------------------------------------------------------ the cmi5 LMS
    def _follow_cmi5(self) -> None:
        """With a cmi5 package served, the LMS launches its course structure (learners' records stay)."""
        # the cmi5 LMS loads only for a cmi5 preview
        from builder.xapi.cmi5.vocab import COURSE_STRUCTURE_FILE

        folder = self.builds.served
        descriptor = folder / COURSE_STRUCTURE_FILE if folder is not None else None
        if descriptor is None or not descriptor.is_file():
            self.cmi5 = None
            return
        # the cmi5 LMS loads only for a cmi5 preview
        from builder.preview.cmi5_lms import Cmi5Lms
        from builder.xapi.cmi5.course_structure import read_course_structure

        structure = read_course_structure(descriptor.read_bytes())
        if self.cmi5 is None:
            self.cmi5 = Cmi5Lms(
                structure,
                _PreviewLrs(self),
                lms_path=CMI5_LMS,
                content_path="/course/",
                lms_iri=f"{self.url}__preview__/cmi5/",
            )
        else:
            self.cmi5.structure = structure

    def launch_cmi5(self, learner: dict, mode: str, origin: str, registration: Optional[str] = None):
        """Launch the served cmi5 package for *learner* (``{id, name}``) as an LMS would; the session.

        A learner launched before continues their registration; a new one gets *registration* (or a new one).
        """
        actor = {
            "objectType": "Agent",
            "name": learner["name"],
            "account": {"homePage": self.url, "name": learner["id"]},
        }
        registration = self._cmi5_registrations.get(learner["id"]) or registration
        session = self.cmi5.launch(actor, origin, registration=registration, launch_mode=CMI5_MODES[mode])
        self._cmi5_registrations[learner["id"]] = session.registration
        return session


class _Handler(BaseHTTPRequestHandler):
    preview: PreviewServer
    server_version = "coursepack-preview"

    def log_message(self, format, *args):  # noqa: A002 - the terminal shows builds, not requests
        pass

    # ------------------------------------------------------------------ helpers
    def _send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = "text/plain; charset=utf-8",
        headers: Optional[dict] = None,
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if body and self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _json(self, data, status: int = 200) -> None:
        self._send(status, json.dumps(data).encode("utf-8"), "application/json")

    def _host_ok(self) -> bool:
        host = self.headers.get("Host")
        if host is None:
            return True
        port = self.server.server_address[1]
        return host in (f"{HOST}:{port}", f"localhost:{port}")

    def _raw_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _body(self):
        raw = self._raw_body()
        try:
            return json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            return None

    # ------------------------------------------------------------------ routing
    def do_GET(self):  # noqa: N802
        if not self._host_ok():
            return self._send(403, b"forbidden: use the address coursepack preview printed")
        path = urlsplit(self.path).path
        if path in ("/", "/index.html"):
            return self._static("preview.html")
        if path == "/__preview__/events":
            return self._events()
        if path == "/__preview__/state":
            return self._json(self.preview.page_state())
        if path.startswith(CMI5_LMS):
            return self._cmi5()
        if path.startswith("/__preview__/xapi/"):
            return self._xapi(path[len("/__preview__/xapi/") :])
        if path == "/__preview__/test-lms.js":
            return self._static(self.preview.test_lms)
        if path.startswith("/__preview__/"):
            return self._static(path[len("/__preview__/") :])
        if path == "/course":
            return self._send(301, headers={"Location": "/course/"})
        if path.startswith("/course/"):
            return self._course(unquote(path[len("/course/") :]))
        return self._send(404, b"not found")

    do_HEAD = do_GET

    def do_POST(self):  # noqa: N802
        if not self._host_ok():
            return self._send(403, b"forbidden")
        path = urlsplit(self.path).path
        if path.startswith("/__preview__/xapi/"):
            return self._xapi(path[len("/__preview__/xapi/") :])
        if path.startswith(CMI5_LMS):
            return self._cmi5()
        if path == CMI5_LAUNCH and self.command == "POST":
            return self._cmi5_launch()
        return self._send(405, b"method not allowed", headers={"Allow": "GET, HEAD"})

    do_PUT = do_POST
    do_DELETE = do_POST

    def do_OPTIONS(self):  # noqa: N802
        self._send(204, headers={"Allow": "GET, HEAD, POST, PUT, DELETE, OPTIONS"})

    # ------------------------------------------------------------------ files
    def _static(self, name: str) -> None:
        target = _inside(STATIC, name)
        if target is None:
            return self._send(404, b"not found")
        self._file(target)

    def _course(self, rel: str) -> None:
        folder = self.preview.builds.served
        if folder is None:
            if rel in ("", "index.html"):
                return self._send(200, NO_BUILD_PAGE, CONTENT_TYPES[".html"])
            return self._send(404, b"no build yet")
        rel = posixpath.normpath("/" + (rel or "index.html")).lstrip("/")
        target = _inside(folder, rel)
        if target is None:
            return self._send(404, b"not in the package")
        if rel == "index.html":
            return self._send(200, _with_hook(target.read_bytes()), CONTENT_TYPES[".html"])
        self._file(target)

    def _file(self, target: Path) -> None:
        ctype = CONTENT_TYPES.get(target.suffix.lower()) or mimetypes.guess_type(target.name)[0]
        ctype = ctype or "application/octet-stream"
        size = target.stat().st_size
        match = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", "").strip())
        if match and (match.group(1) or match.group(2)):  # one byte range, enough for media seeking
            start, end = match.group(1), match.group(2)
            first = int(start) if start else max(0, size - int(end))
            last = min(size - 1, int(end)) if start and end else size - 1
            if first >= size or first > last:
                return self._send(416, headers={"Content-Range": f"bytes */{size}"})
            with open(target, "rb") as fh:
                fh.seek(first)
                body = fh.read(last - first + 1)
            return self._send(
                206, body, ctype, {"Content-Range": f"bytes {first}-{last}/{size}", "Accept-Ranges": "bytes"}
            )
        self._send(200, target.read_bytes(), ctype, {"Accept-Ranges": "bytes"})

    # ------------------------------------------------------------------ events
    def _events(self) -> None:
        preview = self.preview
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            sent_attempt = None
            sent_statements = 0
            while True:
                with preview.changed:
                    preview.changed.wait_for(
                        lambda attempt=sent_attempt, statements=sent_statements: (
                            preview.stopping
                            or preview.state.attempt != attempt
                            or preview.statements_received != statements
                        ),
                        timeout=KEEPALIVE_SECONDS,
                    )
                    if preview.stopping:
                        return
                    state = preview.page_state() if preview.state.attempt != sent_attempt else None
                    fresh = [s for s in preview.statements if s["seq"] > sent_statements]
                    sent_statements = preview.statements_received
                chunks = []
                if state is not None:
                    sent_attempt = state["attempt"]
                    chunks.append(f"event: build\ndata: {json.dumps(state)}\n\n")
                if fresh:
                    chunks.append(f"event: xapi\ndata: {json.dumps(fresh)}\n\n")
                self.wfile.write(("".join(chunks) or ": keep-alive\n\n").encode("utf-8"))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
            return  # the page went away

    # ------------------------------------------------------------------ the little LRS
    def _xapi(self, resource: str) -> None:
        """Just enough of an LRS for a course's reporter: statements are recorded, state is not kept."""
        method = self.command
        headers = {"X-Experience-API-Version": "1.0.3"}
        if resource == "about":
            return self._send(200, json.dumps({"version": ["1.0.3", "2.0.0"]}).encode(), "application/json", headers)
        if resource == "statements":
            if method == "POST":
                ids = self.preview.record_statements(self._body(), method)
                return self._send(200, json.dumps(ids).encode(), "application/json", headers)
            if method == "PUT":
                body = self._body()
                statement_id = parse_qs(urlsplit(self.path).query).get("statementId", [None])[0]
                if isinstance(body, dict) and statement_id:
                    body.setdefault("id", statement_id)
                self.preview.record_statements(body, method)
                return self._send(204, headers=headers)
            if method in ("GET", "HEAD"):
                return self._send(200, json.dumps({"statements": [], "more": ""}).encode(), "application/json", headers)
        if method in ("PUT", "POST", "DELETE"):
            self._body()
            return self._send(204, headers=headers)
        return self._send(404, b"not found", headers=headers)

    # ------------------------------------------------------------------ the cmi5 LMS
    def _cmi5(self) -> None:
        lms = self.preview.cmi5
        if lms is None:
            return self._send(404, b"the preview serves no cmi5 package")
        parts = urlsplit(self.path)
        headers = {name.lower(): value for name, value in self.headers.items()}
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        reply = lms.handle(self.command, parts.path[len(CMI5_LMS) :], query, headers, self._raw_body())
        content_type = reply.headers.get("Content-Type", "text/plain; charset=utf-8")
        extra = {k: v for k, v in reply.headers.items() if k != "Content-Type"}
        self._send(reply.status, reply.body, content_type, extra)

    def _cmi5_launch(self) -> None:
        """The page asks for a launch: ``{"learner": {"id", "name"}, "mode": "normal"|"browse"|"review"}``."""
        # the cmi5 LMS loads only for a cmi5 preview
        from builder.preview.cmi5_lms import LaunchError

        body = self._body()
        if self.preview.cmi5 is None:
            return self._json({"error": "the preview serves no cmi5 package"}, 409)
        learner = body.get("learner") if isinstance(body, dict) else None
        mode = body.get("mode", "normal") if isinstance(body, dict) else None
        registration = body.get("registration") if isinstance(body, dict) else None
        if not isinstance(learner, dict) or not learner.get("id") or mode not in CMI5_MODES:
            return self._json({"error": 'send {"learner": {"id": …, "name": …}, "mode": "normal"}'}, 400)
        if registration is not None and not _is_uuid(registration):
            return self._json({"error": "registration must be a UUID"}, 400)
        origin = f"http://{self.headers.get('Host') or f'{HOST}:{self.server.server_address[1]}'}"
        try:
            who = {"id": str(learner["id"]), "name": str(learner.get("name") or learner["id"])}
            session = self.preview.launch_cmi5(who, mode, origin, registration)
        except LaunchError as exc:
            return self._json({"error": str(exc)}, 502)
        self._json(
            {
                "url": session.url,
                "registration": session.registration,
                "session": session.id,
                "launchMode": session.launch_mode,
            }
        )


class _PreviewLrs:
    """The cmi5 LMS's LRS in the preview: the statements go to the page's xAPI tab, like the little LRS's."""

    def __init__(self, preview: PreviewServer):
        self.preview = preview

    def store(self, statements):
        # the cmi5 LMS loads only for a cmi5 preview
        from builder.preview.xapi_documents import answer

        return answer(200, self.preview.record_statements(statements, "POST"))

    def query(self, params):
        # the cmi5 LMS loads only for a cmi5 preview
        from builder.preview.cmi5_lms import agent_key
        from builder.preview.xapi_documents import answer

        agent = agent_key(json.loads(params["agent"]))

        def wanted(statement: dict) -> bool:
            context = statement.get("context") or {}
            try:
                same = agent_key(statement.get("actor")) == agent
            except ValueError:
                same = False
            return (
                same
                and params.get("registration") in (None, context.get("registration"))
                and params.get("verb") in (None, (statement.get("verb") or {}).get("id"))
            )

        with self.preview.changed:
            found = [r["statement"] for r in self.preview.statements if wanted(r["statement"])]
        return answer(200, {"statements": found, "more": ""})


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _inside(folder: Path, rel: str) -> Optional[Path]:
    rel = posixpath.normpath("/" + rel).lstrip("/")
    target = (folder / rel).resolve() if rel else folder
    try:
        target.relative_to(folder.resolve())
    except ValueError:
        return None
    return target if target.is_file() else None


def _with_hook(page: bytes) -> bytes:
    """The course page with the preview's hook script first in <head> (in the response only)."""
    match = re.search(rb"<head[^>]*>", page, re.I)
    at = match.end() if match else 0
    return page[:at] + HOOK_TAG + page[at:]


# ---------------------------------------------------------------------- the command
def run_preview(
    source: Path, port: Optional[int] = None, open_browser: bool = False, format_name: str = formats.DEFAULT
) -> None:
    """The body of ``coursepack preview``: serve until Ctrl+C."""
    # the CLI's echo, only when run from the command line
    import click

    def echo(line: str) -> None:
        click.echo(line, err=True)

    source = Path(source)
    if not source.is_dir():
        error = PreviewError(
            f"{display_path(source)}: is not a folder\n    hint: give the course folder, the one that holds course.yaml"
        )
        error.exit_code = 2
        raise error
    server = None
    for candidate in [port] if port is not None else [*DEFAULT_PORTS, 0]:
        try:
            server = PreviewServer(source, candidate, echo=echo, format_name=format_name).start()
            break
        except PreviewError:
            if port is not None:
                raise
    assert server is not None
    echo(f"preview of {display_path(source)} at {server.url} (Ctrl+C to stop)")
    restore = _stop_on_signals()
    try:
        if open_browser:
            # only with --open
            import webbrowser

            webbrowser.open(server.url)
        while True:
            time.sleep(0.5)
    except KeyboardInterrupt:
        echo("stopping the preview")
    finally:
        server.stop()
        restore()


def _stop_on_signals() -> Callable[[], None]:
    """Treat SIGTERM and SIGHUP like Ctrl+C, so the temporary builds are always deleted."""
    # only when run from the command line
    import signal

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is None:
            continue
        try:
            previous[number] = signal.signal(number, interrupt)
        except ValueError:  # not the main thread (e.g. called from a test runner's thread)
            pass

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    return restore

"""The cmi5 LMS of the tests: the preview's LMS logic behind an HTTP server, with the real Ralph as its LRS.

No cmi5 LMS can be installed here (PyPI, npm and Debian have none) and Ralph has no State API, so
the LMS side is :class:`builder.preview.cmi5_lms.Cmi5Lms` (launch, LMS.LaunchData, the fetch
URL, the State and Agent Profile documents, the statements the LMS sends), served by this module
on 127.0.0.1 with:

* ``/content/…``  the extracted package (the AU's URL in cmi5.xml is relative to it);
* ``/lms/fetch/<key>`` and ``/lms/xapi/…``  the LMS; statements go through to Ralph with the
  LMS's own credentials (the AU only ever holds its session's token), and are read back from
  Ralph by the tests.

Content and LMS share one origin, as in most LMSs, so the AU needs no CORS.
"""

from __future__ import annotations

import json
import mimetypes
import posixpath
import threading
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from builder.preview.cmi5_lms import Cmi5Lms, Session
from builder.preview.xapi_documents import Response
from builder.xapi.cmi5.course_structure import read_course_structure

from .ralph_lrs import XAPI_VERSION, Ralph

LMS_IRI = "https://lms.example.org/cmi5/"
HOMEPAGE = "https://lms.example.org"


class RalphStore:
    """The LMS's LRS: Ralph, reached with the LMS's credentials; its answers go back to the AU as they are."""

    def __init__(self, ralph: Ralph):
        self.ralph = ralph

    def _call(self, method: str, url: str, body: bytes | None = None) -> Response:
        headers = {"Authorization": self.ralph.auth_value, "X-Experience-API-Version": XAPI_VERSION}
        if body is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=15) as reply:
                return Response(reply.status, {"Content-Type": reply.headers.get("Content-Type", "")}, reply.read())
        except urllib.error.HTTPError as exc:
            return Response(exc.code, {"Content-Type": exc.headers.get("Content-Type", "")}, exc.read())
        except OSError as exc:  # Ralph is down: the AU gets what a gateway says
            return Response(503, {"Content-Type": "text/plain"}, f"the LRS is unreachable: {exc}".encode())

    def store(self, statements: list[dict]) -> Response:
        return self._call("POST", f"{self.ralph.endpoint}statements", json.dumps(statements).encode())

    def query(self, params: dict[str, str]) -> Response:
        return self._call("GET", f"{self.ralph.endpoint}statements?{urlencode(params)}")


class TestLms:
    """``start()``, ``launch(...)``, ``stop()``; ``lms`` is the :class:`Cmi5Lms` (sessions, documents, rejections)."""

    __test__ = False  # not a test class, whatever pytest thinks of its name

    def __init__(self, package_root: Path, ralph: Ralph, grace: float = 10.0):
        self.root = Path(package_root).resolve()
        structure = read_course_structure((self.root / "cmi5.xml").read_bytes())
        self.lms = Cmi5Lms(
            structure, RalphStore(ralph), lms_path="/lms/", content_path="/content/", lms_iri=LMS_IRI, grace=grace
        )
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._httpd is not None, "the test LMS is not running"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> "TestLms":
        owner = self

        class Handler(_Handler):
            test_lms = owner

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="cmi5-test-lms", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def launch(self, actor: dict | None = None, **options) -> Session:
        """A launch for *actor* (default: a new learner); *options* as :meth:`Cmi5Lms.launch` takes them."""
        return self.lms.launch(actor or new_learner(), self.url, **options)


def new_learner() -> dict:
    """An Agent with an account unique to the test (tests never see each other's statements)."""
    return {"objectType": "Agent", "account": {"homePage": HOMEPAGE, "name": f"learner-{uuid.uuid4().hex[:12]}"}}


class _Handler(BaseHTTPRequestHandler):
    test_lms: TestLms
    server_version = "coursepack-cmi5-test-lms"

    def log_message(self, format, *args):  # noqa: A002 - quiet: the tests read what the LMS recorded
        pass

    def _reply(self, reply: Response) -> None:
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if reply.body and self.command != "HEAD":
                self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        if parts.path.startswith("/lms/"):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length > 0 else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            return self._reply(self.test_lms.lms.handle(self.command, parts.path[len("/lms/") :], query, headers, body))
        if parts.path.startswith("/content/") and self.command in ("GET", "HEAD"):
            return self._reply(self._file(unquote(parts.path[len("/content/") :])))
        return self._reply(Response(404, {"Content-Type": "text/plain"}, b"not found"))

    def _file(self, rel: str) -> Response:
        rel = posixpath.normpath("/" + rel).lstrip("/")
        target = (self.test_lms.root / rel).resolve()
        if self.test_lms.root not in target.parents or not target.is_file():
            return Response(404, {"Content-Type": "text/plain"}, b"not in the package")
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return Response(200, {"Content-Type": kind}, target.read_bytes())

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _dispatch

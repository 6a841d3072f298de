"""A real LRS for the xAPI tests: Ralph (``ralph-malph`` 5.1.0) on 127.0.0.1.

Ralph lives in its own virtualenv, ``.venv-ralph`` (``scripts/test.sh`` creates it), so its many
dependencies never meet the project's. The test process talks to it over HTTP only. It runs
with the file-system backend, Basic auth (a user made for the test session with a random
password) and CORS for the test LMS's origin, through ``ralph_asgi.py``, which corrects the two
defects of that backend. ``stop()``/``start()`` keep the data folder, so a restart keeps the
statements (the "LRS goes away mid-session" test).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from .service import start_service, stop_service

E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parents[1]
RALPH_VENV = REPO_ROOT / ".venv-ralph"
RALPH_PYTHON = RALPH_VENV / "bin" / "python"
RALPH_CLI = RALPH_VENV / "bin" / "ralph"
XAPI_VERSION = "1.0.3"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RalphError(AssertionError):
    pass


class Ralph:
    """One Ralph server: ``start()``, ``stop()``, ``statements(...)``."""

    def __init__(
        self, workdir: Path, cors_origins: list[str], port: int | None = None, page_size: int | None = None
    ) -> None:
        """*page_size*: the most statements Ralph answers per page (its default: 100)."""
        if not RALPH_PYTHON.exists():
            raise RalphError(f"{RALPH_VENV} is missing: run `bash scripts/test.sh` (it creates the Ralph virtualenv)")
        self.workdir = Path(workdir)
        self.port = port or free_port()
        self.username = "coursepack-test"
        self.password = secrets.token_urlsafe(18)  # never printed: tests check no output holds it
        self.cors_origins = cors_origins
        self.proc: subprocess.Popen | None = None
        self.log_path = self.workdir / "ralph.log"
        (self.workdir / "statements").mkdir(parents=True, exist_ok=True)
        self._env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("RALPH_")},
            "RALPH_APP_DIR": str(self.workdir / "app"),
            "RALPH_HISTORY_FILE": str(self.workdir / "history.json"),
            "RALPH_AUTH_FILE": str(self.workdir / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_RUNSERVER_AUTH_BACKENDS": "basic",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.workdir / "statements"),
            "RALPH_BACKENDS__LRS__FS__DEFAULT_LRS_FILE": "fs_lrs.jsonl",
            "RALPH_RUNSERVER_CORS_ALLOW_ORIGINS": json.dumps(cors_origins),
        }
        if page_size:
            self._env["RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT"] = str(page_size)
        self._create_user()

    # ------------------------------------------------------------------ set-up
    def _create_user(self) -> None:
        proc = subprocess.run(
            [
                str(RALPH_CLI),
                "auth",
                "--write-to-disk",
                "-u",
                self.username,
                "-p",
                self.password,
                "-s",
                "statements/write",
                "-s",
                "statements/read",
                "-M",
                f"mailto:{self.username}@example.org",
                "-N",
                self.username,
            ],
            env=self._env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if proc.returncode != 0:
            raise RalphError(f"`ralph auth` exited {proc.returncode}: {self._scrub(proc.stderr)[-2000:]}")

    def _scrub(self, text: str) -> str:
        return text.replace(self.password, "[password]").replace(self.auth_value, "[auth]")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def endpoint(self) -> str:
        """The xAPI endpoint (with the trailing slash xAPI clients append resources to)."""
        return f"{self.url}/xAPI/"

    @property
    def auth_value(self) -> str:
        """The ``Authorization`` header value (``Basic …``)."""
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return f"Basic {token}"

    # ------------------------------------------------------------------ process
    def start(self, timeout: float = 60.0) -> "Ralph":
        assert self.proc is None, "Ralph is already running"
        self.proc = start_service(
            [
                str(RALPH_PYTHON),
                "-m",
                "uvicorn",
                "ralph_asgi:app",
                "--app-dir",
                str(E2E_DIR),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            self.log_path,
            f"{self.url}/__heartbeat__",
            timeout,
            "Ralph",
            self.log_tail,
            RalphError,
            env=self._env,
        )
        return self

    def stop(self) -> None:
        if self.proc is None:
            return
        stop_service(self.proc)
        self.proc = None
        # the port must really be free before a restart binds it again
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) != 0:
                    return
            time.sleep(0.05)

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, size: int = 3000) -> str:
        try:
            return self._scrub(self.log_path.read_text(errors="replace")[-size:])
        except OSError:
            return "(no log)"

    # ------------------------------------------------------------------ writing
    def post(self, statements: list[dict]) -> None:
        """Store *statements* straight in Ralph (no relay); fails unless it answers 200."""
        req = urllib.request.Request(
            f"{self.endpoint}statements",
            data=json.dumps(statements).encode("utf-8"),
            method="POST",
            headers={
                "Authorization": self.auth_value,
                "X-Experience-API-Version": XAPI_VERSION,
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(req, timeout=600) as resp:
            assert resp.status == 200, resp.status

    # ------------------------------------------------------------------ reading
    def _get(self, url: str) -> dict:
        req = urllib.request.Request(
            url, headers={"Authorization": self.auth_value, "X-Experience-API-Version": XAPI_VERSION}
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read().decode("utf-8"))

    def statements(self, **query) -> list[dict]:
        """Every stored statement matching the xAPI query (all pages), oldest stored first."""
        query = {k: v for k, v in query.items() if v is not None}
        query.setdefault("limit", 500)
        out: list[dict] = []
        url = f"{self.endpoint}statements?{urlencode(query)}"
        while url:
            page = self._get(url)
            out.extend(page.get("statements", []))
            more = page.get("more")
            url = f"{self.url}{more}" if more else ""
        out.sort(key=lambda s: s.get("stored", ""))
        return out

    def wait_for_statements(self, predicate, timeout: float = 30.0, what: str = "statements", **query) -> list[dict]:
        """Poll until ``predicate(statements)`` holds; return the statements."""
        deadline = time.monotonic() + timeout
        found: list[dict] = []
        while True:
            found = self.statements(**query)
            if predicate(found):
                return found
            if time.monotonic() >= deadline:
                verbs = [s["verb"]["id"].rsplit("/", 1)[-1] for s in found]
                raise AssertionError(f"timed out after {timeout} s waiting for {what}; the LRS holds {verbs}")
            time.sleep(0.25)

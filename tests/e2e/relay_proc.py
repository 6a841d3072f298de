"""``coursepack relay`` as a subprocess on an ephemeral 127.0.0.1 port, for the e2e tests and bench/relay.py.

The LRS key and secret go to the process in its environment only (never in its arguments); its
stdout and stderr go to a file that tests read back (to check that no line holds them).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from .ralph_lrs import REPO_ROOT, free_port
from .service import start_service, stop_service

CREDENTIAL_ENV = (
    "COURSEPACK_LRS_KEY",
    "COURSEPACK_LRS_SECRET",
    "COURSEPACK_LRS_ENDPOINT",
    "COURSEPACK_LRS_CREDENTIALS",
)


class RelayProcess:
    def __init__(
        self,
        workdir: Path,
        lrs_endpoint: str,
        key: str,
        secret: str,
        courses: list,
        *args: str,
        port: int | None = None,
    ) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.log_path = self.workdir / "relay.log"
        self.argv = [
            sys.executable,
            "-m",
            "builder",
            "relay",
            "--lrs",
            lrs_endpoint,
            "--port",
            str(self.port),
            *[a for c in courses for a in ("--courses", str(c))],
            *args,
        ]
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in CREDENTIAL_ENV},
            "COURSEPACK_LRS_KEY": key,
            "COURSEPACK_LRS_SECRET": secret,
        }
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def statements_url(self) -> str:
        return f"{self.url}/xapi/statements"

    def start(self, timeout: float = 30.0) -> "RelayProcess":
        self.proc = start_service(
            self.argv,
            self.log_path,
            f"{self.url}/health",
            timeout,
            "the relay",
            lambda: self.log_text()[-3000:],
            env=self.env,
            cwd=REPO_ROOT,
        )
        return self

    def stop(self) -> None:
        stop_service(self.proc)
        self.proc = None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def log_records(self) -> list[dict]:
        """Every line of the log as JSON (fails on a line that is not JSON)."""
        return [json.loads(line) for line in self.log_text().splitlines() if line.strip()]

    def post(self, body, content_type: str = "text/plain;charset=UTF-8", headers: dict | None = None):
        """POST *body* (bytes, or JSON-able); return (status, parsed JSON answer or None, headers)."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(
            self.statements_url, data=data, method="POST", headers={"Content-Type": content_type, **(headers or {})}
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                raw, status, got = resp.read(), resp.status, dict(resp.headers)
        except urllib.error.HTTPError as exc:
            raw, status, got = exc.read(), exc.code, dict(exc.headers)
        return status, (json.loads(raw) if raw else None), got

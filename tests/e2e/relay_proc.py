"""``coursepack relay`` as a subprocess on an ephemeral 127.0.0.1 port, for the e2e tests and bench/relay.py.

The LRS key and secret go to the process in its environment only (never in its arguments); its
stdout and stderr go to a file that tests read back (to check that no line holds them).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from .ralph_lrs import REPO_ROOT, free_port

CREDENTIAL_ENV = ("COURSEPACK_LRS_KEY", "COURSEPACK_LRS_SECRET", "COURSEPACK_LRS_ENDPOINT", "COURSEPACK_LRS_CREDENTIALS")


class RelayProcess:
    def __init__(self, workdir: Path, lrs_endpoint: str, key: str, secret: str, courses: list, *args: str,
                 port: int | None = None) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.log_path = self.workdir / "relay.log"
        self.argv = [sys.executable, "-m", "builder", "relay", "--lrs", lrs_endpoint, "--port", str(self.port),
                     *[a for c in courses for a in ("--courses", str(c))], *args]
        self.env = {**{k: v for k, v in os.environ.items() if k not in CREDENTIAL_ENV},
                    "COURSEPACK_LRS_KEY": key, "COURSEPACK_LRS_SECRET": secret}
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def statements_url(self) -> str:
        return f"{self.url}/xapi/statements"

    def start(self, timeout: float = 30.0) -> "RelayProcess":
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.argv, cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the relay exited {self.proc.returncode} while starting:\n{self.log_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"the relay did not answer /health within {timeout} s:\n{self.log_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
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
        req = urllib.request.Request(self.statements_url, data=data, method="POST",
                                     headers={"Content-Type": content_type, **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                raw, status, got = resp.read(), resp.status, dict(resp.headers)
        except urllib.error.HTTPError as exc:
            raw, status, got = exc.read(), exc.code, dict(exc.headers)
        return status, (json.loads(raw) if raw else None), got

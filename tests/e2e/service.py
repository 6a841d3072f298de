"""A local HTTP service as a subprocess for the e2e tests and benchmarks: Ralph, the relay.

Each runs in its own session (so a stop reaches its workers too), appends its output to a log
file, and counts as started once its health URL answers 200.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Optional, Sequence


def start_service(
    argv: Sequence[str],
    log_path: Path,
    health_url: str,
    timeout: float,
    name: str,
    log_tail: Callable[[], str],
    error=AssertionError,
    env: Optional[dict] = None,
    cwd: Optional[Path] = None,
) -> subprocess.Popen:
    """Start *argv* and wait until *health_url* answers 200; raise *error* (with the log's end) if it never does."""
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            list(argv), cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    path = "/" + health_url.split("/", 3)[-1]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise error(f"{name} exited {proc.returncode} while starting:\n{log_tail()}")
        try:
            with urllib.request.urlopen(health_url, timeout=2) as resp:
                if resp.status == 200:
                    return proc
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.1)
    stop_service(proc)
    raise error(f"{name} did not answer {path} within {timeout} s:\n{log_tail()}")


def stop_service(proc: Optional[subprocess.Popen]) -> None:
    """SIGTERM the service's whole session; SIGKILL it if it has not gone after 10 s."""
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

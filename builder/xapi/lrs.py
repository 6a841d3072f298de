"""Talking to an LRS from Python: credentials, and a client around ``tincan`` (1.0.0).

``tincan`` builds the requests and speaks the xAPI resources, but it has no network timeout and
lets socket errors escape as bare exceptions (``../shared/docs/xapi-practice.md`` section 5).
:class:`LRSClient` adds both: every call has a timeout, and every failure becomes an
:class:`LRSError` whose message says what went wrong and what to check, never a traceback and
never a credential.

Credentials come from the environment or a file, never from the command line:

* ``--credentials FILE`` (or ``$COURSEPACK_LRS_CREDENTIALS``): a JSON object with ``endpoint``,
  ``key`` and ``secret``;
* otherwise ``$COURSEPACK_LRS_KEY`` and ``$COURSEPACK_LRS_SECRET``, and ``$COURSEPACK_LRS_ENDPOINT``;
* ``--endpoint URL`` (not a secret) overrides the endpoint from either.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import json
import os
import socket
import ssl
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional
from urllib.parse import urlsplit

from builder.problems import CoursepackError
from builder.sources.xapi import url_problem
from builder.xapi.embed import UsageError
from builder.xapi.vocab import XAPI_VERSION

ENDPOINT_ENV = "COURSEPACK_LRS_ENDPOINT"
KEY_ENV = "COURSEPACK_LRS_KEY"
SECRET_ENV = "COURSEPACK_LRS_SECRET"
CREDENTIALS_ENV = "COURSEPACK_LRS_CREDENTIALS"
DEFAULT_TIMEOUT = 15.0
PAGE_LIMIT = 500
MAX_PAGES = 100_000


class LRSError(CoursepackError):
    """The LRS could not be reached or refused a request (exit code 1)."""

    exit_code = 1


@dataclass(frozen=True)
class Credentials:
    endpoint: str
    key: str = field(repr=False)
    secret: str = field(repr=False)
    source: str = "the environment"  #: where they came from, for messages

    @property
    def auth(self) -> str:
        token = base64.b64encode(f"{self.key}:{self.secret}".encode("utf-8")).decode("ascii")
        return f"Basic {token}"

    @property
    def where(self) -> str:
        """The endpoint's host and port, all that messages and logs show of it."""
        parts = urlsplit(self.endpoint)
        return f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"

    def scrub(self, text: str) -> str:
        """*text* with the secret and the Authorization value (and its token) replaced by ``[hidden]``."""
        for secret in (self.secret, self.auth, self.auth[6:]):
            if secret:
                text = text.replace(secret, "[hidden]")
        return text


def _file_credentials(path: Path, warn) -> Dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
        mode = path.stat().st_mode
    except OSError as exc:
        raise UsageError(f"cannot read the credentials file {path}: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except ValueError:
        raise UsageError(
            f"the credentials file {path} is not JSON; write "
            '{"endpoint": "https://…/xAPI/", "key": "…", "secret": "…"}'
        ) from None
    if not isinstance(data, dict) or not all(isinstance(data.get(k, ""), str) for k in ("endpoint", "key", "secret")):
        raise UsageError(
            f"the credentials file {path} must be a JSON object with text values 'endpoint', 'key' and 'secret'"
        )
    if mode & (stat.S_IRGRP | stat.S_IROTH) and warn:
        warn(f"warning: {path} can be read by other users; restrict it with 'chmod 600 {path}'")
    return data


def load_credentials(
    endpoint: Optional[str] = None, credentials_file: Optional[Path] = None, environ=None, warn=None
) -> Credentials:
    """The endpoint and key to use (see the module documentation for the order).

    :raises UsageError: naming what is missing; values are never shown.
    """
    environ = os.environ if environ is None else environ
    file_name = credentials_file or environ.get(CREDENTIALS_ENV) or None
    if file_name:
        path = Path(file_name)
        data = _file_credentials(path, warn)
        key, secret, source = data.get("key", ""), data.get("secret", ""), str(path)
        found_endpoint = data.get("endpoint", "")
        missing = [name for name, value in (("key", key), ("secret", secret)) if not value]
        if missing:
            raise UsageError(f"the credentials file {path} has no {' and no '.join(repr(m) for m in missing)}")
    else:
        key, secret, source = environ.get(KEY_ENV, ""), environ.get(SECRET_ENV, ""), "the environment"
        found_endpoint = environ.get(ENDPOINT_ENV, "")
        missing = [f"${name}" for name, value in ((KEY_ENV, key), (SECRET_ENV, secret)) if not value]
        if missing:
            raise UsageError(
                f"no LRS credentials: set {' and '.join(missing)}, or give --credentials FILE "
                f"(a JSON file with endpoint, key and secret)"
            )
    endpoint = endpoint or found_endpoint
    if not endpoint:
        raise UsageError(
            f"no LRS endpoint: give --endpoint URL, set ${ENDPOINT_ENV}, or put 'endpoint' in the credentials file"
        )
    problem = url_problem(endpoint, allow_query=False)
    if problem:
        raise UsageError(f"the LRS endpoint {problem}")
    return Credentials(endpoint if endpoint.endswith("/") else endpoint + "/", key, secret, source)


@contextlib.contextmanager
def _socket_timeout(seconds: float) -> Iterator[None]:
    """tincan opens plain ``http.client`` connections without a timeout: give them the default one."""
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


class LRSClient:
    """A few xAPI calls with timeouts and readable errors."""

    def __init__(self, credentials: Credentials, timeout: float = DEFAULT_TIMEOUT):
        try:
            # an optional dependency (the xapi extra), loaded only when used
            from tincan import RemoteLRS
        except ImportError:
            raise LRSError("the xAPI commands need the 'tincan' package: pip install 'coursepack[xapi]'") from None

        self.credentials = credentials
        self.timeout = timeout
        self._lrs = RemoteLRS(endpoint=credentials.endpoint, version=XAPI_VERSION, auth=credentials.auth)
        self._where = credentials.where

    # ------------------------------------------------------------------ plumbing
    def _scrub(self, text: str) -> str:
        return self.credentials.scrub(text)

    def _send(self, what: str, call, *args):
        """Run one tincan call with the timeout; turn every failure into an LRSError with a plain message."""
        with warnings.catch_warnings():
            # tincan leaves its connection open when the network fails: it is closed here, quietly
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                with _socket_timeout(self.timeout):
                    return call(*args)
            except Exception as exc:  # noqa: BLE001 - described below, never shown as a traceback
                message = self._describe(what, exc)
            gc.collect()
        raise LRSError(message)

    def _describe(self, what: str, exc: Exception) -> str:
        if isinstance(exc, socket.timeout):
            return f"{what}: no answer from {self._where} within {self.timeout:g} s"
        if isinstance(exc, ConnectionRefusedError):
            return (
                f"{what}: cannot connect to {self._where}: connection refused "
                f"(is the LRS running, and is the endpoint right?)"
            )
        if isinstance(exc, socket.gaierror):
            return f"{what}: cannot find the host of {self.credentials.endpoint} (check the endpoint)"
        if isinstance(exc, ssl.SSLError):
            return f"{what}: TLS failed with {self._where}: {exc.reason or exc}"
        if isinstance(exc, OSError):
            return f"{what}: network error with {self._where}: {exc.strerror or exc}"
        if isinstance(exc, (ValueError, KeyError, TypeError)):
            return f"{what}: the LRS answered something that is not valid xAPI JSON ({self._scrub(str(exc))[:200]})"
        return f"{what}: {type(exc).__name__}: {self._scrub(str(exc))[:200]}"

    def _raw(self, what: str, method: str, resource: str, params: Optional[Dict[str, Any]] = None):
        """One request through tincan's transport; returns ``(status, body text)``."""
        # an optional dependency (the xapi extra), loaded only when used
        from tincan.http_request import HTTPRequest

        request = HTTPRequest(method=method, resource=resource)
        if params:
            request.query_params = {k: v for k, v in params.items() if v is not None}
        response = self._send(what, self._lrs._send_request, request)
        body = response.data or ""
        if isinstance(body, (bytes, bytearray)):
            body = body.decode("utf-8", errors="replace")
        return response.response.status, body

    def _fail(self, what: str, status: int, body: str, url: str) -> LRSError:
        detail = body.strip()
        try:
            parsed = json.loads(detail)
            if isinstance(parsed, dict) and parsed.get("detail"):
                detail = str(parsed["detail"])
        except ValueError:
            pass
        detail = self._scrub(detail)[:200]
        source = self.credentials.source
        if status == 401:
            return LRSError(
                f"{what}: the LRS refused the credentials (401 Unauthorized); check the key and secret from {source}"
            )
        if status == 403:
            return LRSError(
                f"{what}: the credentials are valid but not allowed to do this (403 Forbidden); "
                f"the key needs the statements/read scope"
            )
        if status == 404:
            return LRSError(
                f"{what}: nothing at {url} (404 Not Found); check the endpoint "
                f"(it usually ends in /xAPI/ or /data/xAPI/)"
            )
        reason = f": {detail}" if detail else ""
        return LRSError(f"{what}: the LRS answered {status}{reason}")

    # ------------------------------------------------------------------ calls
    def about(self) -> Optional[Dict[str, Any]]:
        """The LRS's ``about`` document, or None when it has none (404)."""
        status, body = self._raw("about", "GET", "about")
        if status == 404:
            return None
        if status != 200:
            raise self._fail("about", status, body, self.credentials.endpoint + "about")
        try:
            data = json.loads(body)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def can_read(self) -> bool:
        """Whether the credentials may read statements (False on 403); raises on anything else."""
        status, body = self._raw("statements", "GET", "statements", {"limit": 1})
        if status == 403:
            return False
        if status != 200:
            raise self._fail("reading statements", status, body, self.credentials.endpoint + "statements")
        return True

    def pages(self, **query: Any) -> Iterator[List[Dict[str, Any]]]:
        """The statements matching the xAPI *query*, one page at a time, following ``more`` links.

        Plain dicts, as stored. The JSON is read here rather than by tincan's ``StatementsResult``,
        which rejects some valid statements and would hide a whole report behind one odd record.
        Only one page is held at a time.
        """
        what = "querying statements"
        resource = "statements"
        params: Optional[Dict[str, Any]] = {**{k: v for k, v in query.items() if v is not None}, "limit": PAGE_LIMIT}
        for _ in range(MAX_PAGES):
            status, body = self._raw(what, "GET", resource, params)
            if status != 200:
                raise self._fail(what, status, body, self.credentials.endpoint + "statements")
            try:
                page = json.loads(body)
            except ValueError:
                raise LRSError(f"{what}: the LRS answered something that is not JSON") from None
            if not isinstance(page, dict) or not isinstance(page.get("statements"), list):
                raise LRSError(f"{what}: the LRS answered without a 'statements' list")
            yield [s for s in page["statements"] if isinstance(s, dict)]
            more = page.get("more")
            if not more:
                return
            resource = more if more.startswith(("http://", "https://")) else self._lrs.get_endpoint_server_root() + more
            params = None
        raise LRSError(f"{what}: the LRS kept answering with more pages ({MAX_PAGES}); stopped")

"""Posting accepted batches to the LRS, with the credentials only the relay knows.

The standard library's ``http.client`` does the HTTP (TLS, chunked answers, timeouts), on a
small pool of threads so the server's event loop never waits on the LRS; each thread keeps one
connection alive to the LRS. A connection the LRS closed while idle is opened again and the
batch sent once more, which is safe because the LRS keeps one statement per id.

``tincan`` (used by ``coursepack xapi``) is not used here: it opens a new connection for every
call and has no timeout (``../shared/docs/xapi-practice.md`` section 5). The credentials come
from :func:`builder.xapi.lrs.load_credentials`, the same as for ``coursepack xapi``; the
``Authorization`` value is only ever put in the request header, and anything the LRS answers is
scrubbed of it before it goes anywhere.
"""

from __future__ import annotations

import asyncio
import http.client
import socket
import ssl
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import urlsplit

from builder.xapi.lrs import Credentials
from builder.xapi.vocab import XAPI_VERSION

MAX_ANSWER = 1024 * 1024  #: bytes of an LRS answer read at most (a page of a registration's statements)


@dataclass(frozen=True)
class Answer:
    """What the LRS answered: its status (0: no answer), a short scrubbed detail, Retry-After."""

    status: int
    detail: str = ""
    retry_after: Optional[str] = None
    timeout: bool = False
    body: str = field(default="", repr=False)  #: the whole answer of a GET (statements), else empty


class Forwarder:
    def __init__(self, credentials: Credentials, timeout: float = 10.0, connections: int = 8):
        self.credentials = credentials
        self.timeout = timeout
        parts = urlsplit(credentials.endpoint)
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port or (443 if self._https else 80)
        self._path = (parts.path if parts.path.endswith("/") else parts.path + "/") + "statements"
        self.where = credentials.where  #: for logs: host and port, nothing else
        self._context = ssl.create_default_context() if self._https else None
        self._local = threading.local()
        self._open: set = set()  #: every connection made, to close them all at the end
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=connections, thread_name_prefix="coursepack-relay-lrs")
        self._headers = {
            "Authorization": credentials.auth,
            "Content-Type": "application/json",
            "X-Experience-API-Version": XAPI_VERSION,
            "Accept": "application/json",
        }

    async def post(self, body: bytes) -> Answer:
        """POST *body* (a JSON array of statements) to the LRS's statements resource."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._request, "POST", self._path, body)

    async def get(self, query: str) -> Answer:
        """GET the statements resource with *query* (``verb=…&…``), or a ``more`` path the LRS gave.

        The answer's ``body`` holds the JSON text (at most :data:`MAX_ANSWER` bytes are read).
        """
        path = query if query.startswith("/") else f"{self._path}?{query}"
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._request, "GET", path, None)

    def close(self) -> None:
        """Stop the threads (after the requests in flight) and close their connections."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            for conn in self._open:
                conn.close()
            self._open.clear()

    # ------------------------------------------------------------------ in a pool thread
    def _connection(self, fresh: bool = False) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is not None and fresh:
            conn.close()
            with self._lock:
                self._open.discard(conn)
            conn = None
        if conn is None:
            if self._https:
                conn = http.client.HTTPSConnection(self._host, self._port, timeout=self.timeout, context=self._context)
            else:
                conn = http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)
            self._local.conn = conn
            with self._lock:
                self._open.add(conn)
        return conn

    def _request(self, method: str, path: str, body: Optional[bytes]) -> Answer:
        for attempt in (1, 2):
            conn = self._connection(fresh=attempt == 2)
            reused = conn.sock is not None
            try:
                conn.request(method, path, body=body, headers=self._headers)
                response = conn.getresponse()
                data = response.read(MAX_ANSWER)
                if response.will_close or not response.isclosed():
                    conn.close()  # an answer not read to its end cannot share the connection
                text = data.decode("utf-8", errors="replace")
                return Answer(
                    response.status,
                    self._scrub(text),
                    response.getheader("Retry-After"),
                    body=text if method == "GET" else "",
                )
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                conn.close()
                if attempt == 1 and reused:
                    continue  # the LRS closed the idle connection: once more on a new one
                return Answer(0, f"the connection to {self.where} was closed ({type(exc).__name__})")
            except socket.timeout:
                conn.close()
                return Answer(0, f"no answer from {self.where} within {self.timeout:g} s", timeout=True)
            except ssl.SSLError as exc:
                conn.close()
                return Answer(0, f"TLS failed with {self.where}: {exc.reason or type(exc).__name__}")
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                reason = getattr(exc, "strerror", None) or type(exc).__name__
                return Answer(0, f"cannot reach {self.where}: {reason}")
        return Answer(0, f"cannot reach {self.where}")  # not reached

    def _scrub(self, text: str) -> str:
        return self.credentials.scrub(text.strip()[:300])

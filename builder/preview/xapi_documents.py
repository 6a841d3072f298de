"""xAPI document resources (State, Agent Profile) with the HTTP semantics of xAPI 1.0.3, in memory.

For the preview's cmi5 LMS (:mod:`builder.preview.cmi5_lms`), which keeps the documents a cmi5 AU
reads and writes. Communication section 2.2 (documents, JSON merge on POST), 2.3 (State), 2.6
(Agent Profile) and 3.1 (concurrency with ETags):

* PUT stores, POST merges the top-level properties of two JSON objects (400 when either is not
  one), GET returns the document with its ``ETag`` (the quoted SHA-1 of its bytes) and
  ``Last-Modified``, DELETE removes; without a document id, GET lists the ids (``since``:
  changed after) and DELETE (State only) removes every document of the scope.
* ``If-Match`` and ``If-None-Match: *`` are honoured (412 when they fail); a PUT to an existing
  Agent Profile document without either is a 409, as section 3.1 requires of profiles and
  not of State.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from datetime import datetime, timezone
from email.utils import formatdate
from typing import Callable, Dict, List, NamedTuple, Optional, Tuple

XAPI_VERSION = "1.0.3"
JSON_TYPE = "application/json"

Scope = Tuple[str, ...]  #: what a set of documents belongs to, e.g. ("state", activity, agent, registration)


class Response(NamedTuple):
    """An HTTP answer, independent of any server: status, headers and body."""

    status: int
    headers: Dict[str, str]
    body: bytes = b""


def answer(status: int, data=None, headers: Optional[Dict[str, str]] = None) -> Response:
    """A response with the xAPI version header and, when *data* is given, a JSON body."""
    out = {"X-Experience-API-Version": XAPI_VERSION, **(headers or {})}
    if data is None:
        return Response(status, out)
    out.setdefault("Content-Type", JSON_TYPE)
    return Response(status, out, json.dumps(data).encode("utf-8"))


def error(status: int, message: str) -> Response:
    return answer(status, {"error": message})


class Document(NamedTuple):
    content: bytes
    content_type: str
    updated: float  #: time.time() of the last change

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.content).hexdigest() + '"'

    def json_object(self) -> Optional[dict]:
        """The document as a JSON object, or None when it is not one."""
        if self.content_type.split(";")[0].strip().lower() != JSON_TYPE:
            return None
        try:
            value = json.loads(self.content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None
        return value if isinstance(value, dict) else None


def parse_since(value: Optional[str]) -> Optional[float]:
    """The ``since`` parameter as a POSIX time; ValueError when it is not an ISO 8601 timestamp."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


class DocumentStore:
    """Documents by scope and id, thread-safe. *clock* gives the time of each change."""

    def __init__(self, clock: Callable[[], float] = time.time):
        self.clock = clock
        self._docs: Dict[Scope, Dict[str, Document]] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ direct use (the LMS's own writes)
    def put(self, scope: Scope, doc_id: str, content: bytes, content_type: str = JSON_TYPE) -> None:
        with self._lock:
            self._docs.setdefault(scope, {})[doc_id] = Document(content, content_type, self.clock())

    def get(self, scope: Scope, doc_id: str) -> Optional[Document]:
        with self._lock:
            return self._docs.get(scope, {}).get(doc_id)

    def ids(self, scope: Scope) -> List[str]:
        with self._lock:
            return sorted(self._docs.get(scope, {}))

    # ------------------------------------------------------------------ the HTTP resource
    def request(
        self,
        method: str,
        scope: Scope,
        doc_id: Optional[str],
        headers: Dict[str, str],
        body: bytes,
        *,
        since: Optional[str] = None,
        profile: bool = False,
    ) -> Response:
        """Answer one request on the documents of *scope* (*doc_id* None: the whole scope).

        :param headers: request headers with lower-case names.
        :param profile: Agent/Activity Profile rules (a PUT needs a precondition) instead of State's.
        """
        if doc_id is None:
            return self._many(method, scope, since, profile)
        with self._lock:
            docs = self._docs.setdefault(scope, {})
            current = docs.get(doc_id)
            failed = _precondition_failed(headers, current)
            if method in ("GET", "HEAD"):
                if current is None:
                    return error(404, f"no document '{doc_id}'")
                extra = {"Content-Type": current.content_type, "ETag": current.etag}
                extra["Last-Modified"] = formatdate(current.updated, usegmt=True)
                return Response(200, {"X-Experience-API-Version": XAPI_VERSION, **extra}, current.content)
            if failed:
                return error(412, failed)
            content_type = headers.get("content-type", "application/octet-stream")
            if method == "PUT":
                if profile and current is not None and not ("if-match" in headers or "if-none-match" in headers):
                    return error(
                        409,
                        "this profile document exists: check its current state, then send If-Match with its ETag",
                    )
                docs[doc_id] = Document(body, content_type, self.clock())
                return answer(204)
            if method == "POST":
                posted = Document(body, content_type, self.clock())
                if current is not None:
                    old, new = current.json_object(), posted.json_object()
                    if old is None or new is None:
                        return error(400, "POST merges JSON objects: both documents must be application/json objects")
                    posted = Document(json.dumps({**old, **new}).encode("utf-8"), JSON_TYPE, posted.updated)
                docs[doc_id] = posted
                return answer(204)
            if method == "DELETE":
                docs.pop(doc_id, None)
                return answer(204)
        return error(405, f"{method} is not allowed here")

    def _many(self, method: str, scope: Scope, since: Optional[str], profile: bool) -> Response:
        try:
            after = parse_since(since)
        except ValueError:
            return error(400, f"since '{since}' is not an ISO 8601 timestamp")
        with self._lock:
            docs = self._docs.get(scope, {})
            if method in ("GET", "HEAD"):
                chosen = {k: d for k, d in docs.items() if after is None or d.updated > after}
                body = json.dumps(sorted(chosen)).encode("utf-8")
                extra = {"Content-Type": JSON_TYPE, "ETag": '"' + hashlib.sha1(body).hexdigest() + '"'}
                if chosen:
                    extra["Last-Modified"] = formatdate(max(d.updated for d in chosen.values()), usegmt=True)
                return Response(200, {"X-Experience-API-Version": XAPI_VERSION, **extra}, body)
            if method == "DELETE" and not profile:
                self._docs.pop(scope, None)
                return answer(204)
        return error(400, "this request needs a document id (stateId or profileId)")


def _precondition_failed(headers: Dict[str, str], current: Optional[Document]) -> Optional[str]:
    """Why ``If-Match`` / ``If-None-Match`` fail against *current* (RFC 2616 14.24, 14.26), or None."""
    match = headers.get("if-match")
    if match is not None:
        tags = [t.strip() for t in match.split(",")]
        if current is None or ("*" not in tags and current.etag not in tags):
            return "If-Match does not match the document's current ETag"
    none_match = headers.get("if-none-match")
    if none_match is not None and current is not None:
        tags = [t.strip() for t in none_match.split(",")]
        if "*" in tags or current.etag in tags:
            return "If-None-Match: the document exists"
    return None

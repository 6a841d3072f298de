"""Statement sequences no package sends, checked within a batch and against what the LRS already holds.

For one learner, course and registration the runtime sends at most one ``completed`` (it keeps a
"completed" flag with the registration), at most one ``passed`` (a passed quiz is never taken
again), no ``failed`` after a ``passed``, and no more ``passed`` and ``failed`` statements
together than the quiz allows attempts (when it limits them). A statement with the id of one
already counted is the same statement sent again, never a second one.

:func:`check_sequences` checks a batch; given ``history`` (the course statements the LRS holds for
the registrations concerned, fetched by the app with :func:`history_keys`), it also checks the
batch against them. Two batches that arrive at the same moment are not checked against each other.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Tuple

from builder.xapi.relay.errors import Refused
from builder.xapi.timestamps import parse_timestamp

TRACKED = ("passed", "failed", "completed")
Key = Tuple[str, str, str, str]  #: (homePage, account name, course IRI, registration)


def statement_key(s: Dict[str, Any]) -> Key:
    account = s["actor"]["account"]
    return (account["homePage"], account["name"], s["object"]["id"], s["context"]["registration"].lower())


def _verb(s: Dict[str, Any], allow) -> Optional[str]:
    verb = s.get("verb") or {}
    return allow.verb_names.get(verb.get("id")) if isinstance(verb.get("id"), str) else None


def history_keys(statements: Iterable[Dict[str, Any]], allow) -> List[Key]:
    """The registrations whose stored statements the LRS must be asked for (only for passed, failed, completed)."""
    out: List[Key] = []
    for s in statements:
        if _verb(s, allow) in TRACKED:
            key = statement_key(s)
            if key not in out:
                out.append(key)
    return out


def _moment(s: Dict[str, Any]) -> float:
    try:
        return parse_timestamp(str(s.get("timestamp", ""))).timestamp()
    except (ValueError, OverflowError):
        return float("-inf")  # a stored statement without a readable time counts as earlier


def _attempts(s: Dict[str, Any], allow) -> int:
    """The quiz's attempts for the statement's release (0: unlimited)."""
    course = allow.courses[s["object"]["id"]]
    version = s["context"]["extensions"][course.version_extension]
    limits = [(r.release.quiz or {}).get("attempts") or 0 for r in course.releases.get(version, [])]
    return 0 if not limits or 0 in limits else max(limits)


def check_sequences(statements: List[Dict[str, Any]], allow, history: Optional[Dict[Key, List[dict]]] = None) -> None:
    """Raise :class:`Refused` (rule ``sequence``, with the index) for a statement no package would send next."""
    seen: Dict[Key, Dict[str, Dict[str, Any]]] = {}  #: key -> {id: {verb, at}} of what came before
    for key, stored in (history or {}).items():
        for s in stored:
            verb = _verb(s, allow)
            if verb in TRACKED and isinstance(s.get("id"), str):
                seen.setdefault(key, {})[s["id"].lower()] = {"verb": verb, "at": _moment(s)}
    for index, s in enumerate(statements):
        verb = _verb(s, allow)
        if verb not in TRACKED:
            continue
        key = statement_key(s)
        sid = s["id"].lower()
        before = {i: e for i, e in seen.get(key, {}).items() if i != sid}
        verbs = [e["verb"] for e in before.values()]
        problem = None
        if verb == "completed" and "completed" in verbs:
            problem = "a second 'completed' in one registration (the package sends it once)"
        elif verb == "passed" and "passed" in verbs:
            problem = "a second 'passed' in one registration (a passed quiz is not taken again)"
        elif verb == "failed" and any(e["verb"] == "passed" and e["at"] <= _moment(s) for e in before.values()):
            problem = "'failed' after 'passed' in one registration (a passed quiz is not taken again)"
        elif verb in ("passed", "failed"):
            attempts = _attempts(s, allow)
            if attempts and verbs.count("passed") + verbs.count("failed") >= attempts:
                problem = f"more scored attempts in one registration than the quiz allows ({attempts})"
        if problem:
            raise Refused("sequence", problem, index)
        seen.setdefault(key, {})[sid] = {"verb": verb, "at": _moment(s)}

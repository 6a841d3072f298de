"""Seal each question's answer key so the package never holds it in plain text.

The correct answer, the explanation and the per-choice feedback of a question are written into
the runtime configuration as ``key``: their JSON (UTF-8) XOR-ed with a keystream and encoded in
base64. The keystream is the low byte of successive states of a 32-bit xorshift generator seeded
with the FNV-1a hash of ``<course id>/<fingerprint>/<question id>`` (builder/randomness.py); the
runtime reverses it when it needs the answer (``builder/engine.py`` is its twin). This is a
keyed transform, not encryption: it stops a learner from reading the answers with view-source or
a text search, nothing more. Anyone who reads the runtime can undo it (the README says so),
because scoring happens in the browser.
"""

from __future__ import annotations

import binascii
import json
from typing import Any

from builder.randomness import fnv1a, keystream


def key_seed(course_id: str, fingerprint: str, question_id: str) -> int:
    return fnv1a(f"{course_id}/{fingerprint}/{question_id}") or 1


def seal(value: Any, seed: int) -> str:
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return binascii.b2a_base64(keystream(data, seed), newline=False).decode("ascii")


def unseal(text: str, seed: int) -> Any:
    """The inverse of :func:`seal`; ValueError when *text* is not a sealed value."""
    return json.loads(keystream(binascii.a2b_base64(text), seed).decode("utf-8"))

"""Seal each question's answer key so the package never holds it in plain text.

The correct answer, the explanation and the per-choice feedback of a question are written into
the runtime configuration as ``key``: their JSON (UTF-8) XOR-ed with a keystream and encoded in
base64. The keystream is the low byte of successive states of a 32-bit xorshift generator seeded
with the FNV-1a hash of ``<course id>/<fingerprint>/<question id>``; ``templates/runtime/quiz.js``
reverses it when it needs the answer. This is a keyed transform, not encryption: it stops a
learner from reading the answers with view-source or a text search, nothing more. Anyone who
reads the runtime can undo it (the README says so), because scoring happens in the browser.
"""

from __future__ import annotations

import binascii
import json
from typing import Any


def fnv1a(text: str) -> int:
    """32-bit FNV-1a over the UTF-8 bytes of *text*."""
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def key_seed(course_id: str, fingerprint: str, question_id: str) -> int:
    return fnv1a(f"{course_id}/{fingerprint}/{question_id}") or 1


def _keystream(data: bytes, seed: int) -> bytes:
    """*data* XOR-ed with the keystream (the xorshift32 steps are inlined: thousands of questions)."""
    out = bytearray(data)
    x = seed
    for i in range(len(out)):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out[i] ^= x & 0xFF
    return bytes(out)


def seal(value: Any, seed: int) -> str:
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return binascii.b2a_base64(_keystream(data, seed), newline=False).decode("ascii")


def unseal(text: str, seed: int) -> Any:
    """The inverse of :func:`seal` (for tests and support tools)."""
    return json.loads(_keystream(binascii.a2b_base64(text), seed).decode("utf-8"))

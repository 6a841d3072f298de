"""Test-side reading of the sealed answer keys in a built package (README, "The answer key").

Written from the documented transform, independently of builder/answerkey.py: the tests take
the correct answers from the package itself, as a learner with the documentation could.
"""

from __future__ import annotations

import base64
import json


def _fnv1a(text: str) -> int:
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h ^= byte
        h = (h * 0x01000193) % 2**32
    return h


def _next(x: int) -> int:
    x = (x ^ (x << 13)) % 2**32
    x = x ^ (x >> 17)
    return (x ^ (x << 5)) % 2**32


def unseal(config: dict, question: dict) -> dict:
    """``{"k": key, "e": explanation, "f": [choice feedback]}`` of one question of the runtime config."""
    data = bytearray(base64.b64decode(question["key"]))
    x = _fnv1a(f"{config['course']['id']}/{config['fingerprint']}/{question['id']}") or 1
    for i in range(len(data)):
        x = _next(x)
        data[i] ^= x & 0xFF
    return json.loads(data.decode("utf-8"))


def with_answers(config: dict) -> list[dict]:
    """The quiz questions of *config*, each with its unsealed ``answer``, ``explanation`` and ``choice_feedback``."""
    out = []
    for q in (config.get("quiz") or {}).get("questions") or []:
        secret = unseal(config, q)
        out.append(
            {**q, "answer": secret.get("k"), "explanation": secret.get("e", ""), "choice_feedback": secret.get("f", [])}
        )
    return out

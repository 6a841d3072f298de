"""Test-side reading of the sealed answer keys in a built package (README, "The answer key").

The keys are opened with builder/answerkey.py, the transform the runtime reverses, which
tests/vectors/seal.json pins independently of both: the tests take the correct answers from the
package itself, as a learner with the documentation could, and the runtime must score them so.
"""

from __future__ import annotations

from builder.answerkey import key_seed
from builder.answerkey import unseal as open_sealed


def unseal(config: dict, question: dict) -> dict:
    """``{"k": key, "e": explanation, "f": [choice feedback]}`` of one question of the runtime config."""
    return open_sealed(question["key"], key_seed(config["course"]["id"], config["fingerprint"], question["id"]))


def with_answers(config: dict) -> list[dict]:
    """The quiz questions of *config*, each with its unsealed ``answer``, ``explanation`` and ``choice_feedback``."""
    out = []
    for q in (config.get("quiz") or {}).get("questions") or []:
        secret = unseal(config, q)
        out.append(
            {**q, "answer": secret.get("k"), "explanation": secret.get("e", ""), "choice_feedback": secret.get("f", [])}
        )
    return out

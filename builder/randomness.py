"""The deterministic randomness the package and the runtime share: xorshift32, FNV-1a, streams, shuffles.

The runtime (``templates/runtime/``) computes the same numbers in the browser: the answer-key
keystream (``builder/answerkey.py``) and the layout of an attempt from its seed
(``builder/engine.py``; docs/architecture.md, section 5). ``tests/vectors/`` pins both sides.
"""

from __future__ import annotations

from typing import Callable, List, Sequence

MASK = 0xFFFFFFFF
FNV_OFFSET = 0x811C9DC5
FNV_PRIME = 0x01000193


def xorshift32(x: int) -> int:
    """One step of the 32-bit xorshift generator (13, 17, 5)."""
    x ^= (x << 13) & MASK
    x ^= x >> 17
    x ^= (x << 5) & MASK
    return x & MASK


def fnv1a(text: str) -> int:
    """32-bit FNV-1a over the UTF-8 bytes of *text*."""
    h = FNV_OFFSET
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * FNV_PRIME) & MASK
    return h


def keystream(data: bytes, seed: int) -> bytes:
    """*data* XOR-ed with the low byte of the successive xorshift32 states after *seed*.

    The step is written out here, with literal masks, rather than calling :func:`xorshift32`, and
    the bytes are XOR-ed as one integer: a build seals every question's key, and per-byte calls,
    global lookups or item updates would cost a tenth more.
    """
    n = len(data)
    stream = bytearray(n)
    x = seed
    for i in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        stream[i] = x & 0xFF
    return (int.from_bytes(data, "little") ^ int.from_bytes(stream, "little")).to_bytes(n, "little")


def stream(seed: int, label: str) -> Callable[[], float]:
    """Numbers in [0, 1) for one purpose of one attempt: xorshift32 from ``(seed ^ FNV-1a(label)) or 1``."""
    state = ((seed ^ fnv1a(label)) & MASK) or 1

    def next_number() -> float:
        nonlocal state
        state = xorshift32(state)
        return state / 4294967296

    return next_number


def shuffled(items: Sequence, next_number: Callable[[], float]) -> List:
    """A Fisher-Yates shuffle from the end (``j = floor(r * (i + 1))``) of a copy of *items*."""
    out = list(items)
    for i in range(len(out) - 1, 0, -1):
        j = int(next_number() * (i + 1))
        out[i], out[j] = out[j], out[i]
    return out


def shuffled_keeping_fixed(fixed: Sequence[bool], next_number: Callable[[], float]) -> List[int]:
    """Option indices by position after a shuffle in which the options marked *fixed* keep their place."""
    free = [i for i, is_fixed in enumerate(fixed) if not is_fixed]
    out = list(range(len(fixed)))
    for slot, index in zip(free, shuffled(free, next_number)):
        out[slot] = index
    return out

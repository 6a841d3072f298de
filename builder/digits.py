"""The digits of suspend_data (docs/architecture.md, section 5): base-36 numbers and seeds, base64url bitmaps."""

from __future__ import annotations

import math
from typing import List, Optional, Sequence

BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
SEED_LENGTH = 5  #: an attempt's seed: 5 base-36 digits, 36**5 layouts


def base36(n: int) -> str:
    """*n* (>= 0) in base 36, lowercase, as JavaScript's ``n.toString(36)``."""
    out = ""
    while True:
        n, rem = divmod(n, 36)
        out = BASE36[rem] + out
        if not n:
            return out


def bitmap(flags: Sequence[bool]) -> str:
    """Flags as base64url digits, 6 per character: bit ``i % 6`` of character ``i // 6`` is flag ``i``."""
    out = ""
    for start in range(0, len(flags), 6):
        out += BASE64URL[sum(1 << bit for bit, on in enumerate(flags[start : start + 6]) if on)]
    return out


def bitmap_length(n: int) -> int:
    """Characters of a bitmap of *n* flags."""
    return math.ceil(n / 6)


def read_bitmap(text: str, n: int) -> Optional[List[bool]]:
    """The *n* flags of a bitmap, or None when *text* is not one of that length (unused bits are ignored)."""
    if len(text) != bitmap_length(n) or any(c not in BASE64URL for c in text):
        return None
    return [bool(BASE64URL.index(text[i // 6]) >> (i % 6) & 1) for i in range(n)]

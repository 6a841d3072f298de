"""JavaScript's string and number rules where the runtime's results depend on them.

The Python twin of the quiz engine (``builder/engine.py``) must give what the browser gives, so
it trims, counts, slices and parses text the way JavaScript does: ``\\s`` and ``trim()`` know
more spaces than ``str.split()``, a string's length counts UTF-16 code units, ``parseInt``
reads a prefix, and ``Math.round`` rounds halves up.
"""

from __future__ import annotations

import math
import re
from typing import Optional, Union

# Patterns are compiled on first use (re's cache), not at import: a build never needs them.
#: JavaScript's ``\\s`` (what ``trim()`` removes: WhiteSpace and LineTerminator), as the body of a character class.
SPACE_CLASS = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_SPACE_RUN = f"[{SPACE_CLASS}]+"
_TRIM = f"\\A[{SPACE_CLASS}]+|[{SPACE_CLASS}]+\\Z"
_DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"
#: A number as the runtime reads what a learner typed (``parseNumber``): optional sign, digits, '.' or ','.
_TYPED_NUMBER = f"[{SPACE_CLASS}]*([+-]?)([0-9]*)(?:[.,]([0-9]*))?[{SPACE_CLASS}]*"
_DECIMAL_LITERAL = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_PREFIXED = {"0x": 16, "0o": 8, "0b": 2}


def trim(text: str) -> str:
    """``text.trim()``."""
    return re.sub(_TRIM, "", text)


def replace_spaces(text: str, by: str) -> str:
    """``text.replace(/\\s+/g, by)``."""
    return re.sub(_SPACE_RUN, by, text)


def length(text: str) -> int:
    """``text.length``: UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def to_units(text: str) -> str:
    """*text* with every character outside the BMP written as its two surrogates (one per code unit)."""
    data = text.encode("utf-16-le", "surrogatepass")
    return "".join(chr(int.from_bytes(data[i : i + 2], "little")) for i in range(0, len(data), 2))


def from_units(units: str) -> str:
    """The inverse of :func:`to_units`: surrogate pairs joined again (a lone surrogate stays as it is)."""
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def slice_units(text: str, end: int) -> str:
    """``text.slice(0, end)``: the first *end* UTF-16 code units."""
    return from_units(to_units(text)[:end])


def parse_int(text: str, radix: int) -> Optional[int]:
    """``parseInt(text, radix)`` for radix 2..36: None where JavaScript gives NaN."""
    s = trim(text)
    sign = -1 if s[:1] == "-" else 1
    if s[:1] in "+-":
        s = s[1:]
    digits = _DIGITS36[:radix] + _DIGITS36[10:radix].upper()
    n = 0
    while n < len(s) and s[n] in digits:
        n += 1
    return sign * int(s[:n], radix) if n else None


def parse_typed_number(raw: str) -> Optional[str]:
    """A number as typed (``-3,50``) in plain decimal form (``-3.5``), or None when it is not a number."""
    m = re.fullmatch(_TYPED_NUMBER, str(raw))
    if not m or (m.group(2) == "" and not m.group(3)):
        return None
    whole = m.group(2).lstrip("0") or "0"
    fraction = (m.group(3) or "").rstrip("0")
    value = whole + (f".{fraction}" if fraction else "")
    return ("-" if m.group(1) == "-" and re.search("[1-9]", value) else "") + value


def number(text: str) -> float:
    """``Number(text)`` for a string (NaN where JavaScript gives NaN)."""
    s = trim(text)
    if s == "":
        return 0.0
    if s in ("Infinity", "+Infinity", "-Infinity"):
        return -math.inf if s[0] == "-" else math.inf
    base = _PREFIXED.get(s[:2].lower())
    if base:
        return float(int(s[2:], base)) if s[2:] and all(c in _DIGITS36[:base] for c in s[2:].lower()) else math.nan
    return float(s) if re.fullmatch(_DECIMAL_LITERAL, s) else math.nan


def round_half_up(x: float) -> int:
    """``Math.round(x)``: to the nearest integer, halves towards +infinity."""
    whole = math.floor(x)
    return whole + 1 if x - whole >= 0.5 else whole


def shortest_number(value: Union[int, float]) -> Union[int, float]:
    """75.0 -> 75, so the runtime and the LMS see the shortest form (as JavaScript writes numbers)."""
    return int(value) if float(value).is_integer() else value

"""The certificate's verification code, for a CE provider checking a printed certificate.

The player (``templates/runtime/certificate.js``) prints this code on the certificate; the
same inputs give the same code here::

    input  = UTF-8 of "coursepack-certificate-1\\n<course id>\\n<version>\\n<learner id>\\n<YYYY-MM-DD>"
    digest = SHA-256(input)
    code   = the first 60 bits of the digest as 12 Crockford base-32 digits, in groups of four

The learner id is ``cmi.core.student_id`` exactly as the LMS sends it (Moodle: the username);
the date is the completion date printed on the certificate. The code is not a signature: anyone
who knows the inputs can compute it. It ties the printed course, version, learner and date
together, so a changed date or a certificate copied to another learner does not check out.
"""

from __future__ import annotations

import datetime
import hashlib
import re

CODE_VERSION = "coursepack-certificate-1"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U
CODE_DIGITS = 12
#: How people misread Crockford digits (and lowercase): read back as the digit meant.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def parse_date(text: str) -> str:
    """``YYYY-MM-DD`` checked as a real date, or ValueError."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text or ""):
        raise ValueError(f"'{text}' is not a date written YYYY-MM-DD")
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a date (no such day)") from None
    return text


def verification_code(course_id: str, version: str, learner_id: str, date: str) -> str:
    """The code printed on the certificate of *learner_id* for *course_id* *version* on *date*."""
    data = "\n".join([CODE_VERSION, course_id, version, learner_id, parse_date(date)]).encode("utf-8")
    bits = int.from_bytes(hashlib.sha256(data).digest()[:8], "big") >> (64 - 5 * CODE_DIGITS)
    digits = [ALPHABET[(bits >> (5 * (CODE_DIGITS - 1 - i))) & 31] for i in range(CODE_DIGITS)]
    return "-".join("".join(digits[i : i + 4]) for i in range(0, CODE_DIGITS, 4))


def normalize_code(text: str) -> str:
    """A code as typed (any case, spaces or dashes, O for 0, I or L for 1) in its printed form."""
    raw = re.sub(r"[\s-]", "", text or "").upper().translate(_READ_AS)
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def codes_match(typed: str, course_id: str, version: str, learner_id: str, date: str) -> bool:
    return normalize_code(typed) == verification_code(course_id, version, learner_id, date)

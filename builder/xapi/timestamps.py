"""xAPI timestamps and the learner's local date, shared by the relay and the completions report."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Tuple


def parse_timestamp(text: str) -> datetime:
    """An xAPI timestamp (ISO 8601 with a zone, up to nine decimals) as an aware datetime.

    :raises ValueError: it is not one.
    """
    text = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    head, dot, rest = text.partition(".")
    if dot:  # Python 3.9/3.10 read at most 6 decimals
        digits = len(rest) - len(rest.lstrip("0123456789"))
        text = f"{head}.{rest[:digits][:6].ljust(6, '0')}{rest[digits:]}"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("no time zone")
    return moment


def local_dates(timestamp: str) -> Tuple[str, str, str]:
    """The learner's possible local dates at *timestamp*: its UTC date, then the day before and after.

    Time zones run from UTC-12 to UTC+14, so the date on the learner's clock is one of these.
    """
    day = parse_timestamp(timestamp).astimezone(timezone.utc).date()
    return tuple((day + timedelta(days=n)).isoformat() for n in (0, -1, 1))

"""Secrets in URLs: hidden in every message, and named so that a package never carries one by accident.

A URL can carry a credential in its user part (``https://user:password@host``) or in its query
(``?token=…``, ``?key=…``, a signed URL's ``X-Amz-Signature=…``). Messages go to terminals and CI
logs, so :func:`redact` hides those parts wherever a message shows a URL; what ends up in a
package is checked with :func:`url_secret`.
"""

from __future__ import annotations

import re
from typing import Optional
from urllib.parse import parse_qsl, urlsplit

#: Query parameter names that look like credentials (matched anywhere in the name, any case).
SECRET_PARAMETER = re.compile(
    r"token|key|secret|passw|pwd|credential|session|jwt|bearer|signature|auth(?!or)|^sig$|[_-]sig$", re.I
)
HIDDEN = "***"
_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>`]+")
_PARAMETER = re.compile(r"([?&;])([^=&;#]*)=([^&;#]*)")


def url_secret(url: str) -> Optional[str]:
    """What in *url* looks like a credential ("a user name or password", "the query parameter 'token'"), or None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.username or parts.password:
        return "a user name or password"
    for name, _value in parse_qsl(parts.query, keep_blank_values=True):
        if SECRET_PARAMETER.search(name):
            return f"the query parameter '{name}'"
    return None


def redact_url(url: str) -> str:
    """*url* with its user part and the values of secret-looking query parameters replaced by ``***``."""
    scheme, sep, rest = url.partition("://")
    authority_end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority = rest[:authority_end]
    if "@" in authority:
        rest = HIDDEN + "@" + authority.rsplit("@", 1)[1] + rest[authority_end:]
    rest = _PARAMETER.sub(
        lambda m: f"{m.group(1)}{m.group(2)}={HIDDEN}" if SECRET_PARAMETER.search(m.group(2)) else m.group(0), rest
    )
    return scheme + sep + rest


def redact(text: Optional[str]) -> Optional[str]:
    """*text* with every URL in it redacted (:func:`redact_url`)."""
    if not text or "://" not in text:
        return text
    return _URL.sub(lambda m: redact_url(m.group(0)), text)

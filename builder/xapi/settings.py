"""The ``xapi:`` block of ``course.yaml``, read with the same located errors as the rest of the file.

    xapi:
      base_iri: https://ce.example.org/xapi      # required: activity IRIs live under it; never change it
      lms_homepage: https://lms.example.org      # the LMS's URL: actor account homePage in SCORM packages
      learner_name: false                        # send cmi.core.student_name with the actor (default false)
      relay_url: https://relay.example.org/xapi/statements   # a relay that takes statements without credentials

:func:`read_xapi` is called by ``builder/source.py`` with its ``Reader``.
"""

from __future__ import annotations

import re
from typing import Optional
from urllib.parse import urlsplit

from builder.model import XapiSettings

XAPI_KEYS = ("base_iri", "lms_homepage", "learner_name", "relay_url")
_SPACE = re.compile(r"\s")


def url_problem(value: str, *, allow_query: bool = True) -> Optional[str]:
    """Why *value* is not an absolute http(s) URL we accept, or None when it is fine."""
    if _SPACE.search(value):
        return "must not contain spaces"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return "is not a valid URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an absolute http:// or https:// address"
    if parts.username or parts.password:
        return "must not contain a user name or password"
    if parts.fragment or (parts.query and not allow_query):
        return "must not contain '?' or '#'"
    return None


def read_xapi(r, m) -> Optional[XapiSettings]:
    """The xAPI settings from mapping *m* (``course.yaml``), or None when the block is absent or wrong."""
    if "xapi" not in m:
        return None
    path = ("xapi",)
    x = r.mapping(m["xapi"], path, XAPI_KEYS, required=("base_iri",))
    if x is None:
        return None
    urls = {}
    hints = {
        "base_iri": "use an address you control that will never change, e.g. https://ce.example.org/xapi",
        "lms_homepage": "use the LMS's own address, e.g. https://moodle.example.org",
        "relay_url": "use the relay's statements address, e.g. https://relay.example.org/xapi/statements",
    }
    ok = True
    for key in ("base_iri", "lms_homepage", "relay_url"):
        value = r.text(x, path, key, required=key == "base_iri", max_len=500, default=None)
        if value is None:
            ok = ok and key not in x
            continue
        problem = url_problem(value, allow_query=key != "base_iri")
        if problem:
            r.error(path + (key,), f"'{value}' {problem}", hint=hints[key])
            ok = False
            continue
        urls[key] = value.rstrip("/") if key == "base_iri" else value
    learner_name = r.boolean(x, path, "learner_name", required=False, default=False)
    if learner_name is None or not ok or "base_iri" not in urls:
        return None
    return XapiSettings(
        base_iri=urls["base_iri"],
        lms_homepage=urls.get("lms_homepage"),
        learner_name=learner_name,
        relay_url=urls.get("relay_url"),
    )

"""The ``xapi:`` block of ``course.yaml``, read with the same located errors as the rest of the file.

    xapi:
      base_iri: https://ce.example.org/xapi      # required: activity IRIs live under it; never change it
      lms_homepage: https://lms.example.org      # the LMS's URL: actor account homePage in SCORM packages
      learner_name: false                        # send cmi.core.student_name with the actor (default false)
      relay_url: https://relay.example.org/xapi/statements   # a relay that takes statements without credentials
      public_urls: [relay_url]                   # these URLs are public as written, even if they look like
                                                 # they carry a credential (docs/limits.md, "Secrets")

:func:`read_xapi` is called by ``builder/sources/course.py`` with its ``Reader``.
"""

from __future__ import annotations

import re
from typing import Optional, Tuple
from urllib.parse import urlsplit

from builder.model import XapiSettings
from builder.redact import url_secret

XAPI_KEYS = ("base_iri", "lms_homepage", "learner_name", "relay_url", "public_urls")
URL_KEYS = ("base_iri", "lms_homepage", "relay_url")
_SPACE = re.compile(r"\s")


def url_problem(value: str, *, allow_query: bool = True, allow_user: bool = False) -> Optional[str]:
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
    if (parts.username or parts.password) and not allow_user:
        return "must not contain a user name or password"
    if parts.fragment or (parts.query and not allow_query):
        return "must not contain '?' or '#'"
    return None


def _public_urls(r, x: dict, path) -> Optional[Tuple[str, ...]]:
    """``public_urls``: the URL settings the author declares public as written; None when it is wrong."""
    value = x.get("public_urls", [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v in URL_KEYS for v in value):
        r.error(
            path + ("public_urls",),
            "expected a list of the URL settings that are public as written",
            hint="e.g. public_urls: [relay_url] (any of: " + ", ".join(URL_KEYS) + ")",
        )
        return None
    return tuple(value)


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
    public = _public_urls(r, x, path)
    ok = public is not None
    for key in URL_KEYS:
        value = r.text(x, path, key, required=key == "base_iri", max_len=500, default=None)
        if value is None:
            ok = ok and key not in x
            continue
        problem = url_problem(value, allow_query=key != "base_iri", allow_user=key in (public or ()))
        secret = url_secret(value) if key not in (public or ()) else None
        if secret and not problem:
            r.error(
                path + (key,),
                f"'{value}' carries {secret}, and every package holds this address for anyone to read",
                hint=f"use an address without credentials; if this one is meant to be public, add "
                f"'public_urls: [{key}]' to the xapi block",
            )
            ok = False
            continue
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

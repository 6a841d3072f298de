"""The xAPI options of ``coursepack build``: ``--xapi-relay`` and ``--xapi-embed-endpoint``.

Kept apart from :mod:`builder.xapi.cli` (the ``coursepack xapi`` commands), which a build does
not need to load.
"""

from __future__ import annotations

from typing import Optional

from builder.xapi.embed import KEY_ENV, WARNING_CODE, UsageError, embedded_endpoint

EMBED_WARNING = WARNING_CODE  #: the warning a build with a baked-in key always prints

HELP_EMBED = (
    f"Bake this LRS endpoint and the key from ${KEY_ENV} into xAPI packages. Anyone with the package "
    f"can read the key: use a write-only key. Prefer launch parameters or a relay."
)
HELP_RELAY = (
    "Post statements to this relay (coursepack relay) instead of xapi.relay_url from "
    "course.yaml; the package gets no credentials."
)
HELP_KEY_ENV = "The environment variable that holds the key for --xapi-embed-endpoint ('key:secret' or 'Basic …')."


class RelayOverride:
    """``build --xapi-relay URL``: the relay address for this build, in place of ``xapi.relay_url``."""

    def __init__(self, url: str, then=None):
        self.url = url
        self.then = then  #: an EmbeddedEndpoint applied afterwards, or None

    def apply(self, course, problems, shown: str):
        if course.xapi is None:
            problems.add(
                shown,
                "--xapi-relay needs xAPI reporting, and course.yaml has no 'xapi:' block",
                hint="add 'xapi:' with 'base_iri: https://…' (see the README, 'xAPI')",
            )
        else:
            course = course._replace(xapi=course.xapi._replace(relay_url=self.url))
        return self.then.apply(course, problems, shown) if self.then else course


def build_embed(endpoint: Optional[str], key_env: str, relay: Optional[str] = None):
    """What ``build`` applies to each course: the relay override and the :class:`EmbeddedEndpoint`, or None."""
    embed = embedded_endpoint(endpoint, key_env) if endpoint else None
    if not relay:
        return embed
    # only with --xapi-relay
    from builder.redact import url_secret
    from builder.sources.xapi import url_problem

    secret = url_secret(relay)
    problem = url_problem(relay) or (f"carries {secret}, which every package would show" if secret else None)
    if problem:
        raise UsageError(f"--xapi-relay '{relay}' {problem}")
    return RelayOverride(relay, embed)

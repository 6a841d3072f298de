"""An LRS endpoint and key baked into a package at build time (``coursepack build --xapi-embed-endpoint``).

This is the least safe of the three ways a package learns where to send statements (launch
parameters, a relay, this): anyone who can open the package can read the key and post
statements with it. So it happens only on an explicit flag, the key comes from an environment
variable (never the command line), a warning says what it means, and the key is never printed:
not in messages, not in ``repr``, not in logs.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, NamedTuple, Optional

from builder.problems import CoursepackError
from builder.sources.xapi import url_problem

if TYPE_CHECKING:  # pragma: no cover - annotations only: `coursepack --help` need not load the model
    from builder.model import Course
    from builder.problems import Problems

KEY_ENV = "COURSEPACK_XAPI_KEY"
WARNING_CODE = "xapi-embedded-key"


class UsageError(CoursepackError):
    """A command-line or environment problem: exit code 2, like invalid input."""

    exit_code = 2


class EmbeddedEndpoint(NamedTuple):
    endpoint: str
    key_env: str
    auth: str  #: the Authorization value: never in repr

    def __repr__(self) -> str:
        return f"EmbeddedEndpoint(endpoint={self.endpoint!r}, key_env={self.key_env!r})"

    def apply(self, course: Course, problems: Problems, shown: str) -> Course:
        """*course* with this endpoint in its xAPI settings, plus the warning (an error without xAPI)."""
        if course.xapi is None:
            problems.add(
                shown,
                "--xapi-embed-endpoint needs xAPI reporting, and course.yaml has no 'xapi:' block",
                hint="add 'xapi:' with 'base_iri: https://…' (see the README, 'xAPI')",
            )
            return course
        problems.add(
            shown,
            f"the LRS key from ${self.key_env} is embedded in this course's packages: anyone who "
            f"can open a package can read it and send statements with it",
            hint="use a key that can only write statements (no read scope), for this course only, "
            "and rotate it; prefer launch parameters or a relay (see the README, 'xAPI')",
            level="warning",
            code=WARNING_CODE,
        )
        return course._replace(xapi=course.xapi._replace(endpoint=self.endpoint, auth=self.auth))


def authorization(key: str) -> Optional[str]:
    """The ``Authorization`` value for *key*: ``Basic …`` as given, or ``user:password`` encoded."""
    key = key.strip()
    if key.lower().startswith("basic ") and len(key) > 6:
        return "Basic " + key[6:].strip()
    if ":" in key and key.index(":") > 0:
        # only with --xapi-embed-endpoint
        import base64

        return "Basic " + base64.b64encode(key.encode("utf-8")).decode("ascii")
    return None


def embedded_endpoint(endpoint: str, key_env: str = KEY_ENV, environ=None) -> EmbeddedEndpoint:
    """Check the flag's endpoint and read the key from *key_env*.

    :raises UsageError: with a message that names the variable, never its value.
    """
    environ = os.environ if environ is None else environ
    problem = url_problem(endpoint, allow_query=False)
    if problem:
        hint = f" (put the key in ${key_env}, not in the address)" if "user name" in problem else ""
        raise UsageError(f"--xapi-embed-endpoint: the LRS endpoint {problem}{hint}")
    key = environ.get(key_env, "")
    if not key.strip():
        raise UsageError(
            f"--xapi-embed-endpoint needs the LRS key in the environment variable ${key_env} "
            f"('key:secret', or 'Basic …'); it is not set"
        )
    auth = authorization(key)
    if auth is None:
        raise UsageError(f"${key_env} must hold 'key:secret' or 'Basic …' (its value is not shown)")
    return EmbeddedEndpoint(endpoint=endpoint if endpoint.endswith("/") else endpoint + "/", key_env=key_env, auth=auth)

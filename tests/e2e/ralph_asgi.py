"""Ralph's ASGI app with two fixes to its file-system backend, for the tests' LRS.

Run by ``.venv-ralph/bin/python -m uvicorn ralph_asgi:app`` (see ``tests/e2e/ralph_lrs.py``); it is
never imported by the test process itself, which has no Ralph installed.

Ralph 5.1.0's ``fs`` backend has two defects (``../shared/docs/lrs-for-tests.md``):

1. The statements router calls ``write()`` without an operation type and the fs data backend
   defaults to "create", which refuses to write to the existing statements file: every write
   after the first one answers 500. Here the LRS backend's default becomes "append".
2. ``verb=`` and ``activity=`` query filters compare a pydantic IRI object with the stored
   strings, so they never match. Here they are compared as strings.

Nothing else is changed.
"""

from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

_filter_by_verb = FSLRSBackend._add_filter_by_verb
_filter_by_activity = FSLRSBackend._add_filter_by_activity


def _as_text(value):
    return None if value is None else str(value)


FSLRSBackend._add_filter_by_verb = staticmethod(lambda filters, verb_id: _filter_by_verb(filters, _as_text(verb_id)))
FSLRSBackend._add_filter_by_activity = staticmethod(
    lambda filters, object_id, related: _filter_by_activity(filters, _as_text(object_id), related)
)

from ralph.api import app  # noqa: E402  (the backend must be patched before the app is built)

__all__ = ["app"]

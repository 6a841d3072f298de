"""``coursepack preview``: a local test LMS with a data inspector, rebuilding as the author edits.

* :mod:`builder.preview.builds` runs the real pipeline (:func:`builder.pipeline.prepare`) into
  a temporary folder and keeps the last good build when a rebuild fails.
* :mod:`builder.preview.watch` polls the course folder and debounces bursts of changes.
* :mod:`builder.preview.server` serves the preview page, the build and the events the page
  listens to, on 127.0.0.1 only (standard library ``http.server``).
* :mod:`builder.preview.cmi5_lms` plays the LMS of a cmi5 launch (``--format cmi5``), with the
  State and Agent Profile documents of :mod:`builder.preview.xapi_documents`.
* ``static/`` holds the browser side: the preview page, a strict SCORM 1.2 API (``lms.js``)
  and the inspector. None of it ever goes into a package: the course is served exactly as
  built, and a one-line hook script is added to ``index.html`` only in the HTTP response.
"""

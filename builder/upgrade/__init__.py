"""Safe new versions: whether a new version of a course can replace the one learners are on.

``coursepack diff OLD NEW`` and ``build --previous OLD`` read both versions into release records
(builder/record.py: from a package's ``coursepack.json``, or made from a course folder's model,
:mod:`builder.upgrade.versions`) and compare them (:mod:`builder.upgrade.findings`).
"""

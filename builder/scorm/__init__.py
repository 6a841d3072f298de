"""SCORM packages: one folder per edition (``scorm12/``), each a registered format (builder/formats.py)."""

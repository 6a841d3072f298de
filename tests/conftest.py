"""Shared by every test folder: the official schemas (tests/schema_paths.py) are found from here."""

"""coursepack's own files: the templates folder, the locale catalogues and the runtime scripts.

Read by the sources stage (which languages exist, which runtime files a course may override)
and by the page stage (rendering); in a checkout they are ``templates/`` beside ``builder/``, in
an installed wheel ``builder/templates``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Dict, List


@functools.lru_cache(maxsize=None)
def templates_dir() -> Path:
    """Where the templates are: next to the package in a wheel, beside it in a checkout."""
    package = Path(__file__).resolve().parent  # builder/
    for candidate in (package / "templates", package.parent / "templates"):
        if (candidate / "player.html").is_file():
            return candidate
    raise FileNotFoundError("coursepack's templates are missing from this installation; reinstall coursepack")


def available_languages() -> List[str]:
    return sorted(p.stem for p in (templates_dir() / "locales").glob("*.json"))


@functools.lru_cache(maxsize=None)
def load_strings(language: str) -> Dict[str, str]:
    """The learner-facing strings for *language* (a base code such as ``en``)."""
    with open(templates_dir() / "locales" / f"{language}.json", encoding="utf-8") as fh:
        return json.load(fh)


def adapter_scripts() -> Dict[str, Path]:
    """The built-in formats' runtime adapters (``templates/runtime/adapters/<name>.js``), by file name."""
    return {p.name: p for p in sorted((templates_dir() / "runtime" / "adapters").glob("*.js"))}


def type_scripts() -> Dict[str, Path]:
    """The question types' browser code (``templates/runtime/types/<module>.js``, builder/questions/), by file name."""
    return {p.name: p for p in sorted((templates_dir() / "runtime" / "types").glob("*.js"))}


def default_runtime_scripts() -> Dict[str, Path]:
    """Every runtime script coursepack ships, adapters and question types included, by its name in ``assets/``."""
    return {**{p.name: p for p in (templates_dir() / "runtime").glob("*.js")}, **adapter_scripts(), **type_scripts()}

"""Question types, one definition each: base.py (the interface), one module per type, and here the registry.

The question types by quiz.yaml name: the built-in ones, in the order the documentation lists them.

Like Sphinx's built-in builders, each built-in type is named here with its module, which is
imported the first time a course uses the type (start-up: a build loads only the types its
quiz has). A type module may import builder.model for its records; this module imports none of
them, so nothing imports in a circle. ``TYPES.register`` adds a type defined elsewhere.
"""

from __future__ import annotations

import importlib
from typing import Dict, Iterator, Mapping, Optional

from builder.questions.base import QuestionType

#: quiz.yaml name -> the module in builder/questions/ that defines it (as ``TYPE``).
BUILT_IN = {
    "true-false": "true_false",
    "single-choice": "single_choice",
    "multiple-response": "multiple_response",
    "fill-in": "fill_in",
    "numeric": "numeric",
    "matching": "matching",
    "sequencing": "sequencing",
    "likert": "likert",
}


class Registry(Mapping):
    """Question types by name; iterating gives the names without loading any type."""

    def __init__(self, modules: Mapping[str, str]):
        self._modules: Dict[str, Optional[str]] = dict(modules)
        self._types: Dict[str, QuestionType] = {}

    def __getitem__(self, name: str) -> QuestionType:
        kind = self._types.get(name)
        if kind is None:
            module = self._modules[name]  # KeyError: no such type
            # start-up: a type's module is imported when a course first uses the type
            kind = self._types[name] = importlib.import_module(f"builder.questions.{module}").TYPE
        return kind

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)

    def script(self, name: str) -> Optional[str]:
        """The file of the type's browser code, ``templates/runtime/types/<module>.js`` (None: a registered type)."""
        module = self._modules[name]
        return None if module is None else f"{module}.js"

    def register(self, kind: QuestionType) -> None:
        """Make the question type *kind* available to quiz.yaml (and to everything built from it)."""
        if kind.name in self._modules:
            raise ValueError(f"question type '{kind.name}' is registered twice")
        self._modules[kind.name] = None
        self._types[kind.name] = kind

    def unregister(self, name: str) -> None:
        del self._modules[name]
        self._types.pop(name, None)


TYPES = Registry(BUILT_IN)

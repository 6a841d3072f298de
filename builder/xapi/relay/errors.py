"""The refusal every relay check raises: the rule, what was wrong and, for a statement, its index."""

from __future__ import annotations

from typing import Any, Dict, Optional


class Refused(Exception):
    """A batch the relay will not forward: the rule, what was wrong and, for a statement, its index."""

    def __init__(self, rule: str, detail: str, index: Optional[int] = None):
        super().__init__(detail)
        self.rule = rule
        self.detail = detail
        self.index = index

    def as_dict(self) -> Dict[str, Any]:
        where = f"statement {self.index}: " if self.index is not None else ""
        return {"error": "refused", "rule": self.rule, "index": self.index, "detail": where + self.detail}

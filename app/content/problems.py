"""Validation findings, printed as ``path:line: severity: message``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str
    severity: Severity = "error"
    # An error that leaves the article unusable (bad front matter, unknown journey...) keeps it
    # out of the index; a broken link is reported as an error but the article stays online.
    excludes_article: bool = True

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

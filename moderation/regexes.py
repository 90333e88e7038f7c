"""Operator regexes as a stage: run case-insensitively on every normalized spelling of a text,
so "B.U.Y  cheap NOW" meets r"buy\s+\w+\s+now"; matches report original spans."""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from moderation.config import RegexSpec
from moderation.normalize import Normalized, normalize
from moderation.types import Match, ScanningStage
from pipeline.types import ConfigError

__all__ = ["RegexStage"]



class RegexStage(ScanningStage):
    """Operator regexes, run (case-insensitively) on every normalized spelling of a text."""

    def __init__(self, specs: Sequence[RegexSpec], *, name: str = "regex",
                 setting: str = "moderation.regexes") -> None:
        self.name = name
        self.specs = list(specs)
        self._compiled: list[tuple[re.Pattern[str], str, RegexSpec]] = []
        for i, spec in enumerate(self.specs):
            label = f"{setting}[{i}]" + (f" (name {spec.name!r})" if spec.name else "")
            try:
                pattern = re.compile(spec.pattern, re.IGNORECASE)
            except (re.error, OverflowError, RecursionError) as exc:
                raise ConfigError(f"{label}: invalid regex {spec.pattern!r}: {exc}") from None
            self._compiled.append((pattern, spec.name or spec.pattern, spec))

    def __repr__(self) -> str:
        return f"RegexStage(name={self.name!r}, patterns={len(self._compiled)})"

    def _patterns_for(self, text: str) -> Iterable[tuple[re.Pattern[str], str, RegexSpec]]:
        """The patterns worth running on one spelling (a subclass may skip those that cannot match)."""
        return self._compiled

    def scan_normalized(self, norm: Normalized) -> list[Match]:
        seen: dict[tuple[int, int, str], Match] = {}
        for variant in norm.all():
            for pattern, label, spec in self._patterns_for(variant.text):
                for m in pattern.finditer(variant.text):
                    if m.end() == m.start():
                        continue
                    start, end = variant.span(m.start(), m.end())
                    seen.setdefault((start, end, label), Match(
                        label, spec.category, spec.severity.value, start, end, self.name))
        return sorted(seen.values(), key=lambda m: (m.start, m.end))

    def scan(self, text: str) -> list[Match]:
        return self.scan_normalized(normalize(text))


"""Shared moderation records: what every stage returns and what the policy decides."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Protocol, Sequence, runtime_checkable


class Action(StrEnum):
    ALLOW = "allow"
    REDACT = "redact"
    HOLD = "hold"
    BLOCK = "block"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def most_severe(cls, actions: Sequence["Action"]) -> "Action":
        return max(actions, key=lambda a: a.rank, default=cls.ALLOW)


_RANK = {Action.ALLOW: 0, Action.REDACT: 1, Action.HOLD: 2, Action.BLOCK: 3}


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class Match:
    """A matched term; start/end index the ORIGINAL text (not the normalized one)."""

    term: str
    category: str
    severity: str
    start: int
    end: int
    stage: str = "keywords"

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "category": self.category, "severity": self.severity,
                "start": self.start, "end": self.end}


@dataclass(slots=True)
class StageResult:
    """Named record per stage and text: the audit trail shows why a text was flagged."""

    stage: str
    flagged: bool = False
    matches: list[Match] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Verdict:
    action: Action
    text: str
    scores: dict[str, float] = field(default_factory=dict)
    matches: list[Match] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    stages: list[StageResult] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return self.action is not Action.ALLOW or bool(self.reasons)

    def to_dict(self) -> dict[str, Any]:
        """The DESIGN.md verdict JSON."""
        return {
            "action": str(self.action),
            "text": self.text,
            "scores": {k: round(float(v), 6) for k, v in self.scores.items()},
            "matches": [m.to_dict() for m in self.matches],
            "reasons": list(self.reasons),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Verdict":
        return cls(
            action=Action(data.get("action", "allow")),
            text=data.get("text", ""),
            scores=dict(data.get("scores", {})),
            matches=[Match(**{k: m[k] for k in ("term", "category", "severity", "start", "end")})
                     for m in data.get("matches", [])],
            reasons=list(data.get("reasons", [])),
        )


@runtime_checkable
class Stage(Protocol):
    """One moderation step; batched so a classifier can share one forward pass."""

    name: str

    async def check(self, texts: Sequence[str]) -> list[StageResult]: ...


class ScanningStage:
    """Base for stages that scan each text on its own (keywords, regexes): the batch API on top of `scan`."""

    name: str
    offload_chars = 20_000  # batches larger than this leave the event loop

    def scan(self, text: str) -> list[Match]:
        raise NotImplementedError

    def check_sync(self, texts: Sequence[str]) -> list[StageResult]:
        results = []
        for text in texts:
            matches = self.scan(text)
            results.append(StageResult(self.name, flagged=bool(matches), matches=matches))
        return results

    async def check(self, texts: Sequence[str]) -> list[StageResult]:
        if sum(len(t) for t in texts) > self.offload_chars:
            return await asyncio.to_thread(self.check_sync, texts)
        return self.check_sync(texts)


@runtime_checkable
class Moderator(Protocol):
    """What the pipeline, bot and API use: texts in, verdicts out."""

    async def start(self) -> None: ...

    async def moderate(self, texts: Sequence[str], *, source: str = "output") -> list[Verdict]: ...

    async def aclose(self) -> None: ...


def verdict_asdict(v: Verdict) -> dict[str, Any]:
    d = v.to_dict()
    d["stages"] = [asdict(s) for s in v.stages]
    return d

"""Policy: stage results for one text in, one Verdict out.

Every cause becomes a reason line; each cause gets an action from the most specific
rule that names it (category, severity, then stage name), else `flagged_action`; the
most severe action wins. A stage error holds the text (fail closed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from moderation.config import ModerationSettings
from moderation.types import Action, Match, StageResult, Verdict

Source = Literal["output", "input"]


def mask_spans(text: str, spans: Iterable[tuple[int, int]], mask: str = "*") -> str:
    """Mask each (merged) span, keeping its first character and any whitespace: f*** y**."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    if not merged:
        return text
    chars = list(text)
    for start, end in merged:
        for i in range(start + 1, end):
            if not chars[i].isspace():
                chars[i] = mask
    return "".join(chars)


def masked_term(term: str) -> str:
    """A term as reasons show it: 'f***' (logs and moderators need no slur spelled out)."""
    return mask_spans(term, [(0, len(term))])


def _action(value: Action | str) -> Action:
    return value if isinstance(value, Action) else Action(str(value).lower())


class ModerationPolicy:
    """Turns the stage results of one text into a Verdict."""

    def __init__(self, *, actions: Mapping[str, Action | str] | None = None,
                 flagged_action: Action | str = Action.HOLD, error_action: Action | str = Action.HOLD) -> None:
        self.actions = {key.casefold(): _action(value) for key, value in (actions or {}).items()}
        self.flagged_action = _action(flagged_action)
        self.error_action = _action(error_action)

    @classmethod
    def from_settings(cls, settings: ModerationSettings, *, source: Source = "output") -> ModerationPolicy:
        if source == "input":
            flagged = settings.input.flagged_action
            # Fail closed on input too: a message that could not be checked is not answered.
            return cls(actions=settings.input.actions, flagged_action=flagged,
                       error_action=Action.most_severe([Action.HOLD, flagged]))
        return cls(actions=settings.actions, flagged_action=settings.flagged_action)

    def action_for(self, category: str, severity: str | None = None, stage: str | None = None) -> Action:
        """Most severe of the rules naming the category or severity; else the stage; else default."""
        named = [self.actions[k.casefold()] for k in (category, severity) if k and k.casefold() in self.actions]
        if named:
            return Action.most_severe(named)
        if stage and stage.casefold() in self.actions:
            return self.actions[stage.casefold()]
        return self.flagged_action

    def decide(self, text: str, results: Sequence[StageResult]) -> Verdict:
        actions: list[Action] = []
        reasons: list[str] = []
        scores: dict[str, float] = {}
        matches: list[Match] = []
        redact_spans: list[tuple[int, int]] = []

        def add(action: Action, reason: str) -> None:
            actions.append(action)
            if reason not in reasons:
                reasons.append(reason)

        for result in results:
            for key, value in result.scores.items():
                scores[key] = max(float(value), scores.get(key, 0.0))
            if result.error is not None:
                add(self.error_action, f"{result.stage} error: {result.error} → {self.error_action} (fail closed)")
                continue
            for match in result.matches:
                matches.append(match)
                action = self.action_for(match.category, match.severity, result.stage)
                if action is Action.REDACT:
                    redact_spans.append((match.start, match.end))
                add(action, f"{result.stage}: '{masked_term(match.term)}' ({match.category}/{match.severity}) → {action}")
            hits = result.details.get("hits") or []
            for hit in hits:
                category, score, threshold = str(hit["category"]), float(hit["score"]), float(hit["threshold"])
                action = self.action_for(category, None, result.stage)
                add(action, f"{result.stage}: {category} {score:.2f} ≥ {threshold:.2f} → {action}")
            if result.flagged and not result.matches and not hits:
                action = self.action_for(result.stage)
                add(action, f"{result.stage}: flagged → {action}")

        final = Action.most_severe(actions)
        out_text = mask_spans(text, redact_spans) if final is Action.REDACT else text
        matches.sort(key=lambda m: (m.start, m.end))
        return Verdict(action=final, text=out_text, scores=scores, matches=matches, reasons=reasons,
                       stages=list(results))

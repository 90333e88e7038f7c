"""Verdict → OpenAI moderation result, plus parley's full verdict under `parley`.

`categories` / `category_scores` carry parley's own categories (classifier categories, flagged at
their `moderation.thresholds`; keyword/regex categories with score 1.0 when matched) and the OpenAI
category names, derived from the classifier scores by OPENAI_FROM_PARLEY (names no parley signal
covers stay false / 0.0), so clients reading `categories.harassment` keep working.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from moderation.config import ModerationSettings
from moderation.types import Verdict
from bot.api.schemas import ModerationResult

OPENAI_CATEGORIES = (
    "harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent",
    "self-harm", "self-harm/intent", "self-harm/instructions", "sexual", "sexual/minors", "violence",
    "violence/graphic",
)
OPENAI_FROM_PARLEY: dict[str, tuple[str, ...]] = {
    "harassment": ("toxicity", "severe_toxicity", "insult"),
    "harassment/threatening": ("threat",),
    "hate": ("identity_attack",),
    "sexual": ("sexual_explicit",),
    "violence": ("threat",),
}


def known_categories(settings: ModerationSettings) -> list[str]:
    """Categories every result lists (false / 0.0 when not hit): classifier ones, then inline terms' and regexes'."""
    names = list(settings.thresholds) if settings.classifier.enabled else []
    for category in [t.category for t in settings.terms] + [r.category for r in settings.regexes]:
        if category not in names:
            names.append(category)
    return names


def moderation_result(verdict: Verdict, thresholds: Mapping[str, float],
                      categories: Sequence[str] = ()) -> ModerationResult:
    names = [*thresholds, *categories]
    scores: dict[str, float] = {name: 0.0 for name in names}
    flags: dict[str, bool] = {name: False for name in names}
    for name, value in verdict.scores.items():
        scores[name] = round(float(value), 6)
        threshold = thresholds.get(name)
        flags[name] = threshold is not None and float(value) >= threshold
    for match in verdict.matches:
        scores[match.category] = 1.0
        flags[match.category] = True
    for name in OPENAI_CATEGORIES:
        if name in flags:
            continue
        sources = [s for s in OPENAI_FROM_PARLEY.get(name, ()) if s in scores]
        scores[name] = max((scores[s] for s in sources), default=0.0)
        flags[name] = any(flags[s] for s in sources)
    return ModerationResult(
        flagged=verdict.flagged,
        categories=flags,
        category_scores=scores,
        category_applied_input_types={name: ["text"] for name in flags},
        parley=verdict.to_dict(),
    )


def moderation_results(verdicts: Sequence[Verdict], settings: ModerationSettings) -> list[ModerationResult]:
    thresholds = settings.thresholds if settings.classifier.enabled else {}
    categories = known_categories(settings)
    return [moderation_result(v, thresholds, categories) for v in verdicts]

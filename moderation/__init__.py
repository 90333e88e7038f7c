"""Moderation library: normalization, keyword/regex filters, classifier, policy."""

from moderation.types import Action, Match, Moderator, Severity, Stage, StageResult, Verdict

__all__ = ["Action", "Match", "Moderator", "Severity", "Stage", "StageResult", "Verdict"]

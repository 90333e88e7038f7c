"""Moderation library: normalization, keyword/regex filters, classifier, policy."""

from moderation.engine import ModerationEngine
from moderation.policy import ModerationPolicy
from moderation.types import Action, Match, Moderator, Severity, Stage, StageResult, Verdict

__all__ = ["Action", "Match", "ModerationEngine", "ModerationPolicy", "Moderator", "Severity", "Stage",
           "StageResult", "Verdict"]

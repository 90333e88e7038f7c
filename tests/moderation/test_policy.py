"""Policy: actions per category/severity, most severe wins, reasons, redaction, fail closed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.config import InputModerationSettings, ModerationSettings
from moderation.policy import ModerationPolicy, mask_spans, masked_term
from moderation.types import Action, Match, StageResult


def kw(*matches: Match) -> StageResult:
    return StageResult("keywords", flagged=bool(matches), matches=list(matches))


def clf(**scores: float) -> StageResult:
    thresholds = {"toxicity": 0.8, "threat": 0.5}
    hits = [{"category": c, "score": s, "threshold": thresholds[c]} for c, s in scores.items()
            if c in thresholds and s >= thresholds[c]]
    return StageResult("classifier", flagged=bool(hits), scores=dict(scores), details={"hits": hits})


def test_mask_keeps_first_char_and_whitespace() -> None:
    assert mask_spans("fuck you", [(0, 4)]) == "f*** you"
    assert mask_spans("f u c k off", [(0, 7)]) == "f * * * off"
    assert mask_spans("ab shit cd", [(3, 7)]) == "ab s*** cd"
    assert masked_term("fuck") == "f***"


def test_mask_merges_overlapping_spans_and_clamps() -> None:
    assert mask_spans("motherfucker", [(0, 6), (6, 12), (3, 9)]) == "m***********"
    assert mask_spans("shit shit", [(0, 4), (5, 9)]) == "s*** s***"
    assert mask_spans("abc", [(-5, 2), (2, 99)]) == "a**"
    assert mask_spans("abc", [(2, 1)]) == "abc"


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40), st.lists(st.tuples(st.integers(-3, 45), st.integers(-3, 45)), max_size=5))
def test_mask_only_touches_spans(text: str, spans: list[tuple[int, int]]) -> None:
    masked = mask_spans(text, spans)
    assert len(masked) == len(text)
    inside = {i for s, e in spans for i in range(max(0, s), min(len(text), e))}
    for i, (a, b) in enumerate(zip(text, masked)):
        if a != b:
            assert i in inside and b == "*" and not a.isspace()


def test_no_results_allow() -> None:
    verdict = ModerationPolicy().decide("hello", [kw(), clf(toxicity=0.1)])
    assert verdict.action is Action.ALLOW
    assert verdict.reasons == [] and verdict.text == "hello"
    assert verdict.scores == {"toxicity": 0.1}


def test_category_rule_redacts_and_masks_original_span() -> None:
    policy = ModerationPolicy(actions={"profanity": "redact"})
    verdict = policy.decide("well fuck that", [kw(Match("fuck", "profanity", "medium", 5, 9))])
    assert verdict.action is Action.REDACT
    assert verdict.text == "well f*** that"
    assert verdict.reasons == ["keywords: 'f***' (profanity/medium) → redact"]
    assert verdict.to_dict()["matches"] == [{"term": "fuck", "category": "profanity", "severity": "medium",
                                             "start": 5, "end": 9}]


def test_unnamed_flag_uses_flagged_action() -> None:
    verdict = ModerationPolicy(flagged_action=Action.HOLD).decide("you jerk", [kw(Match("jerk", "insult", "low", 4, 8))])
    assert verdict.action is Action.HOLD
    assert verdict.text == "you jerk"  # held texts are not redacted


def test_most_severe_wins_and_every_reason_listed() -> None:
    policy = ModerationPolicy(actions={"profanity": "redact", "high": "block"})
    results = [kw(Match("shit", "profanity", "medium", 0, 4), Match("kill", "threat", "high", 10, 14)),
               clf(toxicity=0.93)]
    verdict = policy.decide("shit, I'd kill", results)
    assert verdict.action is Action.BLOCK
    assert verdict.reasons == [
        "keywords: 's***' (profanity/medium) → redact",
        "keywords: 'k***' (threat/high) → block",
        "classifier: toxicity 0.93 ≥ 0.80 → hold",
    ]


def test_category_and_severity_both_named_take_the_more_severe() -> None:
    policy = ModerationPolicy(actions={"profanity": "redact", "high": "hold", "low": "allow"})
    assert policy.action_for("profanity", "high") is Action.HOLD
    assert policy.action_for("profanity", "low") is Action.REDACT
    assert policy.action_for("insult", "low") is Action.ALLOW
    assert policy.action_for("insult", "medium") is Action.HOLD  # default flagged_action


def test_stage_name_rule_is_a_fallback() -> None:
    policy = ModerationPolicy(actions={"classifier": "block", "threat": "hold"})
    verdict = policy.decide("x", [clf(toxicity=0.9, threat=0.7)])
    assert verdict.action is Action.BLOCK
    assert "classifier: threat 0.70 ≥ 0.50 → hold" in verdict.reasons
    assert "classifier: toxicity 0.90 ≥ 0.80 → block" in verdict.reasons


def test_allowed_match_is_not_masked_when_other_match_redacts() -> None:
    policy = ModerationPolicy(actions={"low": "allow", "profanity": "redact"})
    verdict = policy.decide("damn shit", [kw(Match("damn", "mild", "low", 0, 4),
                                                 Match("shit", "profanity", "medium", 5, 9))])
    assert verdict.action is Action.REDACT
    assert verdict.text == "damn s***"


def test_stage_error_fails_closed() -> None:
    verdict = ModerationPolicy(actions={"profanity": "redact"}).decide(
        "hello", [kw(), StageResult("classifier", error="RuntimeError: CUDA out of memory")])
    assert verdict.action is Action.HOLD
    assert verdict.reasons == ["classifier error: RuntimeError: CUDA out of memory → hold (fail closed)"]


def test_flagged_without_details_still_acts() -> None:
    verdict = ModerationPolicy(actions={"spam": "block"}).decide("x", [StageResult("spam", flagged=True)])
    assert verdict.action is Action.BLOCK
    assert verdict.reasons == ["spam: flagged → block"]


def test_duplicate_reasons_collapse() -> None:
    m = Match("shit", "profanity", "medium", 0, 4)
    m2 = Match("shit", "profanity", "medium", 5, 9)
    verdict = ModerationPolicy(actions={"profanity": "redact"}).decide("shit shit", [kw(m, m2)])
    assert verdict.reasons == ["keywords: 's***' (profanity/medium) → redact"]
    assert verdict.text == "s*** s***"
    assert len(verdict.matches) == 2


def test_input_policy_from_settings() -> None:
    settings = ModerationSettings(actions={"profanity": "redact"}, input=InputModerationSettings(enabled=True))
    policy = ModerationPolicy.from_settings(settings, source="input")
    assert policy.flagged_action is Action.BLOCK
    verdict = policy.decide("fuck", [kw(Match("fuck", "profanity", "medium", 0, 4))])
    assert verdict.action is Action.BLOCK  # output's profanity=redact does not apply to input
    assert policy.decide("x", [StageResult("classifier", error="down")]).action is Action.BLOCK
    output = ModerationPolicy.from_settings(settings)
    assert output.decide("fuck", [kw(Match("fuck", "profanity", "medium", 0, 4))]).action is Action.REDACT

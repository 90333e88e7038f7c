"""Callback data, announcement texts and Markdown/HTML rendering (no network)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.formatting import escape_markdown_v2, is_parse_error, render
from bot.review_text import (
    MAX_CALLBACK_BYTES,
    ReviewCallback,
    encode_callback,
    format_decision,
    format_held,
    format_outcome,
    parse_callback,
)
from pipeline.store import HeldReply


def test_callback_round_trip() -> None:
    assert parse_callback(encode_callback(12, approve=True)) == ReviewCallback(12, True)
    assert parse_callback(encode_callback(7, approve=False)) == ReviewCallback(7, False)
    assert encode_callback(12, approve=True) == "mod:a:12"
    assert parse_callback(encode_callback(5, approve=False, ban=True)) == ReviewCallback(5, False, True)
    assert len(encode_callback(10**17, approve=False).encode()) <= MAX_CALLBACK_BYTES


@pytest.mark.parametrize("data", [
    None, 12, "", "mod", "mod:a", "mod:a:", "mod:x:1", "mod:a:0", "mod:a:01", "mod:a:-1", "mod:a:1 ",
    " mod:a:1", "mod:a:1\n", "mod:a:1:2", "MOD:A:1", "mod:a:1e3", "mod:a:" + "9" * 19, "mod:a:١٢",
    "x" * 65, "mod:a:" + "1" * 60,
])
def test_forged_callback_data_is_rejected(data: object) -> None:
    assert parse_callback(data) is None


def test_encode_rejects_invalid_ids() -> None:
    with pytest.raises(ValueError):
        encode_callback(0, approve=True)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_parse_callback_never_crashes(data: str) -> None:
    parsed = parse_callback(data)
    if parsed is not None:
        assert encode_callback(parsed.held_id, approve=parsed.approve) == data


def _held(**kw: object) -> HeldReply:
    base = dict(id=3, chat_id=1001, user_text="say holdme", reply_text="holdme " * 2000, state="pending",
                verdict={"action": "hold", "reasons": ["keyword: holdme"], "scores": {"toxicity": 0.91},
                         "matches": [{"term": "holdme", "category": "test", "severity": "medium"}]},
                source="telegram", created_at=0.0)
    base.update(kw)
    return HeldReply(**base)  # type: ignore[arg-type]


def test_announcement_shows_reasons_scores_and_is_clipped() -> None:
    text = format_held(_held())
    assert "#3" in text and "keyword: holdme" in text and "toxicity 0.91" in text and "holdme [test/medium]" in text
    assert len(text) < 4096 and "parley review show" in text
    decided = format_decision(_held(state="approved", decided_by="@mod (42)", decided_at=0.0))
    assert "Approved by @mod (42) at 1970-01-01 00:00:00 UTC" in decided


def test_markdown_v2_escapes_everything_but_our_markup() -> None:
    assert render("a_b*c [x](y) 1.5!", "markdown") == r"a\_b\*c \[x\]\(y\) 1\.5\!"
    assert render("**bold** and `co_de`", "markdown") == r"*bold* and `co_de`"
    assert render("```py\nx = a`b\n```", "markdown") == "```\nx = a\\`b\n```"
    assert render("unclosed **bold", "markdown") == escape_markdown_v2("unclosed **bold")
    assert render("plain <b> & text", "none") == "plain <b> & text"


def test_html_escapes_and_converts() -> None:
    assert render("<script> & **x** `y<z`", "html") == "&lt;script&gt; &amp; <b>x</b> <code>y&lt;z</code>"
    assert is_parse_error("Bad Request: can't parse entities: unexpected end")
    assert not is_parse_error("Bad Request: chat not found")


def test_every_announcement_fits_one_telegram_message() -> None:
    """Long texts, emoji (two UTF-16 units each), many reasons and a long edit: still one message."""
    many = {"action": "hold", "reasons": [f"keyword: term{i}" for i in range(500)], "scores": {"toxicity": 0.9},
            "matches": [{"term": f"term{i}", "category": "test", "severity": "high"} for i in range(500)]}
    held = _held(user_text="🙂" * 3000, reply_text="😡" * 3000, verdict=many, state="approved",
                 final_text="🙏" * 3000, decided_by="@mod (42)", decided_at=0.0)
    for text in (format_held(held), format_decision(held)):
        assert text.startswith("Held reply #3 (")
        assert len(text.encode("utf-16-le")) // 2 <= 4096
    assert "Approved with edits by @mod (42)" in format_decision(held)


def test_outcome_notice_is_short_and_not_an_announcement() -> None:
    """Posted when the announcement cannot be edited: the decision only, never taken for an announcement."""
    rejected = format_outcome(_held(state="rejected", decided_by="@mod (42)", decided_at=0.0))
    assert rejected == "Decision on held reply #3 (chat 1001):\n❌ Rejected by @mod (42) at 1970-01-01 00:00:00 UTC"
    edited = format_outcome(_held(state="approved", final_text="🙏" * 3000, decided_by="@mod (42)", decided_at=0.0))
    assert "Approved with edits by @mod (42)" in edited and len(edited.encode("utf-16-le")) // 2 <= 4096
    assert not edited.startswith("Held reply #")


def test_the_ban_button_only_for_a_private_chat_that_may_be_banned() -> None:
    from bot.review_text import keyboard
    from pipeline.store import HeldReply

    def labels(chat_id: int, source: str = "telegram", can_ban: bool = True) -> list[str]:
        held = HeldReply(id=3, chat_id=chat_id, user_text="q", reply_text="r", verdict={}, state="pending",
                         source=source, created_at=0.0)
        return [b.text for row in keyboard(held, can_ban=can_ban).inline_keyboard for b in row]

    assert labels(101) == ["Approve", "Reject", "Reject + ban user"]
    assert labels(-100500) == ["Approve", "Reject"]  # a group
    assert labels(0, source="api") == ["Approve", "Reject"]
    assert labels(42, can_ban=False) == ["Approve", "Reject"]  # a moderator's own chat

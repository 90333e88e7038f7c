"""Fuzzing the whole moderation engine (normalize → default keyword list → policy) as the bot calls it:
any text, surrogates and control characters included, gives a verdict that serializes to JSON."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.config import ModerationSettings
from moderation.engine import ModerationEngine
from moderation.types import Action

PIECES = st.sampled_from(["fuck", "f.u.c.k", "ｆｕｃｋ", "sh1t", "idiot", "\u200b", "\ud800", "\udfff", "\x00", "\x1b[31m",
                          " ", "\n", "😀", "ß", "İ", "\u0301", "holdme", "class", "a" * 50])
TEXTS = st.one_of(st.text(max_size=200), st.lists(PIECES, max_size=20).map("".join))


@pytest.fixture(scope="module")
def engine() -> Iterator[tuple[asyncio.AbstractEventLoop, ModerationEngine]]:
    loop = asyncio.new_event_loop()
    eng = ModerationEngine.from_settings(ModerationSettings(terms=[{"term": "holdme", "category": "test"}]))
    loop.run_until_complete(eng.start())
    try:
        yield loop, eng
    finally:
        loop.run_until_complete(eng.aclose())
        loop.close()


@settings(max_examples=80, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=4))
def test_every_text_gets_a_verdict(engine: tuple[asyncio.AbstractEventLoop, ModerationEngine], texts: list[str]) -> None:
    loop, eng = engine
    verdicts = loop.run_until_complete(eng.moderate(texts, source="output"))
    assert len(verdicts) == len(texts)
    for text, verdict in zip(texts, verdicts):
        assert verdict.action in set(Action)
        data = verdict.to_dict()
        json.dumps(data)  # what the audit log stores
        for m in data["matches"]:
            assert 0 <= m["start"] < m["end"] <= len(text)

"""Fuzzing configuration: any environment value gives Settings or a ConfigError, never another exception."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.settings import Settings, load_settings
from pipeline.types import ConfigError

NAMES = [
    "PARLEY_TELEGRAM__TOKEN", "PARLEY_TELEGRAM__MODERATOR_IDS", "PARLEY_TELEGRAM__MODERATOR_CHAT_ID",
    "PARLEY_TELEGRAM__ALLOWED_CHAT_IDS", "PARLEY_TELEGRAM__MAX_USER_CHARS", "PARLEY_TELEGRAM__PARSE_MODE",
    "PARLEY_TELEGRAM__GROUP_TRIGGER", "PARLEY_TELEGRAM__WEBHOOK_PORT", "PARLEY_TELEGRAM__QUOTA_WINDOW_S",
    "PARLEY_STORAGE__PATH", "PARLEY_GENERATION__BACKEND", "PARLEY_GENERATION__MAX_NEW_TOKENS",
    "PARLEY_GENERATION__TEMPERATURE", "PARLEY_GENERATION__TOP_P", "PARLEY_GENERATION__STOP",
    "PARLEY_GENERATION__DTYPE", "PARLEY_MODERATION__FLAGGED_ACTION", "PARLEY_MODERATION__THRESHOLDS",
    "PARLEY_MODERATION__ACTIONS", "PARLEY_MODERATION__TERMS", "PARLEY_MODERATION__CLASSIFIER__ENABLED",
    "PARLEY_METRICS__ENABLED", "PARLEY_METRICS__PORT", "PARLEY_API__API_KEYS", "PARLEY_LOGGING__LEVEL",
    "PARLEY_TELEGRAM", "PARLEY_GENERATION", "PARLEY_NOT_A_SETTING",
]
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
).map(lambda v: __import__("json").dumps(v))
VALUES = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30),
    JSONISH, st.sampled_from(["", " ", "0", "-1", "1e309", "nan", "true", "[1,", "{}", "[]", "1,2,,3", "\t"]),
)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(NAMES), VALUES, min_size=1, max_size=5))
def test_random_environment_gives_settings_or_config_error(env: dict[str, str]) -> None:
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        try:
            result = load_settings()
        except ConfigError as err:
            assert str(err).strip(), "a ConfigError must say what is wrong"
        else:
            assert isinstance(result, Settings)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

""".env.example names every setting, holds no secret, and its values load as the defaults."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from pipeline.settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / ".env.example"
LINE = re.compile(r"^#? ?(PARLEY_[A-Z0-9_]+)=(.*)$")


def leaf_env_names(model: type[BaseModel], prefix: str = "PARLEY_") -> dict[str, Any]:
    names: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        key = prefix + name.upper()
        sub = field.annotation
        if isinstance(sub, type) and issubclass(sub, BaseModel):
            names.update(leaf_env_names(sub, key + "__"))
        else:
            names[key] = field
    return names


def example_entries() -> dict[str, str]:
    entries = {}
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = LINE.match(line)
        if match:
            assert match.group(1) not in entries, f"{match.group(1)} appears twice"
            entries[match.group(1)] = match.group(2)
    return entries


def test_every_setting_is_in_env_example() -> None:
    expected = leaf_env_names(Settings)
    assert len(expected) > 70
    entries = example_entries()
    missing = sorted(set(expected) - set(entries))
    assert not missing, f"missing from .env.example (run python deploy/make_env_example.py): {missing}"
    unknown = sorted(set(entries) - set(expected))
    assert not unknown, f".env.example names settings that do not exist: {unknown}"
    text = EXAMPLE.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(text):
        if LINE.match(line):
            assert text[i - 1].startswith("# ") and not LINE.match(text[i - 1]), f"no comment above {line}"


def test_secrets_are_empty() -> None:
    entries = example_entries()
    secret_names = [name for name, field in leaf_env_names(Settings).items() if "Secret" in str(field.annotation)]
    assert {"PARLEY_TELEGRAM__TOKEN", "PARLEY_GENERATION__OPENAI_API_KEY", "PARLEY_API__API_KEYS",
            "PARLEY_TELEGRAM__WEBHOOK_SECRET"} <= set(secret_names)
    for name in secret_names:
        assert entries[name] == "", name


def test_uncommented_example_loads_as_the_defaults() -> None:
    """The operator's path: copy to .env, uncomment lines; values must parse and mean the defaults."""
    defaults = Settings().model_dump(mode="json")  # cwd is a fresh tmp dir (conftest): no .env yet
    entries = {name: value for name, value in example_entries().items() if value != ""}
    assert entries["PARLEY_LOGGING__LEVEL"] == "INFO"
    entries["PARLEY_LOGGING__LEVEL"] = "DEBUG"  # proves the file is read
    Path(".env").write_text("".join(f"{k}={v}\n" for k, v in entries.items()), encoding="utf-8")
    loaded = load_settings().model_dump(mode="json")
    assert loaded["logging"]["level"] == "DEBUG"
    loaded["logging"]["level"] = "INFO"
    assert loaded == defaults, "values in .env.example differ from the defaults: run python deploy/make_env_example.py"

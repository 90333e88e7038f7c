"""Settings precedence (env > .env > TOML > defaults), secrets and bad-config messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from pipeline.settings import load_settings, masked_dump
from pipeline.types import ConfigError


def test_defaults() -> None:
    s = load_settings()
    assert s.generation.backend == "transformers"
    assert s.generation.model == "Qwen/Qwen2.5-0.5B-Instruct"
    assert s.telegram.max_user_chars == 4096
    assert s.metrics.host == "127.0.0.1"
    assert s.moderation.flagged_action == "hold"


def test_precedence_env_over_dotenv_over_toml_over_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "parley.toml").write_text(
        '[generation]\ntemperature = 0.1\ntop_k = 7\nmax_new_tokens = 11\n[storage]\npath = "from_toml.db"\n'
    )
    (tmp_path / ".env").write_text("PARLEY_GENERATION__TEMPERATURE=0.2\nPARLEY_GENERATION__TOP_K=8\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PARLEY_GENERATION__TEMPERATURE", "0.3")
    s = load_settings()
    assert s.generation.temperature == 0.3  # env wins
    assert s.generation.top_k == 8  # .env over TOML
    assert s.generation.max_new_tokens == 11  # TOML over default
    assert str(s.storage.path) == "from_toml.db"
    assert s.generation.top_p == 0.9  # default


def test_config_file_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "custom.toml"
    cfg.write_text('[telegram]\nmoderator_ids = [1, 2]\n[moderation]\nflagged_action = "block"\n')
    monkeypatch.setenv("PARLEY_CONFIG_FILE", str(cfg))
    s = load_settings()
    assert s.telegram.moderator_ids == [1, 2]
    assert s.moderation.flagged_action == "block"


def test_missing_config_file_is_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_CONFIG_FILE", str(tmp_path / "nope.toml"))
    with pytest.raises(ConfigError, match="PARLEY_CONFIG_FILE"):
        load_settings()


def test_lists_from_env_json_or_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_TELEGRAM__MODERATOR_IDS", "[5, 6]")
    monkeypatch.setenv("PARLEY_TELEGRAM__ALLOWED_CHAT_IDS", "7, -8")
    s = load_settings()
    assert s.telegram.moderator_ids == [5, 6]
    assert s.telegram.allowed_chat_ids == [7, -8]


def test_bad_value_names_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_GENERATION__TEMPERATURE", "abc")
    with pytest.raises(ConfigError) as info:
        load_settings()
    lines = str(info.value).splitlines()
    assert len(lines) == 1
    assert "generation.temperature" in lines[0] and "'abc'" in lines[0]


def test_several_problems_one_line_each(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_GENERATION__TEMPERATURE", "abc")
    monkeypatch.setenv("PARLEY_GENERATION__BACKEND", "nope")
    lines = str(pytest.raises(ConfigError, load_settings).value).splitlines()
    assert len(lines) == 2
    assert any("generation.backend" in line for line in lines)


def test_unknown_toml_key_and_bad_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "parley.toml").write_text("[generation]\ntemprature = 1\n")
    assert "generation.temprature" in str(pytest.raises(ConfigError, load_settings).value)
    (tmp_path / "parley.toml").write_text("[generation\n")
    assert "parley.toml" in str(pytest.raises(ConfigError, load_settings).value)


def test_secrets_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_TELEGRAM__TOKEN", "123:secret")
    monkeypatch.setenv("PARLEY_API__API_KEYS", "k-one,k-two")
    s = load_settings()
    assert isinstance(s.telegram.token, SecretStr)
    assert s.telegram.token.get_secret_value() == "123:secret"
    dumped = repr(masked_dump(s)) + repr(s)
    assert "secret" not in dumped.replace("webhook_secret", "") and "k-one" not in dumped
    assert masked_dump(s)["telegram"]["token"] == "**********"


def _parley(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    import os

    full = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")} | env
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, env=full,
                          cwd=cwd, timeout=120)


def test_cli_config_check_exit_2(tmp_path: Path) -> None:
    res = _parley("config", "check", env={"PARLEY_GENERATION__TEMPERATURE": "abc"}, cwd=tmp_path)
    assert res.returncode == 2
    assert "generation.temperature" in res.stderr
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_cli_config_check_runs_the_onnx_start_up_checks(tmp_path: Path) -> None:
    env = {"PARLEY_MODERATION__CLASSIFIER__ENABLED": "true", "PARLEY_MODERATION__CLASSIFIER__RUNTIME": "onnx",
           "PARLEY_MODERATION__CLASSIFIER__DEVICE": "cuda"}
    res = _parley("config", "check", env=env, cwd=tmp_path)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.strip().splitlines() == [line for line in res.stderr.strip().splitlines() if "runtime" in line]
    assert "device = \"cuda\"" in res.stderr


def test_cli_config_show_masks_token(tmp_path: Path) -> None:
    res = _parley("config", "show", env={"PARLEY_TELEGRAM__TOKEN": "123:secret"}, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "secret" not in res.stdout.replace("webhook_secret", "")
    assert "**********" in res.stdout
    res = _parley("config", "show", "--format", "json", env={"PARLEY_TELEGRAM__TOKEN": "123:secret"}, cwd=tmp_path)
    assert "123:secret" not in res.stdout


def test_moderation_lists_from_env_json_or_commas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Like the telegram id lists (README: "JSON or comma-separated"), for lists nested in moderation."""
    monkeypatch.setenv("PARLEY_MODERATION__LISTS", f"{tmp_path / 'a.csv'}, {tmp_path / 'b.txt'}")
    monkeypatch.setenv("PARLEY_MODERATION__EXCEPTIONS", "shiitake,Penistone")
    s = load_settings()
    assert s.moderation.lists == [tmp_path / "a.csv", tmp_path / "b.txt"]
    assert s.moderation.exceptions == ["shiitake", "Penistone"]
    monkeypatch.setenv("PARLEY_MODERATION__LISTS", "/etc/parley/one.csv")
    monkeypatch.setenv("PARLEY_MODERATION__EXCEPTIONS", '["a, b", "c"]')
    s = load_settings()
    assert s.moderation.lists == [Path("/etc/parley/one.csv")] and s.moderation.exceptions == ["a, b", "c"]
    (tmp_path / ".env").write_text("PARLEY_MODERATION__EXCEPTIONS=x,y\n")
    monkeypatch.delenv("PARLEY_MODERATION__EXCEPTIONS")
    monkeypatch.chdir(tmp_path)
    assert load_settings().moderation.exceptions == ["x", "y"]


@pytest.mark.parametrize(("name", "value", "needle"), [
    ("PARLEY_MODERATION__REGEXES", "notjson", "give a JSON list [...]"),
    ("PARLEY_MODERATION__EXCEPTIONS", "[foo", 'give a JSON list (["a","b"]) or comma-separated values (a,b)'),
    ("PARLEY_MODERATION__INPUT__ACTIONS", "block", "give a JSON object {...}"),
])
def test_env_value_that_is_not_json_names_the_setting(monkeypatch: pytest.MonkeyPatch, name: str, value: str,
                                                      needle: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    setting = name.removeprefix("PARLEY_").lower().replace("__", ".")
    assert str(info.value) == f"config error: {setting}: {name} is not valid JSON; {needle}"


def test_only_secret_values_are_masked_in_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_GENERATION__MAX_NEW_TOKENS", "-5")
    monkeypatch.setenv("PARLEY_GENERATION__CONTEXT_TOKENS", "-7")
    monkeypatch.setenv("PARLEY_API__API_KEYS", "[12345]")
    with pytest.raises(ConfigError) as info:
        load_settings()
    lines = str(info.value).splitlines()
    assert any(line.startswith("config error: generation.max_new_tokens (got '-5')") for line in lines)
    assert any(line.startswith("config error: generation.context_tokens (got '-7')") for line in lines)
    assert any(line.startswith("config error: api.api_keys.0 (got '**********')") for line in lines)
    assert "12345" not in str(info.value)

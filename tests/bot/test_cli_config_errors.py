"""Configuration mistakes the offline commands must catch as one line and exit 2, from a black-box
probe: a classifier that cannot load (check, eval, config check, start of run/serve), a device that
does not exist, a causal LM as the classifier, a webhook secret Telegram refuses, `review` on a
missing or foreign database, a model-load error preceded by progress chatter. Real CLI, real SQLite,
the tiny models from ../shared; no network beyond 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import app
from moderation.testing import make_detoxify_checkpoint
from pipeline.store import Store


@pytest.fixture(scope="module")
def tiny_ckpt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_detoxify_checkpoint(tmp_path_factory.mktemp("detoxify"))[0]


@pytest.fixture
def labeled(tmp_path: Path) -> Path:
    path = tmp_path / "labeled.csv"
    path.write_text("text,label\nyou idiot,1\nhave a nice day,0\n", encoding="utf-8")
    return path


def _classifier(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, model: str | Path, **more: str) -> None:
    monkeypatch.setenv("PARLEY_STORAGE__PATH", str(tmp_path / "parley.db"))
    monkeypatch.setenv("PARLEY_MODERATION__CLASSIFIER__ENABLED", "true")
    monkeypatch.setenv("PARLEY_MODERATION__CLASSIFIER__MODEL", str(model))
    for key, value in more.items():
        monkeypatch.setenv(f"PARLEY_MODERATION__CLASSIFIER__{key.upper()}", value)


def _only_line(res: Any, *needles: str) -> str:
    """Exit 2, nothing on stdout, exactly one line on stderr holding every needle."""
    assert res.exit_code == 2, (res.stdout, res.stderr)
    assert res.stdout == ""
    (line,) = res.stderr.splitlines()
    for needle in needles:
        assert needle in line, line
    return line


def _not_a_checkpoint(tmp_path: Path) -> Path:
    path = tmp_path / "model.ckpt"
    path.write_text("text,label\nhello,0\n")
    return path


# -- A: check and eval stop on a classifier that cannot load ---------------------------------------------
@pytest.mark.parametrize("kind", ["missing", "not_a_checkpoint", "bad_device"])
@pytest.mark.parametrize("command", ["check", "eval"])
def test_check_and_eval_refuse_a_classifier_that_cannot_load(kind: str, command: str, tmp_path: Path,
                                                              labeled: Path, tiny_ckpt: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    if kind == "missing":
        _classifier(monkeypatch, tmp_path, "/nonexistent/model.ckpt")
        setting = "moderation.classifier.model"
    elif kind == "not_a_checkpoint":
        _classifier(monkeypatch, tmp_path, _not_a_checkpoint(tmp_path))
        setting = "moderation.classifier.model"
    else:
        _classifier(monkeypatch, tmp_path, tiny_ckpt, device="banana")
        setting = "moderation.classifier.device"
    args = ["check", "hello"] if command == "check" else [
        "eval", str(labeled), "--text-col", "text", "--label-col", "label", "--json"]
    line = _only_line(CliRunner().invoke(app, args), "config error:", setting, "fix PARLEY_MODERATION__CLASSIFIER__")
    assert "hold" not in line


def test_check_with_a_working_classifier_still_judges(tmp_path: Path, tiny_ckpt: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _classifier(monkeypatch, tmp_path, tiny_ckpt)
    res = CliRunner().invoke(app, ["check", "hello"])
    assert res.exit_code == 0, res.stderr
    verdict = json.loads(res.stdout)
    assert "toxicity" in verdict["scores"] and not any("error" in r for r in verdict["reasons"])


@pytest.mark.parametrize("command", [["serve", "--backend", "echo"], ["run", "--backend", "echo"]])
def test_run_and_serve_refuse_a_classifier_path_that_does_not_exist(command: list[str], tmp_path: Path) -> None:
    if command[0] == "serve":
        with socket.socket() as probe:  # a free loopback port: serve binds before the models load
            probe.bind(("127.0.0.1", 0))
            command = [*command, "--port", str(probe.getsockname()[1])]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")} | {
        "PARLEY_STORAGE__PATH": str(tmp_path / "parley.db"),
        "PARLEY_TELEGRAM__TOKEN": "123456:" + "a" * 35,
        "PARLEY_TELEGRAM__API_BASE_URL": "http://127.0.0.1:9/bot",  # never reached: the config fails first
        "PARLEY_MODERATION__CLASSIFIER__ENABLED": "true",
        "PARLEY_MODERATION__CLASSIFIER__MODEL": str(tmp_path / "gone" / "model.ckpt"),
    }
    res = subprocess.run([sys.executable, "-m", "bot.cli", *command], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=120, stdin=subprocess.DEVNULL)
    assert res.returncode == 2, res.stderr
    (line,) = res.stderr.splitlines()
    assert line.startswith("config error: moderation.classifier.model=") and "not found" in line


# -- B: config check catches what would fail at run time -------------------------------------------------
def _hf_classifier(tiny_bert: Path, folder: Path) -> Path:
    from transformers import BertConfig, BertForSequenceClassification

    config = BertConfig.from_pretrained(tiny_bert, num_labels=2, id2label={0: "ok", 1: "toxic"},
                                        label2id={"ok": 0, "toxic": 1})
    BertForSequenceClassification(config).save_pretrained(folder)
    for name in ("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copy(tiny_bert / name, folder / name)
    return folder


@pytest.mark.parametrize("kind", ["folder_without_config", "not_a_checkpoint", "causal_lm", "masked_lm",
                                  "banana_device", "absent_gpu"])
def test_config_check_catches_a_classifier_that_would_not_work(kind: str, tmp_path: Path, tiny_ckpt: Path,
                                                               tiny_gpt2: Path, tiny_bert: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    needles = ["moderation.classifier.model"]
    if kind == "folder_without_config":
        (tmp_path / "empty").mkdir()
        _classifier(monkeypatch, tmp_path, tmp_path / "empty")
        needles.append("no config.json")
    elif kind == "not_a_checkpoint":
        _classifier(monkeypatch, tmp_path, _not_a_checkpoint(tmp_path))
        needles.append("not a Detoxify checkpoint")
    elif kind in ("causal_lm", "masked_lm"):
        _classifier(monkeypatch, tmp_path, tiny_gpt2 if kind == "causal_lm" else tiny_bert)
        needles += ["not a trained sequence classifier", "score.weight" if kind == "causal_lm" else "classifier."]
    else:
        if kind == "absent_gpu" and torch.cuda.device_count() > 7:
            pytest.skip("this machine has a cuda:7")
        device = "banana" if kind == "banana_device" else "cuda:7"
        _classifier(monkeypatch, tmp_path, tiny_ckpt, device=device)
        needles = ["moderation.classifier.device", device, "PARLEY_MODERATION__CLASSIFIER__DEVICE"]
    _only_line(CliRunner().invoke(app, ["config", "check"]), "config error:", *needles)


@pytest.mark.parametrize("kind", ["checkpoint", "hf_folder", "detoxify_name"])
def test_config_check_accepts_a_working_classifier(kind: str, tmp_path: Path, tiny_ckpt: Path, tiny_bert: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    model = {"checkpoint": str(tiny_ckpt), "detoxify_name": "original"}.get(kind) or str(
        _hf_classifier(tiny_bert, tmp_path / "clf"))
    _classifier(monkeypatch, tmp_path, model, device="cpu")  # a Detoxify name is not downloaded by the check
    res = CliRunner().invoke(app, ["config", "check"])
    assert res.exit_code == 0, res.stderr
    assert res.stdout == "config OK\n" and res.stderr == ""


@pytest.mark.parametrize("secret", ["bad secret!", "naïve", "x" * 257])
def test_config_check_refuses_a_webhook_secret_telegram_would_refuse(secret: str, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_STORAGE__PATH", str(tmp_path / "parley.db"))
    monkeypatch.setenv("PARLEY_TELEGRAM__WEBHOOK_SECRET", secret)
    line = _only_line(CliRunner().invoke(app, ["config", "check"]), "telegram.webhook_secret", "A-Z, a-z, 0-9, _ and -")
    assert secret not in line
    monkeypatch.setenv("PARLEY_TELEGRAM__WEBHOOK_SECRET", "Good_secret-123")
    assert CliRunner().invoke(app, ["config", "check"]).exit_code == 0


# -- C: whatever loading prints goes to stderr; stdout stays JSON -----------------------------------------
def test_output_printed_while_the_classifier_loads_goes_to_stderr(tmp_path: Path, tiny_ckpt: Path, labeled: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import moderation.classifier as classifier

    real = classifier.load_model

    def chatty_load(*args: Any, **kwargs: Any) -> Any:  # as torch.hub does when it downloads
        print('Downloading: "https://example.invalid/model.ckpt" to /tmp/cache/model.ckpt')
        sys.stdout.write("progress on stdout\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(classifier, "load_model", chatty_load)
    _classifier(monkeypatch, tmp_path, tiny_ckpt)
    res = CliRunner().invoke(app, ["check", "hello", "have a nice day"])
    assert res.exit_code == 0, res.stderr
    assert [json.loads(line)["text"] for line in res.stdout.splitlines()] == ["hello", "have a nice day"]
    assert "Downloading:" in res.stderr and "progress on stdout" in res.stderr

    res = CliRunner().invoke(app, ["eval", str(labeled), "--text-col", "text", "--label-col", "label", "--json"])
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["rows"] == 2 and "Downloading:" in res.stderr


# -- E: review works on an existing parley database only ---------------------------------------------------
def test_review_on_a_missing_database_says_so_and_creates_nothing(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "typo.db"
    monkeypatch.setenv("PARLEY_STORAGE__PATH", str(db))
    for args in (["review"], ["review", "list"], ["review", "show", "1"], ["review", "approve", "1"],
                 ["review", "bans"], ["review", "ban", "42"], ["review", "--export", str(tmp_path / "x.csv")]):
        _only_line(CliRunner().invoke(app, args), f"no database at {db} (storage.path)", "run the bot first")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_review_refuses_another_applications_sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    before = db.read_bytes()
    monkeypatch.setenv("PARLEY_STORAGE__PATH", str(db))
    for args in (["review", "list"], ["review", "ban", "42"]):
        _only_line(CliRunner().invoke(app, args), str(db), "not a parley database", "invoices")
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]  # no -wal/-shm either


def test_the_bot_still_creates_its_database_and_review_then_reads_it(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "fresh.db"
    monkeypatch.setenv("PARLEY_STORAGE__PATH", str(db))
    monkeypatch.setenv("PARLEY_MODERATION__USE_DEFAULT_LIST", "false")
    res = CliRunner().invoke(app, ["chat", "--backend", "echo"], input="hello\n")
    assert res.exit_code == 0, res.output
    assert db.is_file()
    listed = CliRunner().invoke(app, ["review", "list"])
    assert listed.exit_code == 0 and listed.stdout == "no pending held replies\n"

    async def empty_parley_db() -> None:  # an empty SQLite file is not foreign: review may set it up
        async with Store(tmp_path / "empty.db", must_exist=True) as store:
            assert await store.schema_version() > 0

    (tmp_path / "empty.db").write_bytes(b"")
    asyncio.run(empty_parley_db())


# -- G: a model-load error is the only line ----------------------------------------------------------------
def test_model_load_error_is_the_only_line_on_stderr(tmp_path: Path, tiny_bert: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")} | {
        "PARLEY_STORAGE__PATH": str(tmp_path / "parley.db"), "PARLEY_MODERATION__USE_DEFAULT_LIST": "false"}
    res = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--model", str(tiny_bert)], input="hi\n",
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert res.returncode == 2
    (line,) = res.stderr.splitlines()
    assert line.startswith("generation.model:") and "not a causal language model" in line


@pytest.mark.parametrize("tty", [True, False])
def test_loading_progress_line_is_info_only_at_a_terminal(tty: bool, tiny_gpt2: Path, caplog: pytest.LogCaptureFixture,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.backends import loading

    monkeypatch.setattr(loading, "_stderr_is_tty", lambda: tty)
    with caplog.at_level(logging.DEBUG, logger="parley.backend"):
        loading.load_causal_lm(str(tiny_gpt2), device="cpu", dtype="float32")
    (record,) = [r for r in caplog.records if r.getMessage().startswith("loading model")]
    assert record.levelno == (logging.INFO if tty else logging.DEBUG)

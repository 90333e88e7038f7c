"""Write .env.example from the Settings model: every setting, its default, a comment.

    python deploy/make_env_example.py           # rewrite .env.example at the repository root
    python deploy/make_env_example.py --check   # exit 1 when .env.example is out of date

Every line is commented out, so a copied file changes nothing until a line is uncommented.
Values are quoted so python-dotenv (parley), docker compose and systemd read them alike.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.settings import Settings  # noqa: E402

GROUPS = {
    "telegram": "Telegram front end (`parley run`)",
    "storage": "SQLite storage",
    "generation": "Generation backend and sampling",
    "moderation": "Moderation (lists as JSON; see README for the policy)",
    "metrics": "Prometheus /metrics and /healthz (keep the port private)",
    "api": "HTTP API (`parley serve`)",
    "logging": "Logging",
}
COMMENTS = {
    "telegram.token": "Bot token from @BotFather (secret; required for `parley run`)",
    "telegram.api_base_url": "Bot API base URL; point it at a local Bot API server if you run one",
    "telegram.api_file_url": "Bot API file URL (only with a local Bot API server)",
    "telegram.moderator_chat_id": "Chat where held replies are posted with Approve/Reject buttons (empty: review with `parley review`)",
    "telegram.moderator_ids": "User ids allowed to approve/reject, JSON list or comma-separated",
    "telegram.allowed_chat_ids": "Chats the bot answers in; empty list = every chat",
    "telegram.allowed_user_ids": "Users the bot answers; empty list = every user",
    "telegram.group_trigger": "In groups answer on: mention | mention_or_reply | all (all needs privacy mode off)",
    "telegram.max_user_chars": "Longest user message accepted, in characters; 0 = no limit",
    "telegram.parse_mode": "Formatting of replies: none | markdown | html",
    "telegram.allow_system_command": "Let users set a per-chat system prompt with /system",
    "telegram.quota_messages": "Messages per user per window; 0 = unlimited",
    "telegram.quota_window_s": "Quota window in seconds",
    "telegram.poll_timeout_s": "Long-polling timeout in seconds",
    "telegram.webhook_url": "Public HTTPS URL for webhook mode; empty = long polling",
    "telegram.webhook_secret": "Secret token Telegram sends with webhook calls (secret)",
    "telegram.webhook_listen": "Address the webhook server listens on",
    "telegram.webhook_port": "Port the webhook server listens on",
    "telegram.send_retries": "Retries of a failed Telegram send",
    "telegram.outbox_retry_s": "Seconds between delivery attempts of undelivered messages (outbox)",
    "storage.path": "SQLite database file (its folder must exist)",
    "generation.backend": "transformers (local model) | openai (OpenAI-compatible server such as vLLM) | echo (diagnostics)",
    "generation.model": "Hub id or local folder of the model",
    "generation.revision": "Model revision (commit, tag or branch) to pin",
    "generation.device": "auto | cpu | cuda | cuda:N",
    "generation.dtype": "auto | float32 | float16 | bfloat16",
    "generation.quantization": "none | 8bit | 4bit (needs the `quant` extra)",
    "generation.max_new_tokens": "Longest reply in tokens",
    "generation.temperature": "Sampling temperature; 0 = greedy",
    "generation.top_p": "Nucleus sampling probability mass",
    "generation.top_k": "Top-k sampling; 0 = off",
    "generation.repetition_penalty": "Penalty for repeated tokens; 1 = off",
    "generation.stop": "Stop strings, JSON list",
    "generation.system_prompt": "Default system prompt",
    "generation.context_tokens": "Token budget of the prompt (system prompt + history)",
    "generation.max_batch_size": "Most requests generated together in one batch",
    "generation.batch_wait_ms": "How long a batch waits for more requests, in milliseconds",
    "generation.compile": "torch.compile the model (slower start, faster steps)",
    "generation.engine": "auto | continuous | slots | static (auto: slots with CUDA graphs on CUDA)",
    "generation.cuda_graphs": "slot engine: capture each decode shape as a CUDA graph at start-up",
    "generation.openai_base_url": "Base URL of the OpenAI-compatible server (backend openai)",
    "generation.openai_api_key": "API key of that server (secret)",
    "generation.openai_model": "Model name on that server; empty = generation.model",
    "generation.timeout_s": "Timeout of one generation request to the server, in seconds",
    "generation.max_retries": "Retries of a failed request to the server",
    "moderation.enabled": "Master switch: false skips every moderation stage (all replies allowed)",
    "moderation.use_default_list": "Use the built-in word list",
    "moderation.lists": "Extra word-list files, JSON list of paths",
    "moderation.terms": 'Inline terms, JSON list of {"term", "category", "severity"}',
    "moderation.exceptions": "Words never flagged, JSON list",
    "moderation.regexes": 'Operator regexes, JSON list of {"pattern", "name", "category", "severity"}',
    "moderation.classifier.enabled": "Run the toxicity classifier (Detoxify)",
    "moderation.classifier.model": "original | unbiased | multilingual, a checkpoint file or a local model folder",
    "moderation.classifier.config_dir": "Local config/tokenizer folder for a Detoxify checkpoint (offline loading)",
    "moderation.classifier.device": "auto | cpu | cuda | cuda:N",
    "moderation.classifier.dtype": "auto | float32 | float16 | bfloat16",
    "moderation.classifier.batch_size": "Most texts per classifier batch",
    "moderation.classifier.max_wait_ms": "How long a classifier batch waits for more texts, in milliseconds",
    "moderation.classifier.max_tokens": "Tokens per classifier window; longer texts are split",
    "moderation.classifier.chunk_stride": "Overlap of those windows, in tokens",
    "moderation.classifier.runtime": "torch | onnx (ONNX Runtime on the CPU; needs the `onnx` extra)",
    "moderation.classifier.onnx_dir": "Folder for the classifier's ONNX export; empty = ~/.cache/parley/onnx",
    "moderation.classifier.onnx_threads": "ONNX Runtime threads; 0 = as many as torch uses",
    "moderation.thresholds": "Classifier category -> score at or above which a text is flagged, JSON object",
    "moderation.flagged_action": "Action for flagged text no rule covers: allow | redact | hold | block",
    "moderation.actions": 'Category or severity -> action, JSON object, e.g. {"profanity": "redact", "high": "block"}',
    "moderation.input.enabled": "Also moderate user messages",
    "moderation.input.flagged_action": "Action for a flagged user message",
    "moderation.input.actions": "Category or severity -> action for user messages, JSON object",
    "moderation.texts.held": "Shown to the user while a reply waits for a moderator",
    "moderation.texts.blocked": "Shown instead of a blocked reply",
    "moderation.texts.rejected": "Shown when a moderator rejects a held reply",
    "moderation.texts.input_blocked": "Shown when the user's own message is blocked",
    "moderation.texts.error": "Shown when generation fails",
    "moderation.hot_reload": "Reload word lists and moderation settings when their files change",
    "moderation.reload_interval_s": "How often to look for such changes, in seconds",
    "metrics.enabled": "Serve /metrics and /healthz",
    "metrics.host": "Address they listen on; keep it private (127.0.0.1, or a container network)",
    "metrics.port": "Port they listen on",
    "api.host": "Address the HTTP API listens on",
    "api.port": "Port the HTTP API listens on",
    "api.api_keys": "Accepted API keys, JSON list (secret); requests need `Authorization: Bearer <key>`",
    "api.rate_limit_per_minute": "Requests per key per minute; 0 = unlimited",
    "api.max_body_bytes": "Largest request body accepted, in bytes",
    "api.metrics_need_key": "/metrics on the API port asks for an API key too (Prometheus: authorization credentials)",
    "logging.level": "DEBUG | INFO | WARNING | ERROR",
    "logging.format": "text | json (JSON lines; same as --log-format json)",
}


def leaves(model: BaseModel, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """(path, default value) of every setting; nested groups are walked, lists and dicts are leaves."""
    out = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            out.extend(leaves(value, prefix + (name,)))
        else:
            out.append((prefix + (name,), value))
    return out


def render(value: Any) -> str:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, dict)):
        data = json.loads(json.dumps(value, default=str))
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        return f"'{text}'" if "'" not in text else _dquote(text)
    text = str(getattr(value, "value", value))
    if text and all(c.isalnum() or c in "._-/:+@" for c in text):
        return text
    return _dquote(text)


def _dquote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build() -> str:
    settings = _defaults()
    lines = [
        "# parley settings: copy to .env (or /etc/parley/parley.env for systemd) and uncomment what you change.",
        "# Precedence: environment > .env > TOML file (PARLEY_CONFIG_FILE, default ./parley.toml) > defaults.",
        "# Nested names use `__`; lists and objects are JSON. Secrets are left empty here: never commit them.",
        "# Generated by deploy/make_env_example.py from pipeline/settings.py.",
    ]
    group = None
    for path, value in leaves(settings):
        if path[0] != group:
            group = path[0]
            lines += ["", f"# ---- {group}: {GROUPS.get(group, group)}"]
        key = ".".join(path)
        comment = COMMENTS.get(key)
        if comment is None:
            print(f"make_env_example: no comment for {key}; add one to COMMENTS", file=sys.stderr)
            comment = key.replace("_", " ")
        secret = type(value).__name__ == "SecretStr" or "api_key" in key or path[-1] in ("token", "webhook_secret")
        shown = "" if secret else render(value)
        lines += [f"# {comment}", f"# PARLEY_{'__'.join(p.upper() for p in path)}={shown}"]
    return "\n".join(lines) + "\n"


def _defaults() -> Settings:
    """Settings from defaults alone, whatever the caller's environment holds."""
    class _Defaults(Settings):
        @classmethod
        def settings_customise_sources(cls, settings_cls: Any, init_settings: Any, *args: Any, **kwargs: Any) -> Any:
            return (init_settings,)

    return _Defaults()


def main(argv: list[str]) -> int:
    target = REPO / ".env.example"
    text = build()
    if "--check" in argv:
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            print(".env.example is out of date: run python deploy/make_env_example.py", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""All settings, loaded by pydantic-settings: env > .env > TOML file > defaults."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from moderation.config import ModerationSettings
from pipeline.types import ConfigError

DEFAULT_MODEL = "Qwen/Qwen2.5-0.5B-Instruct"
DEFAULT_API_BASE = "https://api.telegram.org/bot"


def _split_list(value: Any) -> Any:
    """Lists in env vars may be JSON (`[1,2]`) or comma-separated (`1,2`)."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        if text.startswith("["):
            import json

            try:
                return json.loads(text)
            except json.JSONDecodeError:
                return value
        return [part.strip() for part in text.split(",") if part.strip()]
    return value


class _EnvSource(EnvSettingsSource):
    """The environment source, plus: a list of plain values nested in a group that is not ours to
    annotate (moderation.lists, moderation.exceptions) may be comma-separated, like the NoDecode
    lists below; any other value that is not JSON is one line naming the setting, its variable and
    the accepted forms (pydantic-settings would only name the group)."""

    def decode_complex_value(self, field_name: str, field: FieldInfo | None, value: Any) -> Any:
        try:
            return EnvSettingsSource.decode_complex_value(self, field_name, field, value)  # type: ignore[arg-type]
        except ValueError:
            pass
        plain = field is not None and _plain_list(field.annotation)
        if plain and not str(value).strip().startswith("["):
            return _split_list(value)
        var = next((k.upper() for k, v in self.env_vars.items()
                    if v == value and k.lower().endswith(field_name.lower())), f"PARLEY_{field_name.upper()}")
        setting = var.removeprefix("PARLEY_").lower().replace("__", ".")
        origin = get_origin(field.annotation) if field is not None else None
        forms = ('a JSON list (["a","b"]) or comma-separated values (a,b)' if plain
                 else "a JSON list [...]" if origin is list else "a JSON object {...}")
        raise ConfigError(f"config error: {setting}: {var} is not valid JSON; give {forms}")


class _DotEnvSource(DotEnvSettingsSource):
    """The .env source, with the same list handling as _EnvSource."""

    decode_complex_value = _EnvSource.decode_complex_value


def _plain_list(annotation: Any) -> bool:
    args = get_args(annotation)
    return get_origin(annotation) is list and len(args) == 1 and args[0] in (str, Path, int, float)


IntList = Annotated[list[int], NoDecode]
StrList = Annotated[list[str], NoDecode]
SecretList = Annotated[list[SecretStr], NoDecode]


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TelegramSettings(_Group):
    token: SecretStr | None = None
    api_base_url: str = DEFAULT_API_BASE
    api_file_url: str | None = None
    moderator_chat_id: int | None = None
    moderator_ids: IntList = Field(default_factory=list)
    allowed_chat_ids: IntList = Field(default_factory=list)  # empty = every chat
    allowed_user_ids: IntList = Field(default_factory=list)  # empty = every user
    group_trigger: Literal["mention", "mention_or_reply", "all"] = "mention_or_reply"
    max_user_chars: int = Field(default=4096, ge=0)  # 0 = no limit
    parse_mode: Literal["none", "markdown", "html"] = "none"
    allow_system_command: bool = False
    quota_messages: int = Field(default=30, ge=0)  # per user per window; 0 = unlimited
    quota_window_s: float = Field(default=60.0, gt=0)
    poll_timeout_s: int = Field(default=30, ge=0)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    send_retries: int = Field(default=5, ge=0)
    outbox_retry_s: float = Field(default=30.0, gt=0)

    _split = field_validator("moderator_ids", "allowed_chat_ids", "allowed_user_ids", mode="before")(
        _split_list
    )


class StorageSettings(_Group):
    path: Path = Path("parley.db")


class GenerationSettings(_Group):
    backend: Literal["transformers", "openai", "echo"] = "transformers"
    model: str = DEFAULT_MODEL
    revision: str | None = None
    device: str = "auto"  # auto | cpu | cuda | cuda:N
    dtype: Literal["auto", "float32", "float16", "bfloat16"] = "auto"
    quantization: Literal["none", "8bit", "4bit"] = "none"
    max_new_tokens: int = Field(default=256, ge=1)
    temperature: float = Field(default=0.7, ge=0)
    top_p: float = Field(default=0.9, gt=0, le=1)
    top_k: int = Field(default=50, ge=0)
    repetition_penalty: float = Field(default=1.05, gt=0)
    stop: StrList = Field(default_factory=list)
    system_prompt: str = "You are a helpful, friendly assistant. Answer concisely."
    context_tokens: int = Field(default=2048, ge=16)
    max_batch_size: int = Field(default=64, ge=1)
    batch_wait_ms: float = Field(default=5.0, ge=0)
    compile: bool = False
    # auto: the slot engine with CUDA graphs on CUDA, the eager continuous engine on CPU, static batches
    # with `compile` or for models whose KV cache cannot be spliced
    engine: Literal["auto", "continuous", "slots", "static"] = "auto"
    cuda_graphs: bool = True  # slot engine: capture each decode shape as a CUDA graph at start-up
    openai_base_url: str = "http://127.0.0.1:8000/v1"
    openai_api_key: SecretStr | None = None
    openai_model: str | None = None  # defaults to `model`
    timeout_s: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=3, ge=0)

    _split = field_validator("stop", mode="before")(_split_list)


class MetricsSettings(_Group):
    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = Field(default=9108, ge=1, le=65535)


class ApiSettings(_Group):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    api_keys: SecretList = Field(default_factory=list)
    rate_limit_per_minute: int = Field(default=120, ge=0)  # per key; 0 = unlimited
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    metrics_need_key: bool = False  # /metrics on the API port asks for an API key too (Prometheus: authorization)

    _split = field_validator("api_keys", mode="before")(_split_list)


class LoggingSettings(_Group):
    level: str = "INFO"
    format: Literal["text", "json"] = "text"


_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def webhook_secret_problem(telegram: TelegramSettings) -> str | None:
    """Telegram accepts only these characters in a webhook secret (setWebhook secret_token); checked
    by `parley config check` and at the start of webhook mode."""
    secret = telegram.webhook_secret.get_secret_value() if telegram.webhook_secret else None
    if secret is None or _WEBHOOK_SECRET.fullmatch(secret):
        return None
    return ("config error: telegram.webhook_secret must be 1-256 characters of A-Z, a-z, 0-9, _ and -; "
            "fix PARLEY_TELEGRAM__WEBHOOK_SECRET")


def config_file_path() -> Path | None:
    explicit = os.environ.get("PARLEY_CONFIG_FILE")
    if explicit:
        return Path(explicit)
    default = Path("parley.toml")
    return default if default.is_file() else None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PARLEY_",
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="forbid",
        nested_model_default_partial_update=True,
    )

    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    generation: GenerationSettings = Field(default_factory=GenerationSettings)
    moderation: ModerationSettings = Field(default_factory=ModerationSettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # the sources as pydantic-settings configured them, with comma lists (see _EnvSource)
        if type(env_settings) is EnvSettingsSource:
            env_settings.__class__ = _EnvSource
        if type(dotenv_settings) is DotEnvSettingsSource:
            dotenv_settings.__class__ = _DotEnvSource
        sources = [init_settings, env_settings, dotenv_settings]
        path = config_file_path()
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)


def _env_name(loc: tuple[Any, ...]) -> str:
    return "PARLEY_" + "__".join(str(p).upper() for p in loc if not isinstance(p, int))


def format_validation_error(err: ValidationError) -> list[str]:
    """One readable line per problem: setting, value given, what is expected, how to fix."""
    lines = []
    for item in err.errors(include_url=False):
        loc = tuple(item.get("loc", ()))
        name = ".".join(str(p) for p in loc) or "settings"
        given = item.get("input")
        given_txt = "" if isinstance(given, dict) else f" (got {_safe_repr(loc, given)})"
        msg = item.get("msg", "invalid value")
        if item.get("type") == "extra_forbidden":
            msg = "unknown setting; check the spelling against `parley config show`"
        lines.append(f"config error: {name}{given_txt}: {msg}; fix {_env_name(loc)} or [{'.'.join(str(p) for p in loc[:-1]) or name}] in the config file")
    return lines


def _safe_repr(loc: tuple[Any, ...], value: Any) -> str:
    if _is_secret(loc):
        return "'**********'"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _is_secret(loc: tuple[Any, ...]) -> bool:
    """Whether the setting at `loc` holds a SecretStr (so its value must not be echoed). Only a path
    that does not resolve to a field (an unknown name) falls back to guessing from the name."""
    model: Any = Settings
    annotation: Any = None
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(model, "model_fields", None)
        if not fields or part not in fields:
            return any(s in str(p).lower() for p in loc for s in ("token", "key", "secret", "password"))
        annotation = fields[part].annotation
        model = next((a for a in _flat_args(annotation) if isinstance(a, type) and issubclass(a, BaseModel)), None)
    return any(a is SecretStr for a in _flat_args(annotation))


def _flat_args(annotation: Any) -> list[Any]:
    """An annotation and every type inside it (Optional, list[...], Annotated[...])."""
    out = [annotation]
    for arg in get_args(annotation):
        out.extend(_flat_args(arg))
    return out


def load_settings(**overrides: Any) -> Settings:
    """Load settings or raise ConfigError whose message is one line per problem."""
    path = config_file_path()
    if path is not None and not path.is_file():
        raise ConfigError(f"config error: PARLEY_CONFIG_FILE={path} does not exist; create it or unset the variable")
    try:
        return Settings(**overrides)
    except ValidationError as err:
        raise ConfigError("\n".join(format_validation_error(err))) from None
    except ValueError as err:  # TOML syntax errors and env JSON errors
        where = f" in {path}" if path else ""
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ConfigError(f"config error{where}: {first}") from None


def masked_dump(settings: Settings) -> dict[str, Any]:
    """Effective settings as plain data with secrets masked."""
    data = settings.model_dump(mode="json")

    def mask(obj: Any, ref: Any) -> Any:
        if isinstance(ref, SecretStr):
            return "**********"
        if isinstance(ref, BaseModel):
            return {k: mask(obj.get(k) if isinstance(obj, dict) else None, getattr(ref, k)) for k in type(ref).model_fields}
        if isinstance(ref, list):
            return [mask(o, r) for o, r in zip(obj or [], ref)]
        if isinstance(ref, dict):
            return {k: mask((obj or {}).get(k), v) for k, v in ref.items()}
        return obj

    return mask(data, settings)

"""Request and response shapes of the OpenAI-compatible API (the subset parley serves).

Requests ignore unknown fields (clients send presence_penalty, seed, user, ...) but reject
values parley cannot honour (n > 1, tool messages, non-text content) with a clear 400.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator, model_validator

from bot.splitting import sanitize


class _Request(BaseModel):
    model_config = ConfigDict(extra="ignore")


class TextPart(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: Literal["text"]
    text: str


class ChatMessage(_Request):
    role: Literal["system", "developer", "user", "assistant"]
    content: str | list[TextPart] | None = None
    name: str | None = None

    @model_validator(mode="after")
    def _said_something(self) -> ChatMessage:
        if self.content is None and self.role != "assistant":  # an assistant turn may have made only tool calls
            raise ValueError(f"a {self.role} message needs content")
        return self

    def text(self) -> str:
        """Content as one string (text parts joined), lone UTF-16 surrogates from JSON escapes repaired
        as on Telegram: the store and the JSON response cannot encode them."""
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return sanitize(self.content)
        return sanitize("".join(part.text for part in self.content))


class StreamOptions(_Request):
    include_usage: bool = False


class ChatCompletionRequest(_Request):
    model: str = Field(default="", max_length=256)
    messages: list[ChatMessage] = Field(min_length=1)
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, gt=0, le=1)
    # strict: "stream": "yes" or "max_tokens": true is a client bug to report, not to guess at
    max_tokens: StrictInt | None = Field(default=None, ge=1)
    max_completion_tokens: StrictInt | None = Field(default=None, ge=1)
    stop: str | list[str] | None = None
    stream: StrictBool = False
    stream_options: StreamOptions | None = None
    n: StrictInt = 1

    @field_validator("n")
    @classmethod
    def _only_one(cls, value: int) -> int:
        if value != 1:
            raise ValueError("only n=1 is supported")
        return value

    @field_validator("stop")
    @classmethod
    def _stops(cls, value: str | list[str] | None) -> str | list[str] | None:
        if isinstance(value, list) and len(value) > 4:
            raise ValueError("at most 4 stop sequences")
        return value

    def stop_list(self) -> list[str] | None:
        if self.stop is None:
            return None
        return [sanitize(self.stop)] if isinstance(self.stop, str) else [sanitize(s) for s in self.stop if s]


class ModerationRequest(_Request):
    input: str | list[str] = Field(description="a text or a list of texts")
    model: str | None = None
    # parley extension: which policy applies ("output" = replies, the default; "input" = user messages).
    source: Literal["output", "input"] = "output"

    @field_validator("input")
    @classmethod
    def _bounded(cls, value: str | list[str]) -> str | list[str]:
        if isinstance(value, list) and not 1 <= len(value) <= MAX_MODERATION_INPUTS:
            raise ValueError(f"give between 1 and {MAX_MODERATION_INPUTS} texts")
        return value

    def texts(self) -> list[str]:
        return [sanitize(t) for t in ([self.input] if isinstance(self.input, str) else self.input)]


MAX_MODERATION_INPUTS = 1000


# -- responses --------------------------------------------------------------------------------
class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str
    refusal: str | None = None


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: str
    logprobs: None = None


class ParleyInfo(BaseModel):
    """parley's own field: what moderation decided, and the held item's id when queued."""

    action: str
    held_id: int | None = None
    verdict: dict[str, Any] | None = None
    source: Literal["input", "output"] = "output"


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    system_fingerprint: str | None = None
    parley: ParleyInfo


class Delta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: str | None = None
    logprobs: None = None


class ChatCompletionChunk(BaseModel):
    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    usage: Usage | None = None
    parley: ParleyInfo | None = None


class ModerationResult(BaseModel):
    flagged: bool
    categories: dict[str, bool]
    category_scores: dict[str, float]
    category_applied_input_types: dict[str, list[str]]
    parley: dict[str, Any]


class ModerationResponse(BaseModel):
    id: str
    model: str
    results: list[ModerationResult]


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "parley"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class HeldStatus(BaseModel):
    """GET /v1/parley/held/{id}: a held completion's review state; `content` once decided."""

    id: int
    state: Literal["pending", "approved", "rejected"]
    content: str | None = None
    created: int
    decided_at: int | None = None


class ErrorBody(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody

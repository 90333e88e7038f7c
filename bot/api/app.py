"""The FastAPI application: OpenAI-compatible, moderated, built around an existing Core.

create_api(core, settings) adds no second pipeline: completions use core.backend, the context builder
of core.pipeline, core.moderator and core.store. The lifespan starts the Core only when the caller
has not (and then also closes it), so `parley serve` and tests can own the Core themselves.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from bot.api.completions import ChatService, Outcome, completion_id, stream_pieces
from bot.api.errors import ApiError, error_body, install_error_handlers
from bot.api.moderations import moderation_results
from bot.api.schemas import (
    AssistantMessage, ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Choice, ChunkChoice, Delta,
    HeldStatus, ModelCard, ModelList, ModerationRequest, ModerationResponse, ParleyInfo, Usage,
)
from bot.api.security import (
    ASGIApp, BodyLimitMiddleware, Caller, KeyRing, Receive, RateLimiter, Scope, Send, api_chat_id, bearer_token,
    check_exposure, retry_after_header,
)
from bot.compose import Core
from moderation.config import ModerationSettings
from pipeline.settings import Settings

log = logging.getLogger("parley.api")
PROTECTED_PREFIX = "/v1/"
MODERATION_MODEL = "parley-moderation"


def served_model(settings: Settings) -> str:
    g = settings.generation
    if g.backend == "echo":
        return "echo"
    if g.backend == "openai":
        return g.openai_model or g.model
    return g.model


FAILED_AUTH_PER_MINUTE = 30


class AccessMiddleware:
    """Bearer key check and per-caller rate limit for /v1/* (and /metrics with `api.metrics_need_key`),
    before the body is read or parsed."""

    def __init__(self, app: ASGIApp, *, ring: KeyRing, limiter: RateLimiter, metrics_need_key: bool = False) -> None:
        self.app = app
        self.ring = ring
        self.limiter = limiter
        self.metrics_need_key = metrics_need_key
        # Key guessing: an address that keeps failing authentication is slowed down (429) while
        # callers with a valid key are not affected.
        self.failures = RateLimiter(FAILED_AUTH_PER_MINUTE)

    def _protected(self, path: str) -> bool:
        return path.startswith(PROTECTED_PREFIX) or (self.metrics_need_key and path == "/metrics")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._protected(str(scope.get("path", ""))):
            await self.app(scope, receive, send)
            return
        try:
            caller, bucket = self._identify(scope)
            wait = self.limiter.acquire(bucket)
            if wait is not None:
                raise ApiError(429, f"rate limit reached ({self.limiter.capacity:.0f} requests per minute per key); "
                               f"retry after {retry_after_header(wait)} s", code="rate_limit_exceeded",
                               headers={"Retry-After": retry_after_header(wait)})
        except ApiError as err:
            if err.status == 401:
                client = scope.get("client") or ("local", 0)
                wait = self.failures.acquire(f"addr:{client[0]}")
                if wait is not None:
                    err = ApiError(429, "too many failed authentication attempts from this address; retry after "
                                   f"{retry_after_header(wait)} s", code="auth_rate_limited",
                                   headers={"Retry-After": retry_after_header(wait)})
            body = JSONResponse(error_body(err.message, err.type, param=err.param, code=err.code),
                                status_code=err.status, headers=err.headers)
            await body(scope, receive, send)
            return
        scope.setdefault("state", {})["parley_caller"] = caller
        await self.app(scope, receive, send)

    def _identify(self, scope: Scope) -> tuple[Caller, str]:
        if self.ring.open:  # keyless mode (loopback only): one caller, rate-limited per client address
            client = scope.get("client") or ("local", 0)
            return Caller("anonymous", api_chat_id(None), anonymous=True), f"addr:{client[0]}"
        auth = None
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                auth = value.decode("latin-1")
        token = bearer_token(auth)
        challenge = {"WWW-Authenticate": "Bearer"}
        if token is None:
            raise ApiError(401, "missing API key: send the header 'Authorization: Bearer <key>'",
                           code="missing_api_key", headers=challenge)
        caller = self.ring.identify(token)
        if caller is None:
            raise ApiError(401, "incorrect API key", code="invalid_api_key", headers=challenge)
        return caller, caller.key_id


def create_api(core: Core, settings: Settings | None = None) -> FastAPI:
    """The HTTP API over `core`; raises ConfigError when keys are missing on a non-loopback host."""
    settings = settings or core.settings
    ring = KeyRing(settings.api.api_keys)
    check_exposure(settings.api.host, ring)
    metrics = core.observer if hasattr(core.observer, "exposition") else None
    if metrics is None and settings.metrics.enabled:
        from pipeline.metrics import build_metrics

        metrics = build_metrics(settings)
    chat = ChatService(core, settings, observer=core.observer or metrics)
    model_id = served_model(settings)
    started = int(time.time())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = core.pipeline is None
        if owned:
            try:
                await core.start()
            except BaseException as err:
                app.state.startup_error = err
                raise
        if metrics is not None:
            metrics.set_ready(True)
        if ring.open:
            log.warning("api.api_keys is empty: the API accepts requests without a key (loopback only)")
        try:
            yield
        finally:
            if metrics is not None:
                metrics.set_ready(False)
            if owned:
                await core.aclose()

    app = FastAPI(title="parley", version="1", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.core = core
    app.state.settings = settings
    app.state.startup_error = None
    app.state.metrics = metrics
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.api.max_body_bytes)
    app.add_middleware(AccessMiddleware, ring=ring, limiter=RateLimiter(settings.api.rate_limit_per_minute),
                       metrics_need_key=settings.api.metrics_need_key)

    def moderation_settings() -> ModerationSettings:
        current = getattr(core.moderator, "settings", None)  # hot-reloaded moderation settings when available
        return current if isinstance(current, ModerationSettings) else settings.moderation

    @app.post("/v1/moderations", response_model=ModerationResponse)
    async def moderations(body: ModerationRequest) -> ModerationResponse:
        verdicts = await core.moderator.moderate(body.texts(), source=body.source)
        if metrics is not None:
            for verdict in verdicts:
                metrics.observe_verdict(verdict.to_dict(), direction=body.source)
        return ModerationResponse(id="modr-" + uuid.uuid4().hex, model=body.model or MODERATION_MODEL,
                                  results=moderation_results(verdicts, moderation_settings()))

    @app.post("/v1/chat/completions", response_model=None)
    async def chat_completions(body: ChatCompletionRequest, request: Request) -> Response | ChatCompletion:
        caller: Caller = request.state.parley_caller
        if metrics is not None:
            metrics.message_received("api")
        out = await chat.complete(body, caller)
        cid, created = completion_id(), int(time.time())
        info = ParleyInfo(action=out.action, held_id=out.held_id, verdict=out.verdict, source=out.source)  # type: ignore[arg-type]
        usage = Usage(prompt_tokens=out.prompt_tokens, completion_tokens=out.completion_tokens,
                      total_tokens=out.prompt_tokens + out.completion_tokens)
        if body.stream:
            include_usage = bool(body.stream_options and body.stream_options.include_usage)
            events = sse_events(out, cid, created, model_id, info, usage if include_usage else None)
            return StreamingResponse(events, media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        return ChatCompletion(id=cid, created=created, model=model_id, usage=usage, parley=info,
                              choices=[Choice(message=AssistantMessage(content=out.text), finish_reason=out.finish_reason)])

    @app.get("/v1/models", response_model=ModelList)
    async def models() -> ModelList:
        return ModelList(data=[ModelCard(id=model_id, created=started),
                               ModelCard(id=MODERATION_MODEL, created=started)])

    @app.get("/v1/models/{name:path}", response_model=ModelCard)
    async def model(name: str) -> ModelCard:
        if name not in (model_id, MODERATION_MODEL):
            raise ApiError(404, f"model {name!r} is not served here; see GET /v1/models", param="model",
                           code="model_not_found")
        return ModelCard(id=name, created=started)

    @app.get("/v1/parley/held/{held_id}", response_model=HeldStatus)
    async def held_status(held_id: int, request: Request) -> HeldStatus:
        """A held completion's review state; the approved text (or the rejection text) once decided."""
        caller: Caller = request.state.parley_caller
        held = await core.store.get_held(held_id)
        if held is None or held.source != "api" or held.chat_id != caller.chat_id:
            raise ApiError(404, f"no held completion {held_id} for this API key", param="held_id", code="not_found")
        content = None
        if held.state == "approved":
            content = held.sent_text
        elif held.state == "rejected":
            content = settings.moderation.texts.rejected
        if content is not None and held.delivered_at is None:
            await core.store.mark_held_delivered(held.id)
        return HeldStatus(id=held.id, state=held.state, content=content, created=int(held.created_at),  # type: ignore[arg-type]
                          decided_at=int(held.decided_at) if held.decided_at else None)

    from pipeline.health import health_check

    check_health = health_check(core.store, lambda: core.pipeline is not None)  # once: uptime counts from here

    @app.api_route("/healthz", methods=["GET", "HEAD"])
    async def healthz() -> JSONResponse:
        report = await check_health()
        report["backend_name"] = core.backend.name
        return JSONResponse(report, status_code=200 if report.get("ready") else 503)

    if metrics is not None:
        @app.get("/metrics")
        async def metrics_endpoint() -> Response:
            await metrics.refresh_from_store(core.store)
            payload, content_type = metrics.exposition()
            return Response(payload, media_type=content_type)

    return app


def _dump(model: Any) -> str:
    return "data: " + model.model_dump_json(exclude_none=True) + "\n\n"


async def sse_events(out: Outcome, cid: str, created: int, model: str, info: ParleyInfo,
                     usage: Usage | None) -> AsyncIterator[str]:
    """The already-moderated text as chat.completion.chunk events, then [DONE]."""
    def chunk(delta: Delta, finish: str | None = None, **extra: Any) -> ChatCompletionChunk:
        return ChatCompletionChunk(id=cid, created=created, model=model,
                                   choices=[ChunkChoice(delta=delta, finish_reason=finish)], **extra)

    yield _dump(chunk(Delta(role="assistant", content="")))
    for piece in stream_pieces(out.text):
        yield _dump(chunk(Delta(content=piece)))
    yield _dump(chunk(Delta(), out.finish_reason, parley=info))
    if usage is not None:
        yield _dump(ChatCompletionChunk(id=cid, created=created, model=model, choices=[], usage=usage))
    yield "data: [DONE]\n\n"

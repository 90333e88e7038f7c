"""Moderated chat completions: the request's messages → the configured backend → moderation → what may be shown.

Nothing the model wrote leaves here unmoderated: the whole reply is generated and judged first, and
only the verdict's text (allow / redact) or the configured held / blocked text is returned or streamed.
API conversations are stateless (the client sends the history); held items go to the same queue as
Telegram replies (source="api", chat_id = the caller's API chat id) and every flagged outcome gets an
audit row, as in pipeline.Pipeline.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterator

from bot.api.errors import ApiError
from bot.api.schemas import ChatCompletionRequest
from bot.api.security import Caller
from bot.compose import Core, sampling_from
from bot.splitting import sanitize
from moderation.types import Action
from pipeline.pipeline import TurnTimings
from pipeline.settings import Settings
from pipeline.types import GenerationRequest, GenerationResult, Reply, SamplingParams, Turn, generate_one

log = logging.getLogger("parley.api")
_ids = itertools.count(1)
STREAM_CHUNK_CHARS = 24


@dataclass(slots=True)
class Outcome:
    """What a completion returns: the text the caller may see and why."""

    text: str
    finish_reason: str  # stop | length | content_filter
    action: str  # allow | redact | hold | block
    verdict: dict[str, Any] | None = None
    held_id: int | None = None
    source: str = "output"  # which check decided: input or output
    prompt_tokens: int = 0
    completion_tokens: int = 0
    timings: TurnTimings = field(default_factory=TurnTimings)


def split_messages(req: ChatCompletionRequest, chat_id: int) -> tuple[str | None, list[Turn], str]:
    """(system prompt or None for the configured one, user/assistant turns, last user text)."""
    system = [m.text() for m in req.messages if m.role in ("system", "developer")]
    turns = [Turn(chat_id, "user" if m.role == "user" else "assistant", m.text())
             for m in req.messages if m.role in ("user", "assistant")]
    last_user = next((t.text for t in reversed(turns) if t.role == "user"), None)
    if last_user is None:
        raise ApiError(400, "messages: at least one message with role 'user' is required", param="messages",
                       code="invalid_request")
    return ("\n\n".join(system) if system else None), turns, last_user


def sampling_for(req: ChatCompletionRequest, settings: Settings) -> SamplingParams:
    """Request fields over the configured defaults; max_tokens is capped at generation.context_tokens."""
    base = sampling_from(settings)
    wanted = req.max_completion_tokens or req.max_tokens
    cap = max(base.max_new_tokens, settings.generation.context_tokens)
    stops = req.stop_list()
    return dataclasses.replace(
        base,
        max_new_tokens=min(wanted, cap) if wanted else base.max_new_tokens,
        temperature=base.temperature if req.temperature is None else req.temperature,
        top_p=base.top_p if req.top_p is None else req.top_p,
        stop=base.stop if stops is None else tuple(stops),
    )


class ChatService:
    """Runs one API completion through the Core's backend, context builder, moderator and store."""

    def __init__(self, core: Core, settings: Settings, *, observer: Any = None) -> None:
        self.core = core
        self.settings = settings
        self.observer = observer if observer is not None else core.observer  # gets observe_turn(reply, timings)

    @property
    def texts(self) -> Any:
        return self.settings.moderation.texts

    async def complete(self, req: ChatCompletionRequest, caller: Caller) -> Outcome:
        core = self.core
        if core.pipeline is None:
            raise ApiError(503, "the service is starting; retry shortly", code="not_ready")
        timings = TurnTimings()
        t0 = time.perf_counter()
        system, turns, last_user = split_messages(req, caller.chat_id)
        if self.settings.moderation.input.enabled:
            t = time.perf_counter()
            (verdict_in,) = await core.moderator.moderate([last_user], source="input")
            timings.moderate_s += time.perf_counter() - t
            if verdict_in.action in (Action.BLOCK, Action.HOLD):
                vd = verdict_in.to_dict()
                await core.store.audit("input_blocked", chat_id=caller.chat_id, actor=caller.actor, verdict=vd,
                                       detail={"source": "api"})
                return self._finish(Outcome(self.texts.input_blocked, "content_filter", "block", vd, source="input",
                                            timings=timings), caller, t0, draft="")
        t = time.perf_counter()
        built = core.pipeline.context.build(turns, system_prompt=system)
        timings.context_s += time.perf_counter() - t
        request = GenerationRequest(f"api-{next(_ids)}", list(built.messages), sampling_for(req, self.settings))
        t = time.perf_counter()
        result = await self._generate(request, caller)
        timings.generate_s += time.perf_counter() - t
        timings.tokens = result.tokens
        t = time.perf_counter()
        (verdict,) = await core.moderator.moderate([result.text], source="output")
        timings.moderate_s += time.perf_counter() - t
        vd = verdict.to_dict()
        prompt_tokens, completion_tokens = result.prompt_tokens or built.tokens, result.tokens
        store, actor = core.store, caller.actor
        if verdict.action in (Action.ALLOW, Action.REDACT):
            if verdict.action is Action.REDACT or verdict.reasons:
                await store.audit("verdict", chat_id=caller.chat_id, actor=actor, verdict=vd, detail={"source": "api"})
            finish = result.finish_reason if result.finish_reason in ("stop", "length") else "stop"
            out = Outcome(verdict.text, finish, str(verdict.action), vd, prompt_tokens=prompt_tokens,
                          completion_tokens=completion_tokens, timings=timings)
        elif verdict.action is Action.HOLD:
            held = await store.hold(chat_id=caller.chat_id, user_text=last_user, reply_text=result.text, verdict=vd,
                                    source="api", audit_actor=actor, audit_detail={"source": "api"})
            out = Outcome(self.texts.held, "content_filter", "hold", vd, held.id, prompt_tokens=prompt_tokens,
                          completion_tokens=completion_tokens, timings=timings)
        else:
            await store.audit("blocked", chat_id=caller.chat_id, actor=actor, verdict=vd,
                              detail={"source": "api", "draft": result.text})
            out = Outcome(self.texts.blocked, "content_filter", "block", vd, prompt_tokens=prompt_tokens,
                          completion_tokens=completion_tokens, timings=timings)
        return self._finish(out, caller, t0, draft=result.text)

    async def _generate(self, request: GenerationRequest, caller: Caller) -> GenerationResult:
        try:
            result = await generate_one(self.core.backend, request)
            error = result.error
        except Exception as err:  # a broken backend fails this request only
            log.exception("generation failed for an API request")
            error = f"{type(err).__name__}: {err}"
        if error is None:
            result.text = sanitize(result.text)  # an upstream server may send lone surrogates too
            return result
        await self.core.store.audit("generation_error", chat_id=caller.chat_id, actor=caller.actor,
                                    detail={"error": error, "source": "api"})
        raise ApiError(503, "generation failed; retry later (details are in the server log)", code="backend_error",
                       type="server_error")

    def _finish(self, out: Outcome, caller: Caller, t0: float, *, draft: str) -> Outcome:
        """Report the turn to the metrics observer, as Pipeline does for Telegram replies."""
        out.timings.total_s = time.perf_counter() - t0
        observer = self.observer
        if observer is not None:
            reply = Reply(caller.chat_id, out.text, out.action, out.verdict, held_id=out.held_id, draft=draft,
                          extra={"source": "input" if out.source == "input" else "api"})
            try:
                observer.observe_turn(reply, out.timings)
            except Exception:  # metrics must never break a reply
                log.exception("metrics observer failed")
        if out.verdict is not None:
            out.verdict = public_verdict(out.verdict)
        return out


def public_verdict(verdict: dict[str, Any]) -> dict[str, Any]:
    """The verdict as API callers see it: no draft text and no matched terms (reasons mask them already)."""
    return {
        "action": verdict.get("action"),
        "scores": dict(verdict.get("scores") or {}),
        "matches": [{k: m.get(k) for k in ("category", "severity", "start", "end")} for m in verdict.get("matches") or []],
        "reasons": list(verdict.get("reasons") or []),
    }


def completion_id() -> str:
    return "chatcmpl-" + uuid.uuid4().hex


_PIECE = re.compile(r"\S+\s*|\s+")


def stream_pieces(text: str, size: int = STREAM_CHUNK_CHARS) -> Iterator[str]:
    """Small chunks on word boundaries (a longer word is cut); they join back to exactly `text`."""
    buf = ""
    for match in _PIECE.finditer(text):
        word = match.group(0)
        if buf and len(buf) + len(word) > size:
            yield buf
            buf = ""
        while len(word) > size:
            yield word[:size]
            word = word[size:]
        buf += word
    if buf:
        yield buf

"""One conversational turn: store → context → generate → moderate → store."""

from __future__ import annotations

import itertools
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence

from moderation.types import Action, Moderator, Verdict
from moderation.config import ModerationTexts
from pipeline.store import HeldReply, Store
from pipeline.types import Backend, GenerationRequest, Reply, SamplingParams, Turn, generate_one

log = logging.getLogger("parley.pipeline")
_ids = itertools.count(1)


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Lone UTF-16 surrogates (possible in JSON from any front end) become U+FFFD: SQLite and tokenizers reject them."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)


class ContextLike(Protocol):
    def build(self, turns: Sequence[Turn], *, system_prompt: str | None = None) -> Any: ...


@dataclass(slots=True)
class TurnTimings:
    """Where a reply's time went; read by metrics and `parley bench --e2e`."""

    store_s: float = 0.0
    context_s: float = 0.0
    generate_s: float = 0.0
    moderate_s: float = 0.0
    total_s: float = 0.0
    tokens: int = 0
    extra: dict[str, float] = field(default_factory=dict)


class Pipeline:
    """Ties one turn together; front ends (Telegram, console, HTTP API) only deliver Reply.text."""

    def __init__(
        self,
        *,
        store: Store,
        backend: Backend,
        moderator: Moderator,
        context: ContextLike,
        sampling: SamplingParams,
        texts: ModerationTexts,
        input_moderation: bool = False,
        observer: Any = None,
    ) -> None:
        self.store = store
        self.backend = backend
        self.moderator = moderator
        self.context = context
        self.sampling = sampling
        self.texts = texts
        self.input_moderation = input_moderation
        self.observer = observer  # optional metrics hook: observe_turn(reply, timings)

    async def handle(
        self, chat_id: int, user_text: str, *, message_id: int | None = None, source: str = "telegram"
    ) -> Reply:
        timings = TurnTimings()
        t0 = time.perf_counter()
        user_text = clean_text(user_text)
        user_turn = await self.store.add_turn(chat_id, "user", user_text, message_id=message_id)
        timings.store_s += time.perf_counter() - t0
        if self.input_moderation:
            t = time.perf_counter()
            (verdict_in,) = await self.moderator.moderate([user_text], source="input")
            timings.moderate_s += time.perf_counter() - t
            if verdict_in.action in (Action.BLOCK, Action.HOLD):
                await self.store.audit("input_blocked", chat_id=chat_id, ref_id=user_turn.id, verdict=verdict_in.to_dict())
                return self._finish(Reply(chat_id, self.texts.input_blocked, "block", verdict_in.to_dict(),
                                          user_turn.id, extra={"source": "input"}), timings, t0)
        return await self._respond(chat_id, user_turn, timings, t0, message_id=message_id, source=source)

    async def retry(self, chat_id: int, *, source: str = "telegram") -> Reply | None:
        """Regenerate the reply to the last user turn (drops the previous reply)."""
        t0 = time.perf_counter()
        last_user = await self.store.pop_last_reply(chat_id)
        if last_user is None:
            return None
        return await self._respond(chat_id, last_user, TurnTimings(), t0, message_id=None, source=source)

    async def reset(self, chat_id: int) -> int:
        return await self.store.new_conversation(chat_id)

    async def _respond(
        self, chat_id: int, user_turn: Turn, timings: TurnTimings, t0: float, *, message_id: int | None, source: str
    ) -> Reply:
        t = time.perf_counter()
        turns, system_prompt = await self.store.history_and_prompt(chat_id)
        timings.store_s += time.perf_counter() - t
        t = time.perf_counter()
        built = self.context.build(turns, system_prompt=system_prompt)
        timings.context_s += time.perf_counter() - t
        request = GenerationRequest(f"{chat_id}-{next(_ids)}", list(built.messages), self.sampling)
        t = time.perf_counter()
        try:
            result = await generate_one(self.backend, request)
        except Exception as err:  # a broken backend fails this request only
            log.exception("generation failed for chat %s", chat_id)
            result = None
            error = f"{type(err).__name__}: {err}"
        else:
            error = result.error
        timings.generate_s += time.perf_counter() - t
        if result is None or error is not None:
            await self.store.audit("generation_error", chat_id=chat_id, ref_id=user_turn.id, detail={"error": error})
            return self._finish(Reply(chat_id, self.texts.error, "error", None, user_turn.id,
                                      extra={"error": error}), timings, t0)
        timings.tokens = result.tokens
        t = time.perf_counter()
        (verdict,) = await self.moderator.moderate([result.text], source="output")
        timings.moderate_s += time.perf_counter() - t
        t = time.perf_counter()
        reply = await self._apply_verdict(chat_id, user_turn, result.text, verdict, message_id, source)
        timings.store_s += time.perf_counter() - t
        reply.extra["tokens"] = result.tokens
        return self._finish(reply, timings, t0)

    async def _apply_verdict(
        self, chat_id: int, user_turn: Turn, draft: str, verdict: Verdict, message_id: int | None, source: str
    ) -> Reply:
        vd = verdict.to_dict()
        action = verdict.action
        if action in (Action.ALLOW, Action.REDACT):
            audited = action is Action.REDACT or bool(verdict.reasons)
            turn = await self.store.add_turn(chat_id, "assistant", verdict.text, audit_verdict=vd if audited else None)
            return Reply(chat_id, verdict.text, str(action), vd, turn.id, draft=draft)
        if action is Action.HOLD:
            held = await self.store.hold(chat_id=chat_id, user_text=user_turn.text, reply_text=draft, verdict=vd,
                                         user_turn_id=user_turn.id, user_message_id=message_id, source=source)
            return Reply(chat_id, self.texts.held, "hold", vd, user_turn.id, held.id, draft=draft)
        await self.store.audit("blocked", chat_id=chat_id, ref_id=user_turn.id, verdict=vd, detail={"draft": draft})
        return Reply(chat_id, self.texts.blocked, "block", vd, user_turn.id, draft=draft)

    async def decide(
        self, held_id: int, *, approve: bool, decided_by: str, text: str | None = None,
    ) -> HeldReply | None:
        """A moderator decision; the approved reply (or the moderator's edit of it, `text`) joins the
        conversation history. An edit is the moderator's own words and is not moderated again."""
        return await self.store.decide_held(held_id, approve=approve, decided_by=decided_by, record=True,
                                            text=clean_text(text) if text is not None else None)

    def _finish(self, reply: Reply, timings: TurnTimings, t0: float) -> Reply:
        timings.total_s = time.perf_counter() - t0
        reply.extra["timings"] = timings
        if self.observer is not None:
            try:
                self.observer.observe_turn(reply, timings)
            except Exception:  # metrics must never break a reply
                log.exception("metrics observer failed")
        return reply

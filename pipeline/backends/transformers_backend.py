"""Local generation with transformers; requests from all chats share one batched engine."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, AsyncIterator, Literal, Sequence

import torch

from pipeline.backends import decode
from pipeline.backends.engine import BatchEngine, EngineOutput
from pipeline.backends.loading import eos_ids, load_causal_lm, max_positions
from pipeline.backends.slots import SlotEngine, slots_unsupported
from pipeline.backends.static import StaticBatchEngine
from pipeline.context import FALLBACK_STOPS, encode_messages, has_chat_template
from pipeline.settings import GenerationSettings
from pipeline.types import GenerationRequest, GenerationResult, SamplingParams, fan_out

log = logging.getLogger("parley.backend")

EngineKind = Literal["auto", "continuous", "slots", "static"]


class TransformersBackend:
    """`start()` loads the model (off the event loop); `generate()` submits to the shared engine."""

    name = "transformers"

    def __init__(
        self,
        settings: GenerationSettings,
        *,
        model_override: str | None = None,
        engine: EngineKind | None = None,
        ignore_eos: bool = False,
        seed: int | None = None,
        warmup: bool | None = None,
    ) -> None:
        self.settings = settings
        self.model_name = model_override or settings.model
        self.engine_kind: EngineKind = engine or settings.engine
        self.ignore_eos = ignore_eos  # benchmarks: always generate max_new_tokens
        self.seed = seed
        self.warmup = warmup  # warm the engine up in start(); None: on CUDA only
        self.warmup_s: float | None = None
        self.model: Any = None
        self.tokenizer: Any = None  # read by the context builder after start()
        self.context_window: int | None = None  # the model's maximum positions, known after start()
        self.device = torch.device("cpu")
        self.engine: BatchEngine | None = None

    @classmethod
    def from_model(
        cls, model: Any, tokenizer: Any | None, settings: GenerationSettings, *, engine: EngineKind | None = None,
        ignore_eos: bool = False, seed: int | None = None, warmup: bool | None = None,
    ) -> "TransformersBackend":
        """A backend around an already loaded model (tests, random-init benchmarks); start() skips loading."""
        backend = cls(settings, engine=engine, ignore_eos=ignore_eos, seed=seed, warmup=warmup)
        backend.model, backend.tokenizer = model.eval(), tokenizer
        backend.device = next(model.parameters()).device
        return backend

    async def start(self) -> None:
        if self.engine is not None:
            return
        if self.model is None:
            s = self.settings
            loaded = await asyncio.to_thread(
                load_causal_lm, self.model_name, revision=s.revision, device=s.device, dtype=s.dtype,
                quantization=s.quantization,
            )
            self.model, self.tokenizer, self.device = loaded.model, loaded.tokenizer, loaded.device
            log.info("model %s ready on %s", self.model_name, self.device)
        self.context_window = max_positions(self.model.config)
        self.engine = await asyncio.to_thread(self._make_engine)
        self.engine.start()
        if self.warmup if self.warmup is not None else self.device.type == "cuda":
            from pipeline.backends.warmup import warm_up

            compiled = isinstance(self.engine, StaticBatchEngine) and self.engine.compile
            self.warmup_s = await warm_up(self.engine, compiled=compiled)

    def _make_engine(self) -> BatchEngine:
        s = self.settings
        tok = self.tokenizer
        pad = getattr(tok, "pad_token_id", None)
        eos = eos_ids(self.model, tok)
        common: dict[str, Any] = dict(
            device=self.device, tokenizer=tok, max_batch_size=s.max_batch_size, batch_wait_ms=s.batch_wait_ms,
            eos_ids=eos, pad_id=pad if pad is not None else (eos[0] if eos else 0),
            vocab_size=self.model.get_input_embeddings().num_embeddings,
            max_positions=max_positions(self.model.config), seed=self.seed,
        )
        kind = self.engine_kind
        if kind == "auto":
            kind = self._auto_engine()
        log.info("generation engine: %s (max batch %d)", kind, s.max_batch_size)
        cache_len = s.context_tokens + s.max_new_tokens + 64
        if common["max_positions"] is not None:
            cache_len = min(cache_len, common["max_positions"])
        if kind == "static":
            compiled = s.compile and self.device.type == "cuda"
            return StaticBatchEngine(self.model, compile=compiled, max_cache_len=cache_len, **common)
        if kind == "slots":
            why = slots_unsupported(self.model)
            if why is None:
                return SlotEngine(self.model, cache_len=cache_len, cuda_graphs=s.cuda_graphs, **common)
            log.warning("slot engine unavailable (%s); using the continuous engine", why)
        return BatchEngine(decode.model_forward(self.model), **common)

    def _auto_engine(self) -> EngineKind:
        if self.settings.compile or not self._splicable_cache():
            return "static"
        if self.device.type == "cuda" and slots_unsupported(self.model) is None:
            return "slots"
        return "continuous"

    def _splicable_cache(self) -> bool:
        """A one-token prefill; also warms the model up. Hybrid/recurrent caches need the static engine."""
        try:
            greedy = SamplingParams(max_new_tokens=1, temperature=0.0)
            decode.prefill(decode.model_forward(self.model), [[0]], [greedy], device=self.device, pad_id=0)
            return True
        except TypeError as err:
            log.info("continuous batching unavailable (%s); using static batches", err)
            return False

    def prompt_ids(self, request: GenerationRequest) -> list[int]:
        if request.prompt_ids is not None:
            return list(request.prompt_ids)
        if self.tokenizer is None:
            raise ValueError("this model has no tokenizer; send prompt_ids")
        return encode_messages(self.tokenizer, request.messages)

    def _stops(self, request: GenerationRequest) -> tuple[str, ...]:
        stops = tuple(request.params.stop)
        if request.prompt_ids is None and self.tokenizer is not None and not has_chat_template(self.tokenizer):
            stops += FALLBACK_STOPS  # the plain template's next turn header ends the reply
        return stops

    async def _one(self, request: GenerationRequest) -> GenerationResult:
        if self.engine is None:
            return GenerationResult(request.request_id, finish_reason="error", error="backend not started")
        try:
            ids = self.prompt_ids(request)
        except Exception as err:
            return GenerationResult(request.request_id, finish_reason="error", error=f"cannot build the prompt: {err}")
        out: EngineOutput = await self.engine.submit(
            ids, request.params, stop=self._stops(request), ignore_eos=self.ignore_eos
        )
        return GenerationResult(
            request.request_id, text=out.text.strip(), tokens=len(out.token_ids), prompt_tokens=out.prompt_tokens,
            finish_reason=out.finish_reason, error=out.error,
        )

    def generate(self, requests: Sequence[GenerationRequest]) -> AsyncIterator[GenerationResult]:
        return fan_out(self._one, requests)

    async def aclose(self) -> None:
        if self.engine is not None:
            await self.engine.aclose()
            self.engine = None

"""Any OpenAI-compatible server (vLLM, TGI, SGLang, llama.cpp, Ollama) via POST {base}/chat/completions.

Messages are sent as messages; the server applies its own chat template. Server errors (5xx), 429,
connection errors and timeouts are retried with exponential backoff; other 4xx fail at once. Requests
from many chats simply run concurrently: batching is the server's job.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any, AsyncIterator, Sequence

import httpx

from pipeline.settings import GenerationSettings
from pipeline.types import GenerationRequest, GenerationResult, fan_out

log = logging.getLogger("parley.backend")
RETRY_STATUS = {408, 409, 425, 429}
# what to check when the server refuses a request outright (no retry); other 4xx get a generic hint
HINTS = {401: "check generation.openai_api_key", 403: "check generation.openai_api_key",
         404: "check generation.openai_base_url and generation.openai_model"}


class OpenAIBackend:
    name = "openai"
    tokenizer = None  # the context builder estimates tokens

    def __init__(
        self,
        settings: GenerationSettings,
        *,
        model_override: str | None = None,
        backoff_s: float = 0.5,
        max_backoff_s: float = 8.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.base_url = settings.openai_base_url.rstrip("/")
        self.model = model_override or settings.openai_model or settings.model
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        if self._client is not None:
            return
        headers = {"Content-Type": "application/json"}
        key = self.settings.openai_api_key
        if key is not None and key.get_secret_value():
            from pipeline.logs import add_secrets

            add_secrets(key)  # masked wherever it shows up, also when built without bot.compose
            headers["Authorization"] = f"Bearer {key.get_secret_value()}"
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.settings.timeout_s), headers=headers, transport=self._transport,
            limits=httpx.Limits(max_connections=256, max_keepalive_connections=64),
        )
        log.info("openai backend: %s model %s", self.base_url, self.model)

    def payload(self, request: GenerationRequest) -> dict[str, Any]:
        p = request.params
        body: dict[str, Any] = {
            "model": self.model, "messages": request.messages, "max_tokens": p.max_new_tokens,
            "temperature": p.temperature, "stream": False,
        }
        if p.temperature > 0:
            body["top_p"] = p.top_p
        if p.stop:
            body["stop"] = list(p.stop)[:4]  # the OpenAI API accepts at most four
        return body

    async def _one(self, request: GenerationRequest) -> GenerationResult:
        if self._client is None:
            return _error(request, "backend not started")
        if not request.messages:
            return _error(request, "the openai backend needs messages (prompt_ids are not supported)")
        url = f"{self.base_url}/chat/completions"
        attempts = self.settings.max_retries + 1
        last = ""
        for attempt in range(attempts):
            delay: float | None = None
            try:
                resp = await self._client.post(url, json=self.payload(request))
            except httpx.TimeoutException:
                last = f"timed out after {self.settings.timeout_s:g}s"
            except httpx.TransportError as err:
                last = f"cannot connect ({type(err).__name__})"
            else:
                if resp.status_code == 200:
                    return _parse(request, resp)
                last = f"HTTP {resp.status_code}: {_detail(resp)}"
                if resp.status_code < 500 and resp.status_code not in RETRY_STATUS:
                    self._refused(resp.status_code, last)
                    break  # the request itself is wrong; retrying will not help
                delay = _retry_after(resp)
            if attempt + 1 < attempts:
                wait = delay if delay is not None else self.backoff_s * 2**attempt * (1 + 0.25 * random.random())
                log.warning("openai request %s failed (%s); retry %d/%d in %.1fs",
                            request.request_id, last, attempt + 1, attempts - 1, wait)
                await asyncio.sleep(min(wait, self.max_backoff_s))
        return _error(request, f"openai backend at {self.base_url}: {last} (after {attempt + 1} attempt(s))")

    def _refused(self, status: int, last: str) -> None:
        """A refusal is a setup problem the user only sees as "something went wrong": say it in the log,
        with the server's text redacted (an auth error may quote the key)."""
        from pipeline.logs import REDACTOR

        hint = HINTS.get(status, "the server refused the request; check generation.openai_* settings")
        log.warning("openai backend at %s: %s; %s", self.base_url, REDACTOR.redact(last), hint)

    def generate(self, requests: Sequence[GenerationRequest]) -> AsyncIterator[GenerationResult]:
        return fan_out(self._one, requests)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def _error(request: GenerationRequest, message: str) -> GenerationResult:
    return GenerationResult(request.request_id, finish_reason="error", error=message)


def _detail(resp: httpx.Response) -> str:
    try:
        data = resp.json()
        err = data.get("error", data) if isinstance(data, dict) else data
        text = err.get("message", str(err)) if isinstance(err, dict) else str(err)
    except ValueError:
        text = resp.text
    text = " ".join(text.split())
    return text[:200] or resp.reason_phrase


def _retry_after(resp: httpx.Response) -> float | None:
    value = resp.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _parse(request: GenerationRequest, resp: httpx.Response) -> GenerationResult:
    try:
        data = resp.json()
        choice = data["choices"][0]
        text = choice["message"].get("content") or ""
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return _error(request, f"openai backend: unexpected response {resp.text[:200]!r}")
    usage = data.get("usage") or {}
    reason = choice.get("finish_reason") or "stop"
    return GenerationResult(
        request.request_id, text=text.strip(), tokens=int(usage.get("completion_tokens") or max(1, len(text) // 4)),
        prompt_tokens=int(usage.get("prompt_tokens") or 0), finish_reason="length" if reason == "length" else "stop",
    )

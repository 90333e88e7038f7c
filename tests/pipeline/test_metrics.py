"""Metrics: messages through a real Pipeline and SQLite store, scraped over real HTTP; /healthz states.

Most tests give the real Pipeline small in-test parts (echo backend, keyword moderator, plain context),
so every verdict and count is exact whatever the word lists hold; the last one goes through the
composition root (build_core with the echo backend and the real moderation engine).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from moderation.config import ModerationTexts
from moderation.types import Action, Match, Verdict
from pipeline.health import MetricsServer, health_check
from pipeline.metrics import Metrics, build_metrics
from pipeline.pipeline import Pipeline, TurnTimings
from pipeline.settings import Settings
from pipeline.store import Store
from pipeline.types import ConfigError, GenerationRequest, GenerationResult, Reply, SamplingParams, Turn

# term -> (category, action): the reply is the user's text, so each message picks its verdict.
RULES = {"darn": ("profanity", Action.REDACT), "zork": ("weird", Action.HOLD), "blorp": ("spam", Action.BLOCK)}


class EchoBackend:
    name = "echo"

    async def start(self) -> None:
        return None

    async def generate(self, requests: Sequence[GenerationRequest]) -> AsyncIterator[GenerationResult]:
        for req in requests:
            text = req.messages[-1]["content"]
            if text == "fail":
                yield GenerationResult(req.request_id, error="backend down", finish_reason="error")
            else:
                yield GenerationResult(req.request_id, text=text, tokens=len(text.split()))

    async def aclose(self) -> None:
        return None


class KeywordModerator:
    async def start(self) -> None:
        return None

    async def moderate(self, texts: Sequence[str], *, source: str = "output") -> list[Verdict]:
        out = []
        for text in texts:
            matches, actions = [], [Action.ALLOW]
            for term, (category, action) in RULES.items():
                at = text.find(term)
                if at >= 0:
                    matches.append(Match(term, category, "medium", at, at + len(term)))
                    actions.append(action)
            final = Action.most_severe(actions)
            shown = text.replace("darn", "d***") if final is Action.REDACT else text
            scores = {"toxicity": 0.95 if "zork" in text else 0.01}
            out.append(Verdict(final, shown, scores, matches, [f"{m.category}" for m in matches]))
        return out

    async def aclose(self) -> None:
        return None


@dataclass
class _Built:
    messages: list[dict[str, str]]


class PlainContext:
    def build(self, turns: Sequence[Turn], *, system_prompt: str | None = None) -> _Built:
        return _Built([{"role": t.role, "content": t.text} for t in turns])


def scrape_values(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    values = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            values[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return values


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(tmp_path / "metrics.db") as s:
        yield s


def make_pipeline(store: Store, metrics: Metrics) -> Pipeline:
    return Pipeline(store=store, backend=EchoBackend(), moderator=KeywordModerator(), context=PlainContext(),
                    sampling=SamplingParams(), texts=ModerationTexts(), observer=metrics)


async def test_messages_through_pipeline_show_up_in_scrape(store: Store) -> None:
    metrics = Metrics(thresholds={"toxicity": 0.8}, version="t", backend="echo")
    pipeline = make_pipeline(store, metrics)
    messages = ["hello there", "you darn robot", "zork attack", "blorp", "fail", "hi again"]
    for i, text in enumerate(messages):
        metrics.message_received("telegram")
        await pipeline.handle(100 + i, text, source="telegram")
    metrics.message_received("api")
    metrics.batch_size(3)
    metrics.batch_size(1)
    metrics.telegram_error("rate_limited")
    metrics.telegram_retry()
    metrics.set_ready(True)

    server = MetricsServer(metrics, "127.0.0.1", 0, health=health_check(store, lambda: metrics.ready),
                           refresh=lambda: metrics.refresh_from_store(store))
    await server.start()
    try:
        assert server.port != 0
        async with httpx.AsyncClient(base_url=server.url) as client:
            resp = await client.get("/metrics")
    finally:
        await server.aclose()
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/plain")
    v = scrape_values(resp.text)
    assert v[("parley_messages_received_total", (("source", "telegram"),))] == 6
    assert v[("parley_messages_received_total", (("source", "api"),))] == 1
    for action, count in {"allow": 2, "redact": 1, "hold": 1, "block": 1, "error": 1}.items():
        assert v[("parley_replies_total", (("action", action),))] == count, action
    assert v[("parley_reply_latency_seconds_count", ())] == 6
    assert v[("parley_moderation_latency_seconds_count", ())] == 5  # the failed generation is not moderated
    assert v[("parley_generation_latency_seconds_count", ())] == 6
    assert v[("parley_generated_tokens_total", ())] == 2 + 3 + 2 + 1 + 2
    for action, count in {"allow": 2, "redact": 1, "hold": 1, "block": 1}.items():
        assert v[("parley_verdicts_total", (("action", action), ("direction", "output")))] == count
    for category in ("profanity", "weird", "spam", "toxicity"):  # toxicity: score 0.95 >= 0.8 on "zork"
        assert v[("parley_verdict_categories_total", (("category", category), ("direction", "output")))] == 1
    assert v[("parley_generation_batch_size_count", ())] == 2
    assert v[("parley_generation_batch_size_sum", ())] == 4
    assert v[("parley_telegram_errors_total", (("kind", "rate_limited"),))] == 1
    assert v[("parley_telegram_errors_total", (("kind", "network"),))] == 0
    assert v[("parley_telegram_retries_total", ())] == 1
    assert v[("parley_held_replies", ())] == 1  # refreshed from the store at scrape time
    assert v[("parley_outbox_pending", ())] == 0
    assert v[("parley_backend_ready", ())] == 1
    assert v[("parley_build_info", (("backend", "echo"), ("model", ""), ("version", "t")))] == 1


async def test_healthz_follows_warm_up_and_store(store: Store) -> None:
    metrics = Metrics()
    async with MetricsServer(metrics, "127.0.0.1", 0, health=health_check(store, lambda: metrics.ready)) as server:
        async with httpx.AsyncClient(base_url=server.url) as client:
            starting = await client.get("/healthz")
            metrics.set_ready(True)
            ok = await client.get("/healthz")
            await store.close()
            closed = await client.get("/healthz")
    assert starting.status_code == 503
    assert starting.json() | {"uptime_s": 0} == {"status": "starting", "process": True, "store": True,
                                                  "backend": False, "ready": False, "uptime_s": 0}
    assert ok.status_code == 200 and ok.json()["status"] == "ok" and ok.json()["ready"] is True
    assert closed.status_code == 503
    assert closed.json()["store"] is False and closed.json()["status"] == "unavailable"


async def test_server_answers_other_paths_and_methods_and_failing_health() -> None:
    async def broken() -> dict[str, Any]:
        raise RuntimeError("no")

    metrics = Metrics()
    async with MetricsServer(metrics, "127.0.0.1", 0, health=broken) as server:
        async with httpx.AsyncClient(base_url=server.url) as client:
            assert (await client.get("/nope")).status_code == 404
            assert (await client.post("/metrics", content=b"x")).status_code == 405
            head = await client.head("/metrics")
            assert head.status_code == 200 and head.content == b""
            bad = await client.get("/healthz")
            assert bad.status_code == 503 and bad.json()["status"] == "error"
            assert (await client.get("/metrics?x=1")).status_code == 200
        # garbage and a silent client do not break the server
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"NONSENSE\r\n\r\n")
        assert (await reader.read()).startswith(b"HTTP/1.1 400")
        writer.close()
        await writer.wait_closed()
        _, idle = await asyncio.open_connection("127.0.0.1", server.port)
    idle.close()  # aclose() above ended the idle connection's handler


async def test_port_in_use_is_a_config_error() -> None:
    metrics = Metrics()
    async with MetricsServer(metrics, "127.0.0.1", 0) as first:
        with pytest.raises(ConfigError, match="metrics.port"):
            await MetricsServer(metrics, "127.0.0.1", first.port).start()


def test_observer_counts_input_verdicts_and_unknown_kinds() -> None:
    metrics = Metrics(thresholds={"insult": 0.5})
    verdict = {"action": "block", "text": "x", "scores": {"insult": 0.7, "threat": 0.9},
               "matches": [{"term": "x", "category": "slur", "severity": "high", "start": 0, "end": 1}], "reasons": []}
    metrics.observe_turn(Reply(1, "no", "block", verdict, extra={"source": "input"}), TurnTimings(total_s=0.1))
    metrics.telegram_error("teapot")
    v = scrape_values(metrics.exposition()[0].decode())
    assert v[("parley_verdicts_total", (("action", "block"), ("direction", "input")))] == 1
    assert v[("parley_verdict_categories_total", (("category", "insult"), ("direction", "input")))] == 1
    assert v[("parley_verdict_categories_total", (("category", "slur"), ("direction", "input")))] == 1
    assert ("parley_verdict_categories_total", (("category", "threat"), ("direction", "input"))) not in v
    assert v[("parley_telegram_errors_total", (("kind", "other"),))] == 1
    assert v[("parley_moderation_latency_seconds_count", ())] == 0


def test_telegram_exception_kinds_by_class_name() -> None:
    class NetworkError(Exception):
        pass

    class TimedOut(NetworkError):
        pass

    class RetryAfter(Exception):
        pass

    class Forbidden(Exception):
        pass

    class MyOddError(NetworkError):
        pass

    metrics = Metrics()
    kinds = [metrics.telegram_exception(e) for e in (RetryAfter(), TimedOut(), MyOddError(), Forbidden(), ValueError())]
    assert kinds == ["rate_limited", "timed_out", "network", "forbidden", "other"]


def test_separate_registries_and_build_metrics_switch() -> None:
    a, b = Metrics(), Metrics()
    a.message_received("telegram")
    assert "parley_messages_received_total" in a.metric_names()
    assert b.messages.labels(source="telegram")._value.get() == 0
    assert build_metrics(Settings()) is None
    m = build_metrics(Settings(metrics={"enabled": True}, generation={"backend": "openai", "openai_model": "q"}))
    assert m is not None
    text = m.exposition()[0].decode()
    assert 'parley_build_info{backend="openai",model="q"' in text
    assert m.thresholds["toxicity"] == Settings().moderation.thresholds["toxicity"]


async def test_refresh_from_closed_store_keeps_gauges(tmp_path: Path) -> None:
    metrics = Metrics()
    metrics.set_held(4)
    store = Store(tmp_path / "c.db")
    await metrics.refresh_from_store(store)  # never opened
    assert metrics.held._value.get() == 4


async def test_composition_root_with_echo_backend_feeds_metrics(tmp_path: Path) -> None:
    from bot.compose import build_core

    settings = Settings(generation={"backend": "echo"}, storage={"path": str(tmp_path / "core.db")},
                        metrics={"enabled": True, "port": 9108})
    metrics = build_metrics(settings)
    assert metrics is not None
    core = build_core(settings, observer=metrics)
    async with MetricsServer(metrics, "127.0.0.1", 0, health=health_check(core.store, lambda: metrics.ready),
                             refresh=lambda: metrics.refresh_from_store(core.store)) as server:
        async with httpx.AsyncClient(base_url=server.url) as client:
            before = await client.get("/healthz")  # model loading: store not open yet
            async with core:
                assert core.pipeline is not None
                metrics.set_ready(True)
                for i, text in enumerate(["hello there", "how are you today", "thanks"]):
                    metrics.message_received("console")
                    reply = await core.pipeline.handle(7, text, source="console")
                    assert reply.action == "allow" and reply.text == text, reply
                ready = await client.get("/healthz")
                scrape = scrape_values((await client.get("/metrics")).text)
    assert before.status_code == 503 and before.json()["status"] == "unavailable"
    assert ready.status_code == 200
    assert scrape[("parley_replies_total", (("action", "allow"),))] == 3
    assert scrape[("parley_verdicts_total", (("action", "allow"), ("direction", "output")))] == 3
    assert scrape[("parley_generated_tokens_total", ())] == 2 + 4 + 1
    assert scrape[("parley_messages_received_total", (("source", "console"),))] == 3
    assert scrape[("parley_held_replies", ())] == 0

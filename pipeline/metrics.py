"""Prometheus metrics of one parley process (names start with `parley_`).

Each `Metrics` owns its own CollectorRegistry, so tests and several processes
never share global state. The small API others call:

    metrics = build_metrics(settings)            # None when metrics.enabled is false
    build_core(settings, observer=metrics)       # Pipeline calls metrics.observe_turn(reply, timings)
    metrics.message_received("telegram")         # front ends, once per accepted user message
    metrics.telegram_error(kind)                 # kind: rate_limited (429) | timed_out | network |
                                                 #   bad_request | forbidden | other;
    metrics.telegram_exception(exc)              #   or let the class name of a PTB error choose it
    metrics.telegram_retry()                     # each re-send after an error
    metrics.batch_size(n)                        # generation backends, once per forward batch
    metrics.set_held(n) / metrics.set_outbox(n)  # queue sizes (also refreshed from the store per
    await metrics.refresh_from_store(store)      #   scrape when MetricsServer gets refresh=...)
    metrics.set_ready(True)                      # after warm-up: backend loaded, front end started
    metrics.exposition() -> (bytes, content_type)

Tokens per second is `rate(parley_generated_tokens_total[1m])` in Grafana.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

from pipeline.types import Reply

if TYPE_CHECKING:
    from pipeline.pipeline import TurnTimings
    from pipeline.settings import Settings
    from pipeline.store import Store

log = logging.getLogger("parley.metrics")

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0)
MODERATION_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)
REPLY_ACTIONS = ("allow", "redact", "hold", "block", "error")
TELEGRAM_ERROR_KINDS = ("rate_limited", "timed_out", "network", "bad_request", "forbidden", "other")
# PTB exception class name -> kind; matched along the MRO so subclasses map too (no telegram import here).
_TELEGRAM_CLASSES = {
    "RetryAfter": "rate_limited", "TimedOut": "timed_out", "NetworkError": "network",
    "BadRequest": "bad_request", "Forbidden": "forbidden",
}
MAX_CATEGORY_LABELS = 50  # operator-defined categories; cap label cardinality


class Metrics:
    """Counters, histograms and gauges for one process; also the Pipeline observer."""

    def __init__(self, *, thresholds: Mapping[str, float] | None = None, version: str = "",
                 backend: str = "", model: str = "") -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.thresholds = dict(thresholds or {})
        self.ready = False
        self.started_at = time.time()
        self._categories: set[str] = set()
        r = self.registry
        self.messages = Counter("parley_messages_received", "User messages accepted by a front end.",
                                ["source"], registry=r)
        self.replies = Counter("parley_replies", "Replies produced by the pipeline, by action.", ["action"],
                               registry=r)
        self.reply_latency = Histogram("parley_reply_latency_seconds", "Time from user turn to reply.",
                                       buckets=LATENCY_BUCKETS, registry=r)
        self.generation_latency = Histogram("parley_generation_latency_seconds", "Generation time per reply.",
                                            buckets=LATENCY_BUCKETS, registry=r)
        self.moderation_latency = Histogram("parley_moderation_latency_seconds", "Moderation time per reply.",
                                            buckets=MODERATION_BUCKETS, registry=r)
        self.tokens = Counter("parley_generated_tokens", "Tokens generated (tokens/s: rate()).", registry=r)
        self.batch = Histogram("parley_generation_batch_size", "Requests per generation forward batch.",
                               buckets=BATCH_BUCKETS, registry=r)
        self.verdicts = Counter("parley_verdicts", "Moderation verdicts, by direction and action.",
                                ["direction", "action"], registry=r)
        self.verdict_categories = Counter("parley_verdict_categories",
                                          "Flagged categories (keyword match or classifier score over threshold).",
                                          ["direction", "category"], registry=r)
        self.held = Gauge("parley_held_replies", "Held replies waiting for a moderator.", registry=r)
        self.outbox = Gauge("parley_outbox_pending", "Messages waiting in the outbox for (re)delivery.", registry=r)
        self.telegram_errors = Counter("parley_telegram_errors", "Telegram API errors, by kind (rate_limited = 429).",
                                       ["kind"], registry=r)
        self.telegram_retries = Counter("parley_telegram_retries", "Telegram sends retried after an error.",
                                        registry=r)
        self.backend_ready = Gauge("parley_backend_ready", "1 once the backend is loaded and warm-up is done.",
                                   registry=r)
        self.build = Info("parley_build", "Version and generation backend of this process.", registry=r)
        self.build.info({"version": version, "backend": backend, "model": model})
        for action in REPLY_ACTIONS:  # series exist from the first scrape, so rate() works at once
            self.replies.labels(action=action)
        for kind in TELEGRAM_ERROR_KINDS:
            self.telegram_errors.labels(kind=kind)

    # -- Pipeline observer -------------------------------------------------------------
    def observe_turn(self, reply: Reply, timings: TurnTimings) -> None:
        """Called by Pipeline for every reply (also error replies and input blocks)."""
        self.replies.labels(action=reply.action if reply.action in REPLY_ACTIONS else "error").inc()
        self.reply_latency.observe(max(0.0, timings.total_s))
        if timings.generate_s > 0:
            self.generation_latency.observe(timings.generate_s)
        if timings.moderate_s > 0:
            self.moderation_latency.observe(timings.moderate_s)
        if timings.tokens > 0:
            self.tokens.inc(timings.tokens)
        if reply.verdict is not None:
            direction = "input" if reply.extra.get("source") == "input" else "output"
            self.observe_verdict(reply.verdict, direction=direction)

    def observe_verdict(self, verdict: Mapping[str, Any], *, direction: str = "output") -> None:
        """Count one DESIGN verdict dict; the HTTP API calls this for /v1/moderations."""
        self.verdicts.labels(direction=direction, action=str(verdict.get("action", "allow"))).inc()
        for category in sorted(self.categories_of(verdict)):
            self.verdict_categories.labels(direction=direction, category=self._category_label(category)).inc()

    def categories_of(self, verdict: Mapping[str, Any]) -> set[str]:
        found = {str(m.get("category", "")) for m in verdict.get("matches") or [] if m.get("category")}
        for name, score in (verdict.get("scores") or {}).items():
            threshold = self.thresholds.get(name)
            if threshold is not None and float(score) >= threshold:
                found.add(str(name))
        return found

    def _category_label(self, category: str) -> str:
        if category in self._categories:
            return category
        if len(self._categories) >= MAX_CATEGORY_LABELS:
            return "other"
        self._categories.add(category)
        return category

    # -- front ends and backends -------------------------------------------------------
    def message_received(self, source: str = "telegram") -> None:
        self.messages.labels(source=source).inc()

    def telegram_error(self, kind: str) -> None:
        self.telegram_errors.labels(kind=kind if kind in TELEGRAM_ERROR_KINDS else "other").inc()

    def telegram_exception(self, exc: BaseException) -> str:
        """Count a Telegram library error by its class name; returns the kind counted."""
        kind = "other"
        for cls in type(exc).__mro__:
            if cls.__name__ in _TELEGRAM_CLASSES:
                kind = _TELEGRAM_CLASSES[cls.__name__]
                break
        self.telegram_error(kind)
        return kind

    def telegram_retry(self) -> None:
        self.telegram_retries.inc()

    def batch_size(self, n: int) -> None:
        if n > 0:
            self.batch.observe(n)

    def set_held(self, n: int) -> None:
        self.held.set(n)

    def set_outbox(self, n: int) -> None:
        self.outbox.set(n)

    def set_ready(self, ready: bool) -> None:
        self.ready = bool(ready)
        self.backend_ready.set(1 if ready else 0)

    async def refresh_from_store(self, store: Store) -> None:
        """Queue gauges from the store; a closed store leaves them as they were."""
        if not store.is_open:
            return
        try:
            count_held = getattr(store, "count_held", None)
            held = await count_held() if count_held is not None else len(await store.list_held("pending", limit=100_000))
            self.set_held(held)
            self.set_outbox(await store.count_outbox("pending"))
        except Exception:  # a scrape must not fail because of the store; /healthz reports it
            log.warning("could not refresh queue gauges from the store", exc_info=True)

    # -- exposition --------------------------------------------------------------------
    def exposition(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST

    def metric_names(self) -> set[str]:
        """Every sample name this registry can export (with _total, _bucket, _info ... suffixes)."""
        suffixes = {"histogram": ("_bucket", "_count", "_sum"), "counter": ("_total",), "info": ("_info",)}
        names: set[str] = set()
        for family in self.registry.collect():  # labelled families without samples still export these
            names.update(family.name + s for s in suffixes.get(family.type, ("",)))
            names.update(sample.name for sample in family.samples)
        return names


def build_metrics(settings: Settings) -> Metrics | None:
    """The process's Metrics, or None when `metrics.enabled` is false."""
    if not settings.metrics.enabled:
        return None
    from importlib.metadata import PackageNotFoundError, version

    try:
        ver = version("parley")
    except PackageNotFoundError:
        ver = "unknown"
    gen = settings.generation
    model = (gen.openai_model or gen.model) if gen.backend == "openai" else gen.model
    return Metrics(thresholds=settings.moderation.thresholds, version=ver, backend=gen.backend,
                   model=model if gen.backend != "echo" else "")

"""`parley bench --api` adapter: BenchOptions → bot.api.loadbench.run_api_bench.

Options used: --chats (concurrent clients), --device (classifier device), --seed, --random-init
(`tiny` or `bert-base`: shape of the generated Detoxify-format classifier); `options.extra` may set
requests, batch_size, max_wait_ms, classifier_model. The configured classifier
(moderation.classifier.model) is used when moderation.classifier.enabled; otherwise a random-init one.
"""

from __future__ import annotations

from typing import Any

from pipeline.bench import BenchOptions
from bot.api.loadbench import run_api_bench as _run
from pipeline.settings import Settings
from pipeline.types import ConfigError

SHAPES = ("tiny", "bert-base")


async def run_api_bench(options: BenchOptions, settings: Settings) -> dict[str, Any]:
    clf = settings.moderation.classifier
    shape = options.random_init or "tiny"
    if shape not in SHAPES:
        raise ConfigError(f"parley bench --api: --random-init must be one of {', '.join(SHAPES)}")
    model = options.extra.get("classifier_model") or (clf.model if clf.enabled and not options.random_init else None)
    return await _run(
        settings,
        clients=options.chats,
        requests=int(options.extra.get("requests", max(64, options.chats * 16))),
        model=model,
        config_dir=clf.config_dir if model == clf.model else None,
        shape=shape,
        device=options.device or clf.device,
        batch_size=options.extra.get("batch_size"),
        max_wait_ms=options.extra.get("max_wait_ms"),
        seed=options.seed,
    )

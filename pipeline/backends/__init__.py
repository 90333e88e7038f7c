"""Generation backends behind pipeline.types.Backend; heavy imports (torch, httpx) happen on demand."""

from __future__ import annotations

from pipeline.settings import GenerationSettings
from pipeline.types import Backend, ConfigError

__all__ = ["build_backend"]


def build_backend(settings: GenerationSettings, *, model_override: str | None = None) -> Backend:
    """The backend named by `generation.backend`; models load later, in `start()`."""
    if settings.backend == "echo":
        from pipeline.backends.echo import EchoBackend

        return EchoBackend()
    if settings.backend == "openai":
        from pipeline.backends.openai_backend import OpenAIBackend

        return OpenAIBackend(settings, model_override=model_override)
    if settings.backend == "transformers":
        from pipeline.backends.transformers_backend import TransformersBackend

        return TransformersBackend(settings, model_override=model_override)
    raise ConfigError(f"generation.backend: unknown backend '{settings.backend}'; use transformers, openai or echo")

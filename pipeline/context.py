"""Model input from a chat's stored turns: system prompt first, then the newest turns that fit the budget.

Token counts are exact when a tokenizer is given: the whole prompt is rendered with the same template
the transformers backend generates from (`encode_messages`), so the budget check and generation agree.
Without a tokenizer (echo / openai backends) a pluggable estimate is used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from pipeline.types import Turn

Messages = list[dict[str, str]]
TokenCounter = Callable[[Messages], int]

TRUNCATION_MARKER = " […] "
# Plain template for models without a chat template (e.g. the tiny test GPT-2).
FALLBACK_ROLES = {"system": "System", "user": "User", "assistant": "Assistant"}
FALLBACK_STOPS = ("\nUser:", "\nSystem:")


def has_chat_template(tokenizer: Any) -> bool:
    return bool(getattr(tokenizer, "chat_template", None))


def render_fallback(messages: Messages) -> str:
    """'System: ...\\n\\nUser: ...\\nAssistant: ...\\nAssistant:' — generation continues after the last colon."""
    parts = []
    for m in messages:
        sep = "\n\n" if m["role"] == "system" else "\n"
        parts.append(f"{FALLBACK_ROLES.get(m['role'], m['role'].title())}: {m['content']}{sep}")
    return "".join(parts) + "Assistant:"


def render_prompt(tokenizer: Any, messages: Messages) -> str:
    """The prompt text the model sees, with the generation prompt appended."""
    if not has_chat_template(tokenizer):
        return render_fallback(messages)
    if not messages:
        return ""
    try:
        return str(tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))
    except Exception:
        # Some templates reject a system role or a leading assistant turn: fold the system prompt into
        # the first user message and start at a user turn.
        folded = _fold_system(messages)
        return str(tokenizer.apply_chat_template(folded, tokenize=False, add_generation_prompt=True))


def encode_messages(tokenizer: Any, messages: Messages) -> list[int]:
    """Token ids of the rendered prompt; special tokens come from the template itself."""
    text = render_prompt(tokenizer, messages)
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def _fold_system(messages: Messages) -> Messages:
    system = [m["content"] for m in messages if m["role"] == "system"]
    rest = [dict(m) for m in messages if m["role"] != "system"]
    while rest and rest[0]["role"] != "user":
        rest.pop(0)
    if system and rest:
        rest[0]["content"] = "\n\n".join(system + [rest[0]["content"]])
    elif system:
        rest = [{"role": "user", "content": "\n\n".join(system)}]
    return rest


def estimate_tokens(messages: Messages) -> int:
    """Rough count for backends without a local tokenizer: ~4 characters a token plus per-message overhead."""
    return sum(math.ceil(len(m["content"]) / 4) + 4 for m in messages) + 2


@dataclass(slots=True)
class BuiltContext:
    messages: Messages
    tokens: int  # exact with a tokenizer, estimated otherwise
    prompt_ids: list[int] | None = None
    prompt: str | None = None
    dropped_turns: int = 0  # older turns left out to fit the budget
    truncated: bool = False  # the newest turn (or the system prompt) was cut in the middle
    extra: dict[str, Any] = field(default_factory=dict)


class ContextBuilder:
    """Builds the model input for one chat within `budget_tokens` (the prompt, generation prompt included)."""

    def __init__(
        self,
        tokenizer: Any | None,
        *,
        system_prompt: str,
        budget_tokens: int,
        counter: TokenCounter | None = None,
        marker: str = TRUNCATION_MARKER,
    ) -> None:
        if budget_tokens < 1:
            raise ValueError("budget_tokens must be positive")
        self.tokenizer: Any = tokenizer
        self.system_prompt = system_prompt
        self.budget_tokens = budget_tokens
        self.marker = marker
        if counter is not None:
            self._count = counter
        elif tokenizer is not None:
            self._count = self._exact_tokens  # exact: the template the backend generates from
        else:
            self._count = estimate_tokens
        self._token_sizes = counter is None and tokenizer is not None
        self._sizes: dict[str, int] = {}
        self._overhead = 4.0  # template tokens per message beyond its text; recalibrated by every build
        self._last: tuple[str, list[int]] | None = None

    def count(self, messages: Messages) -> int:
        return self._count(messages)

    def build(self, turns: Sequence[Turn], *, system_prompt: str | None = None) -> BuiltContext:
        """System prompt first, then as many of the most recent turns as fit; the newest turn is always kept.

        Cheap per-turn sizes (cached) pick the number of turns; one exact count of the whole prompt
        confirms it (a second only when the next older turn might still fit), so the result is exact
        without tokenizing the whole history several times.
        """
        system = self.system_prompt if system_prompt is None else system_prompt
        head: Messages = [{"role": "system", "content": system}] if system else []
        history: Messages = [{"role": t.role, "content": t.text} for t in turns if t.role != "system"]
        if not history:
            return self._finish(head, 0, False)
        n, budget = len(history), self.budget_tokens
        sizes = [self._size(m["content"]) for m in reversed(history)]  # newest first
        base = self._exact(head) if head else 0  # the system prompt and the generation prompt
        k, total = 0, float(base)
        while k < n and total + sizes[k] + self._overhead <= budget:
            total += sizes[k] + self._overhead
            k += 1
        k = max(k, 1)
        count = self._exact(head + self._tail(history, k))
        while count > budget and k > 1:  # the estimate was optimistic
            k -= 1
            count = self._exact(head + self._tail(history, k))
        if count > budget:
            return self._truncated(head, history)
        # Grow while the next older turn might fit: it adds at least its own tokens, less a boundary merge.
        while k < n and budget - count >= sizes[k] - 2:
            more = self._exact(head + self._tail(history, k + 1))
            if more > budget:
                break
            k, count = k + 1, more
        self._overhead = max(0.0, (count - base - sum(sizes[:k])) / k)  # calibrate the next estimate
        tail = self._tail(history, k)
        return self._finish(head + tail, n - len(tail), False)

    def _size(self, text: str) -> int:
        """Tokens of one message's text (cached: history repeats across builds)."""
        size = self._sizes.get(text)
        if size is None:
            if self._token_sizes:
                size = len(self.tokenizer(text, add_special_tokens=False)["input_ids"])
            else:
                size = self.count([{"role": "user", "content": text}]) - self._empty_cost()
            if len(self._sizes) >= 8192:
                self._sizes.pop(next(iter(self._sizes)))
            self._sizes[text] = size
        return size

    def _empty_cost(self) -> int:
        try:
            return self.count([])
        except Exception:  # a custom counter may not accept an empty conversation
            return 0

    def _exact(self, messages: Messages) -> int:
        return self.count(messages)

    def _exact_tokens(self, messages: Messages) -> int:
        """The default counter with a tokenizer; remembers the last prompt so build() need not redo it."""
        prompt = render_prompt(self.tokenizer, messages)
        if self._last is not None and self._last[0] == prompt:
            return len(self._last[1])
        ids = list(self.tokenizer(prompt, add_special_tokens=False)["input_ids"])
        self._last = (prompt, ids)
        return len(ids)

    @staticmethod
    def _tail(history: Messages, k: int) -> Messages:
        """The newest k turns, starting at a user turn when possible (strict templates need that)."""
        tail = history[-k:]
        while len(tail) > 1 and tail[0]["role"] == "assistant":
            tail = tail[1:]
        return tail

    def _truncated(self, head: Messages, history: Messages) -> BuiltContext:
        """The newest turn alone does not fit beside the system prompt. It is what is being
        answered, so a system prompt longer than half the budget yields first: it is cut in the
        middle to make room for the whole turn, or to half the budget when the turn is long too."""
        newest = history[-1]
        if head and self._size(head[0]["content"]) > self.budget_tokens // 2:
            half = self.budget_tokens // 2
            sys_pieces = self._pieces(head[0]["content"])
            whole = [{"role": newest["role"], "content": newest["content"]}]
            fit_sys = self._shrink(lambda text: [{"role": "system", "content": text}] + whole, sys_pieces)
            if fit_sys is not None and self.count([{"role": "system", "content": fit_sys}]) >= half:
                return self._finish([{"role": "system", "content": fit_sys}] + whole, len(history) - 1, True)
            cut = self._shrink(lambda text: [{"role": "system", "content": text}], sys_pieces, limit=half)
            if cut is not None:
                head = [{"role": "system", "content": cut}]
        pieces = self._pieces(newest["content"])
        fit_turn = self._shrink(lambda text: head + [{"role": newest["role"], "content": text}], pieces)
        if fit_turn is not None:
            msgs = head + [{"role": newest["role"], "content": fit_turn}]
            return self._finish(msgs, len(history) - 1, True)
        # Even a marker-only turn does not fit: the system prompt is too long; cut it too.
        minimal = {"role": newest["role"], "content": self.marker.strip()}
        if head:
            sys_pieces = self._pieces(head[0]["content"])
            fit_sys = self._shrink(lambda text: [{"role": "system", "content": text}, minimal], sys_pieces)
            if fit_sys is not None:
                return self._finish([{"role": "system", "content": fit_sys}, minimal], len(history) - 1, True)
        return self._finish([minimal], len(history) - 1, True)  # best effort; budget below the template's size

    def _pieces(self, text: str) -> Any:
        """Units to cut by: tokens with a tokenizer, characters otherwise."""
        if self.tokenizer is not None:
            return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])
        return text

    def _join(self, pieces: Any, keep: int) -> str:
        """Keep `keep` units: the first half and the last half, joined by the marker."""
        total = len(pieces)
        if keep >= total:
            return self._decode(pieces)
        front = (keep + 1) // 2
        back = keep - front
        head = self._decode(pieces[:front]).rstrip()
        tail = self._decode(pieces[total - back:]).lstrip() if back else ""
        return f"{head}{self.marker}{tail}".strip()

    def _decode(self, pieces: Any) -> str:
        if isinstance(pieces, str) or self.tokenizer is None:
            return str(pieces)
        return str(self.tokenizer.decode(pieces, skip_special_tokens=False, clean_up_tokenization_spaces=False))

    def _shrink(self, make: Callable[[str], Messages], pieces: Any, limit: int | None = None) -> str | None:
        """The longest middle-truncation of `pieces` whose prompt fits `limit` (default: the budget),
        by bisection on kept units."""
        bound = self.budget_tokens if limit is None else limit

        def fits(keep: int) -> bool:
            return self.count(make(self._join(pieces, keep))) <= bound

        if not fits(0):
            return None
        lo, hi = 0, len(pieces) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if fits(mid):
                lo = mid
            else:
                hi = mid - 1
        return self._join(pieces, lo)

    def _finish(self, messages: Messages, dropped: int, truncated: bool) -> BuiltContext:
        if self.tokenizer is None:
            return BuiltContext(messages, self.count(messages), dropped_turns=dropped, truncated=truncated)
        prompt = render_prompt(self.tokenizer, messages)
        if self._last is not None and self._last[0] == prompt:
            ids = list(self._last[1])
        else:
            ids = list(self.tokenizer(prompt, add_special_tokens=False)["input_ids"])
        return BuiltContext(messages, len(ids), ids, prompt, dropped, truncated)

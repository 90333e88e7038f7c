"""Inputs for the benchmarks that need no download and no ../shared: texts, tokenizers, vocabularies.

A GPU machine may have neither network nor the ../shared fixtures beside the checkout, so random-init
models get a synthetic word-level tokenizer, and the random-init classifier a synthetic WordPiece
vocabulary, both built from the same deterministic pseudo-words. The ../shared fixtures are used when
they are present (also as a `shared/` folder inside the checkout, which travels to a device machine).
"""

from __future__ import annotations

import csv
import itertools
import json
import random
from pathlib import Path
from typing import Any, Iterator


WORDS = ("the quick brown fox jumps over a lazy dog while people talk about weather news music games food "
         "travel work school family friends movies books science history sport code model reply moderation "
         "careful kind rude angry happy tired late early tomorrow yesterday really never always maybe").split()


def sample_texts(n: int, *, seed: int = 0, min_words: int = 8, max_words: int = 48) -> list[str]:
    """Chat-message-like texts of mixed length (deterministic for a seed)."""
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(min_words, max_words))) for _ in range(n)]



REPO = Path(__file__).resolve().parents[1]
SPECIALS = ("[UNK]", "[EOS]")
PUNCT = tuple(".,:;!?'\"()-")
_CONSONANTS = "bdfghjklmnprstvwyzcq"
_VOWELS = "aeiou"
SYLLABLES = tuple(c + v for c in _CONSONANTS for v in _VOWELS)  # 100


def shared_path(*parts: str) -> Path | None:
    """A fixture under ../shared (or ./shared inside the checkout), or None when neither has it."""
    for root in (REPO.parent / "shared", REPO / "shared"):
        path = root.joinpath(*parts)
        if path.exists():
            return path
    return None


def pseudo_words() -> Iterator[str]:
    """Chat words first, then every 1-, 2- and 3-syllable pseudo-word ("ba", "bako", "bakomu", ...)."""
    seen: set[str] = set()
    for word in itertools.chain(WORDS, ("system", "user", "assistant")):
        if word not in seen:
            seen.add(word)
            yield word
    for n in (1, 2, 3, 4):
        for combo in itertools.product(SYLLABLES, repeat=n):
            word = "".join(combo)
            if word not in seen:
                seen.add(word)
                yield word


def synthetic_tokenizer(vocab_size: int) -> Any:
    """A fast word-level tokenizer of exactly `vocab_size` ids: every id decodes to one word.

    For random-init language models (no real tokenizer matches their vocabulary): prompts of N chat
    words are N tokens, and random ids decode to pseudo-words that moderation can scan.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    fixed = list(SPECIALS) + [p for p in PUNCT] + ["System", "User", "Assistant"]
    words = itertools.islice(pseudo_words(), max(0, vocab_size - len(fixed)))
    vocab = {tok: i for i, tok in enumerate(itertools.chain(fixed, words))}
    core = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    core.decoder = decoders.WordPiece(prefix="##", cleanup=False)  # joins words with spaces
    tok = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=core, unk_token="[UNK]", eos_token="[EOS]", pad_token="[EOS]")
    tok.padding_side = "left"
    return tok


def synthetic_bert_dir(out_dir: Path, *, vocab_size: int = 30522) -> Path:
    """A BERT config + WordPiece vocab.txt (uncased) for make_detoxify_checkpoint's `base_dir`.

    Whole chat words and pseudo-words, plus syllables and single characters (also as ## pieces),
    so any lowercase text splits into few pieces. The config is tiny-bert's shape (hidden size 4).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    chars = [c for c in "abcdefghijklmnopqrstuvwxyz0123456789"] + list(PUNCT)
    pieces = chars + ["##" + c for c in chars] + list(SYLLABLES) + ["##" + s for s in SYLLABLES]
    vocab = list(dict.fromkeys(specials + pieces))
    for word in pseudo_words():
        if len(vocab) >= vocab_size:
            break
        if word not in pieces:
            vocab.append(word)
    (out_dir / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    (out_dir / "tokenizer_config.json").write_text(json.dumps(
        {"do_lower_case": True, "model_max_length": 512, "tokenizer_class": "BertTokenizer"}), encoding="utf-8")
    (out_dir / "special_tokens_map.json").write_text(json.dumps(
        {"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]",
         "mask_token": "[MASK]"}), encoding="utf-8")
    config = {
        "architectures": ["BertForSequenceClassification"], "model_type": "bert", "hidden_size": 4,
        "intermediate_size": 8, "num_attention_heads": 1, "num_hidden_layers": 1, "max_position_embeddings": 512,
        "type_vocab_size": 2, "vocab_size": len(vocab), "pad_token_id": 0, "hidden_act": "gelu",
        "layer_norm_eps": 1e-12,
    }
    (out_dir / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return out_dir


def classifier_checkpoint(work: Path, shape: str, *, seed: int = 0) -> tuple[str, str, str]:
    """A random-init Detoxify-format checkpoint of `shape` (tiny | bert-base): (ckpt, config_dir, vocab).

    Uses the real bert-base-uncased vocabulary of ../shared/models/tiny-bert when present, else a
    synthetic one (so it also works on a machine without the fixtures).
    """
    from moderation.testing import make_detoxify_checkpoint

    base = shared_path("models", "tiny-bert")
    vocab = "bert-base-uncased (tiny-bert fixture)"
    if base is None:
        base, vocab = synthetic_bert_dir(work / "synthetic-bert"), "synthetic"
    ckpt, config_dir = make_detoxify_checkpoint(work, base, shape=shape, seed=seed)
    _score_clean(ckpt)
    return str(ckpt), str(config_dir), vocab


def _score_clean(ckpt: Path, bias: float = -8.0) -> None:
    """Random weights score near 0.5 and so flag everything; a negative output bias makes them score
    near 0 (clean), so the bench measures the common path (allow) rather than holding every reply.
    The forward pass, and so the timing, is unchanged."""
    import torch

    data = torch.load(ckpt, map_location="cpu", weights_only=False)
    state = data["state_dict"]
    key = next(k for k in state if k.endswith("classifier.bias"))
    state[key] = torch.full_like(state[key], bias)
    torch.save(data, ckpt)


def chat_texts(n: int, *, seed: int = 0, min_chars: int = 20, max_chars: int = 400) -> tuple[list[str], str]:
    """`n` chat-length texts: the labeled surge data set when present (cycled), else generated ones."""
    path = shared_path("data", "moderation", "surge_toxicity_en.csv")
    texts: list[str] = []
    if path is not None:
        with path.open(encoding="utf-8", newline="") as fh:
            texts = [row["text"] for row in csv.DictReader(fh) if min_chars <= len(row["text"]) <= max_chars]
    if not texts:
        return sample_texts(n, seed=seed), "generated"
    rng = random.Random(seed)
    rng.shuffle(texts)
    return [texts[i % len(texts)] for i in range(n)], "surge_toxicity_en.csv"


def words_text(n_words: int, rng: random.Random) -> str:
    """A message of exactly `n_words` chat words (one token each with the synthetic tokenizer)."""
    return " ".join(rng.choice(WORDS) for _ in range(max(1, n_words)))

"""Quality and speed of the keyword stage alone (classifier off) on the shared labeled data.

Run from the repository root:  python moderation/data/measure_default_list.py [--terms]

Prints precision/recall/F1 (flag = any match) on surge_toxicity_en.csv (positive 'Toxic') and
davidson_labeled_data.csv (class 0/1 toxic, 2 not), and texts/s of KeywordStage.scan_many on
chat-length texts (100-200 characters) on one core. --terms lists the terms behind false and
true positives, which is what curation needs.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from moderation.keywords import KeywordStage  # noqa: E402
from moderation.wordlists import DEFAULT_LIST, load_list  # noqa: E402


def datasets(shared: Path) -> dict[str, tuple[list[str], list[bool]]]:
    data = shared / "data" / "moderation"
    with (data / "surge_toxicity_en.csv").open(encoding="utf-8", newline="") as fh:
        surge = list(csv.DictReader(fh))
    with (data / "davidson_labeled_data.csv").open(encoding="utf-8", newline="") as fh:
        davidson = list(csv.DictReader(fh))
    return {
        "surge": ([r["text"] for r in surge], [r["is_toxic"] == "Toxic" for r in surge]),
        "davidson": ([r["tweet"] for r in davidson], [r["class"] in ("0", "1") for r in davidson]),
    }


def scores(pred: list[bool], gold: list[bool]) -> dict[str, float]:
    tp = sum(p and g for p, g in zip(pred, gold))
    fp = sum(p and not g for p, g in zip(pred, gold))
    fn = sum(g and not p for p, g in zip(pred, gold))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
            "tp": tp, "fp": fp, "fn": fn}


def throughput(stage: KeywordStage, texts: list[str], repeat: int = 5) -> float:
    best = min(_timed(stage, texts) for _ in range(repeat))
    return len(texts) / best


def _timed(stage: KeywordStage, texts: list[str]) -> float:
    start = time.process_time()
    stage.scan_many(texts)
    return time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--list", type=Path, default=DEFAULT_LIST)
    parser.add_argument("--terms", action="store_true", help="show the terms behind FP/TP")
    args = parser.parse_args(argv)
    wl = load_list(args.list)
    stage = KeywordStage(wl.terms, wl.exceptions)
    report: dict[str, object] = {}
    for name, (texts, gold) in datasets(args.shared).items():
        matches = stage.scan_many(texts)
        report[name] = scores([bool(m) for m in matches], gold)
        chat = [t for t in texts if 100 <= len(t) <= 200][:3000]
        report[name + "_texts_per_s"] = round(throughput(stage, chat))
        if args.terms:
            fp: collections.Counter[str] = collections.Counter()
            tp: collections.Counter[str] = collections.Counter()
            for found, g in zip(matches, gold):
                for term in {m.term for m in found}:
                    (tp if g else fp)[term] += 1
            report[name + "_fp_terms"] = fp.most_common(40)
            report[name + "_tp_terms"] = tp.most_common(40)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

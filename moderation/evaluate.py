"""`parley eval`: how well the current config separates toxic from clean texts.

One pass of the full engine gives everything: the full-stack verdicts, the keyword-only
verdicts (the same policy applied to the non-classifier stage results) and the classifier
scores for the threshold sweep. Flagged means action != allow.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from moderation.engine import ModerationEngine
from moderation.types import Action, Verdict

DEFAULT_POSITIVE = ("1", "1.0", "true", "yes", "toxic")
# values that plainly mean "clean"; any other non-positive value is counted negative with a warning
DEFAULT_NEGATIVE = ("0", "0.0", "false", "no", "clean", "not toxic", "not_toxic", "non-toxic", "non_toxic",
                    "nontoxic", "approved", "ok", "safe")
MISSING, EMPTY = "(missing)", "(empty)"
SWEEP = [round(0.05 * i, 2) for i in range(1, 20)] + [0.97, 0.99]


class EvalError(Exception):
    """Bad eval input (missing file or column); str() is one line saying which."""


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @classmethod
    def of(cls, predicted: Sequence[bool], labels: Sequence[bool]) -> Counts:
        c = cls()
        for p, y in zip(predicted, labels, strict=True):
            if p and y:
                c.tp += 1
            elif p:
                c.fp += 1
            elif y:
                c.fn += 1
            else:
                c.tn += 1
        return c

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        total = self.tp + self.fp + self.fn + self.tn
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "accuracy": round((self.tp + self.tn) / total, 4) if total else 0.0,
                "tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn}


def _values(spec: str | None, default: Sequence[str]) -> set[str]:
    return {v.strip().casefold() for v in spec.split(",") if v.strip()} if spec else set(default)


def is_positive(value: str, positive: str | None) -> bool:
    """--positive V (comma-separated values allowed), else 1/true/yes/toxic; case-insensitive."""
    return value.strip().casefold() in _values(positive, DEFAULT_POSITIVE)


@dataclass(slots=True)
class LabeledRows:
    """A labeled CSV read for eval; `unexpected` counts label values that were neither a positive nor
    a known negative value (counted negative), so the report can say so instead of miscounting silently."""

    texts: list[str] = field(default_factory=list)
    labels: list[bool] = field(default_factory=list)
    unexpected: Counter[str] = field(default_factory=Counter)

    def warning(self, label_col: str) -> str | None:
        if not self.unexpected:
            return None
        shown = ", ".join(f"{v if v in (MISSING, EMPTY) else repr(v)}: {n}" for v, n in self.unexpected.most_common(8))
        more = f" and {len(self.unexpected) - 8} more value(s)" if len(self.unexpected) > 8 else ""
        return (f"warning: {sum(self.unexpected.values())} row(s) have a {label_col!r} value that is neither "
                f"positive nor a known negative, counted as negative: {shown}{more}; name the values with "
                "--positive / --negative")


def read_labeled_csv(path: Path, text_col: str, label_col: str,
                     positive: str | None = None) -> tuple[list[str], list[bool]]:
    """Texts and labels; the csv module handles CRLF and quoted multi-line texts."""
    rows = read_labeled_rows(path, text_col, label_col, positive)
    return rows.texts, rows.labels


def read_labeled_rows(path: Path, text_col: str, label_col: str, positive: str | None = None,
                      negative: str | None = None) -> LabeledRows:
    """read_labeled_csv plus the label values it did not recognise. EvalError when the label column
    is the text column, or when no row matches an explicit --positive (every score would be 0)."""
    if text_col == label_col:
        raise EvalError(f"--label-col and --text-col are both {label_col!r}; give the column holding the labels")
    wanted, clean = _values(positive, DEFAULT_POSITIVE), _values(negative, DEFAULT_NEGATIVE)
    out, seen = LabeledRows(), Counter[str]()
    try:
        handle = open(path, newline="", encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        raise EvalError(f"cannot read {path}: {exc.strerror or exc}") from None
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        for col, what in ((text_col, "--text-col"), (label_col, "--label-col")):
            if col not in columns:
                raise EvalError(f"column {col!r} ({what}) not found in {path}; columns: {', '.join(columns) or 'none'}")
        try:
            for row in reader:
                raw = row.get(label_col)
                value = (raw or "").strip()
                shown = MISSING if raw is None else value or EMPTY
                seen[shown] += 1
                out.texts.append(row.get(text_col) or "")
                out.labels.append(value.casefold() in wanted)
                if not out.labels[-1] and value.casefold() not in clean:
                    out.unexpected[shown] += 1
        except csv.Error as exc:
            raise EvalError(f"{path}: CSV error at line {reader.line_num}: {exc}") from None
    if not out.texts:
        raise EvalError(f"{path} has no data rows")
    if positive and not any(out.labels):
        values = ", ".join(v if v in (MISSING, EMPTY) else repr(v) for v, _ in seen.most_common(8))
        raise EvalError(f"no row's {label_col!r} matches --positive {positive!r} (values seen: {values}); "
                        "set --positive to the value(s) meaning toxic")
    return out


def threshold_sweep(scores: Sequence[float], labels: Sequence[bool],
                    thresholds: Sequence[float] = SWEEP) -> list[dict[str, float]]:
    points = []
    for t in sorted(set(thresholds)):
        c = Counts.of([s >= t for s in scores], labels)
        points.append({"threshold": t, "precision": round(c.precision, 4), "recall": round(c.recall, 4),
                       "f1": round(c.f1, 4), "flagged": c.tp + c.fp})
    return points


def pr_curve(scores: Sequence[float], labels: Sequence[bool]) -> tuple[list[float], list[float]]:
    """(recall, precision) at every distinct score, highest threshold first."""
    total_pos = sum(labels)
    pairs = sorted(zip(scores, labels), key=lambda p: -p[0])
    recall, precision, tp, fp = [], [], 0, 0
    for i, (score, label) in enumerate(pairs):
        tp, fp = tp + label, fp + (not label)
        if i + 1 < len(pairs) and pairs[i + 1][0] == score:
            continue
        recall.append(tp / total_pos if total_pos else 0.0)
        precision.append(tp / (tp + fp))
    return recall, precision


async def _judge(engine: ModerationEngine, texts: list[str], err: TextIO, batch_size: int) -> list[Verdict]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(file=err)
    verdicts: list[Verdict] = []
    columns = (TextColumn("moderating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task("eval", total=len(texts))
        for start in range(0, len(texts), batch_size):
            batch = texts[start:start + batch_size]
            verdicts.extend(await engine.moderate(batch))
            progress.advance(task, len(batch))
    return verdicts


async def run_eval(engine_factory: Callable[[], ModerationEngine], csv_path: Path, text_col: str, label_col: str,
                   positive: str | None = None, plot: Path | None = None, as_json: bool = False, *,
                   out: TextIO | None = None, err: TextIO | None = None, batch_size: int = 256,
                   negative: str | None = None) -> dict[str, Any]:
    """Evaluate the current config on a labeled CSV; print a report (or JSON) and return it."""
    out = out or sys.stdout
    err = err or sys.stderr
    rows = read_labeled_rows(Path(csv_path), text_col, label_col, positive, negative)
    texts, labels = rows.texts, rows.labels
    engine = engine_factory()
    await engine.start()
    try:
        verdicts = await _judge(engine, texts, err, batch_size)
        policy = engine.policy("output")
        keyword_only = [policy.decide(t, [r for r in v.stages if r.stage != "classifier"])
                        for t, v in zip(texts, verdicts)]
        settings = engine.settings
    finally:
        await engine.aclose()
    full = Counts.of([v.action is not Action.ALLOW for v in verdicts], labels)
    kw = Counts.of([v.action is not Action.ALLOW for v in keyword_only], labels)
    categories = sorted({k for v in verdicts for r in v.stages if r.stage == "classifier" for k in r.scores})
    sweep: dict[str, Any] = {}
    for cat in categories:
        scores = [v.scores.get(cat, 0.0) for v in verdicts]
        configured = settings.thresholds.get(cat)
        points = threshold_sweep(scores, labels, SWEEP + ([configured] if configured is not None else []))
        best = max(points, key=lambda p: (p["f1"], p["threshold"]))
        sweep[cat] = {"configured_threshold": configured, "best": best, "points": points}
    actions = {str(a): sum(v.action is a for v in verdicts) for a in Action}
    errors = sum(any(r.error for r in v.stages) for v in verdicts)
    report: dict[str, Any] = {
        "file": str(csv_path), "rows": len(texts), "positives": sum(labels),
        "config": {"enabled": settings.enabled, "classifier": settings.classifier.enabled,
                   "classifier_model": settings.classifier.model if settings.classifier.enabled else None,
                   "flagged_action": str(settings.flagged_action)},
        "full_stack": full.to_dict(), "keyword_only": kw.to_dict(), "actions": actions, "stage_errors": errors,
        "sweep": sweep,
        "suggested_thresholds": {cat: s["best"]["threshold"] for cat, s in sweep.items()},
        "unexpected_labels": dict(rows.unexpected),
    }
    if rows.unexpected:
        err.write(f"{rows.warning(label_col)}\n")
    if errors:
        err.write(f"warning: {errors} text(s) had a stage error (held, counted as flagged)\n")
    if plot is not None:
        from moderation.evalplot import draw_plot

        draw_plot(Path(plot), verdicts, labels, categories, full, kw)
        report["plot"] = str(plot)
    if as_json:
        import json

        out.write(json.dumps(report, indent=2) + "\n")
    else:
        out.write(format_report(report))
    return report


def format_report(report: dict[str, Any]) -> str:
    def row(name: str, c: dict[str, Any]) -> str:
        return (f"{name:<14} P {c['precision']:.3f}  R {c['recall']:.3f}  F1 {c['f1']:.3f}  "
                f"(tp {c['tp']}, fp {c['fp']}, fn {c['fn']}, tn {c['tn']})\n")

    lines = [f"{report['file']}: {report['rows']} rows, {report['positives']} positive\n",
             row("full stack", report["full_stack"]), row("keywords only", report["keyword_only"])]
    lines.append("actions: " + ", ".join(f"{k} {v}" for k, v in report["actions"].items()) + "\n")
    if report["sweep"]:
        lines.append("classifier threshold sweep (best F1 per category):\n")
        for cat, s in report["sweep"].items():
            b = s["best"]
            conf = s["configured_threshold"]
            at_conf = next((p for p in s["points"] if conf is not None and p["threshold"] == conf), None)
            tail = f"; configured {conf:.2f}: F1 {at_conf['f1']:.3f}" if at_conf else ""
            lines.append(f"  {cat:<16} suggest {b['threshold']:.2f}: P {b['precision']:.3f} "
                         f"R {b['recall']:.3f} F1 {b['f1']:.3f}{tail}\n")
    elif not report["config"]["classifier"]:
        lines.append("classifier off: no threshold sweep (enable moderation.classifier to get one)\n")
    if "plot" in report:
        lines.append(f"plot written to {report['plot']}\n")
    return "".join(lines)

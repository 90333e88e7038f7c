"""`parley eval --plot`: PR curves per classifier category and keyword-only vs full stack.

Uses matplotlib's object API with the Agg canvas (no pyplot global state, no display).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from moderation.types import Verdict

if TYPE_CHECKING:
    from moderation.evaluate import Counts


def draw_plot(path: Path, verdicts: Sequence[Verdict], labels: Sequence[bool], categories: Sequence[str],
              full: Counts, keyword_only: Counts) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from moderation.evaluate import pr_curve

    fig = Figure(figsize=(11, 4.5), layout="constrained")
    FigureCanvasAgg(fig)
    curve, bars = fig.subplots(1, 2)
    for cat in categories:
        recall, precision = pr_curve([v.scores.get(cat, 0.0) for v in verdicts], labels)
        curve.plot(recall, precision, label=cat, linewidth=1.2)
    curve.scatter([keyword_only.recall], [keyword_only.precision], marker="s", color="black",
                  zorder=3, label="keywords only")
    curve.scatter([full.recall], [full.precision], marker="*", s=120, color="red", zorder=3, label="full stack")
    curve.set(xlim=(0, 1.02), ylim=(0, 1.02), xlabel="recall", ylabel="precision",
              title="precision-recall" + ("" if categories else " (classifier off)"))
    curve.grid(alpha=0.3)
    curve.legend(fontsize=8, loc="lower left")

    metrics = ("precision", "recall", "f1")
    xs = range(len(metrics))
    width = 0.38
    for offset, (name, counts) in zip((-width / 2, width / 2), (("keywords only", keyword_only), ("full stack", full))):
        values = [getattr(counts, m) for m in metrics]
        rects = bars.bar([x + offset for x in xs], values, width, label=name)
        bars.bar_label(rects, fmt="%.2f", fontsize=8)
    bars.set(xticks=list(xs), xticklabels=list(metrics), ylim=(0, 1.1), title="keyword-only vs full stack")
    bars.legend(fontsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)

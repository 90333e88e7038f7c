"""`parley eval` on small generated CSVs: counts, sweep, comparison, plot, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bot.cli_moderation import register
from moderation.config import ClassifierSettings, ModerationSettings
from moderation.engine import ModerationEngine
from moderation.evaluate import Counts, EvalError, is_positive, pr_curve, read_labeled_csv, run_eval, threshold_sweep
from moderation.testing import FakeKeywordStage, make_detoxify_checkpoint

TERMS = {"idiot": ("insult", "medium"), "fuck": ("profanity", "medium")}
ROWS = [  # text, label: 2 TP, 1 FP, 1 FN, 2 TN for the fake keyword stage
    ("you idiot", "Toxic"),
    ("fuck off,\nseriously", "Toxic"),  # quoted, multi-line, comma
    ("what the fuck, that's amazing", "Not Toxic"),
    ("you are a worthless waste", "toxic"),
    ("have a nice day", "Not Toxic"),
    ('she said "hello"', "Not Toxic"),
]


def write_csv(path: Path, rows: list[tuple[str, str]] = ROWS) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(["id", "text", "is_toxic"])
        for i, (text, label) in enumerate(rows):
            writer.writerow([i, text, label])
    return path


def keyword_engine(**settings: object) -> ModerationEngine:
    return ModerationEngine(ModerationSettings(hot_reload=False, **settings), stages=[FakeKeywordStage(TERMS)])


def test_counts_and_metrics() -> None:
    c = Counts.of([True, True, True, False, False, False], [True, True, False, True, False, False])
    assert (c.tp, c.fp, c.fn, c.tn) == (2, 1, 1, 2)
    assert c.precision == pytest.approx(2 / 3) and c.recall == pytest.approx(2 / 3) and c.f1 == pytest.approx(2 / 3)
    assert Counts().to_dict()["f1"] == 0.0


def test_positive_values() -> None:
    assert all(is_positive(v, None) for v in ("1", "TRUE", "yes", " Toxic "))
    assert not any(is_positive(v, None) for v in ("0", "false", "no", "Not Toxic", ""))
    assert is_positive("Toxic", "toxic") and not is_positive("Not Toxic", "Toxic")
    assert is_positive("0", "0,1") and not is_positive("2", "0,1")


def test_csv_reading_crlf_multiline_and_missing_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "data.csv")
    texts, labels = read_labeled_csv(path, "text", "is_toxic", "Toxic")
    assert texts[1] == "fuck off,\nseriously"
    assert labels == [True, True, False, True, False, False]
    with pytest.raises(EvalError, match="'label'.*--label-col.*columns: id, text, is_toxic"):
        read_labeled_csv(path, "text", "label")
    with pytest.raises(EvalError, match="cannot read"):
        read_labeled_csv(tmp_path / "nope.csv", "text", "label")
    (tmp_path / "empty.csv").write_text("text,is_toxic\r\n")
    with pytest.raises(EvalError, match="no data rows"):
        read_labeled_csv(tmp_path / "empty.csv", "text", "is_toxic")


def test_sweep_and_pr_curve() -> None:
    scores, labels = [0.9, 0.8, 0.3, 0.2], [True, False, True, False]
    points = {p["threshold"]: p for p in threshold_sweep(scores, labels, [0.1, 0.5, 0.85])}
    assert points[0.85]["precision"] == 1.0 and points[0.85]["recall"] == 0.5
    assert points[0.1]["recall"] == 1.0 and points[0.1]["flagged"] == 4
    recall, precision = pr_curve(scores, labels)
    assert recall == [0.5, 0.5, 1.0, 1.0] and precision[0] == 1.0


async def test_keyword_only_report(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    report = await run_eval(keyword_engine, write_csv(tmp_path / "d.csv"), "text", "is_toxic", positive="Toxic",
                            out=out, err=err)
    assert report["rows"] == 6 and report["positives"] == 3
    assert {k: report["full_stack"][k] for k in ("tp", "fp", "fn", "tn")} == {"tp": 2, "fp": 1, "fn": 1, "tn": 2}
    assert report["keyword_only"] == report["full_stack"]
    assert report["sweep"] == {}
    assert "full stack" in out.getvalue() and "F1 0.667" in out.getvalue()


async def test_full_stack_with_classifier_sweep_and_plot(tmp_path: Path) -> None:
    ckpt, _ = make_detoxify_checkpoint(tmp_path)

    def factory() -> ModerationEngine:
        from moderation.classifier import ClassifierStage

        settings = ModerationSettings(hot_reload=False, thresholds={"toxicity": 0.0},
                                      classifier=ClassifierSettings(enabled=True, model=str(ckpt)))
        return ModerationEngine(settings, stages=[FakeKeywordStage(TERMS),
                                                  ClassifierStage(settings.classifier, settings.thresholds)])

    out = io.StringIO()
    plot = tmp_path / "plots" / "eval.png"
    report = await run_eval(factory, write_csv(tmp_path / "d.csv"), "text", "is_toxic", positive="Toxic",
                            plot=plot, as_json=True, out=out, err=io.StringIO())
    assert json.loads(out.getvalue()) == report
    assert report["full_stack"]["recall"] == 1.0  # threshold 0 flags everything
    assert report["keyword_only"]["tp"] == 2
    assert set(report["sweep"]) == {"toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack"}
    tox = report["sweep"]["toxicity"]
    assert tox["configured_threshold"] == 0.0
    assert any(p["threshold"] == 0.5 for p in tox["points"])
    assert report["suggested_thresholds"]["toxicity"] == tox["best"]["threshold"]
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_eval_json_and_missing_column(tmp_path: Path) -> None:
    cli = typer.Typer()
    register(cli)
    path = write_csv(tmp_path / "d.csv")
    result = CliRunner().invoke(cli, ["eval", str(path), "--text-col", "text", "--label-col", "is_toxic",
                                      "--positive", "Toxic", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["rows"] == 6 and report["positives"] == 3 and "full_stack" in report

    bad = CliRunner().invoke(cli, ["eval", str(path), "--text-col", "body", "--label-col", "is_toxic"])
    assert bad.exit_code == 2
    assert "column 'body'" in bad.stderr


def _eval(path: Path, *args: str) -> object:
    cli = typer.Typer()
    register(cli)
    return CliRunner().invoke(cli, ["eval", str(path), "--text-col", "text", "--json", *args])


def test_cli_eval_says_which_label_values_it_did_not_recognise(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text("text,label\nyou idiot,1\nhave a nice day,0\nfuck off,1\nlovely,false\nmaybe,2\nwhat,\n"
                    "again,2\nragged\n", encoding="utf-8")
    res = _eval(path, "--label-col", "label")
    assert res.exit_code == 0, res.stderr  # type: ignore[attr-defined]
    report = json.loads(res.stdout)  # type: ignore[attr-defined]
    assert report["positives"] == 2 and report["unexpected_labels"] == {"2": 2, "(empty)": 1, "(missing)": 1}
    (warning,) = [line for line in res.stderr.splitlines() if line.startswith("warning:")]  # type: ignore[attr-defined]
    assert "4 row(s)" in warning and "counted as negative" in warning
    assert "'2': 2" in warning and "(empty): 1" in warning and "(missing): 1" in warning
    assert "--positive" in warning and "--negative" in warning

    named = _eval(path, "--label-col", "label", "--negative", "0,false,2,")
    assert named.exit_code == 0
    assert json.loads(named.stdout)["unexpected_labels"] == {"(empty)": 1, "(missing)": 1}  # type: ignore[attr-defined]


def test_cli_eval_known_values_and_review_exports_give_no_warning(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("text,decision\nyou idiot,rejected\nhave a nice day,approved\n", encoding="utf-8")
    res = _eval(path, "--label-col", "decision", "--positive", "rejected")
    assert res.exit_code == 0 and res.stderr == ""  # type: ignore[attr-defined]
    plain = _eval(write_csv(tmp_path / "d.csv"), "--label-col", "is_toxic", "--positive", "Toxic")
    assert plain.exit_code == 0 and plain.stderr == ""  # type: ignore[attr-defined]


@pytest.mark.parametrize(("args", "needles"), [
    (["--label-col", "is_toxic", "--positive", "7"], ["no row's 'is_toxic' matches --positive '7'", "'Not Toxic'"]),
    (["--label-col", "text"], ["--label-col and --text-col are both 'text'"]),
])
def test_cli_eval_refuses_labels_that_cannot_mean_anything(args: list[str], needles: list[str],
                                                           tmp_path: Path) -> None:
    res = _eval(write_csv(tmp_path / "d.csv"), *args)
    assert res.exit_code == 2 and res.stdout == ""  # type: ignore[attr-defined]
    (line,) = res.stderr.splitlines()  # type: ignore[attr-defined]
    assert line.startswith("eval error: ") and all(n in line for n in needles), line

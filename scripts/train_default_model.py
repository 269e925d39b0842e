"""Rebuild the shipped model from the project's own corpus, deterministically.

    python scripts/train_default_model.py [--ptc ../shared/data/ptc-train]

Steps: rebuild ``training_data/train.jsonl`` and ``heldout.jsonl`` from the annotated
sources, train on the training split (grouped 5-fold cross-validation sets the thresholds;
every solver is deterministic), write ``models/default.npz`` (arrays) and its SHA-256, evaluate on the held-out
split and, when the PTC corpus is present, on it too, and write the figures to
``models/metrics.json`` for the model card.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from detector import evaluate, read_corpus, train  # noqa: E402
from detector.persistence import file_sha256  # noqa: E402
from detector.training import shipped_training  # noqa: E402

# The shipped model's settings (feature groups, C, document weights) and the reasons for them
# live in the library, detector.training, so that `detector train --base default` retrains
# with exactly these settings.
SENSITIVITIES = ("precise", "balanced", "sensitive")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ptc", type=Path, default=ROOT.parent / "shared" / "data" / "ptc-train",
                        help="PTC training split for the cross-domain figures (skipped when absent)")
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "default.npz")
    args = parser.parse_args()

    subprocess.run([sys.executable, str(ROOT / "scripts" / "corpus_markup.py"), "build"], check=True)
    training = read_corpus(ROOT / "training_data" / "train.jsonl")
    heldout = read_corpus(ROOT / "training_data" / "heldout.jsonl")
    started = time.perf_counter()
    settings = shipped_training(training)
    detector = train(training, document_weights=settings.document_weights, n_jobs=2, **settings.params)
    detector.save(args.out)
    # Joblib files can run code when loaded; the package loads this one without asking only
    # because its SHA-256 ships beside it (detector.persistence).
    args.out.with_suffix(".sha256").write_text(file_sha256(args.out) + "\n", encoding="ascii")
    print(f"trained in {time.perf_counter() - started:.0f} s -> {args.out}")

    # The held-out split has two parts, reported apart: documents written for the project and
    # real documents (``rt-*``), which are what users score.
    invented = [d for d in heldout if not d.id.startswith("rt-")]
    real = [d for d in heldout if d.id.startswith("rt-")]
    metrics = {"cross_validation": detector.metadata["cv_metrics"],
               "heldout": evaluate(detector, invented).to_dict()}
    if real:
        metrics["heldout_real"] = evaluate(detector, real).to_dict()
    articles, labels = args.ptc / "train-articles", args.ptc / "train-labels-task-flc-tc"
    ptc = read_corpus(articles, "ptc", labels) if articles.is_dir() else []
    if ptc:
        metrics["ptc_train"] = evaluate(detector, ptc).to_dict()
    # What each operating point trades, and how well the scores are calibrated, on text the
    # model never saw.
    metrics["presets"] = {}
    metrics["calibration"] = {"cross_validation": detector.metadata["cv_metrics"].get("calibration")}
    for name, documents in (("heldout_real", real), ("ptc_train", ptc)):
        if not documents:
            continue
        metrics["presets"][name] = {}
        for sensitivity in SENSITIVITIES:
            detector.sensitivity = sensitivity
            report = evaluate(detector, documents)
            metrics["presets"][name][sensitivity] = {"any": report.any.to_dict(), "micro": report.micro.to_dict()}
        detector.sensitivity = "balanced"
        metrics["calibration"][name] = calibration_figures(detector, documents)
    (args.out.parent / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    write_card_figures(args.out.parent / "MODEL_CARD.md", metrics, detector.metadata)
    write_benchmark_section(metrics, detector.metadata)
    for name, figures in metrics.items():
        if "any" not in figures:
            continue
        any_ = figures["any"]
        print(f"{name:18s} any P {any_['precision']:.3f} R {any_['recall']:.3f} F1 {any_['f1']:.3f}  "
              f"micro F1 {figures['micro']['f1']:.3f}  macro F1 {figures['macro']['f1']:.3f}")
    return 0


def calibration_figures(detector, documents) -> dict:
    """ECE (10 bins) of the any-technique score and of every technique score, pooled and per head."""
    from detector.model import expected_calibration_error
    from detector.training import training_inputs

    inputs, gold, _ = training_inputs(documents, detector.labels)
    any_proba, technique_proba = detector.predictor.predict_scores(inputs)
    per = {label: round(expected_calibration_error(gold[:, j], technique_proba[:, j]), 4)
           for j, label in enumerate(detector.labels)}
    return {"any": round(expected_calibration_error(gold.max(axis=1), any_proba), 4),
            "techniques_pooled": round(expected_calibration_error(gold.ravel(), technique_proba.ravel()), 4),
            "per_head": per}


def _table(figures: dict) -> str:
    lines = ["| | precision | recall | F1 | support |", "| --- | --- | --- | --- | --- |"]
    for name in ("any", "micro", "macro"):
        s = figures[name]
        label = {"any": "any technique (sentences)", "micro": "techniques, micro average",
                 "macro": "techniques, macro average"}[name]
        lines.append(f"| **{label}** | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |")
    for technique, s in figures["techniques"].items():
        if s["support"]:
            lines.append(f"| {technique} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |")
    return "\n".join(lines)


def write_benchmark_section(metrics: dict, metadata: dict) -> None:
    """The shipped model's figures on every evaluation set, side by side, in docs/benchmarks.md."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from _docs import write_section

    names = {"cross_validation": "grouped cross-validation (training split)",
             "heldout": "held-out, written documents", "heldout_real": "held-out, real documents",
             "ptc_train": "PTC train (real news, never trained on)"}
    lines = [f"Measured by `python scripts/train_default_model.py` on {metadata['created'][:10]} (balanced "
             "operating point; `models/MODEL_CARD.md` has every technique).", "",
             "| data | sentences | any P | any R | any F1 | micro F1 | macro F1 |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for key, label in names.items():
        if key in metrics:
            m = metrics[key]
            lines.append(f"| {label} | {m['sentences']} | {m['any']['precision']:.3f} | {m['any']['recall']:.3f} | "
                         f"{m['any']['f1']:.3f} | {m['micro']['f1']:.3f} | {m['macro']['f1']:.3f} |")
    calibration = {k: v for k, v in (metrics.get("calibration") or {}).items() if v}
    if calibration:
        heads = list(next(iter(calibration.values()))["per_head"])
        lines += ["", "Expected calibration error (10 bins) per head:", "",
                  "| head | " + " | ".join(names.get(k, k) for k in calibration) + " |",
                  "| --- | " + " | ".join("---" for _ in calibration) + " |"]
        for head in heads:
            lines.append(f"| {head} | " + " | ".join(f"{c['per_head'].get(head, c['any'] if head == 'any' else 0):.3f}"
                                                   for c in calibration.values()) + " |")
        lines.append("| techniques pooled | " + " | ".join(f"{c['techniques_pooled']:.3f}"
                                                         for c in calibration.values()) + " |")
    write_section(ROOT / "docs" / "benchmarks.md", "model", "\n".join(lines), "## The shipped model")


def write_card_figures(card: Path, metrics: dict, metadata: dict) -> None:
    """Put the measured figures between the figure markers of the model card."""
    titles = {"heldout": "Held-out split, documents written for the project (never seen in training)",
              "heldout_real": "Held-out split, real documents annotated by the project (never seen in training)",
              "ptc_train": "Real news: PTC training split (never seen in training; research-only data)",
              "cross_validation": "Grouped cross-validation on the training split (sets the thresholds)"}
    parts = [f"Measured by `python scripts/train_default_model.py` on {metadata['created'][:10]}; "
             f"trained on {metadata['training_documents']} documents, {metadata['training_sentences']} "
             f"sentences (SHA-256 of the training data `{metadata['training_sha256'][:16]}…`)."]
    for key in ("heldout", "heldout_real", "ptc_train", "cross_validation"):
        if key in metrics:
            parts += ["", f"### {titles[key]}", "", f"{metrics[key]['sentences']} sentences.", "", _table(metrics[key])]
    if metrics.get("presets"):
        parts += ["", "### Operating points (`--sensitivity`)", "",
                  "Any-technique precision / recall / F1 and technique micro-F1 at each preset.", "",
                  "| data | preset | precision | recall | F1 | micro F1 |", "| --- | --- | --- | --- | --- | --- |"]
        for data, presets in metrics["presets"].items():
            for name, figures in presets.items():
                a = figures["any"]
                parts.append(f"| {data} | {name} | {a['precision']:.3f} | {a['recall']:.3f} | {a['f1']:.3f} | "
                             f"{figures['micro']['f1']:.3f} |")
    calibration = {k: v for k, v in (metrics.get("calibration") or {}).items() if v}
    if calibration:
        parts += ["", "### Calibration (expected calibration error, 10 bins)", "",
                  "| data | any technique | techniques pooled | worst technique |", "| --- | --- | --- | --- |"]
        for data, c in calibration.items():
            heads = {k: v for k, v in c["per_head"].items() if k != "any"}
            worst = max(heads, key=lambda k: heads[k])
            parts.append(f"| {data} | {c['any']:.3f} | {c['techniques_pooled']:.3f} | {worst} {heads[worst]:.3f} |")
    start, end = "<!-- figures:start -->", "<!-- figures:end -->"
    text = card.read_text(encoding="utf-8")
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    card.write_text(head + start + "\n" + "\n".join(parts) + "\n" + end + tail, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

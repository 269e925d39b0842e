"""Rebuild the shipped model from the project's own corpus, deterministically.

    python scripts/train_default_model.py [--ptc ../shared/data/ptc-train]

Steps: rebuild ``training_data/train.jsonl`` and ``heldout.jsonl`` from the annotated
sources, train on the training split (grouped 5-fold cross-validation sets the thresholds;
every solver is deterministic), write ``models/default.joblib``, evaluate on the held-out
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ptc", type=Path, default=ROOT.parent / "shared" / "data" / "ptc-train",
                        help="PTC training split for the cross-domain figures (skipped when absent)")
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "default.joblib")
    args = parser.parse_args()

    subprocess.run([sys.executable, str(ROOT / "scripts" / "corpus_markup.py"), "build"], check=True)
    training = read_corpus(ROOT / "training_data" / "train.jsonl")
    heldout = read_corpus(ROOT / "training_data" / "heldout.jsonl")
    started = time.perf_counter()
    detector = train(training)
    detector.save(args.out)
    print(f"trained in {time.perf_counter() - started:.0f} s -> {args.out}")

    metrics = {"cross_validation": detector.metadata["cv_metrics"],
               "heldout": evaluate(detector, heldout).to_dict()}
    articles, labels = args.ptc / "train-articles", args.ptc / "train-labels-task-flc-tc"
    if articles.is_dir():
        metrics["ptc_train"] = evaluate(detector, read_corpus(articles, "ptc", labels)).to_dict()
    (args.out.parent / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    for name, figures in metrics.items():
        any_ = figures["any"]
        print(f"{name:18s} any P {any_['precision']:.3f} R {any_['recall']:.3f} F1 {any_['f1']:.3f}  "
              f"micro F1 {figures['micro']['f1']:.3f}  macro F1 {figures['macro']['f1']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

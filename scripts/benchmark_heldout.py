"""The shipped training settings measured on the project's real held-out documents (and PTC).

    python scripts/benchmark_heldout.py [--embedding-weighting mean|sif] [--ptc DIR | --no-ptc]

Trains exactly as ``scripts/train_default_model.py`` does (``detector.training.shipped_training``
on ``training_data/train.jsonl``: its feature groups, C and document weights, thresholds from
grouped cross-validation) but writes no model, and prints the figures of the table "Training
data and features, measured on real text" in docs/benchmarks.md: the average precision of the
any-technique score on the real held-out documents (``rt-*`` of ``training_data/heldout.jsonl``)
and on PTC train, with the any-technique and technique micro F1 at the balanced operating
point beside them.  It reads the embedding files in ``detector/data`` as installed, so swapping
them measures another set of token vectors.  PTC is research-only data: nothing of it is
written out.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.metrics import average_precision_score  # noqa: E402

from detector import evaluate, read_corpus, train  # noqa: E402
from detector.training import shipped_training, training_inputs  # noqa: E402


def figures(detector, documents) -> str:
    """Sentences, any-technique AP, and any / micro F1 of ``detector`` on ``documents``."""
    inputs, gold, _ = training_inputs(documents, detector.labels)
    any_proba = detector.estimator.predict_any_proba(inputs)
    report = evaluate(detector, documents)
    ap = average_precision_score(gold.max(axis=1), any_proba)
    return (f"{len(inputs)} sentences ({int(gold.max(axis=1).sum())} with a technique): any AP {ap:.3f}  "
            f"any F1 {report.any.f1:.3f}  micro F1 {report.micro.f1:.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedding-weighting", choices=("mean", "sif"), default="mean")
    parser.add_argument("--ptc", type=Path, default=ROOT.parent / "shared" / "data" / "ptc-train")
    parser.add_argument("--no-ptc", action="store_true", help="skip the PTC figures")
    args = parser.parse_args()

    training = read_corpus(ROOT / "training_data" / "train.jsonl")
    real = [d for d in read_corpus(ROOT / "training_data" / "heldout.jsonl") if d.id.startswith("rt-")]
    vectors = np.load(ROOT / "detector" / "data" / "token_vectors.npy", mmap_mode="r")
    print(f"token vectors {vectors.shape}, embedding weighting {args.embedding_weighting}", flush=True)
    started = time.perf_counter()
    settings = shipped_training(training)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        detector = train(training, document_weights=settings.document_weights, n_jobs=2,
                         embedding_weighting=args.embedding_weighting, **settings.params)
    print(f"trained in {time.perf_counter() - started:.0f} s", flush=True)
    print(f"real held-out: {figures(detector, real)}", flush=True)
    articles, labels = args.ptc / "train-articles", args.ptc / "train-labels-task-flc-tc"
    if not args.no_ptc and articles.is_dir():
        print(f"PTC train: {figures(detector, read_corpus(articles, 'ptc', labels))}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Sentence-level quality on the PTC corpus: the project's pipeline against references.

    python scripts/benchmark_quality.py [--data DIR --labels DIR] [--ablation] [--write]

Five-fold cross-validation grouped by article (no article is split across folds).  In every
fold the project's pipeline is trained on the other folds exactly as ``detector train``
trains it (thresholds from its own inner grouped cross-validation), and two references are
trained on the same folds: a logistic regression on sentence length, and a plain TF-IDF
logistic regression (word 1-2-grams plus character 2-5-grams), each with its threshold chosen
by an inner grouped cross-validation too.  Published anchors are printed beside them.
``--ablation`` also compares the pipeline without each feature group (threshold-free).  ``--write`` puts the
tables into docs/benchmarks.md.  PTC is research-only data: nothing of it is written out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _docs import write_section  # noqa: E402
from joblib import Parallel, delayed  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import average_precision_score  # noqa: E402
from sklearn.model_selection import GroupKFold, cross_val_predict  # noqa: E402
from sklearn.pipeline import FeatureUnion, Pipeline  # noqa: E402
from sklearn.preprocessing import FunctionTransformer, StandardScaler  # noqa: E402

from detector import Detector, read_corpus  # noqa: E402
from detector.features import DEFAULT_FEATURE_GROUPS  # noqa: E402
from detector.metrics import score_decisions  # noqa: E402
from detector.model import TechniqueClassifier, best_f1_threshold, decide  # noqa: E402
from detector.taxonomy import TECHNIQUE_IDS  # noqa: E402
from detector.training import SHIPPED_FEATURE_GROUPS, training_inputs  # noqa: E402

DEFAULT_PTC = ROOT.parent / "shared" / "data" / "ptc-train"
FOLDS = 5
ANCHORS = [
    ("Sentence length, logistic regression (published)", "0.43"),
    ("TF-IDF logistic regression (published)", "0.56"),
    ("all-MiniLM-L6-v2 embeddings + logistic regression (published, dev)", "0.58"),
    ("Best fine-tuned BERT, NLP4IF-2019 (published, test)", "0.632"),
]


def texts_of(X):
    return [x.text for x in X]


def lengths_of(X):
    return np.array([[len(x.text)] for x in X], dtype=float)


def length_reference() -> Pipeline:
    return Pipeline([("length", FunctionTransformer(lengths_of)), ("scale", StandardScaler()),
                     ("lr", LogisticRegression())])


def tfidf_reference() -> Pipeline:
    return Pipeline([
        ("text", FunctionTransformer(texts_of)),
        ("tfidf", FeatureUnion([
            ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True)),
        ])),
        ("lr", LogisticRegression(solver="liblinear", C=1.0)),
    ])


def reference_fold(make, X, y, groups, train, test) -> np.ndarray:
    """Fit a binary reference on ``train`` with an inner-CV threshold; 0/1 decisions on ``test``."""
    Xtr = [X[i] for i in train]
    inner = cross_val_predict(make(), Xtr, y[train], groups=groups[train], cv=GroupKFold(3),
                              method="predict_proba")[:, 1]
    threshold = best_f1_threshold(y[train], inner)
    model = make().fit(Xtr, y[train])
    return (model.predict_proba([X[i] for i in test])[:, 1] >= threshold).astype(np.int8)


def pipeline_fold(params, X, Y, groups, train, test) -> np.ndarray:
    """On ``test``: the any-technique probability (first column), the sentence-level flag
    (second) and the technique decisions (the others)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = TechniqueClassifier(**params).fit([X[i] for i in train], Y[train], groups=groups[train])
        rows = [X[i] for i in test]
        any_proba, technique_proba = model.predict_scores(rows)
        flagged, decided = decide(any_proba, technique_proba, model.any_threshold_, model.thresholds_)
        return np.column_stack([any_proba, flagged, decided]).astype(float)


def any_probability_fold(params, X, Y, groups, train, test) -> np.ndarray:
    """Any-technique probabilities on ``test`` from a model without threshold search (ablation)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = TechniqueClassifier(threshold_folds=None, **params).fit([X[i] for i in train], Y[train])
        return model.predict_any_proba([X[i] for i in test])


def cross_validate(fold_fn, *args, dtype=np.int8) -> np.ndarray:
    X, Y, groups = args[-3:]
    folds = list(GroupKFold(FOLDS).split(np.zeros(len(X)), Y, groups))
    outputs = Parallel(n_jobs=2)(delayed(fold_fn)(*args[:-3], X, Y, groups, tr, te) for tr, te in folds)
    predicted = np.zeros((len(X),) + outputs[0].shape[1:], dtype=dtype)
    for (_, test), out in zip(folds, outputs, strict=True):
        predicted[test] = out
    return predicted


def throughput(detector: Detector, texts: list[str], repeats: int = 3) -> float:
    """Sentences per second of ``score_many`` (segmentation included), best of ``repeats``."""
    from detector.tokens import forget_recent

    best = 0.0
    for _ in range(repeats):
        forget_recent()  # a repeated pass would otherwise find every sentence cached
        started = time.perf_counter()
        n = sum(len(r) for r in detector.score_many(texts))
        best = max(best, n / (time.perf_counter() - started))
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_PTC / "train-articles")
    parser.add_argument("--labels", type=Path, default=DEFAULT_PTC / "train-labels-task-flc-tc")
    parser.add_argument("--ablation", action="store_true", help="also drop each feature group in turn")
    parser.add_argument("--write", action="store_true", help="write the tables into docs/benchmarks.md")
    parser.add_argument("--embedding-weighting", choices=("mean", "sif"), default="mean",
                        help="token weighting of the pipeline's sentence embedding")
    parser.add_argument("--pipeline-only", action="store_true",
                        help="measure the pipeline alone and stop (no references, ablation, throughput or --write)")
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"PTC articles not found at {args.data}; pass --data and --labels", file=sys.stderr)
        return 2

    documents = read_corpus(args.data, "ptc", args.labels)
    X, Y, groups = training_inputs(documents, TECHNIQUE_IDS)
    groups = np.asarray(groups)
    y_any = Y.max(axis=1)
    print(f"{len(documents)} articles, {len(X)} sentences, {y_any.mean():.1%} use a technique", flush=True)

    rows = []
    started = time.perf_counter()
    # A flagged sentence may list no technique (unclear), so the any-technique figures use the flag.
    pipeline = {"embedding_weighting": args.embedding_weighting}
    out = cross_validate(pipeline_fold, pipeline, X, Y, groups, dtype=float)
    decided = out[:, 1:].astype(np.int8)
    report = score_decisions(Y, decided[:, 1:], TECHNIQUE_IDS, flagged=decided[:, 0])
    rows.append(("detector (this project)", report, time.perf_counter() - started))
    # Average precision ranks the out-of-fold any-technique probabilities: free of any threshold.
    pipeline_ap = average_precision_score(y_any, out[:, 0])
    print(f"pipeline any F1 {report.any.f1:.3f}  technique micro F1 {report.micro.f1:.3f}  "
          f"any AP {pipeline_ap:.3f} ({rows[-1][2]:.0f} s)", flush=True)
    if args.pipeline_only:
        return 0
    for name, make in (("Sentence length, logistic regression", length_reference),
                       ("TF-IDF words 1-2 + chars 2-5, logistic regression", tfidf_reference)):
        started = time.perf_counter()
        decided = cross_validate(reference_fold, make, X, y_any, groups)
        ref = score_decisions(y_any[:, None], decided[:, None], ["any"])
        rows.append((name, ref, time.perf_counter() - started))
        print(f"{name}: any F1 {ref.any.f1:.3f}", flush=True)

    ablation = []
    if args.ablation:
        # Threshold-free comparison, so that each variant costs five fits instead of thirty:
        # out-of-fold any-technique probabilities, scored by average precision and by F1 at
        # the best single threshold (optimistic for every variant alike).
        variants = [("default", {})]
        variants += [(f"without {g}", {"feature_groups": tuple(x for x in DEFAULT_FEATURE_GROUPS if x != g)})
                     for g in DEFAULT_FEATURE_GROUPS]
        variants += [("with word stems added", {"feature_groups": DEFAULT_FEATURE_GROUPS + ("stems",)}),
                     ("with character n-grams added", {"feature_groups": DEFAULT_FEATURE_GROUPS + ("chars",)}),
                     ("with claim markers added", {"feature_groups": DEFAULT_FEATURE_GROUPS + ("claims",)}),
                     ("context reduced to its repetition columns",
                      {"feature_groups": tuple("repetition" if g == "context" else g for g in DEFAULT_FEATURE_GROUPS)}),
                     ("the shipped model's groups", {"feature_groups": SHIPPED_FEATURE_GROUPS}),
                     ("frequency-weighted (SIF) embedding", {"embedding_weighting": "sif"}),
                     ("side names read (not blanked)", {"side_names": "keep"}),
                     ("class weighting (balanced)", {"class_weight": "balanced"}),
                     ("C = 0.3 (stronger regularisation)", {"C": 0.3}),
                     ("C = 3 (weaker regularisation)", {"C": 3.0})]
        for label, params in variants:
            proba = cross_validate(any_probability_fold, params, X, Y, groups, dtype=float)
            best = best_f1_threshold(y_any, proba)
            f1 = score_decisions(y_any[:, None], (proba >= best)[:, None], ["any"]).any.f1
            ablation.append((label, average_precision_score(y_any, proba), f1))
            print(f"ablation {label}: AP {ablation[-1][1]:.3f} best-threshold F1 {f1:.3f}", flush=True)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        detector = Detector(TechniqueClassifier(threshold_folds=None).fit(X, Y))
    speed = throughput(detector, [d.text for d in documents])
    print(f"throughput {speed:.0f} sentences/s (one process, segmentation included)")

    markdown = render(rows, ablation, speed, len(documents), len(X), pipeline_ap)
    print(markdown)
    if args.write:
        write_section(ROOT / "docs" / "benchmarks.md", "quality", markdown)
    return 0


def render(rows, ablation, speed, n_docs, n_sentences, pipeline_ap: float) -> str:
    machine = f"{platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}"
    ours = rows[0][1]
    lines = [
        f"Measured {dt.date.today().isoformat()} on {machine} (2 cores) with "
        f"`python scripts/benchmark_quality.py{' --ablation' if ablation else ''} --write`: "
        f"PTC training split, {n_docs} articles, "
        f"{n_sentences} sentences, {FOLDS}-fold cross-validation grouped by article.",
        "",
        "| system | any P | any R | any F1 | technique micro F1 | technique macro F1 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, rep, _ in rows:
        micro = f"{rep.micro.f1:.3f}" if len(rep.techniques) > 1 else "–"
        macro = f"{rep.macro.f1:.3f}" if len(rep.techniques) > 1 else "–"
        any_ = rep.any
        lines.append(f"| {name} | {any_.precision:.3f} | {any_.recall:.3f} | {any_.f1:.3f} | {micro} | {macro} |")
    for name, f1 in ANCHORS:
        lines.append(f"| {name} | | | {f1} | | |")
    lines += ["", f"Average precision of the project's out-of-fold any-technique probabilities (free of any "
              f"threshold): {pipeline_ap:.3f}."]
    lines += ["", "Per technique (the project's pipeline, sentence level):", "",
              "| technique | precision | recall | F1 | support |", "| --- | --- | --- | --- | --- |"]
    for technique, s in ours.techniques.items():
        if s.support:
            lines.append(f"| {technique} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.support} |")
    if ablation:
        lines += ["", "Ablation of the feature groups and modelling choices (the same folds; out-of-fold "
                  "any-technique probabilities "
                  "without threshold search: average precision, and F1 at the best single threshold, which is "
                  "optimistic for every variant alike):", "",
                  "| variant | average precision | best-threshold any F1 |", "| --- | --- | --- |"]
        lines += [f"| {name} | {ap:.3f} | {f1:.3f} |" for name, ap, f1 in ablation]
        lines += ["", "Calibrated probabilities are not used: a calibration map is monotone, so with thresholds "
                  "chosen by grouped cross-validation it changes no decision and no ranking (average "
                  "precision); the probabilities are those of the logistic regressions."]
    lines += ["", f"Scoring throughput of the trained pipeline, one process, segmentation included: "
              f"**{speed:,.0f} sentences per second**."]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

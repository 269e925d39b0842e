"""A trained ``TechniqueClassifier`` as plain arrays and JSON, and back.

This is what the ``.npz`` model format holds: every learned number of the model (the
vectorisers' vocabularies and idf weights, the scalers' means and scales, the heads'
weights, thresholds, operating points and calibration) as numeric or text arrays, with the
settings in JSON.  Rebuilding the model from them runs no code from the file: the structure
comes from ``build_features`` and the parameters, and the file only fills in numbers, each
checked for its type and shape.  The rebuilt model scores exactly as the original did.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from .errors import ModelError

__all__ = ["to_arrays", "from_arrays", "ARRAY_FORMAT_VERSION"]

ARRAY_FORMAT_VERSION = 1
_TFIDF_GROUPS = ("words", "stems", "chars")
# The estimator parameters a file may set, with their types; anything else is refused.
_PARAMS: dict[str, tuple[type, ...]] = {
    "labels": (list,), "feature_groups": (list,), "C": (float, int), "any_C": (float, int, type(None)),
    "class_weight": (str, type(None)), "threshold_folds": (int, type(None)),
    "max_char_features": (int, type(None)), "tol": (float, int), "n_jobs": (int, type(None)),
    "calibrate": (bool,), "embedding_weighting": (str,),
}


def _text_array(items: list[str]) -> np.ndarray:
    return np.frombuffer("\n".join(items).encode("utf-8"), dtype=np.uint8)


def _texts(array: np.ndarray, count: int, name: str) -> list[str]:
    items = bytes(array).decode("utf-8").split("\n") if count else []
    if len(items) != count:
        raise ModelError(f"model arrays: {name} holds {len(items)} entries, not {count}")
    return items


def to_arrays(estimator: Any) -> tuple[dict, dict[str, np.ndarray]]:
    """The estimator's settings (JSON-ready) and its learned arrays, by name."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import StandardScaler

    params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in estimator.get_params().items()}
    arrays: dict[str, np.ndarray] = {}
    for name, part in estimator.features_.transformer_list:
        last = part[-1]
        if isinstance(last, TfidfVectorizer):
            vocabulary = sorted(last.vocabulary_, key=last.vocabulary_.__getitem__)
            arrays[f"{name}.vocabulary"] = _text_array(vocabulary)
            arrays[f"{name}.idf"] = np.asarray(last.idf_, dtype=np.float64)
        elif isinstance(last, StandardScaler):
            arrays[f"{name}.mean"] = np.asarray(last.mean_, dtype=np.float64)
            arrays[f"{name}.scale"] = np.asarray(last.scale_, dtype=np.float64)
        else:
            raise ModelError(f"model arrays: feature group {name} ({type(last).__name__}) cannot be written as arrays")
    coef, intercept = estimator.heads()
    arrays["heads.coef"] = np.asarray(coef, dtype=np.float64)
    arrays["heads.intercept"] = np.asarray(intercept, dtype=np.float64)
    arrays["thresholds"] = np.asarray(estimator.thresholds_, dtype=np.float64)
    calibration = getattr(estimator, "calibration_", None)
    if calibration is not None:
        arrays["calibration"] = np.asarray(calibration, dtype=np.float64)
    points = getattr(estimator, "operating_points_", None) or {}
    for point, values in points.items():
        arrays[f"point.{point}"] = np.concatenate([[values["any"]], np.asarray(values["techniques"])])
    manifest = {
        "array_format_version": ARRAY_FORMAT_VERSION,
        "params": params,
        "vocabulary_sizes": {name: len(part[-1].vocabulary_) for name, part in estimator.features_.transformer_list
                             if f"{name}.vocabulary" in arrays},
        "any_threshold": float(estimator.any_threshold_),
        "operating_points": sorted(points),
        "cv_metrics": getattr(estimator, "cv_metrics_", None),
    }
    json.dumps(manifest)  # fail here, not halfway through writing, on anything JSON cannot hold
    return manifest, arrays


def _array(arrays: dict[str, np.ndarray], name: str, shape: tuple[int | None, ...]) -> np.ndarray:
    if name not in arrays:
        raise ModelError(f"model arrays: {name} is missing")
    value = np.asarray(arrays[name])
    if value.dtype.kind not in "fiu" or value.ndim != len(shape) or any(
            want is not None and got != want for got, want in zip(value.shape, shape, strict=True)):
        raise ModelError(f"model arrays: {name} has shape {value.shape} and type {value.dtype}, "
                         f"not numbers of shape {tuple('n' if s is None else s for s in shape)}")
    return value


def _check_params(params: Any) -> dict:
    if not isinstance(params, dict) or set(params) - set(_PARAMS):
        raise ModelError("model arrays: unknown estimator settings "
                         f"{sorted(set(params) - set(_PARAMS)) if isinstance(params, dict) else params!r}")
    for key, value in params.items():
        if not isinstance(value, _PARAMS[key]):
            raise ModelError(f"model arrays: setting {key} has the wrong type ({type(value).__name__})")
    for key in ("labels", "feature_groups"):
        if not all(isinstance(v, str) for v in params.get(key, [])):
            raise ModelError(f"model arrays: setting {key} must be a list of names")
    return params


def from_arrays(manifest: Any, arrays: dict[str, np.ndarray]) -> Any:
    """The ``TechniqueClassifier`` described by ``manifest`` with the learned ``arrays``.

    Raises ``ModelError`` for anything that does not describe such a model.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import StandardScaler

    from .features import build_features
    from .model import TechniqueClassifier

    if not isinstance(manifest, dict) or manifest.get("array_format_version") != ARRAY_FORMAT_VERSION:
        raise ModelError("model arrays: unknown array format version")
    params = _check_params(manifest.get("params"))
    try:
        settings: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}
        estimator = TechniqueClassifier(**settings)
        features = build_features(estimator.feature_groups, max_char_features=estimator.max_char_features,
                                  embedding_weighting=estimator.embedding_weighting)
    except (TypeError, ValueError) as exc:
        raise ModelError(f"model arrays: {exc}") from None
    sizes = manifest.get("vocabulary_sizes")
    if not isinstance(sizes, dict):
        raise ModelError("model arrays: vocabulary sizes are missing")
    width = 0
    for name, part in features.transformer_list:
        last = part[-1]
        if isinstance(last, TfidfVectorizer):
            count = sizes.get(name)
            if not isinstance(count, int) or count < 0:
                raise ModelError(f"model arrays: the size of the {name} vocabulary is missing")
            if f"{name}.vocabulary" not in arrays:
                raise ModelError(f"model arrays: {name}.vocabulary is missing")
            vocabulary = _texts(_array(arrays, f"{name}.vocabulary", (None,)).astype(np.uint8), count,
                                f"{name}.vocabulary")
            last.vocabulary_ = {term: i for i, term in enumerate(vocabulary)}
            if len(last.vocabulary_) != count:
                raise ModelError(f"model arrays: {name}.vocabulary repeats a term")
            last.idf_ = _array(arrays, f"{name}.idf", (count,)).astype(np.float64)
            last._tfidf.n_features_in_ = count
            width += count
        else:
            transformer = part[0].fit([])  # the groups that learn nothing: their widths
            columns = int(transformer.n_features_out_)
            scaler: StandardScaler = last
            scaler.mean_ = _array(arrays, f"{name}.mean", (columns,)).astype(np.float64)
            scaler.scale_ = _array(arrays, f"{name}.scale", (columns,)).astype(np.float64)
            scaler.var_ = scaler.scale_ ** 2
            scaler.n_features_in_ = columns
            scaler.n_samples_seen_ = 1
            width += columns
    heads = len(estimator.labels) + 1
    estimator.features_ = features
    estimator.classes_ = np.array(estimator.labels, dtype=object)
    estimator.coef_ = _array(arrays, "heads.coef", (heads, width)).astype(np.float64)
    estimator.intercept_ = _array(arrays, "heads.intercept", (heads,)).astype(np.float64)
    estimator.thresholds_ = _array(arrays, "thresholds", (heads - 1,)).astype(np.float64)
    any_threshold = manifest.get("any_threshold")
    if not isinstance(any_threshold, (int, float)):
        raise ModelError("model arrays: the any-technique threshold is missing")
    estimator.any_threshold_ = float(any_threshold)
    estimator.calibration_ = (_array(arrays, "calibration", (heads, 2)).astype(np.float64)
                              if "calibration" in arrays else None)
    points = manifest.get("operating_points", [])
    if not isinstance(points, list) or not all(isinstance(p, str) for p in points):
        raise ModelError("model arrays: operating points must be a list of names")
    estimator.operating_points_ = {}
    for point in points:
        values = _array(arrays, f"point.{point}", (heads,)).astype(np.float64)
        estimator.operating_points_[point] = {"any": float(values[0]), "techniques": values[1:]}
    metrics = manifest.get("cv_metrics")
    estimator.cv_metrics_ = metrics if isinstance(metrics, dict) else None
    return estimator

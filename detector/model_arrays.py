"""A trained model's ``Predictor`` as plain arrays and JSON, and back.

This is what the ``.npz`` model format holds: every learned number of the model (the
vectorisers' vocabularies and idf weights, the scalers' means and scales, the heads'
weights, thresholds, operating points and calibration) as numeric or text arrays, with the
settings in JSON.  Reading them runs no code from the file and imports no scikit-learn: the
structure comes from the settings (``features.FEATURE_GROUPS`` in their fixed order), and the
file only fills in numbers, each checked for its type and shape.  The predictor scores exactly
as the original model did; ``to_estimator`` rebuilds a ``TechniqueClassifier`` from it for the
formats that hold one.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from .errors import ModelError

__all__ = ["to_arrays", "from_arrays", "to_estimator", "ARRAY_FORMAT_VERSION"]

ARRAY_FORMAT_VERSION = 1
# The estimator parameters a file may set, with their types; anything else is refused.
_PARAMS: dict[str, tuple[type, ...]] = {
    "labels": (list,), "feature_groups": (list,), "C": (float, int), "any_C": (float, int, type(None)),
    "class_weight": (str, type(None)), "threshold_folds": (int, type(None)),
    "max_char_features": (int, type(None)), "tol": (float, int), "n_jobs": (int, type(None)),
    "calibrate": (bool,), "embedding_weighting": (str,), "side_names": (str,),
}


def _text_array(items: list[str]) -> np.ndarray:
    return np.frombuffer("\n".join(items).encode("utf-8"), dtype=np.uint8)


def _texts(array: np.ndarray, count: int, name: str) -> list[str]:
    items = bytes(array).decode("utf-8").split("\n") if count else []
    if len(items) != count:
        raise ModelError(f"model arrays: {name} holds {len(items)} entries, not {count}")
    return items


def to_arrays(model: Any) -> tuple[dict, dict[str, np.ndarray]]:
    """The settings (JSON-ready) and learned arrays, by name, of a ``Predictor`` or a fitted
    ``TechniqueClassifier``."""
    from .predictor import Predictor

    predictor = model if isinstance(model, Predictor) else Predictor.from_estimator(model)
    arrays: dict[str, np.ndarray] = {}
    for group in predictor.groups:
        if group.vocabulary is not None:
            vocabulary = sorted(group.vocabulary, key=group.vocabulary.__getitem__)
            arrays[f"{group.name}.vocabulary"] = _text_array(vocabulary)
            arrays[f"{group.name}.idf"] = np.asarray(group.idf, dtype=np.float64)
        else:
            arrays[f"{group.name}.mean"] = np.asarray(group.mean, dtype=np.float64)
            arrays[f"{group.name}.scale"] = np.asarray(group.scale, dtype=np.float64)
    arrays["heads.coef"] = np.asarray(predictor.coef, dtype=np.float64)
    arrays["heads.intercept"] = np.asarray(predictor.intercept, dtype=np.float64)
    arrays["thresholds"] = np.asarray(predictor.thresholds, dtype=np.float64)
    if predictor.calibration is not None:
        arrays["calibration"] = np.asarray(predictor.calibration, dtype=np.float64)
    for point, values in predictor.operating_points.items():
        arrays[f"point.{point}"] = np.concatenate([[values["any"]], np.asarray(values["techniques"])])
    manifest = {
        "array_format_version": ARRAY_FORMAT_VERSION,
        "params": predictor.settings,
        "vocabulary_sizes": {g.name: len(g.vocabulary) for g in predictor.groups if g.vocabulary is not None},
        "any_threshold": float(predictor.any_threshold),
        "operating_points": sorted(predictor.operating_points),
        "cv_metrics": predictor.cv_metrics,
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


def _settings(params: dict) -> dict[str, Any]:
    """The estimator's parameters with their defaults, checked (a tuple where it takes one)."""
    from .features import DEFAULT_FEATURE_GROUPS, FEATURE_GROUPS, SIDE_NAME_SETTINGS
    from .taxonomy import TECHNIQUE_IDS

    settings: dict[str, Any] = {"labels": TECHNIQUE_IDS, "feature_groups": DEFAULT_FEATURE_GROUPS,
                                "max_char_features": 200_000, "embedding_weighting": "mean",
                                # Files written before side names could be ignored read them.
                                "side_names": "keep"}
    settings.update({k: tuple(v) if isinstance(v, list) else v for k, v in params.items()})
    groups = settings["feature_groups"]
    if not groups or set(groups) - set(FEATURE_GROUPS) or len(set(groups)) != len(groups):
        raise ModelError(f"model arrays: unknown or repeated feature groups {list(groups)}")
    if settings["embedding_weighting"] not in ("mean", "sif"):
        raise ModelError(f"model arrays: unknown embedding weighting {settings['embedding_weighting']!r}")
    if settings["side_names"] not in SIDE_NAME_SETTINGS:
        raise ModelError(f"model arrays: unknown side-name setting {settings['side_names']!r}")
    if not settings["labels"]:
        raise ModelError("model arrays: the model names no labels")
    return settings


def _group_width(name: str) -> int:
    from .features import MEASURES

    if name == "embedding":
        from .embeddings import dimensions

        return dimensions()
    return len(MEASURES[name].names())


def from_arrays(manifest: Any, arrays: dict[str, np.ndarray]) -> Any:
    """The ``Predictor`` described by ``manifest`` with the learned ``arrays``.

    Raises ``ModelError`` for anything that does not describe such a model.
    """
    from .features import EMBEDDING_WEIGHT, FEATURE_GROUPS, TFIDF_GROUPS
    from .predictor import FeatureGroup, Predictor

    if not isinstance(manifest, dict) or manifest.get("array_format_version") != ARRAY_FORMAT_VERSION:
        raise ModelError("model arrays: unknown array format version")
    params = _check_params(manifest.get("params"))
    settings = _settings(params)
    sizes = manifest.get("vocabulary_sizes")
    if not isinstance(sizes, dict):
        raise ModelError("model arrays: vocabulary sizes are missing")
    groups: list[FeatureGroup] = []
    # The union's column order is FEATURE_GROUPS' order, whatever order the settings list them in.
    for name in (g for g in FEATURE_GROUPS if g in settings["feature_groups"]):
        if name in TFIDF_GROUPS:
            count = sizes.get(name)
            if not isinstance(count, int) or count < 0:
                raise ModelError(f"model arrays: the size of the {name} vocabulary is missing")
            vocabulary = _texts(_array(arrays, f"{name}.vocabulary", (None,)).astype(np.uint8), count,
                                f"{name}.vocabulary")
            index = {term: i for i, term in enumerate(vocabulary)}
            if len(index) != count:
                raise ModelError(f"model arrays: {name}.vocabulary repeats a term")
            idf = _array(arrays, f"{name}.idf", (count,)).astype(np.float64)
            groups.append(FeatureGroup(name, count, vocabulary=index, idf=idf,
                                       ngram_range=(2, 5) if name == "chars" else (1, 2),
                                       ignore_sides=settings["side_names"] == "ignore"))
        else:
            columns = _group_width(name)
            groups.append(FeatureGroup(
                name, columns, EMBEDDING_WEIGHT if name == "embedding" else 1.0,
                mean=_array(arrays, f"{name}.mean", (columns,)).astype(np.float64),
                scale=_array(arrays, f"{name}.scale", (columns,)).astype(np.float64),
                weighting=settings["embedding_weighting"],
                ignore_sides=settings["side_names"] == "ignore"))
    heads = len(settings["labels"]) + 1
    width = sum(g.width for g in groups)
    any_threshold = manifest.get("any_threshold")
    if not isinstance(any_threshold, (int, float)):
        raise ModelError("model arrays: the any-technique threshold is missing")
    points = manifest.get("operating_points", [])
    if not isinstance(points, list) or not all(isinstance(p, str) for p in points):
        raise ModelError("model arrays: operating points must be a list of names")
    operating_points = {}
    for point in points:
        values = _array(arrays, f"point.{point}", (heads,)).astype(np.float64)
        operating_points[point] = {"any": float(values[0]), "techniques": values[1:]}
    metrics = manifest.get("cv_metrics")
    return Predictor(
        settings["labels"], groups,
        _array(arrays, "heads.coef", (heads, width)).astype(np.float64),
        _array(arrays, "heads.intercept", (heads,)).astype(np.float64),
        float(any_threshold),
        _array(arrays, "thresholds", (heads - 1,)).astype(np.float64),
        _array(arrays, "calibration", (heads, 2)).astype(np.float64) if "calibration" in arrays else None,
        operating_points, params, metrics if isinstance(metrics, dict) else None)


def to_estimator(predictor: Any) -> Any:
    """A ``TechniqueClassifier`` that predicts as ``predictor`` does (it cannot be refitted
    without its training data: it has no per-fold estimators), for writing in a format that
    holds an estimator (``.skops``, ``.joblib``)."""
    from .model import TechniqueClassifier
    from .transformers import build_features

    settings = _settings(predictor.settings)
    estimator = TechniqueClassifier(**settings)
    features = build_features(estimator.feature_groups, max_char_features=estimator.max_char_features,
                              embedding_weighting=estimator.embedding_weighting,
                              side_names=estimator.side_names)
    by_name = {g.name: g for g in predictor.groups}
    for name, part in features.transformer_list:
        group, last = by_name[name], part[-1]
        if group.vocabulary is not None:
            last.vocabulary_ = group.vocabulary
            last.idf_ = group.idf
            last._tfidf.n_features_in_ = group.width
        else:
            part[0].fit([])
            last.mean_, last.scale_ = group.mean, group.scale
            last.var_ = group.scale ** 2
            last.n_features_in_ = group.width
            last.n_samples_seen_ = 1
    estimator.features_ = features
    estimator.classes_ = np.array(predictor.labels, dtype=object)
    estimator.coef_, estimator.intercept_ = predictor.coef, predictor.intercept
    estimator.thresholds_ = predictor.thresholds
    estimator.any_threshold_ = predictor.any_threshold
    estimator.calibration_ = predictor.calibration
    estimator.operating_points_ = predictor.operating_points
    estimator.cv_metrics_ = predictor.cv_metrics
    return estimator

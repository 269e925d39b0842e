"""Scoring on Dask (and Spark): one row per sentence, the model loaded once per worker.

    import dask.dataframe as dd
    from detector.dask import score_dataframe
    sentences = score_dataframe(dd.read_parquet("news/"), text_column="body")

Tasks carry only the model's path; each worker process loads the model on first use and
keeps it (``detector.scoring.cached_detector``), so the model is neither pickled with every
task nor loaded per partition.  ``score_pandas_batches`` is the same function shaped for
Spark's ``DataFrame.mapInPandas``.  Needs the optional extra: ``pip install 'detector[dask]'``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from .persistence import default_model_path
from .scoring import Detector, cached_detector

#: Output columns (after the input's index), their pandas dtypes.
COLUMNS = {"start": "int64", "end": "int64", "text": "string", "score": "float64",
           "flagged": "bool", "techniques": "string"}
#: The same schema for Spark's ``mapInPandas`` (with the id column first).
SPARK_SCHEMA = "id string, start long, end long, text string, score double, flagged boolean, techniques string"


def _model_source(model: str | Path | Detector | None) -> str:
    if model is None:
        return str(default_model_path())
    if isinstance(model, Detector):
        if model.source is None:
            raise ValueError("save the Detector to a file first: workers load the model from its path")
        return str(model.source)
    return str(Path(model).resolve())


def _empty(index: pd.Index | None = None) -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in COLUMNS.items()})
    if index is not None:
        frame.index = index[:0]
    return frame


def score_partition(partition: pd.DataFrame, text_column: str, source: str, trusted: bool = False) -> pd.DataFrame:
    """Score one pandas partition: one row per sentence, indexed by the input row's index."""
    detector = cached_detector(source, trusted)
    texts = ["" if pd.isna(t) else str(t) for t in partition[text_column]]
    index, rows = [], []
    for row_index, sentences in zip(partition.index, detector.score_many(texts), strict=True):
        for s in sentences:
            index.append(row_index)
            rows.append((s.start, s.end, s.text, s.score, s.flagged, ";".join(t.technique for t in s.techniques)))
    if not rows:
        return _empty(partition.index)
    frame = pd.DataFrame(rows, columns=list(COLUMNS), index=pd.Index(index, name=partition.index.name))
    return frame.astype(COLUMNS)


def score_dataframe(df: Any, text_column: str = "text", model: str | Path | Detector | None = None,
                    trusted: bool = False) -> Any:
    """A dask DataFrame with one row per sentence of ``df[text_column]``.

    Columns: start, end, text, score, flagged, techniques (``;``-separated ids); the index is
    the input row's index, repeated for each of its sentences.  ``model`` is a model file (or
    a saved ``Detector``); None is the shipped model.  Lazy, like every dask operation.
    """
    if text_column not in df.columns:
        raise KeyError(f"no column {text_column!r}; columns: {', '.join(map(str, df.columns))}")
    source = _model_source(model)
    meta = _empty(df._meta.index)
    return df.map_partitions(score_partition, text_column, source, trusted, meta=meta)


def _score_texts(texts: Iterable[str], source: str, trusted: bool) -> list[list[dict]]:
    detector = cached_detector(source, trusted)
    return [[s.to_dict() for s in sentences] for sentences in detector.score_many(list(texts))]


def score_bag(bag: Any, model: str | Path | Detector | None = None, trusted: bool = False) -> Any:
    """A dask Bag with, for each text of ``bag``, the list of its sentences as JSON-like dicts."""
    return bag.map_partitions(_score_texts, _model_source(model), trusted)


def score_pandas_batches(batches: Iterable[pd.DataFrame], text_column: str = "text", id_column: str = "id",
                         model: str | Path | None = None, trusted: bool = False) -> Iterator[pd.DataFrame]:
    """For Spark: ``df.mapInPandas(lambda b: score_pandas_batches(b, "text", "id"), SPARK_SCHEMA)``."""
    source = _model_source(model)
    for batch in batches:
        scored = score_partition(batch.set_index(id_column), text_column, source, trusted)
        scored.index = scored.index.astype("string")
        yield scored.reset_index(names="id")

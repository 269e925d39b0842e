"""Scoring on Dask (and Spark): one row per sentence, the model loaded once per worker.

    import dask.dataframe as dd
    from detector.dask import score_dataframe
    sentences = score_dataframe(dd.read_parquet("news/"), text_column="body", keep_columns=["id"])

Tasks carry only the model's path; each worker process loads the model on first use and
keeps it (``detector.scoring.cached_detector``), so the model is neither pickled with every
task nor loaded per partition.  ``score_pandas_batches`` is the same function shaped for
Spark's ``DataFrame.mapInPandas``.  Needs the optional extra:
``pip install 'propaganda-detector[dask]'``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .errors import ColumnError, missing_extra

try:
    import pandas as pd
except ImportError as exc:  # pandas comes with the dask extra
    raise missing_extra("dask", "detector.dask") from exc

from .persistence import default_model_path  # noqa: E402
from .scoring import Detector, cached_detector  # noqa: E402

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


def _sentence_frame(index: pd.Index, rows: list[tuple], kept: pd.DataFrame | None) -> pd.DataFrame:
    """The output frame: the kept input columns (already one row per sentence), then ``COLUMNS``."""
    frame = pd.DataFrame(rows, columns=list(COLUMNS), index=index).astype(COLUMNS)
    if kept is None:
        return frame
    kept = kept.copy()
    kept.index = index
    return pd.concat([kept, frame], axis=1)


def score_partition(partition: pd.DataFrame, text_column: str, source: str, trusted: bool = False,
                    keep_columns: Sequence[str] = ()) -> pd.DataFrame:
    """Score one pandas partition: one row per sentence, indexed by the input row's index, with
    the ``keep_columns`` of its input row (same values, same dtypes) before the output columns."""
    detector = cached_detector(source, trusted)
    texts = ["" if pd.isna(t) else str(t) for t in partition[text_column]]
    positions, rows = [], []
    for position, sentences in enumerate(detector.score_many(texts)):
        for s in sentences:
            positions.append(position)
            rows.append((s.start, s.end, s.text, s.score, s.flagged, ";".join(t.technique for t in s.techniques)))
    kept = partition[list(keep_columns)].take(positions) if keep_columns else None
    return _sentence_frame(partition.index.take(positions), rows, kept)


def _check_columns(columns: Sequence[Any], text_column: str, keep_columns: Sequence[str]) -> None:
    known = ", ".join(map(str, columns))
    if text_column not in columns:
        raise ColumnError(f"no column {text_column!r} to score; columns: {known}")
    if isinstance(keep_columns, str):
        raise ColumnError(f"keep_columns takes a list of column names, not the string {keep_columns!r}")
    for name in keep_columns:
        if name not in columns:
            raise ColumnError(f"keep_columns: no column {name!r}; columns: {known}")
        if name in COLUMNS:
            raise ColumnError(f"keep_columns: {name!r} is also an output column ({', '.join(COLUMNS)}); "
                              f"rename it first, e.g. df.rename(columns={{{name!r}: 'article_{name}'}})")
    repeated = sorted({str(n) for n in keep_columns if list(keep_columns).count(n) > 1})
    if repeated:
        raise ColumnError(f"keep_columns names {', '.join(repeated)} more than once")


def score_dataframe(df: Any, text_column: str = "text", model: str | Path | Detector | None = None,
                    trusted: bool = False, keep_columns: Sequence[str] = ()) -> Any:
    """A dask DataFrame with one row per sentence of ``df[text_column]``.

    Columns: the ``keep_columns`` of the input row (an article id, say, to join the sentences
    back to their articles: an index read from files written with ``index=False`` restarts at
    0 in every partition), with their input dtypes; then start, end, text, score, flagged,
    techniques (``;``-separated ids).  The index is the input row's index, repeated for each
    of its sentences.  ``model`` is a model file (or a saved ``Detector``); None is the
    shipped model.  Lazy, like every dask operation.

    Raises ``ColumnError`` (a ``DetectorError`` and a ``KeyError``) for a column that is not
    in ``df`` or a kept column named like an output column.
    """
    keep_columns = list(keep_columns) if not isinstance(keep_columns, str) else keep_columns
    _check_columns(list(df.columns), text_column, keep_columns)
    source = _model_source(model)
    meta = _sentence_frame(df._meta.index[:0], [], df._meta[list(keep_columns)].iloc[:0] if keep_columns else None)
    return df.map_partitions(score_partition, text_column, source, trusted, tuple(keep_columns), meta=meta)


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

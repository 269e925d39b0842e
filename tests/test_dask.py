"""Scoring on a real Dask cluster gives what local scoring gives, loading the model once per worker."""

import pytest

dd = pytest.importorskip("dask.dataframe", reason="the dask extra is not installed")
distributed = pytest.importorskip("dask.distributed", reason="the dask extra is not installed")
import dask.bag as db  # noqa: E402
import pandas as pd  # noqa: E402

from detector import Detector  # noqa: E402
from detector.dask import COLUMNS, score_bag, score_dataframe, score_pandas_batches  # noqa: E402

pytestmark = pytest.mark.slow

TEXTS = [
    "Harbour vote on Thursday\nThis shameful plan was rammed through by spineless bean-counters!",
    "The council met on Tuesday. It approved the budget by seven votes to two.",
    "",
    "Either you stand with the workers or you stand with the bosses. Books not cuts!",
] * 6


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as c:
        yield c


def _local_rows(model_path):
    detector = Detector.load(model_path)
    rows = []
    for i, text in enumerate(TEXTS):
        for s in detector.score(text):
            rows.append((100 + i, s.start, s.end, s.text, round(s.score, 9), s.flagged,
                         ";".join(t.technique for t in s.techniques)))
    return rows


def test_dataframe_scoring_on_a_cluster_equals_local_scoring(client, tiny_model_path):
    frame = pd.DataFrame({"body": TEXTS}, index=pd.RangeIndex(100, 100 + len(TEXTS), name="row"))
    scored = score_dataframe(dd.from_pandas(frame, npartitions=5), text_column="body", model=tiny_model_path)
    assert list(scored.columns) == list(COLUMNS)
    result = scored.compute()
    got = [(i, r.start, r.end, r.text, round(r.score, 9), bool(r.flagged), r.techniques)
           for i, r in zip(result.index, result.itertuples(), strict=True)]
    assert got == _local_rows(tiny_model_path)
    assert result.index.name == "row"

    from detector.scoring import cached_detector

    loads = client.run(lambda: cached_detector.cache_info().misses)
    assert len(loads) == 2 and all(n <= 1 for n in loads.values())  # once per worker, not per task


def test_bag_scoring_on_a_cluster_equals_local_scoring(client, tiny_model_path):
    scored = score_bag(db.from_sequence(TEXTS, npartitions=4), model=tiny_model_path).compute()
    detector = Detector.load(tiny_model_path)
    assert scored == [[s.to_dict() for s in detector.score(t)] for t in TEXTS]


def test_spark_shaped_batches_keep_the_id_column(tiny_model_path):
    batches = [pd.DataFrame({"id": ["a", "b"], "text": TEXTS[:2]}), pd.DataFrame({"id": ["c"], "text": [""]})]
    out = list(score_pandas_batches(iter(batches), model=tiny_model_path))
    assert list(out[0].columns) == ["id", *COLUMNS] and set(out[0]["id"]) == {"a", "b"}
    assert len(out[1]) == 0


ARTICLES = pd.DataFrame({
    "article_id": pd.array([f"art-{n:02d}" for n in range(8)], dtype="string"),
    "views": pd.array([10, None, 30, 40, 50, 60, None, 80], dtype="Int64"),
    "body": [TEXTS[n % 4] or "A short calm note." for n in range(8)],
})


def test_kept_columns_join_sentences_back_to_articles_written_without_an_index(client, tiny_model_path, tmp_path):
    # Parquet written with index=False: every partition read back starts its index at 0, so
    # only a kept id can say which article a sentence came from.
    dd.from_pandas(ARTICLES, npartitions=3).to_parquet(tmp_path / "articles", write_index=False)
    articles = dd.read_parquet(tmp_path / "articles")
    scored = score_dataframe(articles, text_column="body", model=tiny_model_path, keep_columns=["article_id", "views"])
    assert list(scored.columns) == ["article_id", "views", *COLUMNS]
    result = scored.compute()
    assert result.index.duplicated().any()  # the index alone is ambiguous across partitions
    assert {str(c): str(t) for c, t in result.dtypes.items()} == {str(c): str(t) for c, t in scored.dtypes.items()}
    assert str(result["views"].dtype) == "Int64" and result["views"].isna().any()
    joined = result.merge(ARTICLES, on="article_id", suffixes=("", "_article"))
    assert len(joined) == len(result) and set(joined["article_id"]) == set(ARTICLES["article_id"])
    for row in joined.itertuples():
        assert row.body[row.start:row.end] == row.text  # every sentence sits in its own article
    assert (joined["views"].fillna(-1) == joined["views_article"].fillna(-1)).all()


@pytest.mark.parametrize("keep, message", [
    (["headline"], "no column 'headline'"),
    (["text"], "is also an output column"),
    (["article_id", "article_id"], "more than once"),
    ("article_id", "a list of column names"),
])
def test_kept_columns_that_cannot_be_kept_are_a_clear_error(keep, message, tiny_model_path):
    from detector.errors import ColumnError, DetectorError

    frame = dd.from_pandas(ARTICLES.assign(text=ARTICLES["body"]), npartitions=2)
    with pytest.raises(ColumnError, match=message) as raised:
        score_dataframe(frame, text_column="body", model=tiny_model_path, keep_columns=keep)
    assert isinstance(raised.value, DetectorError) and isinstance(raised.value, KeyError)
    assert str(raised.value).startswith(("keep_columns", "no column"))

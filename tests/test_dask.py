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

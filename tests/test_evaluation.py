import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.evaluation import evaluate
from detector.metrics import Scores, score_decisions


def test_counts_give_the_usual_figures():
    s = Scores.from_counts(tp=3, fp=1, fn=2)
    assert s.precision == pytest.approx(0.75) and s.recall == pytest.approx(0.6)
    assert s.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35) and s.support == 5
    assert Scores.from_counts(0, 0, 0).f1 == 0.0


def test_micro_macro_and_any_technique():
    gold = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 0], [1, 1, 0]])
    predicted = np.array([[1, 0, 0], [0, 0, 0], [1, 0, 0], [1, 1, 0]])
    report = score_decisions(gold, predicted, ["a", "b", "c"])
    assert report.sentences == 4
    assert report.techniques["a"].precision == pytest.approx(2 / 3) and report.techniques["a"].recall == 1.0
    assert report.micro.support == 4 and report.micro.recall == pytest.approx(3 / 4)
    # "c" never occurs in the gold data, so the macro average leaves it out
    assert report.macro.f1 == pytest.approx((report.techniques["a"].f1 + report.techniques["b"].f1) / 2)
    assert report.any.precision == pytest.approx(2 / 3) and report.any.recall == pytest.approx(2 / 3)
    as_json = report.to_dict()
    assert set(as_json) == {"sentences", "any", "micro", "macro", "techniques"}
    assert set(as_json["techniques"]["a"]) == {"precision", "recall", "f1", "support"}


def test_evaluate_scores_the_documents_own_sentences(tiny_detector, documents):
    report = evaluate(tiny_detector, documents)
    assert report.sentences == sum(len(d.sentences()) for d in documents)
    assert report.any.f1 > 0.8  # it has seen these documents in training


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=1, max_value=40).flatmap(
    lambda n: st.tuples(st.lists(st.lists(st.booleans(), min_size=3, max_size=3), min_size=n, max_size=n),
                        st.lists(st.lists(st.booleans(), min_size=3, max_size=3), min_size=n, max_size=n))))
def test_score_decisions_agrees_with_scikit_learn(pair):
    import numpy as np
    from sklearn.metrics import precision_recall_fscore_support

    gold, predicted = (np.array(x, dtype=int) for x in pair)
    report = score_decisions(gold, predicted, ["a", "b", "c"])
    p, r, f, s = precision_recall_fscore_support(gold, predicted, average=None, zero_division=0)
    for j, label in enumerate("abc"):
        got = report.techniques[label]
        assert (got.precision, got.recall, got.f1, got.support) == pytest.approx((p[j], r[j], f[j], s[j]))
    mp, mr, mf, _ = precision_recall_fscore_support(gold, predicted, average="micro", zero_division=0)
    assert (report.micro.precision, report.micro.recall, report.micro.f1) == pytest.approx((mp, mr, mf))
    ap, ar, af, _ = precision_recall_fscore_support(gold.any(axis=1), predicted.any(axis=1), average="binary",
                                                   zero_division=0)
    assert (report.any.precision, report.any.recall, report.any.f1) == pytest.approx((ap, ar, af))

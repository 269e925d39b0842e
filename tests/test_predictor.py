"""The predictor: scoring from a model's arrays, without scikit-learn, exactly as the estimator."""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector import train
from detector.corpus import Document
from detector.features import FEATURE_GROUPS, document_inputs, scaled, tfidf_rows
from detector.predictor import Predictor, decide
from detector.tokens import word_ngrams

SENTENCES = [
    "These greedy elites want to destroy everything we love!",
    "The council met on Tuesday and approved the budget.",
    "Only a fool would believe their lies about the harbour plan.",
    "Figures published by the office show 4.2% growth.",
    "They could be planning to sell the land all along.",
    "",
    "Shameful, shameful, shameful.",
]


@pytest.fixture(scope="module")
def every_group(documents):
    """A tiny model that uses every feature group, character n-grams and stems included."""
    return train(documents, threshold_folds=None, feature_groups=FEATURE_GROUPS).estimator


def test_feature_rows_are_bit_identical_to_the_fitted_union(every_group):
    inputs = document_inputs(SENTENCES) + document_inputs(SENTENCES[::-1])
    expected = every_group.features_.transform(inputs).tocsr()
    got = Predictor.from_estimator(every_group).feature_matrix(inputs)
    assert got.shape == expected.shape
    assert (got != expected).nnz == 0


def test_scores_equal_the_estimator_s_and_decisions_follow_the_thresholds(every_group):
    inputs = document_inputs(SENTENCES)
    predictor = Predictor.from_estimator(every_group)
    any_proba, technique_proba = predictor.predict_scores(inputs)
    logits = every_group.features_.transform(inputs) @ predictor.coef.T + predictor.intercept
    assert np.array_equal(any_proba, 1 / (1 + np.exp(-np.asarray(logits)[:, 0])))
    flagged, decided = decide(any_proba, technique_proba, predictor.any_threshold, predictor.thresholds)
    assert (decided.any(axis=1) <= flagged).all()
    assert predictor.predict_scores([])[1].shape == (0, len(predictor.labels))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet="ab cd,.!'’-Ωé", max_size=40), min_size=1, max_size=6))
def test_tfidf_rows_equal_scikit_learn_s_vectoriser(texts):
    from sklearn.feature_extraction.text import TfidfVectorizer

    corpus = ["ab cd ab", "cd cd ab!", "é ab", "Ω cd ab", *texts]
    vectoriser = TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True).fit(corpus)
    expected = vectoriser.transform(texts)
    got = tfidf_rows(texts, word_ngrams, vectoriser.vocabulary_, vectoriser.idf_)
    assert (got != expected).nnz == 0


_TEXTS = st.lists(st.lists(st.sampled_from(["ab", "cd", "ef", "Ω", "é", "gh", "AB", " ", ", ", "!"]),
                           max_size=12).map(" ".join), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(_TEXTS)
def test_word_ngram_rows_equal_scikit_learn_s_when_words_are_missing_from_the_vocabulary(texts):
    from sklearn.feature_extraction.text import TfidfVectorizer

    # "ab" is in every document, so max_df drops it as a unigram but keeps bigrams with it;
    # min_df drops what is rare: the vocabulary has bigrams whose words are not unigrams.
    corpus = ["ab cd ab cd", "ab cd ef ab", "ab ef cd", "ab ab ab", "ab Ω cd é", "ab cd ef"]
    vectoriser = TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True, min_df=2, max_df=0.9).fit(corpus)
    assert "ab" not in vectoriser.vocabulary_ and "ab cd" in vectoriser.vocabulary_
    expected = vectoriser.transform(texts)
    got = tfidf_rows(texts, word_ngrams, vectoriser.vocabulary_, vectoriser.idf_)
    assert got.shape == expected.shape and (got != expected).nnz == 0
    assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)


def test_scaling_keeps_the_values_own_type_as_scikit_learn_does():
    from sklearn.preprocessing import StandardScaler

    values = np.random.default_rng(0).normal(size=(20, 5)).astype(np.float32)
    scaler = StandardScaler().fit(values.astype(np.float64) * 1.7)
    got = scaled(values, scaler.mean_, scaler.scale_)
    assert got.dtype == np.float32 and np.array_equal(got, scaler.transform(values))


def test_arrays_round_trip_through_the_predictor(tmp_path, documents):
    from detector.scoring import Detector

    detector = train(documents, threshold_folds=3)
    path = tmp_path / "tiny.npz"
    detector.save(path)
    loaded = Detector.load(path)
    text = Document("x", " ".join(SENTENCES)).text
    assert [s.score for s in loaded.score(text)] == [s.score for s in detector.score(text)]
    # and back to an estimator, for the formats that hold one
    again = tmp_path / "again.skops"
    loaded.save(again)
    assert [s.score for s in Detector.load(again).score(text)] == [s.score for s in detector.score(text)]


def test_scoring_with_the_shipped_model_imports_no_scikit_learn_or_nltk():
    code = (
        "import sys\n"
        "from detector import Detector\n"
        "d = Detector.load()\n"
        "d.score('These traitors will destroy us all. The council met on Tuesday.', explain=True)\n"
        "print([m for m in ('sklearn', 'nltk', 'pandas') if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_predictor_with_every_group_pickles_after_scoring(every_group):
    # Worker processes receive the model by pickle; the character analyser must not travel with it.
    import pickle

    predictor = Predictor.from_estimator(every_group)
    inputs = document_inputs(SENTENCES)
    before = predictor.predict_scores(inputs)[1]
    again = pickle.loads(pickle.dumps(predictor))
    assert np.array_equal(again.predict_scores(inputs)[1], before)

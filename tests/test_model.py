import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.pipeline import Pipeline

from detector.model import TechniqueClassifier, best_f1_threshold, decide
from detector.taxonomy import TECHNIQUE_IDS
from detector.training import training_inputs


@pytest.fixture(scope="module")
def data(documents):
    return training_inputs(documents, TECHNIQUE_IDS)


def test_parameters_are_stored_unchanged_and_clone_works():
    model = TechniqueClassifier(C=2.5, feature_groups=("words", "style"), threshold_folds=None)
    assert model.get_params()["C"] == 2.5 and model.feature_groups == ("words", "style")
    copy = clone(model)
    assert copy.get_params() == model.get_params() and not hasattr(copy, "features_")


def test_fit_sets_learned_state_and_predicts_consistent_decisions(data):
    X, Y, groups = data
    model = TechniqueClassifier(threshold_folds=3).fit(X, Y, groups=groups)
    assert list(model.classes_) == list(TECHNIQUE_IDS)
    any_proba, technique_proba = model.predict_scores(X)
    assert any_proba.shape == (len(X),) and technique_proba.shape == (len(X), len(TECHNIQUE_IDS))
    assert ((0 <= technique_proba) & (technique_proba <= 1)).all()
    decisions = model.predict(X)
    flagged = model.predict_flagged(X)
    assert (flagged == (any_proba >= model.any_threshold_)).all()
    assert (flagged | ~decisions.any(axis=1)).all()  # a listed technique always flags its sentence
    assert (technique_proba[decisions == 1] >= np.broadcast_to(model.thresholds_, decisions.shape)[decisions == 1]).all()
    assert model.cv_metrics_["folds"] == 3
    # ClassifierMixin's score is the subset accuracy of these decisions.
    assert model.score(X, Y) == np.mean((decisions == Y).all(axis=1))


def test_cross_validation_sets_calibration_and_three_operating_points(data):
    X, Y, groups = data
    model = TechniqueClassifier(threshold_folds=3).fit(X, Y, groups=groups)
    assert model.calibration_.shape == (len(TECHNIQUE_IDS) + 1, 2)
    points = model.operating_points_
    assert set(points) == {"precise", "balanced", "sensitive"}
    # precision-leaning thresholds are never below recall-leaning ones for the gate
    assert points["precise"]["any"] >= points["balanced"]["any"] >= points["sensitive"]["any"]
    calibration = model.cv_metrics_["calibration"]
    assert 0 <= calibration["any"] <= 1 and set(calibration["per_head"]) == {"any", *TECHNIQUE_IDS}
    raw = TechniqueClassifier(threshold_folds=3, calibrate=False).fit(X, Y, groups=groups)
    assert raw.calibration_ is None
    # calibration is monotone: it changes no ranking
    a_cal = model.predict_any_proba(X)
    a_raw = raw.predict_any_proba(X)
    order = np.argsort(a_raw, kind="stable")
    assert (np.diff(a_cal[order]) >= -1e-12).all()


def test_expected_calibration_error_is_zero_when_scores_match_frequencies():
    from detector.model import expected_calibration_error

    y = np.array([0, 0, 0, 1] * 25 + [1, 1, 1, 0] * 25)
    p = np.array([0.25] * 100 + [0.75] * 100)
    assert expected_calibration_error(y, p) == pytest.approx(0.0)
    assert expected_calibration_error(y, 1 - p) == pytest.approx(0.5)


def test_works_inside_pipeline_and_grid_search(data):
    X, Y, groups = data
    pipeline = Pipeline([("model", TechniqueClassifier(threshold_folds=None, feature_groups=("words",)))])
    pipeline.fit(X, Y)
    assert pipeline.predict(X).shape == Y.shape
    search = GridSearchCV(TechniqueClassifier(threshold_folds=None, feature_groups=("words", "lexicon")),
                          {"C": [0.5, 4.0]}, cv=GroupKFold(n_splits=2))
    search.fit(X, Y, groups=groups)
    assert search.best_params_["C"] in (0.5, 4.0)


def test_unfitted_model_refuses_to_predict(data):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        TechniqueClassifier().predict(data[0])


def test_decide_never_lists_a_technique_below_its_threshold():
    any_proba = np.array([0.9, 0.2, 0.8])
    technique_proba = np.array([[0.3, 0.1], [0.9, 0.9], [0.6, 0.2]])
    flagged, decided = decide(any_proba, technique_proba, 0.5, np.array([0.5, 0.5]))
    assert flagged.tolist() == [True, False, True]
    # flagged with nothing over threshold stays empty (unclear); unflagged lists nothing
    assert decided.tolist() == [[0, 0], [0, 0], [1, 0]]


def test_best_threshold_separates_clean_scores():
    y = np.array([0, 0, 1, 1])
    assert 0.2 < best_f1_threshold(y, np.array([0.1, 0.2, 0.8, 0.9])) <= 0.8
    assert best_f1_threshold(np.zeros(3, dtype=int), np.array([0.1, 0.5, 0.9])) > 1


@pytest.mark.parametrize("side_names", ["ignore", "keep"])
def test_naming_another_side_changes_no_score_only_when_side_names_are_ignored(data, side_names):
    from detector.features import document_inputs

    X, Y, groups = data
    # The groups that read words (style and context measure the text's shape: a longer name makes
    # a longer sentence).
    word_groups = ("words", "stems", "lexicon", "repetition", "embedding")
    model = TechniqueClassifier(threshold_folds=None, side_names=side_names,
                                feature_groups=word_groups).fit(X, Y, groups=groups)
    pairs = [("The Labour plan is a disgrace, says the mayor.", "The Conservative plan is a disgrace, says the mayor."),
             ("Democrats' leaders met on Tuesday.", "Republicans' leaders met on Tuesday."),
             ("The left-wing party will choose its leader.", "The right-wing party will choose its leader.")]
    for a, b in pairs:
        any_a, techniques_a = model.predict_scores(document_inputs([a]))
        any_b, techniques_b = model.predict_scores(document_inputs([b]))
        same = np.array_equal(any_a, any_b) and np.array_equal(techniques_a, techniques_b)
        assert same == (side_names == "ignore"), (a, b)


def test_an_unknown_side_name_setting_is_refused(data):
    X, Y, groups = data
    with pytest.raises(ValueError, match="side_names"):
        TechniqueClassifier(threshold_folds=None, side_names="drop").fit(X, Y, groups=groups)

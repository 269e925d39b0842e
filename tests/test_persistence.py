import joblib
import pytest

from detector import Detector, ModelError
from detector.persistence import FORMAT_VERSION, MAGIC, ModelVersionWarning, atomic_path, default_model_path


def test_model_file_carries_its_metadata(tiny_model_path):
    payload = joblib.load(tiny_model_path)
    assert payload["magic"] == MAGIC and payload["format_version"] == FORMAT_VERSION
    meta = payload["metadata"]
    for key in ("package_version", "sklearn_version", "labels", "thresholds", "any_threshold",
                "training_sha256", "created", "cv_metrics"):
        assert key in meta
    assert len(meta["training_sha256"]) == 64 and set(meta["thresholds"]) == set(meta["labels"])


def test_saved_model_scores_like_the_original(tiny_detector, tiny_model_path):
    loaded = Detector.load(tiny_model_path)
    text = "The shameful plan was rammed through. The bus left at noon."
    assert [s.to_dict(True) for s in loaded.score(text)] == [s.to_dict(True) for s in tiny_detector.score(text)]


def test_files_that_are_not_models_are_refused(tmp_path):
    not_joblib = tmp_path / "notes.joblib"
    not_joblib.write_text("hello")
    with pytest.raises(ModelError, match="not a detector model"):
        Detector.load(not_joblib)
    other_object = tmp_path / "dict.joblib"
    joblib.dump({"some": "dict"}, other_object)
    with pytest.raises(ModelError, match="not a detector model"):
        Detector.load(other_object)
    with pytest.raises(ModelError, match="no such model file"):
        Detector.load(tmp_path / "missing.joblib")


def test_unknown_format_version_is_refused(tmp_path, tiny_model_path):
    payload = joblib.load(tiny_model_path)
    payload["format_version"] = FORMAT_VERSION + 1
    future = tmp_path / "future.joblib"
    joblib.dump(payload, future)
    with pytest.raises(ModelError, match="format version"):
        Detector.load(future)


def test_other_sklearn_minor_version_warns(tmp_path, tiny_model_path):
    payload = joblib.load(tiny_model_path)
    payload["metadata"]["sklearn_version"] = "0.1.0"
    old = tmp_path / "old.joblib"
    joblib.dump(payload, old)
    with pytest.warns(ModelVersionWarning, match="scikit-learn 0.1.0"):
        Detector.load(old)


def test_atomic_write_leaves_the_old_file_when_interrupted(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half of the new")
            raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_the_shipped_model_exists_and_loads():
    path = default_model_path()
    assert path.is_file(), path
    detector = Detector.load()
    assert detector.labels and detector.metadata["training_sha256"]

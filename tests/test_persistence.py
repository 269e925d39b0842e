import json
import warnings
import zipfile
from pathlib import Path

import joblib
import pytest

from detector import Detector, ModelError
from detector.persistence import FORMAT_VERSION, MAGIC, ModelVersionWarning, atomic_path, default_model_path


def test_model_file_carries_its_metadata(tiny_joblib_path):
    payload = joblib.load(tiny_joblib_path)
    assert payload["magic"] == MAGIC and payload["format_version"] == FORMAT_VERSION
    meta = payload["metadata"]
    for key in ("package_version", "sklearn_version", "labels", "thresholds", "any_threshold",
                "training_sha256", "created", "cv_metrics"):
        assert key in meta
    assert len(meta["training_sha256"]) == 64 and set(meta["thresholds"]) == set(meta["labels"])


def test_saved_model_scores_like_the_original(tiny_detector, tiny_model_path, tiny_joblib_path):
    text = "The shameful plan was rammed through. The bus left at noon."
    expected = [s.to_dict(True) for s in tiny_detector.score(text)]
    for loaded in (Detector.load(tiny_model_path), Detector.load(tiny_joblib_path, trusted=True)):
        assert [s.to_dict(True) for s in loaded.score(text)] == expected
        assert loaded.metadata == tiny_detector.metadata


def test_files_that_are_not_models_are_refused(tmp_path):
    not_joblib = tmp_path / "notes.joblib"
    not_joblib.write_text("hello")
    with pytest.raises(ModelError, match="not a detector model"):
        Detector.load(not_joblib, trusted=True)
    other_object = tmp_path / "dict.joblib"
    joblib.dump({"some": "dict"}, other_object)
    with pytest.raises(ModelError, match="not a detector model"):
        Detector.load(other_object, trusted=True)
    not_skops = tmp_path / "notes.skops"
    not_skops.write_text("hello")
    with pytest.raises(ModelError, match="not a detector model"):
        Detector.load(not_skops)
    with pytest.raises(ModelError, match="no such model file"):
        Detector.load(tmp_path / "missing.joblib")


def test_unknown_format_version_is_refused(tmp_path, tiny_joblib_path):
    payload = joblib.load(tiny_joblib_path)
    payload["format_version"] = FORMAT_VERSION + 1
    future = tmp_path / "future.joblib"
    joblib.dump(payload, future)
    with pytest.raises(ModelError, match="format version"):
        Detector.load(future, trusted=True)


def test_other_sklearn_minor_version_warns(tmp_path, tiny_joblib_path):
    payload = joblib.load(tiny_joblib_path)
    payload["metadata"]["sklearn_version"] = "0.1.0"
    old = tmp_path / "old.joblib"
    joblib.dump(payload, old)
    with pytest.warns(ModelVersionWarning, match="scikit-learn 0.1.0"):
        Detector.load(old, trusted=True)


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


# ---------------------------------------------------------------------- hostile files


class _Payload:
    """Unpickling this writes a file: a stand-in for any code a hostile model could run."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_joblib_file_that_is_not_the_shipped_model_needs_trust(tmp_path):
    marker = tmp_path / "pwned"
    hostile = tmp_path / "model.joblib"
    joblib.dump({"magic": MAGIC, "format_version": FORMAT_VERSION, "estimator": _Payload(marker)}, hostile)
    with pytest.raises(ModelError, match="can run any code"):
        Detector.load(hostile)
    assert not marker.exists()  # refused before unpickling: nothing ran


def test_a_skops_file_with_foreign_types_is_refused_without_running_them(tmp_path):
    import skops.io

    marker = tmp_path / "pwned"
    hostile = tmp_path / "model.skops"
    skops.io.dump({"magic": MAGIC, "format_version": FORMAT_VERSION, "estimator": _Loud(str(marker))}, hostile)
    with pytest.raises(ModelError, match="refused.*_Loud"):
        Detector.load(hostile)
    assert not marker.exists()


class _Loud:
    """A class whose construction from a file would leave a mark."""

    def __init__(self, marker):
        self.marker = marker

    def __setstate__(self, state):
        open(state["marker"], "w").close()
        self.__dict__.update(state)


def test_the_shipped_model_is_verified_by_its_recorded_sha256():
    from detector.persistence import file_sha256, shipped_model_sha256

    assert shipped_model_sha256() == file_sha256(default_model_path())


def test_cli_refuses_an_untrusted_joblib_model_and_accepts_it_with_trust(tmp_path, tiny_joblib_path):
    from typer.testing import CliRunner

    from detector.cli import app

    article = tmp_path / "a.txt"
    article.write_text("A shameful plan.", encoding="utf-8")
    refused = CliRunner().invoke(app, ["score", str(article), "--model", str(tiny_joblib_path)])
    assert refused.exit_code == 2 and "can run any code" in refused.output and "Traceback" not in refused.output
    trusted = CliRunner().invoke(app, ["score", str(article), "--model", str(tiny_joblib_path), "--trust-model"])
    assert trusted.exit_code == 0, trusted.output


def test_a_skops_file_naming_the_transformers_old_modules_still_loads(tmp_path, tiny_model_path, tiny_detector):
    # Files written before 0.3 name the transformers as detector.features.* and
    # detector.embeddings.EmbeddingFeatures; a fresh process, where nothing has named them
    # yet, must load such a file and score as the original does.
    import subprocess
    import sys

    old = _edit_member(tiny_model_path, tmp_path / "old.skops", "schema.json",
                       lambda schema: _rename_modules(schema) >= 5 or pytest.fail("too few transformers renamed"))
    text = "The shameful plan was rammed through. The bus left at noon."
    code = ("import sys; from detector import Detector; "
            f"print([round(s.score, 12) for s in Detector.load(sys.argv[1]).score({text!r})])")
    out = subprocess.run([sys.executable, "-c", code, str(old)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str([round(s.score, 12) for s in tiny_detector.score(text)])


def _edit_member(source: Path, target: Path, member: str, edit) -> Path:
    """Copy the model archive ``source`` to ``target`` with the JSON ``member`` changed in place by
    ``edit``."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == member:
                document = json.loads(data)
                edit(document)
                data = json.dumps(document).encode("utf-8")
            dst.writestr(item, data)
    return target


def _rename_modules(node) -> int:
    """Give every transformer in a skops schema the module name it had before 0.3."""
    count = 0
    if isinstance(node, dict):
        if node.get("__module__") == "detector.transformers":
            old = "embeddings" if node.get("__class__") == "EmbeddingFeatures" else "features"
            node["__module__"] = f"detector.{old}"
            count += 1
        for value in node.values():
            count += _rename_modules(value)
    elif isinstance(node, list):
        count += sum(_rename_modules(value) for value in node)
    return count


def test_a_model_file_keeps_its_side_name_setting_and_older_files_read_the_names(tmp_path, documents):
    from detector import train

    text = "The Labour plan is a disgrace. Democrats met the Greens on Tuesday."
    keeping = train(documents, threshold_folds=None, side_names="keep")
    ignoring = train(documents, threshold_folds=None)
    for name, model in (("keep", keeping), ("ignore", ignoring)):
        for suffix in (".npz", ".skops"):
            path = tmp_path / f"{name}{suffix}"
            model.save(path)
            loaded = Detector.load(path)
            assert [s.to_dict(True) for s in loaded.score(text)] == [s.to_dict(True) for s in model.score(text)]
            assert [g.ignore_sides for g in loaded.predictor.groups if g.name == "words"] == [name == "ignore"]
    # A file written before the setting existed has no such entry: it read the names.
    old = _edit_member(tmp_path / "keep.npz", tmp_path / "old.npz", "manifest.json",
                       lambda header: header["model"]["params"].pop("side_names"))
    assert [s.to_dict(True) for s in Detector.load(old).score(text)] == [s.to_dict(True) for s in keeping.score(text)]


def test_a_model_trained_with_another_side_name_list_warns_when_loaded(tmp_path, tiny_detector):
    genuine = tmp_path / "tiny.npz"
    tiny_detector.save(genuine)
    assert len(tiny_detector.metadata["side_names_sha256"]) == 64
    other = _edit_member(genuine, tmp_path / "other.npz", "manifest.json",
                         lambda header: header["metadata"].update(side_names_sha256="0" * 64))
    with pytest.warns(ModelVersionWarning, match="side names"):
        Detector.load(other)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Detector.load(genuine)

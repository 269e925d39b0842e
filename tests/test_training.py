import importlib.util
import json
from pathlib import Path

import pytest

from detector import training
from detector.corpus import Document, corpus_fingerprint, document_record
from detector.errors import DetectorError

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_training_weighs_real_written_and_added_documents():
    corpus = [Document("rt-x-0001", "Real."), Document("wa-01", "Written.")]
    added = [Document("wa-99", "Mine, named like a written one.")]
    settings = training.shipped_training(corpus, added, added_weight=2.0)
    assert settings.document_weights == [1.0, training.INVENTED_WEIGHT, 2.0]
    assert settings.params == {"feature_groups": training.SHIPPED_FEATURE_GROUPS, "C": training.SHIPPED_C}
    with pytest.raises(DetectorError, match="above 0"):
        training.shipped_training(corpus, added, added_weight=0)


class _Stop(Exception):
    pass


def test_the_rebuild_script_trains_with_the_settings_it_always_used(monkeypatch):
    """scripts/train_default_model.py gets its settings from the library: the same ones as before."""
    spec = importlib.util.spec_from_file_location("train_default_model", ROOT / "scripts" / "train_default_model.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    corpus = [Document("rt-a-0001", "Real."), Document("we-01", "Written."), Document("rt-b-0002", "Real too.")]
    seen = {}

    def fake_train(documents, **kwargs):
        seen.update(kwargs, documents=documents)
        raise _Stop

    monkeypatch.setattr(script.subprocess, "run", lambda *a, **k: None)
    monkeypatch.setattr(script, "read_corpus", lambda path: corpus)
    monkeypatch.setattr(script, "train", fake_train)
    monkeypatch.setattr("sys.argv", ["train_default_model.py", "--out", "/nonexistent/never-written.joblib"])
    with pytest.raises(_Stop):
        script.main()
    # The literal settings of the script before they moved into detector.training.
    assert seen == {"documents": corpus, "feature_groups": ("words", "stems", "lexicon", "repetition", "embedding"),
                    "document_weights": [1.0, 0.3, 1.0], "n_jobs": 2, "C": 3.0}


def test_train_shipped_adds_documents_to_the_shipped_corpus(documents, monkeypatch, tmp_path):
    corpus, added = documents[:-3], documents[-3:]
    path = tmp_path / "train.jsonl"
    path.write_text("".join(json.dumps(document_record(d)) + "\n" for d in corpus), encoding="utf-8")
    monkeypatch.setattr(training, "shipped_corpus_path", lambda: path)
    detector = training.train_shipped(added, added_weight=1.5, threshold_folds=2)
    meta = detector.metadata
    assert meta["training_documents"] == len(documents)
    assert meta["training_sha256"] == corpus_fingerprint(corpus + added)
    assert meta["base"] == {"corpus_sha256": corpus_fingerprint(corpus), "corpus_documents": len(corpus),
                            "added_sha256": corpus_fingerprint(added), "added_documents": 3, "added_weight": 1.5}
    assert meta["params"]["feature_groups"] == list(training.SHIPPED_FEATURE_GROUPS)
    assert meta["params"]["C"] == training.SHIPPED_C


def test_the_shipped_corpus_is_found_in_the_checkout_or_the_package(monkeypatch, tmp_path):
    package = Path(training.__file__).resolve().parent
    # In a checkout the corpus is found beside the package; installed, inside it.
    assert training.shipped_corpus_path() in (package.parent / "training_data" / "train.jsonl",
                                              package / "training_data" / "train.jsonl")
    installed = tmp_path / "site" / "detector"
    (installed / "training_data").mkdir(parents=True)
    (installed / "training_data" / "train.jsonl").write_text("{}\n")
    monkeypatch.setattr(training, "__file__", str(installed / "training.py"))
    assert training.shipped_corpus_path() == installed / "training_data" / "train.jsonl"
    (installed / "training_data" / "train.jsonl").unlink()
    with pytest.raises(DetectorError, match="neither in the installed package"):
        training.shipped_corpus_path()

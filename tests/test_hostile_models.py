"""A corpus of hostile model files: every one must be refused, and none may run code.

The files are generated here from the tiny model's genuine archive, with its estimator
replaced by a payload, so nothing large or dangerous is kept in the repository.  A payload
that ran would create the marker file; each test checks that it does not exist.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import joblib
import pytest

from detector import Detector, ModelError, persistence
from detector.persistence import FORMAT_VERSION, MAGIC


def _json(value) -> dict:
    return {"__class__": type(value).__name__, "__module__": "builtins", "__loader__": "JsonNode",
            "content": json.dumps(value), "is_json": True, "__id__": id(value) % 10**9}


def _call(module: str, name: str, *args) -> dict:
    """A skops node that, when constructed, calls ``module.name(*args)``."""
    return {"__class__": name, "__module__": module, "__loader__": "ConstructorFromReduceNode",
            "content": {"__class__": "tuple", "__module__": "builtins", "__loader__": "TupleNode",
                        "content": [_json(a) for a in args], "__id__": 7},
            "__id__": 8}


def _with_estimator(genuine: Path, target: Path, node: dict, nest: bool = False) -> Path:
    """Copy the genuine archive to ``target`` with its estimator replaced by ``node``."""
    with zipfile.ZipFile(genuine) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "schema.json":
                schema = json.loads(data)
                if nest:  # the payload hidden inside a list inside the metadata
                    schema["content"]["metadata"]["content"]["notes"] = {
                        "__class__": "list", "__module__": "builtins", "__loader__": "ListNode",
                        "content": [node], "__id__": 9}
                else:
                    schema["content"]["estimator"] = node
                data = json.dumps(schema).encode()
            dst.writestr(item, data)
    return target


def _hostile_nodes(marker: Path, pickle_path: Path) -> dict[str, dict]:
    touch = f"open({str(marker)!r}, 'w').close()"
    return {
        "eval": _call("builtins", "eval", touch),
        "exec": _call("builtins", "exec", touch),
        "open": _call("builtins", "open", str(marker), "w"),
        "numpy.load": _call("numpy", "load", str(pickle_path), None, True),
        "os.system": _call("os", "system", f"touch {marker}"),
        "subprocess": _call("subprocess", "call", ["touch", str(marker)]),
        "project loader": _call("detector.persistence", "load_model", str(pickle_path), True),
        "project reader": _call("detector.persistence", "_read_joblib", str(pickle_path), "x", True),
    }


class _Touch:
    """Unpickling this creates the marker file: a stand-in for any code a pickle could run."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.fixture
def marker(tmp_path) -> Path:
    return tmp_path / "ran"


@pytest.fixture
def evil_pickle(tmp_path, marker) -> Path:
    path = tmp_path / "evil.pkl"
    joblib.dump({"magic": MAGIC, "format_version": FORMAT_VERSION, "estimator": _Touch(marker)}, path)
    return path


@pytest.mark.parametrize("kind", ["eval", "exec", "open", "numpy.load", "os.system", "subprocess",
                                  "project loader", "project reader"])
@pytest.mark.parametrize("nest", [False, True], ids=["top", "nested"])
def test_a_skops_file_that_calls_a_function_is_refused(tmp_path, tiny_model_path, marker, evil_pickle, kind, nest):
    node = _hostile_nodes(marker, evil_pickle)[kind]
    hostile = _with_estimator(tiny_model_path, tmp_path / "hostile.skops", node, nest=nest)
    with pytest.raises(ModelError, match="refused"):
        Detector.load(hostile)
    assert not marker.exists()


def test_the_genuine_archive_used_for_the_corpus_loads(tmp_path, tiny_model_path):
    # The corpus is only meaningful if the unmodified copy loads: the refusals come from the payloads.
    with zipfile.ZipFile(tiny_model_path) as src:
        schema = json.loads(src.read("schema.json"))
    copy = _with_estimator(tiny_model_path, tmp_path / "copy.skops", schema["content"]["estimator"])
    assert Detector.load(copy).labels


def test_a_skops_file_holding_something_other_than_a_classifier_is_refused(tmp_path, tiny_model_path, marker):
    harmless = {"__class__": "dict", "__module__": "builtins", "__loader__": "DictNode", "content": {},
                "key_types": {"__class__": "list", "__module__": "builtins", "__loader__": "ListNode",
                              "content": [], "__id__": 3}, "__id__": 4}
    wrong = _with_estimator(tiny_model_path, tmp_path / "wrong.skops", harmless)
    with pytest.raises(ModelError, match="no detector classifier"):
        Detector.load(wrong)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    # The bound is lowered so the test stays small; the check is the same at the real bound.
    monkeypatch.setattr(persistence, "MAX_UNPACKED_BYTES", 8 << 20)
    bomb = tmp_path / "bomb.skops"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("schema.json", "w") as member:
            for _ in range(16):
                member.write(b"\0" * (1 << 20))
    assert bomb.stat().st_size < 100_000
    with pytest.raises(ModelError, match="unpack to more than 8 MiB"):
        Detector.load(bomb)


def test_a_truncated_archive_is_refused_cleanly(tmp_path, tiny_model_path):
    data = tiny_model_path.read_bytes()
    for cut in (len(data) // 2, 100, 0):
        truncated = tmp_path / f"cut{cut}.skops"
        truncated.write_bytes(data[:cut])
        with pytest.raises(ModelError, match="not a detector model file"):
            Detector.load(truncated)


def test_an_oversized_file_is_refused_without_reading_it_all(tmp_path, monkeypatch):
    monkeypatch.setattr(persistence, "MAX_MODEL_BYTES", 1 << 20)
    big = tmp_path / "big.skops"
    with big.open("wb") as fh:
        fh.truncate(2 << 20)
    with pytest.raises(ModelError, match="at most 1 MiB"):
        Detector.load(big)


def test_the_suffix_is_read_without_regard_to_case(tmp_path, tiny_detector):
    path = tmp_path / "m.SKOPS"
    tiny_detector.save(path)
    assert zipfile.is_zipfile(path)  # written as skops, not as a pickle
    assert Detector.load(path).labels == tiny_detector.labels


def test_the_bytes_that_are_checked_are_the_bytes_that_are_loaded(tmp_path, monkeypatch, marker, tiny_joblib_path):
    """A file swapped for a pickle after its hash was checked must not be loaded (no second read)."""
    target = tmp_path / "model.joblib"
    target.write_bytes(tiny_joblib_path.read_bytes())
    good_sha = persistence.file_sha256(target)
    monkeypatch.setattr(persistence, "shipped_model_sha256", lambda: good_sha)
    evil = io.BytesIO()
    joblib.dump({"magic": MAGIC, "format_version": FORMAT_VERSION, "estimator": _Touch(marker)}, evil)
    real_open = open

    def open_then_swap(path, *args, **kwargs):
        handle = real_open(path, *args, **kwargs)
        if Path(path) == target:
            swapped = tmp_path / "swap.tmp"
            swapped.write_bytes(evil.getvalue())
            os.replace(swapped, target)  # the attacker wins every race
        return handle

    monkeypatch.setattr(persistence, "open", open_then_swap, raising=False)
    loaded = Detector.load(target)
    assert loaded.labels and not marker.exists()
    with pytest.raises(ModelError, match="can run any code"):  # the swapped file itself is refused
        Detector.load(target)


# --------------------------------------------------------------------------- the array format (.npz)


@pytest.fixture(scope="module")
def tiny_npz(tmp_path_factory, tiny_detector) -> Path:
    path = tmp_path_factory.mktemp("arrays") / "tiny.npz"
    tiny_detector.save(path)
    return path


def _rewrite(genuine: Path, target: Path, change) -> Path:
    """Copy the genuine .npz archive to ``target``, passing each member through ``change(name, data)``
    (which returns new bytes, or None to drop the member); ``change(None, None)`` may add members."""
    with zipfile.ZipFile(genuine) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            data = change(item.filename, src.read(item.filename))
            if data is not None:
                dst.writestr(item.filename, data)
        for name, data in (change(None, None) or {}).items():
            dst.writestr(name, data)
    return target


def test_an_npz_model_scores_exactly_as_the_model_it_was_written_from(tiny_npz, tiny_detector):
    text = "They are traitors who want to destroy our great nation. The bus left at noon."
    loaded = Detector.load(tiny_npz)
    assert loaded.labels == tiny_detector.labels
    assert loaded.score(text) == tiny_detector.score(text)
    assert loaded.explain(text) == tiny_detector.explain(text)


def _object_array_member(marker: Path) -> bytes:
    import numpy as np

    buffer = io.BytesIO()
    np.save(buffer, np.array([_Touch(marker)], dtype=object), allow_pickle=True)
    return buffer.getvalue()


class _Touch:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


@pytest.mark.parametrize("case", ["pickled heads", "pickled extra member", "manifest with code", "unknown setting",
                                  "wrong shape", "text where numbers go", "truncated", "not a zip",
                                  "no manifest", "member in a folder"])
def test_a_hostile_npz_file_is_refused_and_runs_nothing(tmp_path, tiny_npz, marker, case):
    target = tmp_path / "hostile.npz"
    evil = _object_array_member(marker)

    def manifest(edit):
        def change(name, data):
            if name == "manifest.json":
                header = json.loads(data)
                edit(header)
                return json.dumps(header).encode()
            return data
        return change

    if case == "pickled heads":
        _rewrite(tiny_npz, target, lambda n, d: evil if n == "heads.coef.npy" else d)
    elif case == "pickled extra member":
        _rewrite(tiny_npz, target, lambda n, d: {"payload.npy": evil} if n is None else d)
    elif case == "manifest with code":
        _rewrite(tiny_npz, target, manifest(lambda h: h["model"]["params"].update(
            labels={"__reduce__": ["os.system", [f"touch {marker}"]]})))
    elif case == "unknown setting":
        _rewrite(tiny_npz, target, manifest(lambda h: h["model"]["params"].update(loader="numpy.load")))
    elif case == "wrong shape":
        import numpy as np

        buffer = io.BytesIO()
        np.save(buffer, np.zeros((2, 2)))
        _rewrite(tiny_npz, target, lambda n, d: buffer.getvalue() if n == "heads.coef.npy" else d)
    elif case == "text where numbers go":
        import numpy as np

        buffer = io.BytesIO()
        np.save(buffer, np.array(["eval"]))
        _rewrite(tiny_npz, target, lambda n, d: buffer.getvalue() if n == "heads.intercept.npy" else d)
    elif case == "truncated":
        target.write_bytes(tiny_npz.read_bytes()[:5000])
    elif case == "not a zip":
        target.write_bytes(b"\x93NUMPY" + b"\0" * 100)
    elif case == "no manifest":
        _rewrite(tiny_npz, target, lambda n, d: None if n == "manifest.json" else d)
    elif case == "member in a folder":
        _rewrite(tiny_npz, target, lambda n, d: {"../escape.npy": d or b""} if n is None else d)
    with pytest.raises(ModelError, match="not a detector model file"):
        Detector.load(target)
    assert not marker.exists()


def test_an_npz_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, tiny_npz, monkeypatch):
    monkeypatch.setattr(persistence, "MAX_UNPACKED_BYTES", 1 << 20)
    target = _rewrite(tiny_npz, tmp_path / "bomb.npz",
                      lambda n, d: {"zeros.npy": b"\0" * (4 << 20)} if n is None else d)
    with pytest.raises(ModelError, match="refused: the archive would unpack"):
        Detector.load(target)


def test_the_shipped_model_is_an_npz_file_that_needs_no_trust():
    path = persistence.default_model_path()
    assert path.suffix == ".npz" and persistence.is_safe_format(path)
    assert Detector.load(path).labels

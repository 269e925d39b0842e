"""Model files: writing them atomically and loading them with checks.

A model file holds a dict with a format marker and version, metadata (package and
scikit-learn versions, labels, thresholds, SHA-256 of the training data, date,
cross-validated metrics) and the fitted estimator.  Two formats, chosen by the suffix:

* ``.skops`` (skops): loading runs no code; beyond skops' own safe defaults only the exact
  types of a detector model (``MODEL_TYPES``) are accepted, anything else is refused, and the
  loaded object must be a ``TechniqueClassifier``.  Use it to share.
* ``.npz`` (arrays): the model's numbers as NumPy arrays and its settings as JSON in one zip
  archive (``model_arrays``), read with pickling disabled: nothing in the file can run code,
  and it loads fastest.  The shipped model is one.  It holds only the parts of the model
  that scoring needs (no per-fold estimators), so it cannot be refitted.
* ``.joblib`` (pickle): fast to load, but unpickling can run arbitrary code, so a joblib file
  is loaded only when it is the model shipped with the package (its SHA-256 ships beside it)
  or the caller says it trusts the file.

A file is read once, with bounds on its size and on what its archive unpacks to; the bytes
that were checked (type audit, SHA-256) are the bytes that are loaded.

Writing goes to a temporary file in the target folder and is then renamed, so a crash leaves
the old file or the new one, never half of one.  Loading refuses files that are not models or
have an unknown format version, and warns when the scikit-learn minor version differs.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import ModelError
from .tokens import side_names_fingerprint

__all__ = [
    "MODEL_TYPES", "FORMAT_VERSION", "ModelVersionWarning", "load_model", "save_model", "atomic_path",
    "default_model_path", "is_shipped_model_path", "file_sha256", "shipped_model_sha256", "is_safe_format",
]

MAGIC = "detector-model"
FORMAT_VERSION = 1
DEFAULT_MODEL_NAME = "default.npz"
SAFE_SUFFIX = ".skops"
ARRAY_SUFFIX = ".npz"
# The exact type names a .skops model may hold beyond skops' own trusted defaults: the
# project's estimator, its transformers and the analyser functions its vectorisers use
# (``detector.features.stem_tokens``: the name models written before 0.3 refer to).
# Anything else (eval, os.system, numpy.load, the project's own loaders) is refused unread.
MODEL_TYPES = frozenset({
    "detector.model.TechniqueClassifier",
    "detector.features.SentenceText",
    "detector.features.TokenTfidf",
    "detector.features.LexiconFeatures",
    "detector.features.StyleFeatures",
    "detector.features.ContextFeatures",
    "detector.features.ClaimFeatures",
    "detector.features.stem_tokens",
    "detector.tokens.stem_tokens",
    "detector.tokens.word_ngrams",
    "detector.tokens.stem_tokens_ignoring_sides",
    "detector.tokens.word_ngrams_ignoring_sides",
    "detector.embeddings.EmbeddingFeatures",
    # The same transformers where they live since 0.3 (earlier files name them as above).
    "detector.transformers.SentenceText",
    "detector.transformers.TokenTfidf",
    "detector.transformers.LexiconFeatures",
    "detector.transformers.StyleFeatures",
    "detector.transformers.ContextFeatures",
    "detector.transformers.ClaimFeatures",
    "detector.transformers.EmbeddingFeatures",
})
# Bounds that keep a hostile file from exhausting memory: the shipped model is about 6 MB on
# disk and 48 MB unpacked.
MAX_MODEL_BYTES = 512 << 20
MAX_UNPACKED_BYTES = 512 << 20
MAX_ARCHIVE_MEMBERS = 10_000


class ModelVersionWarning(UserWarning):
    """The model was written with another scikit-learn minor version or another list of side
    names than this package has; results may differ."""


def default_model_path() -> Path:
    """Where the shipped model lives: ``detector/models`` when installed, ``models/`` in a checkout."""
    package = Path(__file__).resolve().parent
    installed = package / "models" / DEFAULT_MODEL_NAME
    return installed if installed.exists() else package.parent / "models" / DEFAULT_MODEL_NAME


def is_shipped_model_path(path: str | Path) -> bool:
    """True when writing to ``path`` would replace one of the shipped model's files (``default.*``)."""
    target = Path(path).resolve()
    return target.parent == default_model_path().resolve().parent and target.stem.lower() == "default"


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it over ``path``, else delete it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    try:  # a file that is replaced keeps its mode (a private 0600 report stays private)
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = 0o666 & ~umask  # mkstemp creates 0600; a new file gets the usual permissions
    os.chmod(tmp, mode)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_model(model: Any, metadata: dict, path: str | Path) -> None:
    """Write ``model`` (a fitted ``TechniqueClassifier`` or a ``Predictor``) and its ``metadata``
    to ``path`` atomically (``.skops`` or ``.npz``: the safe formats)."""
    from .predictor import Predictor

    if _suffix(path) == ARRAY_SUFFIX:
        _write_arrays({"metadata": metadata, "model": model}, path)
        return
    if isinstance(model, Predictor):  # a format that holds an estimator: rebuild one from the arrays
        from .model_arrays import to_estimator

        model = to_estimator(model)
    payload = {"magic": MAGIC, "format_version": FORMAT_VERSION, "metadata": metadata, "estimator": model}
    with atomic_path(path) as tmp:
        if is_safe_format(path):
            import zipfile

            import skops.io

            skops.io.dump(payload, tmp, compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        else:
            import joblib

            joblib.dump(payload, tmp, compress=3)


def _suffix(path: str | Path) -> str:
    return Path(path).suffix.lower()


def _write_arrays(payload: dict, path: str | Path) -> None:
    import json
    import zipfile

    import numpy as np

    from .model_arrays import to_arrays

    manifest, arrays = to_arrays(payload["model"])
    header = {"magic": MAGIC, "format_version": FORMAT_VERSION, "metadata": payload["metadata"], "model": manifest}
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr("manifest.json", json.dumps(header, ensure_ascii=False, sort_keys=True))
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            archive.writestr(f"{name}.npy", buffer.getvalue())


def _read_arrays(path: Path, data: bytes) -> dict:
    """The payload of an ``.npz`` model: JSON and numeric arrays only, never a pickle."""
    import json
    import zipfile

    import numpy as np

    from .model_arrays import from_arrays

    _check_archive(path, data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "manifest.json" not in names:
                raise ModelError(f"{path}: not a detector model file (no manifest)")
            header = json.loads(archive.read("manifest.json").decode("utf-8"))
            arrays = {}
            for name in names:
                if name == "manifest.json":
                    continue
                if not name.endswith(".npy") or "/" in name:
                    raise ModelError(f"{path}: not a detector model file (unexpected member {name!r})")
                # allow_pickle=False: an object array (a pickle) in the file is refused unread.
                arrays[name[:-4]] = np.lib.format.read_array(io.BytesIO(archive.read(name)), allow_pickle=False)
    except ModelError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, UnicodeDecodeError, EOFError) as exc:
        raise ModelError(f"{path}: not a detector model file ({type(exc).__name__})") from None
    if not isinstance(header, dict) or header.get("magic") != MAGIC:
        raise ModelError(f"{path}: not a detector model file")
    try:
        predictor = from_arrays(header.get("model"), arrays)
    except ModelError as exc:
        raise ModelError(f"{path}: not a detector model file ({exc})") from None
    return {**header, "estimator": predictor}


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def shipped_model_sha256() -> str | None:
    """The recorded SHA-256 of the shipped model (``default.sha256`` beside it), if there is one."""
    record = default_model_path().with_suffix(".sha256")
    return record.read_text("ascii").split()[0] if record.is_file() else None


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, read once: what is checked is what is loaded, whatever happens to the path."""
    try:
        with open(path, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_MODEL_BYTES:
                raise ModelError(f"{path}: not loaded: not a regular file of at most {MAX_MODEL_BYTES >> 20} MiB")
            data = fh.read(MAX_MODEL_BYTES + 1)
    except OSError as exc:
        raise ModelError(f"{path}: cannot read the model file ({exc.strerror or exc})") from None
    if len(data) > MAX_MODEL_BYTES:
        raise ModelError(f"{path}: not loaded: larger than {MAX_MODEL_BYTES >> 20} MiB")
    return data


def _check_archive(path: Path, data: bytes) -> None:
    """Refuse a zip archive whose members would unpack to more than MAX_UNPACKED_BYTES (a zip bomb)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ModelError(f"{path}: not a detector model file (not a skops archive)") from None
    if len(members) > MAX_ARCHIVE_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise ModelError(
            f"{path}: refused: the archive would unpack to more than {MAX_UNPACKED_BYTES >> 20} MiB "
            f"or {MAX_ARCHIVE_MEMBERS} members; it was not loaded"
        )


def _resolve_old_names() -> None:
    """Make the names that files written before 0.3 give the transformers resolve.

    The scikit-learn transformers lived in ``features`` and ``embeddings`` then, and skops and
    pickle find a class by its module and name; those modules no longer import scikit-learn,
    so the classes are named there only here, for the formats that hold an estimator.
    """
    from . import embeddings, features, transformers

    for name in ("SentenceText", "TokenTfidf", "LexiconFeatures", "StyleFeatures", "ContextFeatures",
                 "ClaimFeatures"):
        setattr(features, name, getattr(transformers, name))
    embeddings.EmbeddingFeatures = transformers.EmbeddingFeatures  # type: ignore[attr-defined]


def _read_skops(path: Path, data: bytes) -> Any:
    import skops.io

    _resolve_old_names()

    _check_archive(path, data)
    try:
        found = skops.io.get_untrusted_types(data=data)
    except Exception as exc:
        raise ModelError(f"{path}: not a detector model file ({type(exc).__name__})") from None
    # skops trusts its own safe defaults (containers, numpy arrays, scikit-learn estimators);
    # beyond those only the exact names of the project's model parts are accepted, never a
    # prefix: "builtins." or "numpy." would admit eval, exec or numpy.load.
    refused = sorted(set(found) - MODEL_TYPES)
    if refused:
        raise ModelError(
            f"{path}: refused: the file contains types that are not part of a detector model "
            f"({', '.join(refused)}); it was not loaded"
        )
    try:
        return skops.io.loads(data, trusted=sorted(found))
    except Exception as exc:
        raise ModelError(f"{path}: not a detector model file ({type(exc).__name__})") from None


def _read_joblib(path: Path, data: bytes, trusted: bool) -> Any:
    import joblib

    if not trusted and hashlib.sha256(data).hexdigest() != shipped_model_sha256():
        raise ModelError(
            f"{path}: not loaded: a joblib (pickle) file can run any code when it is loaded, and this "
            "one is not the model shipped with detector. Load it only if you trust where it came "
            "from, with --trust-model (trusted=True in the library), or ask for the model as a "
            ".skops file, which loads without running code"
        )
    _resolve_old_names()  # only for a file that will be loaded: it imports the transformers
    try:
        return joblib.load(io.BytesIO(data))
    except Exception as exc:  # joblib raises many types for foreign files
        raise ModelError(f"{path}: not a detector model file ({type(exc).__name__})") from None


def is_safe_format(path: str | Path) -> bool:
    """Whether ``path`` names a model file in a format that loads without running code."""
    return _suffix(path) in (SAFE_SUFFIX, ARRAY_SUFFIX)


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def load_model(path: str | Path, trusted: bool = False) -> tuple[Any, dict]:
    """Read a model file; return ``(predictor, metadata)`` or raise ``ModelError``.

    The ``Predictor`` is what scoring needs.  ``.npz`` and ``.skops`` files are loaded without
    running code, and an ``.npz`` file without importing scikit-learn.  Other files are joblib
    pickles, loaded only when they are the shipped model or ``trusted`` is true.
    """
    from .predictor import Predictor

    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such model file")
    data = _read_bytes(path)
    arrays = _suffix(path) == ARRAY_SUFFIX
    if arrays:
        payload = _read_arrays(path, data)
    elif is_safe_format(path):
        payload = _read_skops(path, data)
    else:
        payload = _read_joblib(path, data, trusted)
    if not isinstance(payload, dict) or payload.get("magic") != MAGIC:
        raise ModelError(f"{path}: not a detector model file")
    if not isinstance(payload.get("metadata"), dict):
        raise ModelError(f"{path}: not a detector model file (it holds no metadata)")
    version = payload.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelError(
            f"{path}: model format version {version!r} is not supported (this detector reads "
            f"version {FORMAT_VERSION}); retrain the model with this version"
        )
    metadata = payload["metadata"]
    recorded = metadata.get("side_names_sha256")
    if recorded is not None and recorded != side_names_fingerprint():
        warnings.warn(
            f"{path} was trained with another list of side names than this version of detector "
            "blanks; scores may differ slightly, retrain to be sure",
            ModelVersionWarning,
            stacklevel=2,
        )
    if arrays:
        if not isinstance(payload.get("estimator"), Predictor):
            raise ModelError(f"{path}: not a detector model file (it holds no detector classifier)")
        return payload["estimator"], metadata
    import sklearn

    from .model import TechniqueClassifier

    if not isinstance(payload.get("estimator"), TechniqueClassifier):
        raise ModelError(f"{path}: not a detector model file (it holds no detector classifier)")
    written_with = metadata.get("sklearn_version", "?")
    # Arrays mean the same to every scikit-learn version; pickled estimators may not.
    if _minor(written_with) != _minor(sklearn.__version__):
        warnings.warn(
            f"{path} was written with scikit-learn {written_with}, this is {sklearn.__version__}; "
            "scores may differ slightly, retrain to be sure",
            ModelVersionWarning,
            stacklevel=2,
        )
    try:
        return Predictor.from_estimator(payload["estimator"]), metadata
    except (AttributeError, TypeError, ValueError, KeyError) as exc:  # a classifier missing fitted parts
        raise ModelError(f"{path}: not a detector model file (an incomplete classifier: {exc})") from None

"""Model files: writing them atomically and loading them with checks.

A model file is a joblib dump of a dict holding a format marker and version, metadata
(package and scikit-learn versions, labels, thresholds, SHA-256 of the training data, date,
cross-validated metrics) and the fitted estimator.  Writing goes to a temporary file in the
target folder and is then renamed, so a crash leaves the old file or the new one, never half
of one.  Loading refuses files that are not models or have an unknown format version, and
warns when the scikit-learn minor version differs from the one that wrote the file.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from .errors import ModelError

MAGIC = "detector-model"
FORMAT_VERSION = 1
DEFAULT_MODEL_NAME = "default.joblib"


class ModelVersionWarning(UserWarning):
    """The model was written by another scikit-learn minor version; results may differ."""


def default_model_path() -> Path:
    """Where the shipped model lives: ``detector/models`` when installed, ``models/`` in a checkout."""
    package = Path(__file__).resolve().parent
    installed = package / "models" / DEFAULT_MODEL_NAME
    return installed if installed.exists() else package.parent / "models" / DEFAULT_MODEL_NAME


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it over ``path``, else delete it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual permissions
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_model(estimator: Any, metadata: dict, path: str | Path) -> None:
    """Write ``estimator`` and its ``metadata`` to ``path`` atomically."""
    import joblib

    payload = {"magic": MAGIC, "format_version": FORMAT_VERSION, "metadata": metadata, "estimator": estimator}
    with atomic_path(path) as tmp:
        joblib.dump(payload, tmp, compress=3)


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def load_model(path: str | Path) -> tuple[Any, dict]:
    """Read a model file; return ``(estimator, metadata)`` or raise ``ModelError``."""
    import joblib
    import sklearn

    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such model file")
    try:
        payload = joblib.load(path)
    except Exception as exc:  # joblib raises many types for foreign files
        raise ModelError(f"{path}: not a detector model file ({type(exc).__name__})") from None
    if not isinstance(payload, dict) or payload.get("magic") != MAGIC:
        raise ModelError(f"{path}: not a detector model file")
    version = payload.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelError(
            f"{path}: model format version {version!r} is not supported (this detector reads "
            f"version {FORMAT_VERSION}); retrain the model with this version"
        )
    metadata = payload["metadata"]
    written_with = metadata.get("sklearn_version", "?")
    if _minor(written_with) != _minor(sklearn.__version__):
        warnings.warn(
            f"{path} was written with scikit-learn {written_with}, this is {sklearn.__version__}; "
            "scores may differ slightly, retrain to be sure",
            ModelVersionWarning,
            stacklevel=2,
        )
    return payload["estimator"], metadata

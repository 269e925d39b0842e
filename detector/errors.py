"""The project's own exception types.

Anything a user can cause (a bad path, malformed data, an unusable model file) raises a
``DetectorError`` with a message that names the file and, where it applies, the line.  The
CLI turns these into exit code 2 without a traceback; any other exception is a bug.
"""

from __future__ import annotations

__all__ = ["DetectorError", "DataError", "ModelError", "WebPageError", "PrivateAddressError", "LimitError",
           "ColumnError", "MissingExtraError", "missing_extra"]


class DetectorError(Exception):
    """An error caused by the user's input: the message says what is wrong and where."""


class DataError(DetectorError):
    """Malformed training or evaluation data, located by file and (where known) line."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(where + message)


class ModelError(DetectorError):
    """A model file that cannot be used: missing, not a model, or an unknown format version."""


class WebPageError(DetectorError):
    """A web page that yields no text to score: it could not be fetched (network failure,
    HTTP error, timeout, too large), is not a web page, or holds no main text."""


class PrivateAddressError(WebPageError):
    """A web address refused before it is fetched: its host resolves to a loopback, private,
    link-local, multicast or reserved address (a guard against server-side request forgery)."""


class LimitError(DetectorError):
    """A request over one of the web server's limits (body size, text length)."""


class ColumnError(DetectorError, KeyError):
    """A dataframe column that is missing, or whose name clashes with an output column.

    Also a ``KeyError``, what pandas raises for a missing column.
    """

    def __str__(self) -> str:
        # KeyError shows its argument quoted, as a key; this is a sentence.
        return str(self.args[0]) if self.args else ""


class MissingExtraError(DetectorError, ImportError):
    """A feature needs an optional dependency (an extra) that is not installed."""


def missing_extra(extra: str, feature: str) -> MissingExtraError:
    """The error for ``feature`` used without the ``extra`` it needs, naming the install command."""
    from . import DISTRIBUTION

    return MissingExtraError(f"{feature} needs the optional {extra!r} dependencies: "
                             f"pip install '{DISTRIBUTION}[{extra}]'")

"""One reader per file format, shared by training data (``corpus``) and texts to score (``inputs``).

Each reader yields what the file holds, one record at a time with its line number, and turns
every problem into a ``ReadError`` instead of raising, so that the caller picks the policy:
``corpus`` collects every problem and reports them together (``train --check``), ``inputs``
reports each one and goes on with the next document (``score``).

* JSONL: records are separated by ``\\n`` alone (a JSON string may hold U+2028, U+0085 and
  the like, which ``str.splitlines`` would wrongly split on); a ``\\r`` before it is allowed.
* CSV/TSV: the file is read with ``newline=""`` so a quoted field keeps its line breaks; a
  byte-order mark before the header is dropped; fields may be as long as a document.
* Text: UTF-8 unless the caller names another encoding (``cp1252``, ``latin-1``...), with a
  clear message for binary files and undecodable bytes.
"""

from __future__ import annotations

import codecs
import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ReadError", "TableHeader", "check_encoding", "looks_binary", "undecodable", "decode_text", "read_text",
           "jsonl_records", "table_rows", "has_lone_surrogate"]

# A CSV field is a whole document; the csv module's default limit (128 KiB) would refuse long ones.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True)
class ReadError:
    """A problem with one record (``line`` set) or with the whole file (``line`` None)."""

    message: str
    line: int | None = None


def check_encoding(name: str) -> str:
    """The codec's canonical name for ``name`` (``latin-1`` gives ``iso8859-1``).

    Raises ``DetectorError`` for a name Python does not know.
    """
    from .errors import DetectorError

    try:
        return codecs.lookup(name).name
    except LookupError:
        raise DetectorError(f"unknown encoding {name!r}; use a name such as utf-8, cp1252 or latin-1") from None


def looks_binary(data: bytes, encoding: str = "utf-8") -> bool:
    """A NUL byte near the start means a binary file, except in UTF-16/32, where it is text."""
    return b"\x00" in data[:8192] and not check_encoding(encoding).startswith(("utf-16", "utf-32"))


def undecodable(exc: UnicodeDecodeError, encoding: str, offset: int = 0) -> str:
    """The message for bytes that are not text in ``encoding``, with their offset in the file."""
    name = "UTF-8" if check_encoding(encoding) == "utf-8" else encoding
    hint = "; name its encoding if it is another (for example --encoding cp1252)" if name == "UTF-8" else ""
    return f"not {name} text (undecodable byte at offset {offset + exc.start}){hint}"


def decode_text(data: bytes, encoding: str = "utf-8") -> str | ReadError:
    """``data`` as text in ``encoding`` (UTF-8 by default), or why it is not text."""
    if looks_binary(data, encoding):
        return ReadError("a binary file, not text")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        return ReadError(undecodable(exc, encoding))


def read_text(path: Path, encoding: str = "utf-8") -> str | ReadError:
    """The whole file as text in ``encoding``, or why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ReadError(f"cannot read ({exc.strerror})")
    return decode_text(data, encoding)


def jsonl_records(path: Path) -> Iterator[tuple[int, dict | ReadError]]:
    """``(line number, JSON object)`` for every non-blank line; a bad line yields a ``ReadError``."""
    try:
        fh = open(path, "rb")
    except OSError as exc:
        yield 0, ReadError(f"cannot read ({exc.strerror})")
        return
    with fh:
        for number, raw in enumerate(fh, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            line = raw.rstrip(b"\r\n")
            if not line.strip():
                continue
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield number, ReadError(f"not UTF-8 text (undecodable byte at column {exc.start + 1})", number)
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                yield number, ReadError(f"malformed JSON ({exc.msg} at column {exc.colno})", number)
                continue
            if not isinstance(record, dict):
                yield number, ReadError("each line must be a JSON object", number)
                continue
            if has_lone_surrogate(record):
                yield number, ReadError("the record holds an escaped lone surrogate (\\ud800-\\udfff), "
                                        "which is not text", number)
                continue
            yield number, record


def has_lone_surrogate(value: object) -> bool:
    """Whether ``value`` (a JSON value) holds a lone surrogate: an escape such as ``\\ud800`` that is not text."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(has_lone_surrogate(k) or has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_lone_surrogate(v) for v in value)
    return False


@dataclass(frozen=True)
class TableHeader:
    """The column names of a CSV/TSV file: the first thing ``table_rows`` yields."""

    columns: tuple[str, ...]


def table_rows(path: Path, delimiter: str = ",",
               encoding: str = "utf-8") -> Iterator[tuple[int, TableHeader | dict[str, str] | ReadError]]:
    """``(line number, row)`` for every row of a CSV/TSV file with a header, in ``encoding``.

    The first item is ``(1, TableHeader)``, so the caller can check the columns before the
    rows come.  The line number of a row is the line it starts on (a quoted field may span
    several lines).
    """
    try:
        # A spreadsheet's UTF-8 export often starts with a byte-order mark: it is not a column name.
        fh = open(path, encoding="utf-8-sig" if check_encoding(encoding) == "utf-8" else encoding, newline="")
    except OSError as exc:
        yield 0, ReadError(f"cannot read ({exc.strerror})")
        return
    with fh:
        reader = csv.DictReader(fh, delimiter=delimiter)
        try:
            yield 1, TableHeader(tuple(reader.fieldnames or ()))
            start = reader.line_num + 1
            for row in reader:
                yield start, {k: v for k, v in row.items() if k is not None}
                start = reader.line_num + 1
        except UnicodeDecodeError as exc:
            yield 0, ReadError(undecodable(exc, encoding))
        except csv.Error as exc:
            yield reader.line_num, ReadError(f"malformed CSV ({exc})", reader.line_num)

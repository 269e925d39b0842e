"""One reader per file format, shared by training data (``corpus``) and texts to score (``inputs``).

Each reader yields what the file holds, one record at a time with its line number, and turns
every problem into a ``ReadError`` instead of raising, so that the caller picks the policy:
``corpus`` collects every problem and reports them together (``train --check``), ``inputs``
reports each one and goes on with the next document (``score``).

* JSONL: records are separated by ``\\n`` alone (a JSON string may hold U+2028, U+0085 and
  the like, which ``str.splitlines`` would wrongly split on); a ``\\r`` before it is allowed.
* CSV/TSV: the file is read with ``newline=""`` so a quoted field keeps its line breaks; a
  byte-order mark before the header is dropped; fields may be as long as a document.
* Text: UTF-8, with a clear message for binary files and undecodable bytes.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ReadError", "TableHeader", "decode_text", "read_text", "jsonl_records", "table_rows", "has_lone_surrogate"]

# A CSV field is a whole document; the csv module's default limit (128 KiB) would refuse long ones.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True)
class ReadError:
    """A problem with one record (``line`` set) or with the whole file (``line`` None)."""

    message: str
    line: int | None = None


def decode_text(data: bytes) -> str | ReadError:
    """``data`` as UTF-8 text, or why it is not text."""
    if b"\x00" in data[:8192]:
        return ReadError("a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return ReadError(f"not UTF-8 text (undecodable byte at offset {exc.start})")


def read_text(path: Path) -> str | ReadError:
    """The whole file as text, or why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ReadError(f"cannot read ({exc.strerror})")
    return decode_text(data)


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


def table_rows(path: Path, delimiter: str = ",") -> Iterator[tuple[int, TableHeader | dict[str, str] | ReadError]]:
    """``(line number, row)`` for every row of a CSV/TSV file with a header.

    The first item is ``(1, TableHeader)``, so the caller can check the columns before the
    rows come.  The line number of a row is the line it starts on (a quoted field may span
    several lines).
    """
    try:
        fh = open(path, encoding="utf-8-sig", newline="")
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
            yield 0, ReadError(f"not UTF-8 text (undecodable byte at offset {exc.start})")
        except csv.Error as exc:
            yield reader.line_num, ReadError(f"malformed CSV ({exc})", reader.line_num)

"""Where texts to score come from: files, directories, standard input, JSONL and CSV corpora.

``find_inputs`` expands what the user named into inputs (a missing path is an error at once);
``read_inputs`` then yields one ``InputDocument`` at a time, so a corpus of any size streams.
A file that cannot be read as text (undecodable bytes, a binary file, no permission) is a
``ReadProblem``: the caller decides whether to stop at the end or skip it with a warning, and
the other documents are read either way.
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import DetectorError
from .readers import ReadError, TableHeader, decode_text, jsonl_records, read_text, table_rows

__all__ = ["Input", "InputDocument", "ReadProblem", "find_inputs", "read_inputs", "PART_BYTES", "STDIN_LIMIT"]

_CORPUS_SUFFIXES = {".jsonl": "jsonl", ".csv": "csv", ".tsv": "tsv"}


@dataclass(frozen=True)
class Input:
    """One thing to read: a text file, standard input (``path`` None), or a corpus file."""

    name: str
    path: Path | None
    kind: str = "text"  # text, jsonl, csv or tsv


@dataclass(frozen=True)
class InputDocument:
    """A document to score: its name (path, or corpus id) and its text.

    A text file too large to hold at once comes as several parts, split at paragraph or line
    breaks: ``part`` counts them and ``offset`` is where this part starts in the whole file.
    """

    name: str
    text: str
    part: int = 0
    offset: int = 0


#: Text files above this size are read and scored in parts, so memory stays bounded (a part is
#: one document: its sentences are scored together, so a part must stay small).
PART_BYTES = 2**16
#: Standard input cannot be re-read in parts; above this size the user is asked for a file.
STDIN_LIMIT = 64 * 2**20


@dataclass(frozen=True)
class ReadProblem:
    """Why one input could not be read."""

    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


def find_inputs(paths: Sequence[str], exclude: Sequence[Path | None] = ()) -> list[Input]:
    """Expand paths: ``-`` is standard input, a directory gives every ``*.txt`` inside
    (recursively, sorted), ``.jsonl``/``.csv``/``.tsv`` files are corpora of documents.

    Files in ``exclude`` (the run's own output) are left out of directory walks."""
    skip = {Path(os.path.realpath(p)) for p in exclude if p is not None}
    found: list[Input] = []
    for raw in paths:
        if raw == "-":
            found.append(Input("<stdin>", None))
            continue
        path = Path(raw)
        # A file name with bytes that are not UTF-8 reaches Python as lone surrogates; it is
        # shown escaped so that messages and outputs stay valid text.
        name = _printable_name(raw)
        if path.is_dir():
            files = [p for p in _walk_texts(path) if Path(os.path.realpath(p)) not in skip]
            if not files:
                raise DetectorError(f"{name}: no *.txt files in this directory")
            found.extend(Input(_printable_name(str(p)), p) for p in files)
        elif path.is_file():
            found.append(Input(name, path, _CORPUS_SUFFIXES.get(path.suffix.lower(), "text")))
        else:
            raise DetectorError(f"{name}: no such file or directory")
    return found


def _walk_texts(folder: Path) -> list[Path]:
    """Every ``*.txt`` file below ``folder``, sorted; folders that cannot be read or are
    symbolic links are skipped with a warning that names them."""
    import warnings

    found: list[Path] = []

    def unreadable(error: OSError) -> None:
        warnings.warn(f"skipped {_printable_name(str(error.filename))}: cannot read the folder "
                      f"({error.strerror})", stacklevel=3)

    for top, dirs, files in os.walk(folder, onerror=unreadable):
        for d in list(dirs):
            if os.path.islink(os.path.join(top, d)):
                dirs.remove(d)
                warnings.warn(f"skipped {_printable_name(os.path.join(top, d))}: a symbolic link to a folder "
                              "(name it directly to score it)", stacklevel=3)
        found += [Path(top, f) for f in files if f.endswith(".txt") and os.path.isfile(os.path.join(top, f))]
    return sorted(found)


def _printable_name(name: str) -> str:
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def read_inputs(inputs: Sequence[Input], on_problem: Callable[[ReadProblem], None],
                text_column: str = "text", id_column: str = "id") -> Iterator[InputDocument]:
    """Yield the documents of ``inputs`` in order; report unreadable ones to ``on_problem``."""
    for item in inputs:
        try:
            if item.kind == "text" and item.path is not None and item.path.stat().st_size > PART_BYTES:
                yield from _read_text_parts(item)
            elif item.kind == "text":
                yield InputDocument(item.name, _read_text(item))
            elif item.kind == "jsonl":
                yield from _read_jsonl(item, on_problem)
            else:
                yield from _read_table(item, text_column, id_column, on_problem)
        except _Unreadable as problem:
            on_problem(ReadProblem(item.name, str(problem)))


class _Unreadable(Exception):
    pass


def _read_text(item: Input) -> str:
    if item.path is None:
        text = decode_text(_read_stdin())
    else:
        text = read_text(item.path)
    if isinstance(text, ReadError):
        raise _Unreadable(text.message)
    return text


def _read_stdin() -> bytes:
    """Standard input, read in bounded blocks; larger than ``STDIN_LIMIT`` is refused."""
    stream = sys.stdin.buffer
    blocks, size = [], 0
    while block := stream.read(1 << 20):
        size += len(block)
        if size > STDIN_LIMIT:
            raise _Unreadable(f"standard input is larger than {STDIN_LIMIT >> 20} MB; save it to a file, "
                              "which is scored in parts")
        blocks.append(block)
    return b"".join(blocks)


def _read_text_parts(item: Input, part_bytes: int | None = None) -> Iterator[InputDocument]:
    """A large text file in parts of about ``part_bytes``, each ending after a paragraph break
    (or a line break, or anywhere when a part has none), with its offset in the whole file."""
    assert item.path is not None  # standard input is never read in parts
    size = part_bytes or PART_BYTES
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, part, carry, read = 0, 0, "", 0
    try:
        with open(item.path, "rb") as fh:
            while True:
                block = fh.read(size)
                final = not block
                if part == 0 and b"\x00" in block[:8192]:
                    raise _Unreadable("a binary file, not text")
                try:
                    text = carry + decoder.decode(block, final=final)
                except UnicodeDecodeError as exc:
                    raise _Unreadable(f"not UTF-8 text (undecodable byte at offset {read + exc.start})") from None
                read += len(block)
                if not text:
                    break
                cut = len(text)
                if not final:
                    paragraph = text.rfind("\n\n")
                    cut = paragraph + 2 if paragraph >= 0 else text.rfind("\n") + 1 or len(text)
                yield InputDocument(item.name, text[:cut], part, offset)
                carry = text[cut:]
                offset += cut
                part += 1
                if final:
                    break
    except OSError as exc:
        raise _Unreadable(f"cannot read ({exc.strerror})") from None


def _read_jsonl(item: Input, on_problem: Callable[[ReadProblem], None]) -> Iterator[InputDocument]:
    """One document per line, ``{"id": ..., "text": ...}``; a bad line is one problem, not the file's end."""
    assert item.path is not None
    for number, record in jsonl_records(item.path):
        if isinstance(record, ReadError):
            if record.line is None or number == 0:
                raise _Unreadable(record.message)
            on_problem(ReadProblem(f"{item.name}:{number}", record.message))
            continue
        text = record.get("text")
        if not isinstance(text, str):
            on_problem(ReadProblem(f"{item.name}:{number}", 'not a JSON object with a string "text"'))
            continue
        yield InputDocument(str(record.get("id", f"{item.name}:{number}")), text)


def _read_table(item: Input, text_column: str, id_column: str,
                on_problem: Callable[[ReadProblem], None]) -> Iterator[InputDocument]:
    """One document per row of a CSV/TSV file with a header naming ``text_column``."""
    assert item.path is not None
    for number, row in table_rows(item.path, "\t" if item.kind == "tsv" else ","):
        if isinstance(row, ReadError):
            raise _Unreadable(row.message)
        if isinstance(row, TableHeader):
            if text_column not in row.columns:
                raise _Unreadable(f"no column {text_column!r} (columns: {', '.join(row.columns) or 'none'}); "
                                  "name the text column with --text-column")
            continue
        yield InputDocument(row.get(id_column) or f"{item.name}:{number}", row.get(text_column) or "")

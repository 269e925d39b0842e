"""Where texts to score come from: files, directories, web pages, standard input, JSONL and CSV corpora.

``find_inputs`` expands what the user named into inputs (a missing path is an error at once);
``read_inputs`` then yields one ``InputDocument`` at a time, so a corpus of any size streams.
A file that cannot be read as text (undecodable bytes, a binary file, no permission), or a web
page that cannot be fetched or holds no main text, is a ``ReadProblem``: the caller decides
whether to stop at the end or skip it with a warning, and the other documents are read either way.

HTML files, URLs and Markdown files are read by ``detector.webpages``: their documents carry a
title, author, date and source, and offsets count in the text extracted from them.
"""

from __future__ import annotations

import codecs
import fnmatch
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DetectorError, WebPageError
from .readers import (
    ReadError,
    TableHeader,
    check_encoding,
    decode_text,
    jsonl_records,
    looks_binary,
    read_text,
    table_rows,
    undecodable,
)
from .results import DocumentInfo

if TYPE_CHECKING:
    from .corpus import Document

__all__ = ["Input", "InputDocument", "ReadProblem", "find_inputs", "read_inputs", "PART_BYTES", "STDIN_LIMIT",
           "INPUT_FORMATS", "DEFAULT_GLOBS"]

_CORPUS_SUFFIXES = {".jsonl": "jsonl", ".csv": "csv", ".tsv": "tsv"}
# What a file is read as, by its suffix; any other file named on the command line is text.
_SUFFIX_FORMATS = {".txt": "text", ".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}
#: The formats a file or standard input can be read as (``--input-format``).
INPUT_FORMATS = ("text", "html", "markdown")
#: The files a directory gives unless other patterns are named: every type read as one document.
DEFAULT_GLOBS = ("*.txt", "*.html", "*.htm", "*.md", "*.markdown")
_EXAMPLES_SHOWN = 3


@dataclass(frozen=True)
class Input:
    """One thing to read: a file, standard input (``path`` None), a URL (``path`` None) or a corpus file."""

    name: str
    path: Path | None
    kind: str = "text"  # text, html, markdown, url, jsonl, csv or tsv

    @property
    def is_corpus(self) -> bool:
        """A file of many documents (JSONL, CSV, TSV) rather than one document."""
        return self.kind in ("jsonl", "csv", "tsv")


@dataclass(frozen=True)
class InputDocument:
    """A document to score: its name (path, URL or corpus id) and its text.

    A text file too large to hold at once comes as several parts, split at paragraph or line
    breaks: ``part`` counts them and ``offset`` is where this part starts in the whole file.
    ``metadata`` is the title, author, date and source of a web page or Markdown file.
    """

    name: str
    text: str
    part: int = 0
    offset: int = 0
    metadata: DocumentInfo | None = None

    @classmethod
    def of(cls, document: Document) -> InputDocument:
        """A ``corpus.Document`` (a web page or Markdown file read by ``webpages``) to score, with its metadata."""
        return cls(document.id, document.text, metadata=document.metadata)


#: Text files above this size are read and scored in parts, so memory stays bounded (a part is
#: one document: its sentences are scored together, so a part must stay small).
PART_BYTES = 2**16
#: Standard input cannot be re-read in parts; above this size the user is asked for a file.
#: HTML and Markdown files, read whole, have the same limit.
STDIN_LIMIT = 64 * 2**20


@dataclass(frozen=True)
class ReadProblem:
    """Why one input could not be read."""

    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


def find_inputs(paths: Sequence[str], exclude: Sequence[Path | None] = (), *, globs: Sequence[str] | None = None,
                input_format: str | None = None) -> list[Input]:
    """Expand paths: ``-`` is standard input, an ``http://`` or ``https://`` URL a web page to
    fetch, a directory gives every file inside that matches ``globs`` (recursively, sorted;
    by default ``DEFAULT_GLOBS``), ``.jsonl``/``.csv``/``.tsv`` files are corpora of documents.

    A pattern matches a file's name, or with a ``/`` its path below the directory, ignoring
    case.  Files in a directory that match no pattern are named in one warning.  A file is
    read as its suffix says (``.html``/``.htm`` HTML, ``.md``/``.markdown`` Markdown, else
    text) unless ``input_format`` (one of ``INPUT_FORMATS``) says otherwise; it also sets how
    standard input is read (text by default).  Corpora are always corpora.  Files in
    ``exclude`` (the run's own output) are left out of directory walks."""
    if input_format is not None and input_format not in INPUT_FORMATS:
        raise DetectorError(f"unknown input format {input_format!r}; use one of {', '.join(INPUT_FORMATS)}")
    patterns = tuple(globs) if globs else DEFAULT_GLOBS
    skip = {Path(os.path.realpath(p)) for p in exclude if p is not None}
    found: list[Input] = []
    for raw in paths:
        if raw == "-":
            found.append(Input("<stdin>", None, input_format or "text"))
            continue
        if raw.lower().startswith(("http://", "https://")):
            found.append(Input(raw, None, "url"))
            continue
        path = Path(raw)
        # A file name with bytes that are not UTF-8 reaches Python as lone surrogates; it is
        # shown escaped so that messages and outputs stay valid text.
        name = _printable_name(raw)
        if path.is_dir():
            files = [p for p in _walk_files(path, patterns) if Path(os.path.realpath(p)) not in skip]
            if not files:
                raise DetectorError(f"{name}: no files matching {', '.join(patterns)} in this directory")
            found.extend(Input(_printable_name(str(p)), p, _format_of(p, input_format)) for p in files)
        elif path.is_file():
            found.append(Input(name, path, _format_of(path, input_format)))
        else:
            raise DetectorError(f"{name}: no such file or directory")
    return found


def _format_of(path: Path, input_format: str | None) -> str:
    suffix = path.suffix.lower()
    if suffix in _CORPUS_SUFFIXES:
        return _CORPUS_SUFFIXES[suffix]
    return input_format or _SUFFIX_FORMATS.get(suffix, "text")


def _matches(relative: str, patterns: Sequence[str]) -> bool:
    name = relative.rsplit("/", 1)[-1].lower()
    return any(fnmatch.fnmatchcase(relative.lower() if "/" in p else name, p.lower()) for p in patterns)


def _walk_files(folder: Path, patterns: Sequence[str]) -> list[Path]:
    """Every file below ``folder`` that matches ``patterns``, sorted; folders that cannot be
    read or are symbolic links are skipped with a warning that names them, and so, in one
    warning, are the files that match no pattern (hidden files aside)."""
    import warnings

    found: list[Path] = []
    unmatched: list[str] = []
    reports: list[str] = []

    def unreadable(error: OSError) -> None:
        warnings.warn(f"skipped {_printable_name(str(error.filename))}: cannot read the folder "
                      f"({error.strerror})", stacklevel=3)

    for top, dirs, files in os.walk(folder, onerror=unreadable):
        for d in list(dirs):
            if os.path.islink(os.path.join(top, d)):
                dirs.remove(d)
                warnings.warn(f"skipped {_printable_name(os.path.join(top, d))}: a symbolic link to a folder "
                              "(name it directly to score it)", stacklevel=3)
        for f in files:
            if not os.path.isfile(os.path.join(top, f)):
                continue
            relative = Path(top, f).relative_to(folder).as_posix()
            if not _matches(relative, patterns):
                if not f.startswith("."):
                    unmatched.append(relative)
            elif _format_of(Path(f), None) == "html" and _is_report(Path(top, f)):
                reports.append(relative)
            else:
                found.append(Path(top, f))
    if unmatched:
        _warn_skipped(unmatched, "file", folder, f"that match none of {', '.join(patterns)}",
                      "--glob PATTERN names the files to read")
    if reports:
        _warn_skipped(reports, "report", folder, "made by detector", "name a file directly to read it")
    return sorted(found)


def _warn_skipped(names: list[str], noun: str, folder: Path, why: str, advice: str) -> None:
    """One warning line for the files of ``folder`` left out: how many, why, a few examples, what to do."""
    import warnings

    shown = ", ".join(_printable_name(n) for n in sorted(names)[:_EXAMPLES_SHOWN])
    more = ", ..." if len(names) > _EXAMPLES_SHOWN else ""
    warnings.warn(f"skipped {len(names)} {noun}{'s' if len(names) != 1 else ''} in {_printable_name(str(folder))} "
                  f"{why} ({shown}{more}); {advice}", stacklevel=4)


def _is_report(path: Path) -> bool:
    """Whether an HTML file is a report this tool wrote (its head carries the report's marker)."""
    from .html_page import REPORT_MARKER

    try:
        with open(path, "rb") as fh:
            return REPORT_MARKER.encode() in fh.read(1024)
    except OSError:
        return False  # reading it will report the problem


def _printable_name(name: str) -> str:
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def read_inputs(inputs: Sequence[Input], on_problem: Callable[[ReadProblem], None],
                text_column: str = "text", id_column: str = "id", *, encoding: str | None = None,
                timeout: float | None = None) -> Iterator[InputDocument]:
    """Yield the documents of ``inputs`` in order; report unreadable ones to ``on_problem``.

    ``encoding`` names the encoding of text, Markdown, HTML and CSV/TSV files and standard
    input (JSONL is always UTF-8); by default text is UTF-8 and an HTML file says its own
    charset.  ``timeout`` is how many seconds fetching a URL may take (default
    ``webpages.DEFAULT_TIMEOUT``).  An unknown encoding or a timeout that is not positive
    raises ``DetectorError`` at once, before anything is read.
    """
    if encoding is not None:
        check_encoding(encoding)
    if timeout is not None:
        from .webpages import check_timeout

        check_timeout(timeout)
    return _read_all(inputs, on_problem, text_column, id_column, encoding, timeout)


def _read_all(inputs: Sequence[Input], on_problem: Callable[[ReadProblem], None], text_column: str,
              id_column: str, encoding: str | None, timeout: float | None) -> Iterator[InputDocument]:
    text_encoding = encoding or "utf-8"
    for item in inputs:
        try:
            if item.kind == "text" and item.path is not None and item.path.stat().st_size > PART_BYTES:
                yield from _read_text_parts(item, encoding=text_encoding)
            elif item.kind == "text":
                yield InputDocument(item.name, _read_text(item, text_encoding))
            elif item.kind in ("html", "markdown", "url"):
                yield _read_web_document(item, encoding, timeout)
            elif item.kind == "jsonl":
                yield from _read_jsonl(item, on_problem)
            else:
                yield from _read_table(item, text_column, id_column, on_problem, text_encoding)
        except _Unreadable as problem:
            on_problem(ReadProblem(item.name, str(problem)))


class _Unreadable(Exception):
    pass


def _read_text(item: Input, encoding: str = "utf-8") -> str:
    if item.path is None:
        text = decode_text(_read_stdin(), encoding)
    else:
        text = read_text(item.path, encoding)
    if isinstance(text, ReadError):
        raise _Unreadable(text.message)
    return text


def _read_web_document(item: Input, encoding: str | None, timeout: float | None) -> InputDocument:
    """A web page, HTML file or Markdown file, read by ``webpages`` as one document."""
    from . import webpages

    source = item.name if item.path is not None else None
    try:
        if item.kind == "url":
            document = webpages.document_from_url(item.name, timeout=timeout or webpages.DEFAULT_TIMEOUT)
        elif item.kind == "html":
            document = webpages.document_from_html(_read_whole(item), name=item.name, source=source,
                                                   encoding=encoding)
        else:
            text = decode_text(_read_whole(item), encoding or "utf-8")
            if isinstance(text, ReadError):
                raise _Unreadable(text.message)
            document = webpages.document_from_markdown(text, name=item.name, source=source)
    except WebPageError as exc:
        raise _Unreadable(str(exc)) from None
    return InputDocument.of(document)


def _read_whole(item: Input) -> bytes:
    """The bytes of a file read at once (HTML, Markdown), or of standard input; at most ``STDIN_LIMIT``."""
    if item.path is None:
        return _read_stdin()
    try:
        if item.path.stat().st_size > STDIN_LIMIT:
            raise _Unreadable(f"larger than {STDIN_LIMIT >> 20} MB, more than a web page holds")
        return item.path.read_bytes()
    except OSError as exc:
        raise _Unreadable(f"cannot read ({exc.strerror})") from None


def _read_stdin() -> bytes:
    """Standard input, read in bounded blocks; larger than ``STDIN_LIMIT`` is refused."""
    if sys.stdin is None:  # started with standard input closed (``<&-``)
        raise _Unreadable("standard input is closed; give files to score, or open standard input")
    stream = sys.stdin.buffer
    blocks, size = [], 0
    while block := stream.read(1 << 20):
        size += len(block)
        if size > STDIN_LIMIT:
            raise _Unreadable(f"standard input is larger than {STDIN_LIMIT >> 20} MB; save it to a file, "
                              "which is scored in parts")
        blocks.append(block)
    return b"".join(blocks)


def _read_text_parts(item: Input, part_bytes: int | None = None, encoding: str = "utf-8") -> Iterator[InputDocument]:
    """A large text file in parts of about ``part_bytes``, each ending after a paragraph break
    (or a line break, or anywhere when a part has none), with its offset in the whole file."""
    assert item.path is not None  # standard input is never read in parts
    size = part_bytes or PART_BYTES
    decoder = codecs.getincrementaldecoder(encoding)()
    offset, part, carry, read = 0, 0, "", 0
    try:
        with open(item.path, "rb") as fh:
            while True:
                block = fh.read(size)
                final = not block
                if part == 0 and looks_binary(block, encoding):
                    raise _Unreadable("a binary file, not text")
                try:
                    text = carry + decoder.decode(block, final=final)
                except UnicodeDecodeError as exc:
                    raise _Unreadable(undecodable(exc, encoding, read)) from None
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


def _read_table(item: Input, text_column: str, id_column: str, on_problem: Callable[[ReadProblem], None],
                encoding: str = "utf-8") -> Iterator[InputDocument]:
    """One document per row of a CSV/TSV file with a header naming ``text_column``."""
    assert item.path is not None
    for number, row in table_rows(item.path, "\t" if item.kind == "tsv" else ",", encoding):
        if isinstance(row, ReadError):
            raise _Unreadable(row.message)
        if isinstance(row, TableHeader):
            if text_column not in row.columns:
                raise _Unreadable(f"no column {text_column!r} (columns: {', '.join(row.columns) or 'none'}); "
                                  "name the text column with --text-column")
            continue
        yield InputDocument(row.get(id_column) or f"{item.name}:{number}", row.get(text_column) or "")

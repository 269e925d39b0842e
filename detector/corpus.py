"""Corpus readers: labelled documents from JSONL, CSV/TSV and the PTC layout.

Every reader returns ``Document`` objects whose spans are character offsets into the text
(end exclusive).  Malformed input raises ``DataError`` listing every problem found, each
with its file and line, so a data set can be fixed in one pass.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import DataError
from .readers import ReadError, TableHeader, jsonl_records, read_text, table_rows
from .results import DocumentInfo
from .segmentation import Sentence, split_sentences
from .taxonomy import PTC_LABELS, TECHNIQUE_IDS, is_technique

__all__ = [
    "LabelledSpan", "Document", "FORMATS", "read_corpus", "read_jsonl", "read_table", "read_ptc", "infer_format",
    "corpus_fingerprint", "CorpusSummary", "summarise_corpus", "gold_matrix", "document_record",
    "predicted_document",
]

FORMATS = ("jsonl", "csv", "tsv", "ptc")
_MAX_ERRORS_SHOWN = 20
_PTC_ARTICLE = re.compile(r"^article(.+)\.txt$")


@dataclass(frozen=True, slots=True)
class LabelledSpan:
    """A stretch of a document, ``text[start:end]``, that uses ``technique``."""

    start: int
    end: int
    technique: str


@dataclass(frozen=True)
class Document:
    """A text with its technique spans.

    ``sentences`` is set when the source fixes the sentence units (PTC lines, CSV rows);
    otherwise the text is segmented with ``split_sentences``.  ``metadata`` holds the title,
    author, date and source of a document read from a web page or Markdown
    (``detector.webpages``); scoring carries it into the ``DocumentResult``.
    """

    id: str
    text: str
    spans: tuple[LabelledSpan, ...] = ()
    fixed_sentences: tuple[Sentence, ...] | None = field(default=None, repr=False)
    metadata: DocumentInfo | None = None

    def sentences(self) -> list[Sentence]:
        """The document's sentence units, in order."""
        if self.fixed_sentences is not None:
            return list(self.fixed_sentences)
        return split_sentences(self.text)

    def sentence_labels(self, sentences: Iterable[Sentence] | None = None) -> list[frozenset[str]]:
        """For each sentence, the techniques of the spans that overlap it."""
        units = self.sentences() if sentences is None else sentences
        return [
            frozenset(s.technique for s in self.spans if s.start < u.end and s.end > u.start)
            for u in units
        ]


def infer_format(path: Path) -> str:
    """The data format implied by a path: a directory is PTC, otherwise the file suffix."""
    if path.is_dir():
        return "ptc"
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("jsonl", "csv", "tsv"):
        return suffix
    raise DataError(
        f"cannot tell the data format from the name; use --format with one of {', '.join(FORMATS)}",
        str(path),
    )


def read_corpus(
    path: str | Path, format: str | None = None, labels: str | Path | None = None
) -> list[Document]:
    """Read labelled documents from ``path`` in ``format`` (inferred from the path when None).

    ``labels`` is only used by the PTC format: a directory of ``*.labels`` files or one
    combined file.  Raises ``DataError`` for a missing path or malformed data.
    """
    path = Path(path)
    if not path.exists():
        raise DataError("no such file or directory", str(path))
    fmt = format.lower() if format else infer_format(path)
    if fmt not in FORMATS:
        raise DataError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}", str(path))
    if fmt == "ptc":
        return read_ptc(path, labels)
    if labels is not None:
        raise DataError("--labels only applies to the PTC format", str(path))
    if path.is_dir():
        raise DataError(f"a directory cannot be read as {fmt}", str(path))
    if fmt == "jsonl":
        return read_jsonl(path)
    return read_table(path, delimiter="\t" if fmt == "tsv" else ",")


def _read_text(path: Path) -> str:
    text = read_text(path)
    if isinstance(text, ReadError):
        raise DataError(text.message, str(path))
    return text


def _raise_all(errors: list[DataError], path: Path) -> None:
    if not errors:
        return
    if len(errors) == 1:
        raise errors[0]
    shown = "\n".join(str(e) for e in errors[:_MAX_ERRORS_SHOWN])
    more = f"\n... and {len(errors) - _MAX_ERRORS_SHOWN} more" if len(errors) > _MAX_ERRORS_SHOWN else ""
    raise DataError(f"{len(errors)} problems in the data:\n{shown}{more}", str(path))


def _unknown_technique(name: object) -> str:
    return f"unknown technique {name!r}; known techniques: {', '.join(TECHNIQUE_IDS)}"


# Keys a training record may have besides id, text and spans: the corpus's own metadata.
_METADATA_KEYS = frozenset({"topic", "register", "side", "source", "record", "licence", "part", "metadata"})


def _unknown_key_hint(record: dict, unknown: list[str]) -> str:
    """What a record with unknown keys probably is, and how to turn it into training data."""
    keys = set(record)
    if "data" in keys and ({"annotations", "predictions", "completions"} & keys):
        return " (this looks like a Label Studio task: convert it with `detector import labelstudio`)"
    if "entities" in keys or any(isinstance(record.get(k), list) and all(isinstance(x, list) for x in record[k])
                                 for k in ("label", "labels") if k in keys):
        return " (this looks like a doccano export: convert it with `detector import doccano`)"
    if "document" in keys and "sentences" in keys:
        return (" (this looks like `detector score` output, which holds predictions: write them with "
                "`detector score --format training` to correct and train on them)")
    if {"labels", "label", "techniques", "technique"} & set(unknown):
        return " (technique labels go in 'spans': [{\"start\", \"end\", \"technique\"}])"
    return ""


def _parse_jsonl_record(record: dict, path: Path, lineno: int) -> Document:
    def fail(message: str) -> DataError:
        return DataError(message, str(path), lineno)

    unknown = sorted(set(record) - {"id", "text", "spans"} - _METADATA_KEYS)
    if unknown:
        hint = _unknown_key_hint(record, unknown)
        raise fail(f"unknown key {unknown[0]!r}; a record has 'id', 'text' and 'spans'{hint}")
    text = record.get("text")
    if not isinstance(text, str):
        raise fail("'text' must be a string")
    doc_id = record.get("id", f"{path}:{lineno}")
    if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool):
        raise fail("'id' must be a string")
    spans_raw = record.get("spans", [])
    if not isinstance(spans_raw, list):
        raise fail("'spans' must be a list")
    spans = []
    for i, span in enumerate(spans_raw):
        if not isinstance(span, dict):
            raise fail(f"span {i} must be an object with start, end and technique")
        start, end, technique = span.get("start"), span.get("end"), span.get("technique")
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
            raise fail(f"span {i}: 'start' and 'end' must be integers")
        if not 0 <= start < end <= len(text):
            raise fail(f"span {i}: offsets {start}-{end} fall outside the text (length {len(text)})")
        if not isinstance(technique, str) or not is_technique(technique):
            raise fail(f"span {i}: {_unknown_technique(technique)}")
        spans.append(LabelledSpan(start, end, technique))
    return Document(str(doc_id), text, tuple(spans))


def document_record(document: Document, metadata: dict | None = None) -> dict:
    """The native JSONL record of a document, ``{"id", "text", "spans"}``: what ``read_jsonl`` reads.

    ``metadata`` (any JSON object) is kept under the ``metadata`` key, which training ignores.
    """
    record: dict = {"id": document.id, "text": document.text,
                    "spans": [{"start": s.start, "end": s.end, "technique": s.technique} for s in document.spans]}
    if metadata:
        record["metadata"] = metadata
    return record


def predicted_document(result: dict, text: str, offset: int = 0) -> Document:
    """A scored document's predictions as labels: the ``Document`` to correct and train on.

    ``result`` is the JSON object of a scored document (``DocumentResult.to_dict``) and
    ``text`` the text it was scored on, which starts ``offset`` characters into the file (a
    part of a large file).  Every evidence phrase of a detected technique becomes a span of
    that technique; a technique detected without evidence (the results were not explained,
    or no word stood out) spans its whole sentence, so no detection is lost.  Unclear
    sentences give no span: they named no technique.
    """
    spans: dict[LabelledSpan, None] = {}
    for sentence in result["sentences"]:
        for technique in sentence["techniques"]:
            phrases = technique.get("evidence") or [sentence]
            for phrase in phrases:
                start, end = phrase["start"] - offset, phrase["end"] - offset
                if not 0 <= start < end <= len(text):
                    raise DataError(f"a prediction at {phrase['start']}-{phrase['end']} falls outside the text "
                                    f"(length {len(text)}, offset {offset})", str(result["document"]))
                spans[LabelledSpan(start, end, technique["technique"])] = None
    doc_id = str(result["document"]) if not offset else f"{result['document']}@{offset}"
    return Document(doc_id, text, tuple(sorted(spans, key=lambda s: (s.start, s.end))))


def read_jsonl(path: Path) -> list[Document]:
    """Read the native format: one ``{"id", "text", "spans"}`` object per line."""
    documents, errors = [], []
    for lineno, record in jsonl_records(path):
        if isinstance(record, ReadError):
            errors.append(DataError(record.message, str(path), record.line))
            continue
        try:
            documents.append(_parse_jsonl_record(record, path, lineno))
        except DataError as exc:
            errors.append(exc)
    _raise_all(errors, path)
    if not documents:
        raise DataError("no documents in the file", str(path))
    return documents


def read_table(path: Path, delimiter: str = ",") -> list[Document]:
    """Read CSV/TSV rows with columns ``text`` and ``labels`` (ids separated by ``;``).

    Each row is one labelled sentence: a document whose single unit is the whole text.
    An optional ``id`` column names the rows.
    """
    documents, errors = [], []
    for lineno, row in table_rows(path, delimiter):
        if isinstance(row, ReadError):
            errors.append(DataError(row.message, str(path), row.line))
            continue
        if isinstance(row, TableHeader):
            _check_table_header(row.columns, path)
            continue
        text = row.get("text") or ""
        if not text.strip():
            errors.append(DataError("empty text", str(path), lineno))
            continue
        names = [n.strip() for n in (row.get("labels") or "").split(";") if n.strip()]
        unknown = [n for n in names if not is_technique(n)]
        if unknown:
            errors.append(DataError(_unknown_technique(unknown[0]), str(path), lineno))
            continue
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        unit = Sentence(start, end, text[start:end])
        spans = tuple(LabelledSpan(start, end, n) for n in dict.fromkeys(names))
        documents.append(Document(row.get("id") or f"{path}:{lineno}", text, spans, (unit,)))
    _raise_all(errors, path)
    if not documents:
        raise DataError("no rows in the file", str(path))
    return documents


# Columns that look like technique labels under another name: a file with one of them and no
# 'labels' column would otherwise fail with a bare "missing column".
_LABEL_LIKE_COLUMNS = ("label", "technique", "techniques", "tags", "tag")


def _check_table_header(columns: Sequence[str], path: Path) -> None:
    if "techniques" in columns and "document" in columns and "text" in columns:
        raise DataError("this looks like `detector score --format csv` output, which holds predictions, not "
                        "training labels; write them with `detector score --format training` to correct and "
                        "train on them", str(path), 1)
    missing = [c for c in ("text", "labels") if c not in columns]
    if not missing:
        return
    hint = ""
    label_like = [c for c in columns if c.strip().lower() in _LABEL_LIKE_COLUMNS or c.strip().lower() == "labels"]
    if "labels" in missing and label_like:
        hint = f" (technique ids separated by ';' go in a column named 'labels', not {label_like[0]!r})"
    raise DataError(f"missing column(s) {', '.join(missing)}; the header must name 'text' and 'labels'{hint}",
                    str(path), 1)


def _ptc_label_lines(labels: Path) -> Iterator[tuple[Path, int, str]]:
    files = sorted(labels.glob("*.labels")) if labels.is_dir() else [labels]
    for file in files:
        for lineno, line in enumerate(_read_text(file).splitlines(), 1):
            if line.strip():
                yield file, lineno, line


def read_ptc(articles: Path, labels: str | Path | None = None) -> list[Document]:
    """Read PTC articles (``article<ID>.txt``) with tab-separated ``id technique start end`` labels.

    Texts are read as UTF-8 without dropping a byte-order mark, since the offsets count it.
    The sentence units are the non-empty lines.  Articles without labels have no techniques.
    """
    if not articles.is_dir():
        raise DataError("the PTC format needs a directory of article<ID>.txt files", str(articles))
    texts: dict[str, str] = {}
    for file in sorted(articles.glob("article*.txt")):
        match = _PTC_ARTICLE.match(file.name)
        if match:
            texts[match.group(1)] = _read_text(file)
    if not texts:
        raise DataError("no article<ID>.txt files in the directory", str(articles))
    spans: dict[str, list[LabelledSpan]] = {k: [] for k in texts}
    errors: list[DataError] = []
    if labels is not None:
        labels = Path(labels)
        if not labels.exists():
            raise DataError("no such labels file or directory", str(labels))
        for file, lineno, line in _ptc_label_lines(labels):
            fields = line.rstrip("\r\n").split("\t")
            if len(fields) != 4:
                errors.append(DataError(
                    f"expected 4 tab-separated columns (id, technique, start, end), found {len(fields)}",
                    str(file), lineno))
                continue
            article_id, name, start_s, end_s = fields
            technique = PTC_LABELS.get(name) or (name if is_technique(name) else None)
            if technique is None:
                errors.append(DataError(
                    f"unknown PTC technique {name!r}; known: {', '.join(PTC_LABELS)}", str(file), lineno))
                continue
            if article_id not in texts:
                errors.append(DataError(f"no article{article_id}.txt for this label", str(file), lineno))
                continue
            try:
                start, end = int(start_s), int(end_s)
            except ValueError:
                errors.append(DataError("start and end must be integers", str(file), lineno))
                continue
            if not 0 <= start < end <= len(texts[article_id]):
                errors.append(DataError(
                    f"offsets {start}-{end} fall outside article{article_id}.txt "
                    f"(length {len(texts[article_id])})", str(file), lineno))
                continue
            spans[article_id].append(LabelledSpan(start, end, technique))
        _raise_all(errors, labels)
    documents = []
    for article_id, text in texts.items():
        lines = tuple(
            Sentence(m.start(), m.end(), m.group()) for m in re.finditer(r"[^\n]*\S[^\n]*", text)
        )
        units = tuple(_strip_unit(u) for u in lines)
        documents.append(Document(article_id, text, tuple(spans[article_id]), units))
    return documents


def _strip_unit(unit: Sentence) -> Sentence:
    stripped = unit.text.strip()
    start = unit.start + len(unit.text) - len(unit.text.lstrip())
    return Sentence(start, start + len(stripped), stripped)


def corpus_fingerprint(documents: Iterable[Document]) -> str:
    """SHA-256 over the documents' ids, texts and spans: identifies the training data."""
    digest = hashlib.sha256()
    for doc in documents:
        payload = [doc.id, doc.text, [(s.start, s.end, s.technique) for s in doc.spans]]
        digest.update(json.dumps(payload, ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


@dataclass(frozen=True)
class CorpusSummary:
    """What a labelled data set holds, sentence by sentence."""

    documents: int
    sentences: int
    clean_sentences: int
    technique_sentences: dict[str, int]


def summarise_corpus(documents: Sequence[Document]) -> CorpusSummary:
    """Count documents, sentence units, unlabelled sentences and sentences per technique."""
    counts: dict[str, int] = {}
    sentences = clean = 0
    for doc in documents:
        for techniques in doc.sentence_labels():
            sentences += 1
            clean += not techniques
            for t in techniques:
                counts[t] = counts.get(t, 0) + 1
    return CorpusSummary(len(documents), sentences, clean, dict(sorted(counts.items(), key=lambda kv: -kv[1])))


def gold_matrix(documents: Iterable[Document], labels: Sequence[str]) -> np.ndarray:
    """0/1 gold labels for every sentence unit of the documents, in reading order."""
    index = {label: j for j, label in enumerate(labels)}
    rows = []
    for doc in documents:
        for techniques in doc.sentence_labels():
            row = np.zeros(len(labels), dtype=np.int8)
            for t in techniques:
                if t in index:
                    row[index[t]] = 1
            rows.append(row)
    return np.array(rows, dtype=np.int8).reshape(len(rows), len(labels))

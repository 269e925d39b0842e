"""Output writers: every format the results can be written in, behind one registry.

``get_writer(format, ...)`` returns a writer for one run: ``start()``, then ``write(result)``
for each ``DocumentResult`` as it is scored (so large runs stream: JSONL and CSV are complete
after every document, JSON is an array opened by ``start`` and closed by ``finish``), then
``finish()``.  ``write_results`` drives a writer over results into a stream, and ``render``
returns a whole run as one string.  The command line and the library use the same writers:

    from detector import Detector, render
    Path("report.html").write_text(render(Detector.load().score_documents([("a.txt", text)]), "html"))

Views read by people escape control characters, so text cannot drive the terminal; CSV
cells that a spreadsheet would run as a formula are neutralised unless ``csv_raw``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol, TextIO

from ._display import aligned_table, metadata_fields, metadata_line, model_label, quoted_name, visible
from .errors import DetectorError
from .results import DocumentInfo, DocumentResult, DocumentSummary, SentenceResult, TechniqueScore

__all__ = ["WRITERS", "Writer", "WriterOptions", "get_writer", "ignored_options", "write_results", "render"]

# A web page's title, author, date and source: columns of the CSV and summary outputs, empty
# for plain text (a CSV run has one header, whatever mix of documents it holds).
_METADATA_COLUMNS = ("title", "author", "date", "source")

#: The formats ``get_writer`` knows.  ``terminal`` is the coloured view of ``text``.
WRITERS = ("text", "json", "jsonl", "csv", "html", "terminal", "training")
_CSV_COLUMNS = ["document", "start", "end", "score", "flagged", "techniques", "voices", "text", "evidence",
                "candidates", "kind", "model", *_METADATA_COLUMNS]
_SUMMARY_COLUMNS = ["document", "sentences", "flagged", "unclear", "techniques", "model", *_METADATA_COLUMNS]
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object, raw: bool) -> object:
    if not raw and isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class Writer(Protocol):
    """Writes one run: ``start``, then ``write`` per document, then ``finish``."""

    def start(self) -> str: ...

    def write(self, result: DocumentResult) -> str: ...

    def finish(self) -> str: ...


@dataclass(frozen=True)
class WriterOptions:
    """What a run's writer shows beyond the default."""

    all_scores: bool = False
    csv_raw: bool = False
    model: dict | None = None


@dataclass
class _StreamWriter:
    """A format made of a header, one rendering per document and a footer."""

    header: str
    document: Callable[[DocumentResult, int, WriterOptions], str]
    footer: str
    options: WriterOptions = field(default_factory=WriterOptions)
    written: int = 0

    def start(self) -> str:
        return self.header

    def write(self, result: DocumentResult) -> str:
        out = self.document(result, self.written, self.options)
        self.written += 1
        return out

    def finish(self) -> str:
        return self.footer


def json_document(result: DocumentResult, index: int, options: WriterOptions) -> str:
    """One element of the JSON array (with the separating comma after the first)."""
    return _json_element(result.to_dict(options.all_scores), index, options)


def jsonl_document(result: DocumentResult, index: int, options: WriterOptions) -> str:
    """One JSON object on one line."""
    return _json_line(result.to_dict(options.all_scores), options)


def _json_element(record: dict, index: int, options: WriterOptions) -> str:
    body = json.dumps(_with_model(record, options), ensure_ascii=False, indent=2)
    return ("" if index == 0 else ",\n") + body


def _json_line(record: dict, options: WriterOptions) -> str:
    return json.dumps(_with_model(record, options), ensure_ascii=False) + "\n"


def _with_model(record: dict, options: WriterOptions) -> dict:
    if options.model is not None:
        record["model"] = options.model
    return record


def _voice_text(t: TechniqueScore) -> str:
    """``author``, ``quoted`` or ``quoted (speaker)``; empty when the voice is unknown."""
    if t.voice is None:
        return ""
    return f"{t.voice} ({t.speaker})" if t.speaker else t.voice


def _candidates_text(s: SentenceResult) -> str:
    """``technique score; technique score`` for an unclear sentence, empty otherwise."""
    return "; ".join(f"{c.technique} {c.score:.2f}" for c in s.candidates) if s.unclear else ""


def _evidence_text(technique: TechniqueScore) -> str:
    return " | ".join(e.text for e in technique.evidence or ())


def csv_document(result: DocumentResult, index: int, options: WriterOptions) -> str:
    """One CSV row per sentence; with ``all_scores`` one extra column per technique.

    The ``evidence`` column (empty unless the results were explained) reads
    ``technique: words | words; technique: words``; ``candidates`` names the two likeliest
    techniques of an unclear sentence.  Text cells that a spreadsheet would run as a formula
    get a leading ``'`` unless ``csv_raw``.
    """
    all_scores = options.all_scores
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    technique_columns = list(result.sentences[0].all_scores) if all_scores and result.sentences else []
    metadata = _metadata_cells(result.metadata)
    if index == 0:
        writer.writerow(_CSV_COLUMNS + (technique_columns if all_scores else []))
    for s in result.sentences:
        evidence = "; ".join(f"{t.technique}: {_evidence_text(t)}" for t in s.techniques if t.evidence)
        row = [result.document, s.start, s.end, f"{s.score:.4f}", int(s.flagged),
               ";".join(t.technique for t in s.techniques), ";".join(_voice_text(t) for t in s.techniques),
               s.text, evidence, _candidates_text(s), s.kind, model_label(options.model), *metadata]
        row += [f"{s.all_scores[t]:.4f}" for t in technique_columns]
        writer.writerow([_cell(value, options.csv_raw) for value in row])
    return buffer.getvalue()


def _metadata_cells(metadata: DocumentInfo | None) -> list[str]:
    """The title, author, date and source of a document, empty strings where unknown."""
    info = metadata.to_dict() if metadata is not None else {}
    return [info.get(column) or "" for column in _METADATA_COLUMNS]


def text_document(result: DocumentResult, index: int, options: WriterOptions) -> str:
    """A readable plain-text view: every sentence, flagged ones marked with their techniques."""
    all_scores = options.all_scores
    lines = [] if index == 0 else [""]
    lines.append(f"== {visible(quoted_name(result.document))}: {len(result.sentences)} sentences, "
                 f"{result.flagged} flagged")
    if about := metadata_line(result.metadata):
        lines.append(f"-- {about}")
    for s in result.sentences:
        marker = ">>" if s.flagged else "  "
        lines.append(f"{marker} {visible(s.text)}")
        if s.unclear:
            lines.append(f"     [{s.score:.2f}] unclear: no technique over its threshold "
                         f"(candidates: {_candidates_text(s)})")
        elif s.flagged:
            tags = ", ".join(f"{t.technique} {t.score:.2f}" + (f" [{visible(_voice_text(t))}]" if t.voice else "")
                             for t in s.techniques)
            lines.append(f"     [{s.score:.2f}] {tags}")
            for t in s.techniques:
                if t.evidence:
                    words = ", ".join(f'"{visible(e.text)}" ({e.share:.0%})' for e in t.evidence)
                    lines.append(f"       {t.technique}: {words}")
        if all_scores:
            ranked = sorted(s.all_scores.items(), key=lambda kv: -kv[1])
            lines.append("     all: " + ", ".join(f"{k} {v:.2f}" for k, v in ranked))
    return "\n".join(lines) + "\n"


def _top_text(summary: DocumentSummary, n: int = 3) -> str:
    return ", ".join(f"{technique} {count}" for technique, count in summary.techniques[:n])


def summary_json(summary: DocumentSummary, index: int, options: WriterOptions) -> str:
    """One element of the JSON array of summaries (with the separating comma after the first)."""
    return _json_element(summary.to_dict(), index, options)


def summary_jsonl(summary: DocumentSummary, index: int, options: WriterOptions) -> str:
    """One document's summary as one JSON object on one line."""
    return _json_line(summary.to_dict(), options)


def summary_csv(summary: DocumentSummary, index: int, options: WriterOptions) -> str:
    """One CSV row per document; ``techniques`` reads ``technique:sentences;technique:sentences``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if index == 0:
        writer.writerow(_SUMMARY_COLUMNS)
    row = [summary.document, summary.sentences, summary.flagged, summary.unclear,
           ";".join(f"{technique}:{count}" for technique, count in summary.techniques), model_label(options.model),
           *_metadata_cells(summary.metadata)]
    writer.writerow([_cell(value, options.csv_raw) for value in row])
    return buffer.getvalue()


def summary_table(summaries: list[DocumentSummary]) -> str:
    """The summaries as an aligned plain-text table, one row per document, for people to read.

    The title, author, date and source columns appear when some document (a web page, a
    Markdown file) has a value for them: a table of plain texts stays as narrow as before.
    """
    cells = [_metadata_cells(s.metadata) for s in summaries]
    shown = [k for k in range(len(_METADATA_COLUMNS)) if any(row[k] for row in cells)]
    rows = [[visible(quoted_name(s.document)), str(s.sentences), str(s.flagged), str(s.unclear), _top_text(s),
             *(visible(quoted_name(row[k])) if row[k] else "" for k in shown)]
            for s, row in zip(summaries, cells, strict=True)]
    return aligned_table(["document", "sentences", "flagged", "unclear", "top techniques",
                          *(_METADATA_COLUMNS[k] for k in shown)], rows, right={1, 2, 3})


#: ``--summary`` in each format: (header, one document, footer); None renders the aligned table.
_SUMMARIES: dict[str, tuple[str, Callable[[DocumentSummary, int, WriterOptions], str] | None, str]] = {
    "text": ("", None, ""),
    "json": ("[\n", summary_json, "\n]\n"),
    "jsonl": ("", summary_jsonl, ""),
    "csv": ("", summary_csv, ""),
}


@dataclass
class _SummaryWriter:
    """Writes one summary per document; the parts of a large file are added up into one.

    A document's summary is written when the next document starts, or at the end, because a
    large file arrives in several parts.  The text table is aligned over all its rows, so it
    is written whole by ``finish``.
    """

    header: str
    document: Callable[[DocumentSummary, int, WriterOptions], str] | None
    footer: str
    options: WriterOptions = field(default_factory=WriterOptions)
    written: int = 0
    pending: DocumentSummary | None = None
    table: list[DocumentSummary] = field(default_factory=list)

    def start(self) -> str:
        return self.header

    def write(self, result: DocumentResult) -> str:
        summary = DocumentSummary.of(result)
        if result.continued and self.pending is not None and self.pending.document == result.document:
            self.pending = self.pending.merged(summary)
            return ""
        out = self._flush()
        self.pending = summary
        return out

    def _flush(self) -> str:
        summary, self.pending = self.pending, None
        if summary is None:
            return ""
        self.written += 1
        if self.document is None:
            self.table.append(summary)
            return ""
        return self.document(summary, self.written - 1, self.options)

    def finish(self) -> str:
        out = self._flush()
        if self.document is None:
            out += summary_table(self.table) if self.table else "no documents\n"
        return out + self.footer


def training_document(result: DocumentResult, index: int, options: WriterOptions) -> str:
    """The predictions as one training JSONL record (``id``, ``text``, ``spans``) to correct and train on.

    Each evidence phrase of a detected technique is a span (a technique without evidence
    spans its sentence); ``detector train`` and ``detector export`` read the record back.
    The record's ``metadata`` names the model that made the predictions (``predicted_by``) and,
    for a web page or Markdown file, its known ``title``, ``author``, ``date`` and ``source``.
    """
    from .corpus import document_record, predicted_document

    if result.text is None:
        raise DetectorError(f"the training format needs the text of {quoted_name(result.document)}: "
                            "score it with Detector.score_documents, which keeps it")
    document = predicted_document(result.to_dict(), result.text, result.offset)
    metadata: dict = dict(metadata_fields(result.metadata))
    if options.model is not None:
        metadata["predicted_by"] = options.model
    return json.dumps(document_record(document, metadata), ensure_ascii=False) + "\n"


_STREAMS: dict[str, tuple[str, Callable[[DocumentResult, int, WriterOptions], str], str]] = {
    "json": ("[\n", json_document, "\n]\n"),
    "jsonl": ("", jsonl_document, ""),
    "csv": ("", csv_document, ""),
    "text": ("", text_document, ""),
    "training": ("", training_document, ""),
}


def get_writer(format: str, *, all_scores: bool = False, csv_raw: bool = False, width: int | None = None,
               model: dict | None = None, explain: bool = False, summary: bool = False) -> Writer:
    """A writer for one run in ``format`` (one of ``WRITERS``).

    ``all_scores`` adds every technique's score (the HTML page as a table per document);
    ``csv_raw`` writes CSV cells as they are (no formula guard); ``width`` sets the terminal
    view's width; ``model`` (a detector's ``model_info``) names the model in every JSON record,
    CSV row and the HTML page; ``explain`` makes the terminal view list each technique's
    evidence words under its sentence (it always highlights them).
    ``summary`` writes one summary per document instead of its sentences (text, json,
    jsonl and csv; the terminal view's summary is the text table; the HTML page always ends
    with its own summary, so it has no summary-only form).
    """
    options = WriterOptions(all_scores=all_scores, csv_raw=csv_raw, model=model)
    if summary:
        key = "text" if format == "terminal" else format
        if key not in _SUMMARIES:
            raise DetectorError(f"no summary-only form of {format!r}; use one of {', '.join(_SUMMARIES)}"
                                + (" (the HTML page always ends with a summary)" if format == "html" else ""))
        header, row, footer = _SUMMARIES[key]
        return _SummaryWriter(header, row, footer, options)
    if format == "html":
        from .html_page import HtmlPage

        return HtmlPage(model=model, all_scores=all_scores)
    if format == "terminal":
        from .terminal_view import TerminalView

        return TerminalView(width=width, all_scores=all_scores, explain=explain)
    if format not in _STREAMS:
        raise DetectorError(f"unknown format {format!r}; use one of {', '.join(WRITERS)}")
    header, document, footer = _STREAMS[format]
    return _StreamWriter(header, document, footer, options)


#: The run options each format shows.  The HTML page and the terminal view always carry the
#: evidence, and show every score with ``all_scores``; a summary shows neither.
_SHOWN: dict[str, frozenset[str]] = {
    "text": frozenset({"all_scores", "explain", "summary"}),
    "terminal": frozenset({"all_scores", "explain", "summary"}),
    "json": frozenset({"all_scores", "explain", "summary"}),
    "jsonl": frozenset({"all_scores", "explain", "summary"}),
    "csv": frozenset({"all_scores", "explain", "summary", "csv_raw"}),
    "html": frozenset({"all_scores", "explain"}),
    "training": frozenset({"explain"}),  # one span per evidence phrase: always explained
}
_SHOWN_IN_SUMMARY: dict[str, frozenset[str]] = {"csv": frozenset({"csv_raw"})}


def ignored_options(format: str, **chosen: bool) -> list[str]:
    """The options turned on in ``chosen`` (``summary``, ``all_scores``, ``explain``, ``csv_raw``)
    that a run in ``format`` would not show, in the order given."""
    shown = _SHOWN.get(format, frozenset())
    if chosen.get("summary") and "summary" in shown:
        shown = _SHOWN_IN_SUMMARY.get(format, frozenset()) | {"summary"}
    return [name for name, on in chosen.items() if on and name not in shown]


def write_results(results: Iterable[DocumentResult], writer: Writer, stream: TextIO,
                  on_result: Callable[[DocumentResult], None] | None = None, started: bool = False) -> int:
    """Write a run to ``stream``, flushing after every document; return how many were written.

    ``on_result`` is called after each document is written (progress bars); ``started``
    skips the header (a resumed run appends to output that already has it).
    """
    if not started:
        stream.write(writer.start())
    count = 0
    for result in results:
        stream.write(writer.write(result))
        stream.flush()
        count += 1
        if on_result is not None:
            on_result(result)
    stream.write(writer.finish())
    return count


def render(results: Iterable[DocumentResult], format: str = "json", **options: object) -> str:
    """The whole output for ``results`` in ``format`` as one string (options as ``get_writer``)."""
    buffer = io.StringIO()
    write_results(results, get_writer(format, **options), buffer)  # type: ignore[arg-type]
    return buffer.getvalue()

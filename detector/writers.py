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
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol, TextIO

from ._display import metadata_line, model_label, quoted_name, visible
from .errors import DetectorError
from .results import DocumentResult, SentenceResult, TechniqueScore

__all__ = ["WRITERS", "Writer", "WriterOptions", "get_writer", "write_results", "render"]

# A web page's title, author, date and source: columns of the CSV and summary outputs, empty
# for plain text (a CSV run has one header, whatever mix of documents it holds).
_METADATA_COLUMNS = ("title", "author", "date", "source")

#: The formats ``get_writer`` knows.  ``terminal`` is the coloured view of ``text``.
WRITERS = ("text", "json", "jsonl", "csv", "html", "summary", "terminal")
_CSV_COLUMNS = ["document", "start", "end", "score", "flagged", "techniques", "voices", "text", "evidence",
                "candidates", "kind", "model", *_METADATA_COLUMNS]
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
    body = json.dumps(_with_model(result.to_dict(options.all_scores), options), ensure_ascii=False, indent=2)
    return ("" if index == 0 else ",\n") + body


def jsonl_document(result: DocumentResult, index: int, options: WriterOptions) -> str:
    """One JSON object on one line."""
    return json.dumps(_with_model(result.to_dict(options.all_scores), options), ensure_ascii=False) + "\n"


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
    metadata = _metadata_cells(result)
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


def _metadata_cells(result: DocumentResult) -> list[str]:
    """The title, author, date and source of a document, empty strings where unknown."""
    info = result.metadata.to_dict() if result.metadata is not None else {}
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


def summary_document(result: DocumentResult, index: int, options: WriterOptions) -> str:
    """One tab-separated line per document: name, sentences, flagged, its three commonest
    techniques, then the title, author, date and source of a web page (empty for plain text).

    Only detected techniques are counted; unclear sentences count as flagged, never as a technique.
    """
    counts = Counter(t.technique for s in result.sentences for t in s.techniques)
    top = ",".join(f"{name}:{n}" for name, n in counts.most_common(3))
    header = "\t".join(("document", "sentences", "flagged", "top_techniques", *_METADATA_COLUMNS)) + "\n" \
        if index == 0 else ""
    metadata = "".join(f"\t{visible(quoted_name(value))}" for value in _metadata_cells(result))
    return header + (f"{visible(quoted_name(result.document))}\t{len(result.sentences)}\t{result.flagged}\t{top}"
                     f"{metadata}\n")


_STREAMS: dict[str, tuple[str, Callable[[DocumentResult, int, WriterOptions], str], str]] = {
    "json": ("[\n", json_document, "\n]\n"),
    "jsonl": ("", jsonl_document, ""),
    "csv": ("", csv_document, ""),
    "text": ("", text_document, ""),
    "summary": ("", summary_document, ""),
}


def get_writer(format: str, *, all_scores: bool = False, csv_raw: bool = False, width: int | None = None,
               model: dict | None = None) -> Writer:
    """A writer for one run in ``format`` (one of ``WRITERS``).

    ``all_scores`` adds every technique's score; ``csv_raw`` writes CSV cells as they are
    (no formula guard); ``width`` sets the terminal view's width; ``model`` (a detector's
    ``model_info``) names the model in every JSON record, CSV row and the HTML page.
    """
    options = WriterOptions(all_scores=all_scores, csv_raw=csv_raw, model=model)
    if format == "html":
        from .html_page import HtmlPage

        return HtmlPage(model=model)
    if format == "terminal":
        from .terminal_view import TerminalView

        return TerminalView(width=width, all_scores=all_scores)
    if format not in _STREAMS:
        raise DetectorError(f"unknown format {format!r}; use one of {', '.join(WRITERS)}")
    header, document, footer = _STREAMS[format]
    return _StreamWriter(header, document, footer, options)


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

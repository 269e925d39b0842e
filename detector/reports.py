"""Output formats: functions from ``DocumentResult`` objects to text.

Each format is written one document at a time, so large batches stream: JSONL and CSV are
complete after every document, JSON is an array opened by ``header`` and closed by ``footer``.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Protocol

from .results import DocumentResult, SentenceResult, TechniqueScore

OUTPUT_FORMATS = ("text", "json", "jsonl", "csv", "html")
_CSV_COLUMNS = ["document", "start", "end", "score", "flagged", "techniques", "text", "evidence", "candidates"]


@dataclass(frozen=True)
class StreamFormat:
    """How one output format writes a run: a header, each document, a footer.

    ``document(result, index, all_scores)`` renders one document; ``index`` is its place in
    the run, so a format can write a header row or a separator before the first or later ones.
    """

    header: str
    document: Callable[[DocumentResult, int, bool], str]
    footer: str

    def start(self) -> str:
        return self.header

    def write(self, result: DocumentResult, index: int, all_scores: bool = False) -> str:
        return self.document(result, index, all_scores)

    def finish(self) -> str:
        return self.footer


class ReportWriter(Protocol):
    """What the CLI writes a run with: ``start``, then ``write`` per document, then ``finish``."""

    def start(self) -> str: ...

    def write(self, result: DocumentResult, index: int, all_scores: bool = False) -> str: ...

    def finish(self) -> str: ...


def json_document(result: DocumentResult, index: int, all_scores: bool) -> str:
    """One element of the JSON array (with the separating comma after the first)."""
    body = json.dumps(result.to_dict(all_scores), ensure_ascii=False, indent=2)
    return ("" if index == 0 else ",\n") + body


def jsonl_document(result: DocumentResult, index: int, all_scores: bool) -> str:
    """One JSON object on one line."""
    return json.dumps(result.to_dict(all_scores), ensure_ascii=False) + "\n"


def _candidates_text(s: SentenceResult) -> str:
    """``technique score; technique score`` for an unclear sentence, empty otherwise."""
    return "; ".join(f"{c.technique} {c.score:.2f}" for c in s.candidates) if s.unclear else ""


def _evidence_text(technique: TechniqueScore) -> str:
    return " | ".join(e.text for e in technique.evidence or ())


def csv_document(result: DocumentResult, index: int, all_scores: bool) -> str:
    """One CSV row per sentence; with ``all_scores`` one extra column per technique.

    The ``evidence`` column (empty unless the results were explained) reads
    ``technique: words | words; technique: words``.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    technique_columns = list(result.sentences[0].all_scores) if all_scores and result.sentences else []
    if index == 0:
        writer.writerow(_CSV_COLUMNS + (technique_columns if all_scores else []))
    for s in result.sentences:
        evidence = "; ".join(f"{t.technique}: {_evidence_text(t)}" for t in s.techniques if t.evidence)
        row = [result.document, s.start, s.end, f"{s.score:.4f}", int(s.flagged),
               ";".join(t.technique for t in s.techniques), s.text, evidence, _candidates_text(s)]
        row += [f"{s.all_scores[t]:.4f}" for t in technique_columns]
        writer.writerow(row)
    return buffer.getvalue()


def text_document(result: DocumentResult, index: int, all_scores: bool) -> str:
    """A readable plain-text view: every sentence, flagged ones marked with their techniques."""
    lines = [] if index == 0 else [""]
    lines.append(f"== {result.document}: {len(result.sentences)} sentences, {result.flagged} flagged")
    for s in result.sentences:
        marker = ">>" if s.flagged else "  "
        lines.append(f"{marker} {s.text}")
        if s.unclear:
            lines.append(f"     [{s.score:.2f}] unclear: no technique over its threshold "
                         f"(candidates: {_candidates_text(s)})")
        elif s.flagged:
            tags = ", ".join(f"{t.technique} {t.score:.2f}" for t in s.techniques)
            lines.append(f"     [{s.score:.2f}] {tags}")
            for t in s.techniques:
                if t.evidence:
                    words = ", ".join(f'"{e.text}" ({e.weight:+.2f})' for e in t.evidence)
                    lines.append(f"       {t.technique}: {words}")
        if all_scores:
            ranked = sorted(s.all_scores.items(), key=lambda kv: -kv[1])
            lines.append("     all: " + ", ".join(f"{k} {v:.2f}" for k, v in ranked))
    return "\n".join(lines) + "\n"


def summary_document(result: DocumentResult, index: int, all_scores: bool) -> str:
    """One tab-separated line per document: name, sentences, flagged, its three commonest techniques.

    Only detected techniques are counted; unclear sentences count as flagged, never as a technique.
    """
    counts = Counter(t.technique for s in result.sentences for t in s.techniques)
    top = ",".join(f"{name}:{n}" for name, n in counts.most_common(3))
    header = "document\tsentences\tflagged\ttop_techniques\n" if index == 0 else ""
    return header + f"{result.document}\t{len(result.sentences)}\t{result.flagged}\t{top}\n"


SUMMARY = StreamFormat("", summary_document, "")

FORMATS: dict[str, StreamFormat] = {
    "json": StreamFormat("[\n", json_document, "\n]\n"),
    "jsonl": StreamFormat("", jsonl_document, ""),
    "csv": StreamFormat("", csv_document, ""),
    "text": StreamFormat("", text_document, ""),
}


def new_writer(format: str) -> ReportWriter:
    """A writer for one run in ``format`` (one of ``OUTPUT_FORMATS``)."""
    if format == "html":
        from .html_report import HtmlReport

        return HtmlReport()
    return FORMATS[format]


def render(results: list[DocumentResult], format: str = "json", all_scores: bool = False) -> str:
    """The whole output for ``results`` in ``format`` as one string."""
    if format == "json" and not results:
        return "[]\n"
    writer = new_writer(format)
    return writer.start() + "".join(writer.write(r, i, all_scores) for i, r in enumerate(results)) + writer.finish()

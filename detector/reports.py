"""Output formats: functions from ``DocumentResult`` objects to text.

Each format is written one document at a time, so large batches stream: JSONL and CSV are
complete after every document, JSON is an array opened by ``header`` and closed by ``footer``.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Callable

from .results import DocumentResult

OUTPUT_FORMATS = ("text", "json", "jsonl", "csv")
_CSV_COLUMNS = ["document", "start", "end", "score", "flagged", "techniques", "text"]


@dataclass(frozen=True)
class StreamFormat:
    """How one output format writes a run: a header, each document, a footer."""

    header: str
    document: Callable[[DocumentResult, int, bool], str]
    footer: str


def json_document(result: DocumentResult, index: int, all_scores: bool) -> str:
    """One element of the JSON array (with the separating comma after the first)."""
    body = json.dumps(result.to_dict(all_scores), ensure_ascii=False, indent=2)
    return ("" if index == 0 else ",\n") + body


def jsonl_document(result: DocumentResult, index: int, all_scores: bool) -> str:
    """One JSON object on one line."""
    return json.dumps(result.to_dict(all_scores), ensure_ascii=False) + "\n"


def csv_document(result: DocumentResult, index: int, all_scores: bool) -> str:
    """One CSV row per sentence; with ``all_scores`` one extra column per technique."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    technique_columns = list(result.sentences[0].all_scores) if all_scores and result.sentences else []
    if index == 0:
        writer.writerow(_CSV_COLUMNS + (technique_columns if all_scores else []))
    for s in result.sentences:
        row = [result.document, s.start, s.end, f"{s.score:.4f}", int(s.flagged),
               ";".join(t.technique for t in s.techniques), s.text]
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
        if s.flagged:
            tags = ", ".join(f"{t.technique} {t.score:.2f}" for t in s.techniques)
            lines.append(f"     [{s.score:.2f}] {tags}")
        if all_scores:
            ranked = sorted(s.all_scores.items(), key=lambda kv: -kv[1])
            lines.append("     all: " + ", ".join(f"{k} {v:.2f}" for k, v in ranked))
    return "\n".join(lines) + "\n"


FORMATS: dict[str, StreamFormat] = {
    "json": StreamFormat("[\n", json_document, "\n]\n"),
    "jsonl": StreamFormat("", jsonl_document, ""),
    "csv": StreamFormat("", csv_document, ""),
    "text": StreamFormat("", text_document, ""),
}


def render(results: list[DocumentResult], format: str = "json", all_scores: bool = False) -> str:
    """The whole output for ``results`` in ``format`` as one string."""
    fmt = FORMATS[format]
    if format == "json" and not results:
        return "[]\n"
    return fmt.header + "".join(fmt.document(r, i, all_scores) for i, r in enumerate(results)) + fmt.footer

"""The terminal view: the article with flagged sentences highlighted, drawn with rich.

Used for ``--format text`` when standard output is a terminal and ``NO_COLOR`` is not set;
otherwise the plain text view of ``writers`` is written.  A flagged sentence is underlined and
opened by a bar; its evidence words are drawn in their technique's colour (the palette of the
HTML page), and a badge per technique, in the same colour, closes it, so every technique of a
sentence shows.  ``explain`` lists each technique's evidence words under the sentence,
``all_scores`` every technique's score; a table of techniques closes each document.
"""

from __future__ import annotations

import io
import os
import sys
from collections import Counter
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ._display import (
    CONTROL,
    TEXT_ON_COLOUR,
    colour_of,
    document_text,
    evidence_segments,
    metadata_line,
    quoted_name,
    short_code,
    visible,
)
from .results import DocumentResult, SentenceResult


def wants_colour(stream: TextIO) -> bool:
    """True when ``stream`` is a terminal and the user has not asked for no colour (NO_COLOR)."""
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


class TerminalView:
    """Writes a run as coloured terminal text: ``start``, ``write`` per document, ``finish``."""

    def __init__(self, width: int | None = None, all_scores: bool = False, explain: bool = False) -> None:
        # A terminal that reports no width (COLUMNS=0) still gets a readable view.
        self.width = width or Console(file=sys.stdout).width or 80
        self.all_scores = all_scores
        self.explain = explain
        self.written = 0

    def _render(self, *renderables) -> str:
        buffer = io.StringIO()
        console = Console(file=buffer, force_terminal=True, width=self.width, color_system="truecolor",
                          highlight=False, soft_wrap=False)
        for renderable in renderables:
            console.print(renderable)
        return buffer.getvalue()

    def start(self) -> str:
        return ""

    def write(self, result: DocumentResult) -> str:
        index = self.written
        self.written += 1
        n = len(result.sentences)
        share = f" ({result.flagged / n:.0%})" if n else ""
        title = Text(f"{visible(quoted_name(result.document))}: {n} sentences, "
                     f"{result.flagged} flagged{share}", style="bold reverse")
        text = visible_keeping_offsets(document_text(result))
        article, cursor, detailed = Text(), 0, False
        for s in result.sentences:
            gap = text[cursor:s.start - result.offset]
            if detailed:
                # The lines under the previous sentence ended a line: the article resumes on a new one.
                gap = gap.lstrip(" \t")
                gap = gap if gap.startswith("\n") else "\n" + gap
            article.append(gap)
            article.append_text(_sentence(s))
            details = self._details(s)
            if details:
                article.append("\n")
                article.append_text(details)
            detailed = bool(details)
            cursor = s.end - result.offset
        rest = text[cursor:].rstrip("\n")
        article.append(("\n" + rest.lstrip(" \t")) if detailed and rest.strip() else rest)
        counts = Counter(t.technique for s in result.sentences for t in s.techniques)
        table = Table(title="Techniques", show_edge=False, title_justify="left")
        table.add_column("technique")
        table.add_column("sentences", justify="right")
        table.add_column("highest score", justify="right")
        for technique, k in counts.most_common():
            best = max(t.score for s in result.sentences for t in s.techniques if t.technique == technique)
            table.add_row(Text(technique, style=_on_colour(technique)), str(k), f"{best:.2f}")
        about = [Text(line, style="italic")] if (line := metadata_line(result.metadata)) else []
        parts = ([Text("")] if index else []) + [title, *about, article] + ([table] if counts else [])
        return self._render(*parts)

    def _details(self, s: SentenceResult) -> Text:
        """The lines shown under a sentence: evidence words (``explain``), every score (``all_scores``)."""
        lines = Text()
        if self.explain:
            for t in s.techniques:
                if t.evidence:
                    lines.append("    ")
                    lines.append(f" {short_code(t.technique)} ", style=_on_colour(t.technique))
                    lines.append(f" {t.technique}: ")
                    for k, e in enumerate(t.evidence):
                        lines.append(", " if k else "")
                        lines.append(f'"{visible(e.text)}"', style="bold")
                        lines.append(f" ({e.share:.0%})")
                    lines.append("\n")
        if self.all_scores and s.all_scores:
            ranked = sorted(s.all_scores.items(), key=lambda kv: -kv[1])
            lines.append("     all: " + ", ".join(f"{k} {v:.2f}" for k, v in ranked) + "\n", style="dim")
        lines.rstrip()
        return lines

    def finish(self) -> str:
        return ""


def visible_keeping_offsets(text: str) -> str:
    """Control characters replaced one for one by a visible mark, so sentence offsets still hold."""
    return CONTROL.sub("\ufffd", text)


def _on_colour(technique: str) -> str:
    return f"{TEXT_ON_COLOUR} on {colour_of(technique)}"


def _sentence(s: SentenceResult) -> Text:
    shown = visible_keeping_offsets(s.text)
    if not s.flagged:
        return Text(shown)
    line = Text("▍", style="bold")
    if s.unclear:
        line.append(shown, style="underline")
        line.append(f" [? {s.score:.2f} unclear]", style="bold")
        return line
    # Evidence in its technique's colour; words that are evidence for several techniques take
    # the first one's colour, and the badges after the sentence name them all.
    for start, end, covering in evidence_segments(s):
        style = "underline"
        if covering:
            style = f"bold underline {_on_colour(s.techniques[covering[0]].technique)}"
        line.append(shown[start:end], style=style)
    line.append(" [", style="bold")
    for k, t in enumerate(s.techniques):
        quoted = "“”" if t.voice == "quoted" else ""
        line.append(" " if k else "")
        line.append(f"{quoted}{short_code(t.technique)}:{t.score:.2f}", style=f"bold {_on_colour(t.technique)}")
    line.append("]", style="bold")
    return line

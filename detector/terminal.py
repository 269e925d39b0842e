"""The terminal view: the article with flagged sentences highlighted, drawn with rich.

Used for ``--format text`` when standard output is a terminal and ``NO_COLOR`` is not set;
otherwise the plain text view of ``reports`` is written.  Each flagged sentence gets its first
technique's colour, a tag with every technique and score, and its evidence words in bold
underline; a table of techniques closes each document.
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

from .html_report import COLOUR_OF, document_text, short_code
from .results import DocumentResult, SentenceResult


def wants_colour(stream: TextIO) -> bool:
    """True when ``stream`` is a terminal and the user has not asked for no colour (NO_COLOR)."""
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


class TerminalReport:
    """Writes a run as coloured terminal text: ``start``, ``write`` per document, ``finish``."""

    def __init__(self, width: int | None = None) -> None:
        self.width = width or Console(file=sys.stdout).width

    def _render(self, *renderables) -> str:
        buffer = io.StringIO()
        console = Console(file=buffer, force_terminal=True, width=self.width, color_system="truecolor",
                          highlight=False, soft_wrap=False)
        for renderable in renderables:
            console.print(renderable)
        return buffer.getvalue()

    def start(self) -> str:
        return ""

    def write(self, result: DocumentResult, index: int, all_scores: bool = False) -> str:
        title = Text(f"{result.document}: {len(result.sentences)} sentences, {result.flagged} flagged",
                     style="bold reverse")
        text = document_text(result)
        article, cursor = Text(), 0
        for s in result.sentences:
            article.append(text[cursor:s.start - result.offset])
            article.append_text(_sentence(s))
            cursor = s.end - result.offset
        article.append(text[cursor:].rstrip("\n"))
        counts = Counter(t.technique for s in result.sentences for t in s.techniques)
        table = Table(title="Techniques", show_edge=False, title_justify="left")
        table.add_column("technique")
        table.add_column("sentences", justify="right")
        table.add_column("highest score", justify="right")
        for technique, n in counts.most_common():
            best = max(t.score for s in result.sentences for t in s.techniques if t.technique == technique)
            table.add_row(Text(technique, style=f"black on {COLOUR_OF.get(technique, '#eeeeee')}"), str(n), f"{best:.2f}")
        parts = ([Text("")] if index else []) + [title, article] + ([table] if counts else [])
        return self._render(*parts)

    def finish(self) -> str:
        return ""


def _sentence(s: SentenceResult) -> Text:
    if not s.flagged:
        return Text(s.text)
    if s.unclear:
        line = Text(s.text, style="underline")
        line.append(f" [? {s.score:.2f} unclear]", style="bold")
        return line
    background = COLOUR_OF.get(s.techniques[0].technique, "#eeeeee")
    line = Text(s.text, style=f"black on {background}")
    for t in s.techniques:
        for e in t.evidence or ():
            line.stylize("bold underline", e.start - s.start, e.end - s.start)
    tags = " ".join(f"{short_code(t.technique)} {t.score:.2f}" for t in s.techniques)
    line.append(f" [{tags}]", style="bold")
    return line

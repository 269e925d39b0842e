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

from ._display import COLOUR_OF, CONTROL, document_text, metadata_line, quoted_name, short_code, visible
from .results import DocumentResult, SentenceResult


def wants_colour(stream: TextIO) -> bool:
    """True when ``stream`` is a terminal and the user has not asked for no colour (NO_COLOR)."""
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


class TerminalView:
    """Writes a run as coloured terminal text: ``start``, ``write`` per document, ``finish``."""

    def __init__(self, width: int | None = None, all_scores: bool = False) -> None:
        # A terminal that reports no width (COLUMNS=0) still gets a readable view.
        self.width = width or Console(file=sys.stdout).width or 80
        self.all_scores = all_scores
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
        title = Text(f"{visible(quoted_name(result.document))}: {len(result.sentences)} sentences, "
                     f"{result.flagged} flagged", style="bold reverse")
        text = visible_keeping_offsets(document_text(result))
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
            swatch = Text(technique, style=f"black on {COLOUR_OF.get(technique, '#eeeeee')}")
            table.add_row(swatch, str(n), f"{best:.2f}")
        about = [Text(line, style="italic")] if (line := metadata_line(result.metadata)) else []
        parts = ([Text("")] if index else []) + [title, *about, article] + ([table] if counts else [])
        return self._render(*parts)

    def finish(self) -> str:
        return ""


def visible_keeping_offsets(text: str) -> str:
    """Control characters replaced one for one by a visible mark, so sentence offsets still hold."""
    return CONTROL.sub("\ufffd", text)


def _sentence(s: SentenceResult) -> Text:
    shown = visible_keeping_offsets(s.text)
    if not s.flagged:
        return Text(shown)
    if s.unclear:
        line = Text(shown, style="underline")
        line.append(f" [? {s.score:.2f} unclear]", style="bold")
        return line
    background = COLOUR_OF.get(s.techniques[0].technique, "#eeeeee")
    line = Text(shown, style=f"black on {background}")
    for t in s.techniques:
        for e in t.evidence or ():
            line.stylize("bold underline", e.start - s.start, e.end - s.start)
    tags = " ".join(f"{short_code(t.technique)} {t.score:.2f}" for t in s.techniques)
    line.append(f" [{tags}]", style="bold")
    return line

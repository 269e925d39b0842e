"""Inline annotation markup: ``{{technique|words}}`` inside plain text.

The project's corpus is written in this form (``training_data/source``) because it keeps
labels readable while writing and reviewing; ``parse_markup`` turns it into plain text
with character spans.  Several techniques share one marker as ``{{a,b|words}}``; markers
do not nest.
"""

from __future__ import annotations

import re

from .corpus import LabelledSpan
from .errors import DataError
from .taxonomy import TECHNIQUE_IDS, is_technique

MARKER = re.compile(r"\{\{([^{}|]*)\|([^{}|]*)\}\}")


def parse_markup(marked: str, source: str | None = None, first_line: int = 1) -> tuple[str, list[LabelledSpan]]:
    """Return the plain text and its spans; raise ``DataError`` (with the line) on bad markup."""
    parts: list[str] = []
    spans: list[LabelledSpan] = []
    offset = 0
    position = 0

    def fail(message: str, at: int) -> DataError:
        return DataError(message, source or "<markup>", first_line + marked.count("\n", 0, at))

    for match in MARKER.finditer(marked):
        plain = marked[position:match.start()]
        if "{{" in plain or "}}" in plain:
            raise fail("unbalanced or nested marker", position + plain.find("{" if "{{" in plain else "}"))
        parts.append(plain)
        offset += len(plain)
        ids = [t.strip() for t in match.group(1).split(",") if t.strip()]
        words = match.group(2)
        if not ids or not words.strip() or words != words.strip():
            raise fail(f"bad marker {match.group(0)!r}: needs ids and words without outer spaces", match.start())
        for technique in ids:
            if not is_technique(technique):
                raise fail(f"unknown technique {technique!r}; known techniques: {', '.join(TECHNIQUE_IDS)}",
                           match.start())
            spans.append(LabelledSpan(offset, offset + len(words), technique))
        parts.append(words)
        offset += len(words)
        position = match.end()
    rest = marked[position:]
    if "{{" in rest or "}}" in rest:
        raise fail("unbalanced or nested marker", position)
    parts.append(rest)
    return "".join(parts), spans

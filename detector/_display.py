"""How results are shown to people: technique colours and codes, and text made safe to display.

Shared by the HTML page, the terminal view and the plain-text writers.  Text from an article
or a file name may hold control characters (terminal escape sequences that clear the screen,
set the title or write the clipboard): views escape them, and names that hold tabs or line
breaks are quoted so that they cannot forge lines of output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence

from .results import DocumentInfo, DocumentResult, SentenceResult
from .taxonomy import TECHNIQUES
from .taxonomy import short_code as short_code  # the views' technique codes are defined with the taxonomy

# One colour per technique, for the HTML page and the terminal view alike.  Each is a mid-tone:
# dark text (TEXT_ON_COLOUR) on it reaches WCAG AA contrast (4.5:1), and as an underline on the
# white page it reaches the 3:1 that WCAG asks of non-text marks.  Every pair differs by at least
# 10 in CIEDE2000, so no two techniques look alike (tests/test_display.py checks all three).
PALETTE: dict[str, str] = {
    "loaded_language": "#ed6838",
    "name_calling": "#e0569f",
    "fear_appeal": "#987ff8",
    "unsupported_speculation": "#369e98",
    "exaggeration": "#b98a14",
    "doubt": "#5a92ee",
    "flag_waving": "#ee4d5a",
    "causal_oversimplification": "#759f31",
    "black_and_white": "#919191",
    "appeal_to_authority": "#b48a62",
    "slogan": "#ca6fd9",
    "thought_terminating_cliche": "#87956e",
    "whataboutism": "#33a55f",
    "bandwagon": "#2b9cc9",
    "repetition": "#bc8190",
}
#: The text colour drawn on a technique's colour (evidence highlights, badges).
TEXT_ON_COLOUR = "#111111"
#: The colour of a technique a model knows but the taxonomy does not (a model trained on other labels).
OTHER_COLOUR = "#a3a3a3"
COLOUR_OF = {t.id: PALETTE[t.id] for t in TECHNIQUES}


def colour_of(technique: str) -> str:
    """The technique's colour; ``OTHER_COLOUR`` for an id outside the taxonomy."""
    return PALETTE.get(technique, OTHER_COLOUR)


# C0 and C1 control characters other than tab and newline: escape sequences in a text or a
# file name could clear the screen, set the title or write the clipboard.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with control characters (other than tab and newline) shown as escapes."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def quoted_name(name: str) -> str:
    """A document name safe on one line: quoted (JSON style) when it holds tabs, breaks or controls."""
    if "\t" in name or "\n" in name or "\r" in name or CONTROL.search(name):
        return json.dumps(name, ensure_ascii=False)
    return name


def metadata_fields(info: DocumentInfo | None) -> list[tuple[str, str]]:
    """The known fields of a document's metadata as ``(label, value)`` pairs, in a fixed order."""
    if info is None:
        return []
    pairs = (("title", info.title), ("author", info.author), ("date", info.date), ("source", info.source))
    return [(label, value) for label, value in pairs if value]


def metadata_line(info: DocumentInfo | None) -> str:
    """``title: ... | author: ... | date: ... | source: ...`` (known fields only), safe to show on one line."""
    return " | ".join(f"{label}: {visible(quoted_name(value))}" for label, value in metadata_fields(info))


def model_label(model: dict | None) -> str:
    """``file@sha256-prefix (detector version, sensitivity)``, for one-line outputs."""
    if not model:
        return ""
    name = f"{model.get('file') or 'in-memory model'}" + (f"@{model['sha256']}" if model.get("sha256") else "")
    return f"{name} (detector {model.get('version')}, {model.get('sensitivity')})"


def aligned_table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Collection[int] = ()) -> str:
    """Rows as plain-text columns padded to their widest cell, two spaces apart.

    Columns whose index is in ``right`` (counts) are right-aligned; lines carry no trailing spaces.
    """
    table = [header, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = ("  ".join(cell.rjust(width) if i in right else cell.ljust(width)
                       for i, (cell, width) in enumerate(zip(cells, widths, strict=True))).rstrip()
             for cells in table)
    return "\n".join(lines) + "\n"


def document_text(result: DocumentResult) -> str:
    """The document's text, or, when it was not kept, its sentences one per line."""
    if result.text is not None:
        return result.text
    chars = [" "] * (result.sentences[-1].end if result.sentences else 0)
    for before in result.sentences[:-1]:
        chars[before.end] = "\n"
    for s in result.sentences:
        chars[s.start:s.end] = s.text
    return "".join(chars)


def evidence_segments(sentence: SentenceResult) -> list[tuple[int, int, tuple[int, ...]]]:
    """The sentence cut where evidence starts or ends: ``(start, end, techniques)`` per piece.

    Offsets count from the start of the sentence; ``techniques`` holds the positions (in
    ``sentence.techniques``) of every technique whose evidence covers the piece, in that order,
    so a word that is evidence for two techniques is shown as evidence for both.
    """
    length = len(sentence.text)
    cuts = {0, length}
    spans = []
    for i, t in enumerate(sentence.techniques):
        for e in t.evidence or ():
            start, end = max(e.start - sentence.start, 0), min(e.end - sentence.start, length)
            if start < end:
                spans.append((start, end, i))
                cuts.update((start, end))
    edges = sorted(cuts)
    out = []
    for start, end in zip(edges, edges[1:], strict=False):
        covering = tuple(sorted({i for a, b, i in spans if a <= start and end <= b}))
        out.append((start, end, covering))
    return out

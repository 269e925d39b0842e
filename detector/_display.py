"""How results are shown to people: technique colours and codes, and text made safe to display.

Shared by the HTML page, the terminal view and the plain-text writers.  Text from an article
or a file name may hold control characters (terminal escape sequences that clear the screen,
set the title or write the clipboard): views escape them, and names that hold tabs or line
breaks are quoted so that they cannot forge lines of output.
"""

from __future__ import annotations

import json
import re

from .results import DocumentInfo, DocumentResult
from .taxonomy import TECHNIQUES

# Light backgrounds, each with black text above WCAG AA contrast (4.5:1).
_COLOURS = (
    "#ffd6a5", "#caffbf", "#9bf6ff", "#ffc6ff", "#fdffb6", "#bdb2ff", "#ffadad", "#d0f4de",
    "#e4c1f9", "#a9def9", "#fcf6bd", "#ff99c8", "#c7f9cc", "#f1c0e8", "#d9ed92",
)
COLOUR_OF = {t.id: _COLOURS[i % len(_COLOURS)] for i, t in enumerate(TECHNIQUES)}

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


def short_code(technique: str) -> str:
    """A two-to-three letter code shown in badges, so highlights are not told apart by colour alone."""
    return "".join(part[0] for part in technique.split("_")).upper()[:3]


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

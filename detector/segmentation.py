"""Sentence segmentation with character offsets into the original text.

Punkt finds sentence ends inside a line, using an abbreviation list that ships with the
package, so nothing is downloaded (``detector._punkt``: the project's own implementation of
Punkt's decision for these parameters, with the same spans as NLTK's).  Line structure is
respected first: a blank line always ends a sentence, and so does every line break unless
the text is hard-wrapped prose (most lines long and ending mid-sentence), where a single
break is only a space.
Offsets are end-exclusive and sentences never include surrounding white space, so
``text[s.start:s.end] == s.text`` and no character is lost or altered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ._punkt import PunktSplitter

__all__ = ["Sentence", "split_sentences", "text_blocks", "is_non_prose", "MAX_CHUNK"]

_LINE = re.compile(r"[^\n]+")
_PARAGRAPH = re.compile(r"\S(?:.*?\S)?(?=[ \t\r\f\v]*\n\s*\n|\s*\Z)", re.S)
_TERMINAL = tuple(".!?:;\"'”’)]…")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a document: ``text == document[start:end]``."""

    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _splitter() -> PunktSplitter:
    listing = resources.files("detector").joinpath("data/abbreviations.txt").read_text("utf-8")
    return PunktSplitter(
        line.strip() for line in listing.splitlines() if line.strip() and not line.startswith("#")
    )


def _is_hard_wrapped(text: str) -> bool:
    """True for prose wrapped at a fixed width, where single line breaks are not sentence ends.

    Wrapped lines (all but the last of each paragraph) are of similar, moderate length and
    mostly stop mid-sentence; one-sentence-per-line text such as PTC articles ends its
    lines with punctuation.
    """
    wrapped: list[str] = []
    for paragraph in re.split(r"\n[ \t\r\f\v]*\n", text):
        lines = [line.rstrip() for line in paragraph.split("\n") if line.strip()]
        wrapped += lines[:-1]
    if len(wrapped) < 3:
        return False
    moderate = [line for line in wrapped if 40 <= len(line) <= 100]
    open_ended = [line for line in moderate if not line.endswith(_TERMINAL)]
    return len(moderate) >= 0.8 * len(wrapped) and len(open_ended) >= 0.5 * len(moderate)


def text_blocks(text: str) -> list[tuple[int, int]]:
    """Spans of text that no sentence may cross: lines, or paragraphs of wrapped prose."""
    pattern = _PARAGRAPH if "\n" in text and _is_hard_wrapped(text) else _LINE
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


#: Punkt is handed at most this many characters at once (NLTK's Punkt, used until 0.2, slowed
#: down sharply on very long lines), while real sentences are far shorter.  A longer line is
#: cut at a sentence end or a space near the limit; the cut points are unchanged since then,
#: so sentences stay where they were.
MAX_CHUNK = 2_000


def _chunks(block: str) -> list[tuple[int, str]]:
    """``block`` in pieces of at most ``MAX_CHUNK`` characters, with their offsets."""
    if len(block) <= MAX_CHUNK:
        return [(0, block)]
    out, start = [], 0
    while start < len(block):
        end = min(start + MAX_CHUNK, len(block))
        if end < len(block):
            window = block[start:end]
            cut = max(window.rfind(". "), window.rfind("! "), window.rfind("? "))
            if cut < MAX_CHUNK // 2:
                cut = window.rfind(" ")
            if cut >= MAX_CHUNK // 2:
                end = start + cut + 1
        out.append((start, block[start:end]))
        start = end
    return out


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences in order, non-overlapping, covering every non-space character."""
    splitter = _splitter()
    sentences: list[Sentence] = []
    for block_start, block_end in text_blocks(text):
        block = text[block_start:block_end]
        if not block.strip():
            continue
        if not any(c in block for c in ".!?"):
            spans = [(0, len(block))]
        else:
            spans = [(offset + a, offset + b) for offset, chunk in _chunks(block)
                     for a, b in splitter.spans(chunk)]
        for start, end in spans:
            piece = block[start:end]
            stripped = piece.strip()
            if not stripped:
                continue
            start += len(piece) - len(piece.lstrip())
            end = start + len(stripped)
            sentences.append(Sentence(block_start + start, block_start + end, stripped))
    return sentences


# Lines of a web page or a transcript that are not the writer's prose: bylines, datelines,
# navigation and sharing prompts, photo credits, tag lists, end marks, stage notes.  They are
# reported as sentences of kind "non-prose" and never carry a technique.
_NON_PROSE = re.compile(
    r"""^(?:
        advertisement|advertisements?\s*:?|sponsored(?:\s+content)?|
        (?:sign\s+up|subscribe|register)\b.{0,80}\b(?:newsletter|updates|alerts|email|free)\b.*|
        (?:share|follow\s+us|like\s+us)\b.{0,40}(?:facebook|twitter|x\b|instagram|linkedin|email|whatsapp).*|
        (?:read|see)\s+(?:more|also)\s*:.{0,120}|related(?:\s+(?:articles?|stories|coverage))?\s*:.*|
        click\s+here\b.{0,80}|continue\s+reading\b.{0,40}|
        (?:photo|image|picture|video|graphic|illustration|credit|source)s?\s*(?:credit)?\s*[:|].{0,120}|
        \(?(?:photo|image|picture)s?\s+(?:by|courtesy\s+of)\b.{0,100}\)?|
        .{0,80}\b(?:getty\s+images|ap\s+photo|shutterstock)\s*\)?\.?|
        (?:tags?|topics?|filed\s+under|categories)\s*:.*|
        (?:updated|published|posted|last\s+modified)\s*:?\s*\d.{0,60}|
        (?:updated|published|posted)\s+\d{1,2}:\d{2}.{0,60}|
        \d{1,2}:\d{2}\s*(?:am|pm|a\.m\.|p\.m\.)?.{0,20}|
        (?:contact|press\s+contact|media\s+contact)\s*:.{0,120}|for\s+immediate\s+release\.?|
        (?:copyright|©|\(c\))\s.{0,120}|all\s+rights\s+reserved\.?|
        \#{3,}|-\s*30\s*-|\*{3,}|={3,}|–{3,}|
        \[(?:applause|laughter|interruption|inaudible|crosstalk|music|cheers?|booing)[^\]]*\]\.?|
        \((?:applause|laughter|interruption|inaudible|crosstalk|music|cheers?|booing)[^)]*\)\.?|
        hon\.\s+members\s*:.{0,60}|
        [\w.+-]+@[\w-]+\.[\w.]+|
        \+?\d[\d\s().-]{6,}\d
    )$""",
    re.I | re.X,
)
# Case matters here: a byline names capitalised words ("By Jane Smith"), not "By contrast";
# a dateline is a capitalised place followed by a dash ("WASHINGTON, D.C. -").
_BYLINE = re.compile(r"^By\s+(?:[A-Z][\w.'’-]*\s*){1,4}(?:(?:,|and|&)\s*(?:[A-Z][\w.'’-]*\s*){1,4})*"
                     r"(?:[,|–—-]\s*[A-Z][\w\s.'’-]{0,60})?$")
_DATELINE = re.compile(r"^[A-Z][A-Z.'’ -]{1,40}(?:,\s*[A-Z][\w. ]{1,20})?\s*[–—-]+$")


def is_non_prose(text: str) -> bool:
    """Whether a sentence is a non-prose line (byline, dateline, prompt, credit, tag list, ...)."""
    stripped = text.strip()
    if not stripped:
        return True
    if len(stripped) > 200:
        return False
    if _NON_PROSE.match(stripped) or _BYLINE.match(stripped) or _DATELINE.match(stripped):
        return True
    return not any(c.isalpha() for c in stripped)

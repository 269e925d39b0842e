"""Punkt's sentence-boundary decision for a model that knows only a list of abbreviations.

Punkt (Kiss & Strunk 2006) decides, at every ``.``, ``?`` and ``!`` followed by white space or
by certain punctuation, whether a sentence ends there.  The project never trains Punkt: its
only parameters are the abbreviations of ``detector/data/abbreviations.txt``, with no
collocations, no frequent sentence starters and no orthographic statistics.  With those
parameters the decision reduces to a few rules on the word before the stop and the word after
it, which this module applies directly, giving the same ``(start, end)`` spans as NLTK 3.10's
``PunktSentenceTokenizer.span_tokenize`` with those parameters (``tests/test_punkt.py``
checks this against NLTK when it is installed) without importing NLTK, whose package import
loads scikit-learn, pandas and SciPy.

How a stop is judged, as Punkt does it:

* The *context* of a stop is the word before it (from the last ASCII white space before it,
  or from the previous stop's word when no white space separates them), the stop, and what
  follows: one punctuation character, or the white space and the next white-space-free run.
  Of several stops with no white space between them ("?!", "!!!") only the last is judged.
* The context is cut into Punkt's word tokens, line by line.  A token ``?``, ``!`` or ``.``
  is a break; a token ending in a single period is a break unless it is a known abbreviation
  (also after its last hyphen), an initial ("J.") or a number ("5.") followed by a lower-case
  word or by ``, ; : . ! ?``, or an initial followed by a capitalised word.  Runs of periods
  ("...", "word..") are never breaks, since without orthographic statistics nothing can tell
  (spaced dots, ". . .", are a token ending in a single period).
* The stop ends a sentence when any token of its context but the last is a break.
* The next sentence starts at the next word (or at the punctuation right after the stop),
  and closing quotes and brackets that start it are moved back onto the sentence they close.

Character classes follow the ``regex`` engine NLTK compiles its patterns with, not ``re``:
its white space lacks the four ASCII separators U+001C..U+001F, and its ``\\w`` and ``\\d``
differ outside ASCII, so the two tests that depend on letters and digits ask ``regex`` about
non-ASCII characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

__all__ = ["PunktSplitter"]


def _char_class(chars: str) -> str:
    return "[" + "".join(re.escape(c) for c in chars) + "]"


# White space as NLTK's pattern engine sees it, and its complement.
_WS = r"[^\S\x1c-\x1f]"
_NON_WS = r"[\S\x1c-\x1f]"
# The word before a stop starts after the last of these (Python's string.whitespace): ASCII
# only, unlike the pattern engine's white space.
_ASCII_WS = " \t\n\r\x0b\x0c"

_STOPS = ".?!"
# Punctuation that ends a word, and that may follow a stop directly (the stop is then a
# candidate even without white space after it).
_WORD_ENDING = ")\";}]*:@'({[\u2018\u2019\u201c\u201d\xab\xbb?!"
# Characters that never begin a longer word token; each is a token of its own.
_NOT_WORD_START = "(\"`{[:;&#*@)}]-,"
# Closing marks that belong to the sentence before them.
_CLOSING_MARKS = "\"')]}\u2018\u2019\u201c\u201d\xab\xbb"
# A next token that is one of these cannot start a sentence.
_INTERNAL_PUNCTUATION = frozenset(";:,.!?")

# Dashes, dot runs and spaced dots (". . .") are single tokens.
_MULTI = rf"-{{2,}}|\.{{2,}}|(?:\.{_WS}){{2,}}\."
_WORD_END = rf"{_WS}|$|{_char_class(_WORD_ENDING)}|{_MULTI}"
_TOKEN = re.compile(
    rf"(?:{_MULTI})"
    rf"|(?!{_char_class(_NOT_WORD_START)}){_NON_WS}+?(?={_WORD_END}|,(?:{_WORD_END}))"
    rf"|{_NON_WS}"
)
# A stop that may end a sentence, capturing the word after it when white space follows.
_CANDIDATE = re.compile(rf"{_char_class(_STOPS)}(?:(?={_char_class(_WORD_ENDING)})|(?={_WS}+({_NON_WS}+)))")
_CLOSING = re.compile(rf"{_char_class(_CLOSING_MARKS)}+?(?:{_WS}+|(?=--)|$)", re.M)
_ASCII_NUMBER = re.compile(r"-?[.,]?[0-9][0-9.,-]*")
_NUMBER_TYPE = "##number##."  # a token literally spelled like Punkt's number type counts as one


@lru_cache(maxsize=1)
def _unicode_classes() -> tuple[Any, Any]:
    """Patterns for "letter-like character" and "number" with the ``regex`` engine's Unicode classes."""
    # Imported only when a non-ASCII character stands before a period: rare, and regex's \w and
    # \d (Unicode properties, its own Unicode version) are what NLTK's Punkt used.
    import regex

    return regex.compile(r"[^\W\d]"), regex.compile(r"-?[.,]?\d[\d.,-]*")


def _is_initial(token: str) -> bool:
    """A single letter (or underscore) and a period: "J."."""
    if len(token) != 2:
        return False
    first = token[0]
    if first.isascii():
        return first.isalpha() or first == "_"
    return _unicode_classes()[0].fullmatch(first) is not None


def _is_number(token: str) -> bool:
    """A number as Punkt types it ("5.", "-1,000.", "3.14."), or its type's literal spelling."""
    if token.isascii():
        found = _ASCII_NUMBER.fullmatch(token) is not None
    else:
        found = _unicode_classes()[1].fullmatch(token) is not None
    return found or token.lower() == _NUMBER_TYPE


class PunktSplitter:
    """Punkt sentence splitting with a fixed set of abbreviations and nothing learned.

    Parameters
    ----------
    abbreviations
        Lower-case abbreviations without their final period ("dr", "u.s", "e.g").
    """

    def __init__(self, abbreviations: Iterable[str]) -> None:
        self.abbreviations = frozenset(abbreviations)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The ``(start, end)`` offsets of the sentences of ``text``, in order.

        The same spans as NLTK's ``PunktSentenceTokenizer(params).span_tokenize(text)`` when
        ``params`` holds only these abbreviations: a sentence ends after its stop and any
        closing quotes or brackets, the next one starts at the word or punctuation after that,
        the first keeps any white space ``text`` starts with, and the last ends at the last
        non-space character of ``text``.  Empty or blank text has no sentences.
        """
        bounds: list[tuple[int, int]] = []
        start = 0
        for context_start, at, context_end, next_start in self._candidates(text):
            if self._ends_sentence(text[context_start:context_end]):
                bounds.append((start, at + 1))
                start = next_start
        bounds.append((start, len(text.rstrip())))
        return self._realign(text, bounds)

    # ------------------------------------------------------------------ candidates

    @staticmethod
    def _candidates(text: str) -> Iterator[tuple[int, int, int, int]]:
        """Each stop to judge: ``(context start, stop position, context end, next sentence start)``.

        The word before a stop begins after the last ASCII white space since the previous stop;
        without such white space it is the previous stop's word, and the previous stop is not
        judged at all (so "?!" is judged once, at "!").  The next sentence would start at the
        word after the stop or, when punctuation follows the stop directly, at that punctuation.
        """
        pending: tuple[int, int, int, int] | None = None
        word_start = previous_at = 0
        spaces = [c for c in _ASCII_WS if c in text]  # usually only " "
        for match in _CANDIDATE.finditer(text):
            at = match.start()
            space = -1
            for c in spaces:
                space = max(space, text.rfind(c, previous_at, at))
            # Punkt counts a white space right at the previous stop as none; only the first stop
            # of a text can be in that position, and its word then starts at 0 either way.
            start = space + 1 if space > previous_at else word_start
            if pending is not None and previous_at <= start:
                yield pending
            if match.group(1) is None:
                pending = (start, at, at + 2, at + 1)
            else:
                pending = (start, at, match.end(1), match.start(1))
            word_start, previous_at = start, at
        if pending is not None:
            yield pending

    # ------------------------------------------------------------------ decision

    def _ends_sentence(self, context: str) -> bool:
        """Whether any token of a stop's context, but the last, is a sentence break."""
        if "\n" in context:
            tokens = [t for line in context.split("\n") if line.strip() for t in _TOKEN.findall(line)]
        else:
            tokens = _TOKEN.findall(context)
        for i in range(len(tokens) - 1):
            if self._breaks(tokens[i], tokens[i + 1]):
                return True
        return False

    def _breaks(self, token: str, following: str) -> bool:
        """Whether ``token``, followed by ``following``, ends a sentence."""
        if token in ("?", "!", "."):
            return True
        if not token.endswith(".") or token.endswith(".."):
            return False  # no stop, or an ellipsis: nothing here says a sentence ends
        stem = token[:-1].lower()
        if stem in self.abbreviations or stem.rsplit("-", 1)[-1] in self.abbreviations:
            return False
        initial = _is_initial(token)
        if initial or _is_number(token):
            # With no orthographic statistics, only a lower-case word or punctuation says the
            # next word does not start a sentence; an initial also holds before a capital.
            if following in _INTERNAL_PUNCTUATION or following[0].islower():
                return False
            if initial and following[0].isupper():
                return False
        return True

    # ------------------------------------------------------------------ realignment

    @staticmethod
    def _realign(text: str, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Move closing quotes and brackets that start a sentence onto the one before."""
        spans: list[tuple[int, int]] = []
        shift = 0
        last = len(bounds) - 1
        for i, (start, end) in enumerate(bounds):
            start += shift
            shift = 0
            if i < last:
                next_start, next_end = bounds[i + 1]
                closing = _CLOSING.match(text, next_start, next_end) if next_start < next_end else None
                if closing is not None:
                    spans.append((start, next_start + len(closing.group().rstrip())))
                    shift = closing.end() - next_start
                    continue
            if start < end:
                spans.append((start, end))
        return spans

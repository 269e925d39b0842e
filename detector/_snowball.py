"""The English Snowball stemmer ("Porter2"), giving the stems NLTK 3.10's ``SnowballStemmer("english")`` gives.

The stem features were built with NLTK's stemmer, whose package import alone takes seconds
(it loads scikit-learn, pandas and SciPy's statistics).  This module is a stand-alone
implementation of the published English Snowball algorithm, written to agree with NLTK's
``stem`` on every string, down to these details of NLTK's, some of them its own:

- words of at most two characters (after lower-casing) are returned as they are, before
  any apostrophe is normalised, so ``"’s"`` stays ``"’s"``;
- the exception words are looked up before the apostrophes are normalised and the
  leading apostrophe removed, and include the words Snowball only protects after step 1a
  (``"innings"``, ``"proceeded"``);
- R1 and R2 are tracked as the *lengths* of the word's tail they cover, updated step by
  step the way NLTK updates its two region strings; those updates sometimes differ from
  recomputing the regions on the changed word (a region emptied by one step regrows when
  a later step appends an ``e``), and the stems depend on it;
- the "short syllable" tests of steps 1b and 5 are NLTK's (a word of exactly two letters,
  vowel then consonant, is short in step 1b; step 5 never removes the ``e`` of a word under
  four letters);
- a ``y`` after a vowel is a consonant (``Y``) unless that vowel is itself a ``y`` just made
  a consonant ("sayyid" keeps its second ``y`` a vowel).

Vowels are the ASCII ``aeiouy``; every other character (digits, hyphens, apostrophes,
letters outside ASCII) counts as a consonant, as in NLTK.  ``stem`` is the only public name.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["stem"]

_VOWELS = frozenset("aeiouy")
# A vowel and the non-vowel after it: a region (R1, R2) starts just after the first such pair.
_REGION_START = re.compile("[aeiouy][^aeiouy]")
# A ``y`` right after a vowel is a consonant, marked ``Y``.  Matches do not overlap, so a
# ``y`` marked ``Y`` is not a vowel for the ``y`` after it ("ayy" -> "aYy").
_Y_CONSONANT = re.compile("([aeiouy])y")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201b": "'"})

# Words stemmed by lookup: the algorithm's exceptions and the words it leaves alone after step 1a.
_EXCEPTIONS = {
    "skis": "ski", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie",
    "idly": "idl", "gently": "gentl", "ugly": "ugli", "early": "earli", "only": "onli", "singly": "singl",
    **{w: w for w in ("sky", "news", "howe", "atlas", "cosmos", "bias", "andes")},
    **{w + ending: w for w in ("inning", "outing", "canning", "herring", "earring") for ending in ("", "s")},
    **{w + ending: w for w in ("proceed", "exceed", "succeed") for ending in ("", "s", "ed", "ing")},
}
# Prefixes whose R1 starts right after them, whatever the letters.
_R1_PREFIXES = ("gener", "arsen", "commun")


# --------------------------------------------------------------------------- regions
# R1 and R2 are kept as the number of characters at the end of the word that they cover.

def _shortened(region: int, removed: int) -> int:
    """A region's length once ``removed`` characters are cut from the end of the word."""
    return region - removed if region > removed else 0


def _replaced(region: int, old: int, new: int, short: int = 0) -> int:
    """A region's length once a suffix of ``old`` characters is replaced by ``new`` characters:
    the region keeps its start when it held the whole suffix, otherwise it becomes ``short``."""
    return region - old + new if region >= old else short


class _Rule(NamedTuple):
    """What steps 2 to 4 do with one suffix found in the step's region."""

    replacement: str
    # How the regions follow: "cut" (the replacement begins the suffix: the regions shrink with
    # the word), "replace" (see ``_replaced``) or "last" (only the suffix's last letter changes,
    # and the regions keep their lengths).
    regions: str
    # R2's length when it did not hold the whole suffix that was replaced.
    short_r2: int = 0
    # The letters the suffix must follow, when it must follow one of them.
    after: str = ""
    # The suffix must be in R2 as well as in the step's own region.
    in_r2: bool = False


class _Step(NamedTuple):
    """One of steps 2 to 4: its rules by suffix."""

    rules: dict[str, _Rule]
    suffixes: tuple[str, ...]
    # The lengths of its suffixes, longest first: a step acts on the longest suffix the word ends with.
    lengths: tuple[int, ...]


def _rules(table: dict[str, _Rule]) -> _Step:
    """A step with these rules."""
    return _Step(table, tuple(table), tuple(sorted({len(s) for s in table}, reverse=True)))


_CUT, _REPLACE, _LAST = "cut", "replace", "last"

_STEP2 = _rules({
    "tional": _Rule("tion", _CUT),
    "enci": _Rule("ence", _LAST), "anci": _Rule("ance", _LAST), "abli": _Rule("able", _LAST),
    "entli": _Rule("ent", _CUT),
    "izer": _Rule("ize", _REPLACE), "ization": _Rule("ize", _REPLACE),
    "ational": _Rule("ate", _REPLACE, short_r2=1), "ation": _Rule("ate", _REPLACE, short_r2=1),
    "ator": _Rule("ate", _REPLACE, short_r2=1),
    "alism": _Rule("al", _REPLACE), "aliti": _Rule("al", _REPLACE), "alli": _Rule("al", _REPLACE),
    "fulness": _Rule("ful", _CUT),
    "ousli": _Rule("ous", _REPLACE), "ousness": _Rule("ous", _REPLACE),
    "iveness": _Rule("ive", _REPLACE, short_r2=1), "iviti": _Rule("ive", _REPLACE, short_r2=1),
    "biliti": _Rule("ble", _REPLACE), "bli": _Rule("ble", _REPLACE),
    "ogi": _Rule("og", _CUT, after="l"),
    "fulli": _Rule("ful", _CUT), "lessli": _Rule("less", _CUT),
    "li": _Rule("", _CUT, after="cdeghkmnrt"),
})
_STEP3 = _rules({
    "tional": _Rule("tion", _CUT), "ational": _Rule("ate", _REPLACE), "alize": _Rule("al", _CUT),
    "icate": _Rule("ic", _REPLACE), "iciti": _Rule("ic", _REPLACE), "ical": _Rule("ic", _REPLACE),
    "ful": _Rule("", _CUT), "ness": _Rule("", _CUT), "ative": _Rule("", _CUT, in_r2=True),
})
_STEP4 = _rules({
    **{s: _Rule("", _CUT) for s in ("al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment",
                                    "ent", "ism", "ate", "iti", "ous", "ive", "ize")},
    "ion": _Rule("", _CUT, after="st"),
})
_STEP0 = ("'s'", "'s", "'")
_STEP1B = ("eedly", "ingly", "edly", "eed", "ing", "ed")


def _apply(step: _Step, word: str, region: int, r1: int, r2: int) -> tuple[str, int, int]:
    """Steps 2 to 4: the longest of the step's suffixes the word ends with, if it lies in ``region``,
    obeys its rule."""
    rules, suffixes, lengths = step
    if not word.endswith(suffixes):  # most words: one test
        return word, r1, r2
    for size in lengths:
        rule = rules.get(word[-size:])
        if rule is not None and size <= len(word):
            break
    else:
        return word, r1, r2
    if region < size or (rule.in_r2 and r2 < size) or (rule.after and word[-size - 1] not in rule.after):
        return word, r1, r2
    new = len(rule.replacement)
    word = word[:-size] + rule.replacement
    if rule.regions == _CUT:
        r1, r2 = _shortened(r1, size - new), _shortened(r2, size - new)
    elif rule.regions == _REPLACE:
        r1, r2 = _replaced(r1, size, new), _replaced(r2, size, new, rule.short_r2)
    return word, r1, r2


# --------------------------------------------------------------------------- steps


def _step1a(word: str, r1: int, r2: int) -> tuple[str, int, int]:
    """Plurals: "sses" -> "ss", "ies"/"ied" -> "i" (or "ie" in short words), a final "s" after a vowel goes."""
    if word.endswith("sses"):
        cut = 2
    elif word.endswith(("ied", "ies")):
        cut = 2 if len(word) > 4 else 1
    elif word.endswith(("us", "ss")) or not word.endswith("s"):
        return word, r1, r2
    elif not _VOWELS.isdisjoint(word[:-2]):
        cut = 1
    else:
        return word, r1, r2
    return word[:-cut], _shortened(r1, cut), _shortened(r2, cut)


def _step1b(word: str, r1: int, r2: int) -> tuple[str, int, int]:
    """Past tenses and participles: "eed(ly)" -> "ee" in R1; "ed", "ing" and their "-ly" go after a vowel."""
    if not word.endswith(_STEP1B):
        return word, r1, r2
    suffix = next(s for s in _STEP1B if word.endswith(s))
    size = len(suffix)
    if suffix.startswith("eed"):
        if r1 >= size:
            word, r1, r2 = word[:-size] + "ee", _replaced(r1, size, 2), _replaced(r2, size, 2)
        return word, r1, r2
    word_part = word[:-size]
    if _VOWELS.isdisjoint(word_part):
        return word, r1, r2
    word, r1, r2 = word_part, _shortened(r1, size), _shortened(r2, size)
    if word.endswith(("at", "bl", "iz")):
        word, r1 = word + "e", r1 + 1
        if len(word) > 5 or r1 >= 3:
            r2 += 1
    elif word.endswith(("bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt")):
        word, r1, r2 = word[:-1], _shortened(r1, 1), _shortened(r2, 1)
    elif r1 == 0 and _short(word):
        word += "e"  # R1 is empty, so R2 is too, and both stay so
    return word, r1, r2


def _short(word: str) -> bool:
    """Step 1b's short word (R1 empty is checked by the caller): it ends in a short syllable."""
    if len(word) == 2:
        return word[0] in _VOWELS and word[1] not in _VOWELS
    return (len(word) >= 3 and word[-1] not in _VOWELS and word[-1] not in "wxY"
            and word[-2] in _VOWELS and word[-3] not in _VOWELS)


def _step5(word: str, r1: int, r2: int) -> str:
    """A final "l" after "l" goes when in R2; a final "e" goes in R2, or in R1 unless it ends a short syllable."""
    # A region that is not empty ends the word, so the word is not empty either.
    if r2 and word[-1] == "l":
        return word[:-1] if word[-2] == "l" else word
    if not r1 or word[-1] != "e":
        return word
    if r2:
        return word[:-1]
    if len(word) >= 4 and (word[-2] in _VOWELS or word[-2] in "wxY" or word[-3] not in _VOWELS
                           or word[-4] in _VOWELS):
        return word[:-1]
    return word


def stem(word: str) -> str:
    """The English Snowball stem of ``word``, exactly as NLTK 3.10's ``SnowballStemmer("english").stem``.

    The word is lower-cased first.  Any string is accepted; characters other than ASCII
    letters are consonants to the algorithm.

    Examples
    --------
    >>> [stem(w) for w in ("corrupted", "corruption", "generously", "skies", "o’brien’s")]
    ['corrupt', 'corrupt', 'generous', 'sky', "o'brien"]
    """
    word = word.lower()
    if len(word) <= 2:
        return word
    known = _EXCEPTIONS.get(word)
    if known is not None:
        return known
    if not word.isascii():
        word = word.translate(_APOSTROPHES)
    if word[0] == "'":
        word = word[1:]
    if "y" in word:
        if word[0] == "y":
            word = "Y" + word[1:]
        word = _Y_CONSONANT.sub(r"\1Y", word)

    size = len(word)
    if word.startswith(_R1_PREFIXES):
        start = 6 if word.startswith("commun") else 5
    else:
        found = _REGION_START.search(word)
        start = found.end() if found else size
    found = _REGION_START.search(word, start)
    r1, r2 = size - start, size - found.end() if found else 0

    if word.endswith(_STEP0):  # step 0: a possessive
        cut = next(len(s) for s in _STEP0 if word.endswith(s))
        word, r1, r2 = word[:-cut], _shortened(r1, cut), _shortened(r2, cut)
    word, r1, r2 = _step1a(word, r1, r2)
    word, r1, r2 = _step1b(word, r1, r2)
    if len(word) > 2 and word[-1] in "yY" and word[-2] not in _VOWELS:
        word = word[:-1] + "i"  # step 1c; the regions keep their lengths
    word, r1, r2 = _apply(_STEP2, word, r1, r1, r2)
    word, r1, r2 = _apply(_STEP3, word, r1, r1, r2)
    word, r1, r2 = _apply(_STEP4, word, r2, r1, r2)
    return _step5(word, r1, r2).replace("Y", "y")

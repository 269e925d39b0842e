"""One pass over a sentence: the token streams every word-based feature group reads.

The word n-grams, the word stems, the lexicon categories and the embedding's WordPiece ids
all come from the same words.  Each group used to walk every sentence with its own regular
expressions; here a sentence is cut once at white space into chunks, and each distinct
chunk (``"Greedy,"``, ``"elites"``) is analysed once and remembered, since chunks repeat far
more than sentences do.  None of the groups' token patterns can match white space, so a
chunk's tokens are exactly the tokens that pattern finds in that stretch of the whole
sentence, and the streams are identical to running each pattern over the sentence.

Only lexicon phrases (entries of several words) span chunks: they are matched on the whole
sentence, but only at the words where one of them can begin.

A model may read its words, stems and embedding without the names of political sides
(``data/side_names.txt``: parties, their members, ideologies and movements used as descriptions),
so that naming one side instead of another cannot change a score: the ``*_ignoring_sides``
streams are those of the sentence with every such name blanked (``blank_side_names``).  The
lexicon always reads the sentence as written; it lists no side's plain name.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from . import _snowball

__all__ = [
    "SentenceTokens", "sentence_tokens", "word_ngrams", "stem_tokens", "word_stem", "lexicon_names",
    "lexicon_matches", "WORD_TOKEN", "NGRAM_TOKEN", "forget_recent", "forget_words", "WordPiece", "wordpiece",
    "piece_ids", "side_names", "side_names_fingerprint", "blank_side_names", "word_ngrams_ignoring_sides",
    "stem_tokens_ignoring_sides",
]

#: The stem vectoriser's and the explanations' word pattern.
WORD_TOKEN = re.compile(r"\w[\w'’-]*")
#: The word n-gram vectoriser's token pattern (scikit-learn's ``token_pattern`` of the model).
NGRAM_TOKEN = re.compile(r"(?u)\b\w[\w'’-]*\b")
_CHUNK = re.compile(r"\S+")
_LEXICON_WORD = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")
_RUN = re.compile(r"\w+")
# Each per-word memo (lexicon categories, stems, WordPiece ids, analysed chunks) keeps at most this
# many words: enough for nearly every word of real text to be found again, and bounded so that
# text with endless new "words" (numbered lines, identifiers) keeps memory flat: one million
# numbered lines peaked at 421 MB with 100,000 a memo.
_WORDS_REMEMBERED = 30_000


# --------------------------------------------------------------------------- lexicons

@dataclass(frozen=True)
class _Lexicon:
    words: dict[str, tuple[int, ...]]
    prefixes: dict[int, dict[str, tuple[int, ...]]]
    prefix_lengths: tuple[int, ...]
    phrases: tuple[tuple[int, re.Pattern[str]], ...]
    # The first word of every phrase, with the categories whose phrases start with it.
    phrase_starts: dict[str, tuple[int, ...]]


@lru_cache(maxsize=1)
def lexicon_names() -> tuple[str, ...]:
    """The lexicon categories shipped with the package, in a fixed order."""
    folder = resources.files("detector").joinpath("data/lexicons")
    return tuple(sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".txt")))


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    folder = resources.files("detector").joinpath("data/lexicons")
    words: dict[str, list[int]] = {}
    prefixes: dict[int, dict[str, list[int]]] = {}
    phrases: list[tuple[int, re.Pattern[str]]] = []
    starts: dict[str, set[int]] = {}
    for index, name in enumerate(lexicon_names()):
        entries = [
            line.strip().lower()
            for line in folder.joinpath(name + ".txt").read_text("utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        ]
        multi = []
        for entry in entries:
            if " " in entry or not _LEXICON_WORD.fullmatch(entry.rstrip("*")):
                multi.append(re.escape(entry.rstrip("*")) + (r"\w*" if entry.endswith("*") else r"\b"))
                first = _RUN.match(entry)
                # Every phrase begins with a whole word: a match can only start at that word.
                if first is None or first.end() == len(entry.rstrip("*")):
                    raise ValueError(f"lexicon {name}: phrase {entry!r} must start with a whole word")
                starts.setdefault(first.group(), set()).add(index)
            elif entry.endswith("*"):
                stem = entry[:-1]
                prefixes.setdefault(len(stem), {}).setdefault(stem, []).append(index)
            else:
                words.setdefault(entry, []).append(index)
        if multi:
            phrases.append((index, re.compile(r"\b(?:" + "|".join(multi) + ")")))
    return _Lexicon(
        {w: tuple(v) for w, v in words.items()},
        {n: {s: tuple(v) for s, v in d.items()} for n, d in prefixes.items()},
        tuple(sorted(prefixes)),
        tuple(phrases),
        {w: tuple(sorted(v)) for w, v in starts.items()},
    )


@lru_cache(maxsize=_WORDS_REMEMBERED)
def _word_categories(token: str) -> tuple[int, ...]:
    """The lexicon categories a lower-cased word belongs to, whole-word entries before prefixes."""
    lex = _lexicon()
    found = list(lex.words.get(token, ()))
    for n in lex.prefix_lengths:
        if n > len(token):
            break
        found.extend(lex.prefixes[n].get(token[:n], ()))
    return tuple(found)


def _lower(text: str) -> str:
    lower = text.lower()
    if len(lower) != len(text):  # a rare case-folding that changes length: offsets by character
        lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lower


# --------------------------------------------------------------------------- side names

@lru_cache(maxsize=1)
def side_names() -> tuple[frozenset[str], frozenset[str]]:
    """The names of political sides (``data/side_names.txt``): those that match in any case
    (lower-cased), and those that match only as written ("Labour" the party, not "labour")."""
    text = resources.files("detector").joinpath("data/side_names.txt").read_text("utf-8")
    entries = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return (frozenset(e for e in entries if e == e.lower()), frozenset(e for e in entries if e != e.lower()))


@lru_cache(maxsize=1)
def side_names_fingerprint() -> str:
    """SHA-256 of the side-name list: a model records the list it was trained with."""
    import hashlib

    any_case, exact = side_names()
    return hashlib.sha256("\n".join(sorted(any_case | exact)).encode("utf-8")).hexdigest()


_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _side_words_lowered() -> frozenset[str]:
    """Every lower-cased word that may be a side name, possessives included: a chunk none of whose
    words is here names no side (the common case, decided by set lookups alone)."""
    any_case, exact = side_names()
    lowered = {e.lower() for e in any_case | exact}
    return frozenset(lowered | {e + "'s" for e in lowered} | {e + "’s" for e in lowered})


def _blank_if_side(match: re.Match[str]) -> str:
    word = match.group()
    base = _POSSESSIVE.sub("", word)
    any_case, exact = side_names()
    return " " * len(word) if base.lower() in any_case or base in exact else word


def blank_side_names(text: str) -> str:
    """``text`` with every side name (see ``side_names``, a possessive "'s" included) replaced by
    spaces: the same length, so every other word keeps its offsets."""
    # The n-gram vectoriser's tokens: "left-wing" and "Labour's" are one word each.
    return NGRAM_TOKEN.sub(_blank_if_side, text)


# --------------------------------------------------------------------------- stems


@lru_cache(maxsize=_WORDS_REMEMBERED)
def word_stem(word: str) -> str:
    """The English Snowball stem of a lower-cased word ("corrupted", "corruption" -> "corrupt").

    The project's own stemmer (``detector._snowball``) gives NLTK's stems without NLTK's
    seconds-long import.
    """
    return _snowball.stem(word)


# --------------------------------------------------------------------------- WordPiece

_MAX_WORD = 100  # BERT's own limit: longer "words" become [UNK]
# BERT's basic tokenisation, which both teachers' tokenizers (all-MiniLM-L6-v2, all-mpnet-base-v2)
# apply before WordPiece: the text is cut at white space, then every punctuation character (all
# printable ASCII that is not a letter or digit, and Unicode's P* categories) and every CJK
# ideograph becomes a word of its own, while other symbols (£, €, °, emoji) stay inside their
# word.  The vectors mean something only for the teacher's own tokens, so this must cut text as
# the teacher does (``scripts/build_token_vectors.py`` checks it on the corpus).
_ASCII_PUNCTUATION = re.escape(string.punctuation)  # !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~
_ASCII_WORDS = re.compile(rf"[{_ASCII_PUNCTUATION}]|[^\s{_ASCII_PUNCTUATION}]+")
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")  # control characters that are not white space
_CJK = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
        (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))


def _stands_alone(char: str) -> bool:
    """Whether BERT makes ``char`` a word of its own: punctuation or a CJK ideograph."""
    if char.isascii():  # every ASCII symbol counts as punctuation, "$+<=>^`|~" too (not P* in Unicode)
        return char in string.punctuation
    code = ord(char)
    return unicodedata.category(char).startswith("P") or any(lo <= code <= hi for lo, hi in _CJK)


def _raw_words(chunk: str, offset: int) -> Iterator[tuple[str, int, int]]:
    """The words of ``chunk`` (a stretch without white space starting at ``offset``), with spans."""
    if chunk.isascii():
        for m in _ASCII_WORDS.finditer(chunk):
            yield m.group(), offset + m.start(), offset + m.end()
        return
    begun = None
    for i, char in enumerate(chunk):
        if _stands_alone(char):
            if begun is not None:
                yield chunk[begun:i], offset + begun, offset + i
                begun = None
            yield char, offset + i, offset + i + 1
        elif begun is None:
            begun = i
    if begun is not None:
        yield chunk[begun:], offset + begun, offset + len(chunk)


class WordPiece:
    """Greedy longest-match-first WordPiece over a BERT-style uncased vocabulary."""

    def __init__(self, vocab: Sequence[str]) -> None:
        self.index = {piece: i for i, piece in enumerate(vocab)}
        self.unknown = self.index.get("[UNK]", 0)
        self._cache: dict[str, tuple[int, ...]] = {}

    def word_ids(self, word: str) -> tuple[int, ...]:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        ids: list[int] = []
        start = 0
        if len(word) > _MAX_WORD:
            ids = [self.unknown]
            start = len(word)
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self.index.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                ids = [self.unknown]
                break
            ids.append(found)
            start = end
        result = tuple(ids)
        if len(self._cache) < _WORDS_REMEMBERED:  # bounded: memory stays flat on text with endless new words
            self._cache[word] = result
        return result

    def ids(self, text: str) -> list[int]:
        """Token ids of ``text`` as BERT's uncased tokenizer gives them: lower-cased, accents
        stripped, control characters dropped, punctuation split off."""
        if text.isascii() and _ASCII_CONTROL.search(text) is None:
            # The common case, and a hot one (every new chunk of every sentence): one pass of one
            # pattern, the same words as ``_words`` finds.
            return [i for word in _ASCII_WORDS.findall(text.lower()) for i in self.word_ids(word)]
        return [i for word, _, _ in _words(text) for i in self.word_ids(word)]

    def ids_with_spans(self, text: str) -> list[tuple[int, tuple[int, int]]]:
        """Token ids of ``text`` with the character span (in ``text``) of the word each came from."""
        return [(i, (start, end)) for word, start, end in _words(text) for i in self.word_ids(word)]


def _words(text: str) -> Iterator[tuple[str, int, int]]:
    """The normalised words of ``text`` that WordPiece cuts, with their spans in ``text``."""
    # The ASCII pattern never crosses white space, so ASCII text needs no cutting into chunks first.
    raw = (_raw_words(text, 0) if text.isascii()
           else (w for chunk in _CHUNK.finditer(text) for w in _raw_words(chunk.group(), chunk.start())))
    for word, start, end in raw:
        normal = _normalise(word)
        if normal:  # a word of control characters alone is dropped, as BERT drops them
            yield normal, start, end


def _normalise(word: str) -> str:
    """Lower-cased, accents stripped, control and format characters dropped (as BERT does)."""
    lower = word.lower()
    if lower.isascii():
        return lower if lower.isprintable() else "".join(c for c in lower if c.isprintable())
    return "".join(c for c in unicodedata.normalize("NFD", lower)
                   if c != "\ufffd" and unicodedata.category(c) != "Mn" and unicodedata.category(c)[0] != "C")


@lru_cache(maxsize=1)
def wordpiece() -> WordPiece:
    """The WordPiece tokenizer of the embedding's vocabulary (``detector/data/wordpiece_vocab.txt``)."""
    vocab = resources.files("detector").joinpath("data/wordpiece_vocab.txt").read_text("utf-8").splitlines()
    return WordPiece(vocab)


# --------------------------------------------------------------------------- the stream


@dataclass(frozen=True, slots=True)
class _Chunk:
    words: tuple[str, ...]
    stems: tuple[str, ...]
    lexicon: tuple[tuple[int, int, int], ...]  # (start, end, category), chunk offsets
    phrase_starts: tuple[tuple[int, tuple[int, ...]], ...]  # (start, categories)
    pieces: tuple[int, ...]
    marked: bool  # holds a lexicon hit or a phrase start
    # The words, stems and pieces of the chunk with its side names blanked; None when it has none.
    without_sides: tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...]] | None


@dataclass(frozen=True, slots=True)
class SentenceTokens:
    """What the word-based feature groups read from one sentence.

    ``words`` are the word n-gram vectoriser's lower-cased tokens, ``stems`` the stems of the
    stem vectoriser's words, ``lexicon`` every lexicon hit as (start, end, category index) in
    the sentence, whole words before phrases, and ``pieces`` the WordPiece ids of the embedding.
    ``free_words``, ``free_stems`` and ``free_pieces`` are the same streams of the sentence with
    its side names blanked (``blank_side_names``); the very same lists when it names no side.
    """

    words: list[str]
    stems: list[str]
    lexicon: list[tuple[int, int, int]]
    pieces: list[int]
    free_words: list[str]
    free_stems: list[str]
    free_pieces: list[int]


_CHUNKS: dict[str, _Chunk] = {}
_CHUNK_LIMIT = _WORDS_REMEMBERED  # distinct chunks remembered
_RECENT: dict[str, SentenceTokens] = {}
# The feature groups read the same rows one group after another (at most 2,048 at a time, see
# ``scoring._FEATURE_ROWS``), so each sentence's streams are kept for the groups after the first;
# the memo is emptied whenever it reaches this many sentences.
_RECENT_LIMIT = 20_000


def _analyse_chunk(chunk: str) -> _Chunk:
    lower = chunk.lower()
    words = tuple(NGRAM_TOKEN.findall(lower))
    without_sides = None
    blanked = chunk if _side_words_lowered().isdisjoint(words) else blank_side_names(chunk)
    if blanked != chunk:
        # The blanked chunk may hold spaces; each stream's pattern finds in it what it would
        # find in that stretch of the whole blanked sentence.
        blanked_lower = blanked.lower()
        without_sides = (tuple(NGRAM_TOKEN.findall(blanked_lower)),
                         tuple(word_stem(w) for w in WORD_TOKEN.findall(blanked_lower)),
                         tuple(wordpiece().ids(blanked)))
    lex = _lexicon()
    lexicon_lower = _lower(chunk)
    hits = tuple((m.start(), m.end(), i) for m in _LEXICON_WORD.finditer(lexicon_lower)
                 for i in _word_categories(m.group()))
    starts = tuple((m.start(), lex.phrase_starts[m.group()]) for m in _RUN.finditer(lexicon_lower)
                   if m.group() in lex.phrase_starts)
    return _Chunk(
        words,
        tuple(word_stem(w) for w in WORD_TOKEN.findall(lower)),
        hits,
        starts,
        tuple(wordpiece().ids(chunk)),
        bool(hits or starts),
        without_sides,
    )


def sentence_tokens(text: str) -> SentenceTokens:
    """The token streams of one sentence (see ``SentenceTokens``)."""
    found = _RECENT.get(text)
    if found is not None:
        return found
    words: list[str] = []
    stems: list[str] = []
    pieces: list[int] = []
    marked: list[tuple[int, _Chunk]] = []
    sided = False
    chunks = _CHUNKS
    add_words, add_stems, add_pieces, add_marked = words.extend, stems.extend, pieces.extend, marked.append
    for match in _CHUNK.finditer(text):
        chunk = match.group()
        analysed = chunks.get(chunk)
        if analysed is None:
            if len(chunks) >= _CHUNK_LIMIT:
                chunks.clear()
            analysed = chunks[chunk] = _analyse_chunk(chunk)
        add_words(analysed.words)
        add_stems(analysed.stems)
        add_pieces(analysed.pieces)
        if analysed.without_sides is not None:
            sided = True
        if analysed.marked:  # most chunks hold no lexicon word and start no phrase
            add_marked((match.start(), analysed))
    # Chunk offsets made sentence offsets for all marked chunks at once (one list each, not two
    # per chunk: a third of all chunks are marked, mostly by a phrase's first word, "the").
    hits = [(start + a, start + b, i) for start, analysed in marked for a, b, i in analysed.lexicon]
    candidates = [(start + a, categories) for start, analysed in marked for a, categories in analysed.phrase_starts]
    if candidates:
        hits.extend(_phrase_hits(text, candidates))
    free_words, free_stems, free_pieces = _streams_without_sides(text) if sided else (words, stems, pieces)
    tokens = SentenceTokens(words, stems, hits, pieces, free_words, free_stems, free_pieces)
    if len(_RECENT) >= _RECENT_LIMIT:
        _RECENT.clear()
    _RECENT[text] = tokens
    return tokens


def _streams_without_sides(text: str) -> tuple[list[str], list[str], list[int]]:
    """The word, stem and piece streams of a sentence that names a side, with the names blanked
    (every chunk was analysed by the caller's pass just before)."""
    words: list[str] = []
    stems: list[str] = []
    pieces: list[int] = []
    for match in _CHUNK.finditer(text):
        analysed = _CHUNKS.get(match.group()) or _analyse_chunk(match.group())
        found = analysed.without_sides or (analysed.words, analysed.stems, analysed.pieces)
        words.extend(found[0])
        stems.extend(found[1])
        pieces.extend(found[2])
    return words, stems, pieces


def _phrase_hits(text: str, candidates: list[tuple[int, tuple[int, ...]]]) -> Iterator[tuple[int, int, int]]:
    """Phrase matches, category by category, as the category's pattern would find them scanning
    the whole sentence: leftmost first, never overlapping within a category."""
    lower = _lower(text)
    # Each category's candidate positions, in order: a category is tried only where it can start.
    positions: dict[int, list[int]] = {}
    for position, categories in candidates:
        for category in categories:
            positions.setdefault(category, []).append(position)
    for category, pattern in _lexicon().phrases:
        reached = 0
        for position in positions.get(category, ()):
            if position < reached:
                continue
            match = pattern.match(lower, position)
            if match is not None:
                yield match.start(), match.end(), category
                reached = match.end()


def forget_recent() -> None:
    """Forget the token streams of recent sentences (benchmarks: every pass does real work)."""
    _RECENT.clear()


def forget_words() -> None:
    """Forget every per-word and per-chunk memo too (stems, lexicon categories, WordPiece ids,
    analysed chunks), as on text whose words are all new (benchmarks: the cold-cache cost)."""
    forget_recent()
    _CHUNKS.clear()
    word_stem.cache_clear()
    _word_categories.cache_clear()
    wordpiece()._cache.clear()


def lexicon_matches(text: str) -> list[tuple[int, int, int]]:
    """Every lexicon hit in ``text`` as (start, end, category index), words before phrases."""
    return sentence_tokens(text).lexicon


def word_ngrams(text: str, ngram_range: tuple[int, int] = (1, 2)) -> list[str]:
    """The word n-grams of ``text`` the word vectoriser counts: its tokens, then pairs of them."""
    return _ngrams(sentence_tokens(text).words, ngram_range)


def word_ngrams_ignoring_sides(text: str) -> list[str]:
    """``word_ngrams`` (1-2 grams) of ``text`` with its side names blanked."""
    return _ngrams(sentence_tokens(text).free_words, (1, 2))


def _ngrams(tokens: list[str], ngram_range: tuple[int, int]) -> list[str]:
    low, high = ngram_range
    grams = list(tokens) if low == 1 else []
    if low <= 2 <= high:
        grams.extend([a + " " + b for a, b in zip(tokens, tokens[1:], strict=False)])
    for n in range(max(low, 3), high + 1):
        grams.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return grams


def stem_tokens(text: str) -> list[str]:
    """The stems of a text's words, in order: one feature for every form of a word."""
    return sentence_tokens(text).stems


def stem_tokens_ignoring_sides(text: str) -> list[str]:
    """``stem_tokens`` of ``text`` with its side names blanked."""
    return sentence_tokens(text).free_stems


def piece_ids(texts: Sequence[str], ignore_sides: bool = False) -> Iterator[list[int]]:
    """The embedding's WordPiece ids of each text (``ignore_sides``: with its side names blanked)."""
    for text in texts:
        found = sentence_tokens(text)
        yield found.free_pieces if ignore_sides else found.pieces

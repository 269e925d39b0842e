"""The project's English Snowball stemmer gives NLTK 3.10's stems.

The behaviour tests need nothing but the package; the exactness tests compare with NLTK's
``SnowballStemmer("english")`` (part of the test extra) on every word the project's data
holds, on hand-picked cases where the algorithm has special rules, and on generated words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector._snowball import stem
from detector.corpus import read_corpus
from detector.tokens import WORD_TOKEN
from detector.training import shipped_corpus_path

# --------------------------------------------------------------------------- behaviour


@pytest.mark.parametrize(("word", "expected"), [
    ("corrupted", "corrupt"), ("corruption", "corrupt"), ("officials", "offici"), ("everywhere", "everywher"),
    ("generously", "generous"), ("generate", "generat"), ("communism", "communism"), ("arsenal", "arsenal"),
    ("nationalism", "nation"), ("hopefulness", "hope"), ("conditional", "condit"), ("sensibility", "sensibl"),
    ("hopping", "hop"), ("hoped", "hope"), ("agreed", "agre"), ("owed", "owe"), ("happiness", "happi"),
    ("cries", "cri"), ("ties", "tie"), ("caresses", "caress"), ("kindly", "kind"), ("feed", "feed"),
])
def test_known_stems(word, expected):
    assert stem(word) == expected


@pytest.mark.parametrize(("word", "expected"), [
    # Exception words, and words the algorithm leaves alone after its plural step.
    ("skies", "sky"), ("dying", "die"), ("lying", "lie"), ("news", "news"), ("only", "onli"),
    ("innings", "inning"), ("proceeded", "proceed"), ("succeeding", "succeed"),
    # Words of two characters are returned untouched, apostrophes included.
    ("'s", "'s"), ("’s", "’s"), ("is", "is"),
    # Curly apostrophes are straight ones, a possessive goes, a leading apostrophe goes.
    ("o’brien’s", "o'brien"), ("nation's", "nation"), ("'tis", "tis"), ("dogs'", "dog"),
    # A y at the start or after a vowel is a consonant; the stem keeps it lower-case.
    ("yelling", "yell"), ("saying", "say"), ("enjoyed", "enjoy"), ("happy", "happi"),
    # Hyphens and digits are consonants; the word is lower-cased first.
    ("anti-war", "anti-war"), ("self-made", "self-mad"), ("1990s", "1990s"), ("CORRUPTION", "corrupt"),
    ("", ""), ("a", "a"),
])
def test_special_rules(word, expected):
    assert stem(word) == expected


def test_the_word_stem_of_the_tokens_module_is_this_stemmer():
    from detector.tokens import word_stem

    words = ["generously", "o’brien’s", "skies", "self-made", "x" * 500]
    assert [word_stem(w) for w in words] == [stem(w) for w in words]


# --------------------------------------------------------------------------- exactness against NLTK


@pytest.fixture(scope="module")
def nltk_stem() -> Callable[[str], str]:
    snowball = pytest.importorskip("nltk.stem.snowball", reason="NLTK (the test extra) is the reference")
    return snowball.SnowballStemmer("english").stem


def _differences(nltk_stem: Callable[[str], str], words: Iterable[str]) -> list[tuple[str, str, str]]:
    """The words whose stems differ, with NLTK's stem and ours."""
    found = []
    for word in words:
        theirs, ours = nltk_stem(word), stem(word)
        if theirs != ours:
            found.append((word, theirs, ours))
    return found


def _words(texts: Iterable[str]) -> set[str]:
    """The distinct lower-cased words (``WORD_TOKEN``) of ``texts``, as ``word_stem`` receives them."""
    return {w for text in texts for w in WORD_TOKEN.findall(text.lower())}


def test_every_word_of_the_shipped_corpus(nltk_stem):
    words = _words(d.text for d in read_corpus(shipped_corpus_path()))
    assert len(words) > 10_000
    assert _differences(nltk_stem, words) == []


def test_every_token_of_the_wordpiece_vocabulary(nltk_stem):
    lines = resources.files("detector").joinpath("data/wordpiece_vocab.txt").read_text("utf-8").splitlines()
    assert len(lines) > 20_000
    assert _differences(nltk_stem, set(lines) | _words(lines)) == []


def test_every_word_of_the_lexicons(nltk_stem):
    folder = resources.files("detector").joinpath("data/lexicons")
    lines = [line for p in folder.iterdir() if p.name.endswith(".txt")
             for line in p.read_text("utf-8").splitlines() if not line.startswith("#")]
    words = _words(lines)
    assert len(words) > 300
    assert _differences(nltk_stem, words) == []


_TRICKY = [
    # The forms of the three prefixes with their own R1, and look-alikes.
    "generously", "generous", "generate", "generation", "general", "generalization", "gener", "genera", "generic",
    "community", "communication", "communism", "commune", "commun", "arsenal", "arsenic", "arsen", "arsenals",
    # Exception words, their plurals and neighbours.
    "skis", "skies", "sky", "skying", "dying", "lying", "tying", "dyings", "idly", "gently", "ugly", "early",
    "only", "singly", "news", "newsy", "howe", "atlas", "atlases", "cosmos", "bias", "biased", "andes",
    "inning", "innings", "outing", "outings", "canning", "cannings", "herring", "herrings", "earring",
    "earrings", "proceed", "proceeds", "proceeded", "proceeding", "proceedings", "exceed", "exceeds",
    "exceeded", "exceeding", "succeed", "succeeds", "succeeded", "succeeding", "succeedingly",
    # Apostrophes: straight, curly, reversed, leading, doubled, alone.
    "'s", "’s", "‘s", "‛s", "s'", "'", "''", "'''", "''s'", "’’s’", "o'brien's", "o’brien’s", "dogs'",
    "dogs’", "'tis", "’tis", "rock'n'roll", "won't", "won’t", "y'all", "nation’s’",
    # A y at the start, after a vowel, doubled, alone, before a suffix.
    "y", "yy", "yyy", "yyyy", "ayyy", "yes", "yelling", "youth", "saying", "sayyid", "enjoyed", "obeyed",
    "happy", "happily", "cry", "cried", "flying", "by", "bye", "toys", "yearly", "yield", "yttria",
    # Hyphens and digits.
    "anti-war", "self-made", "so-called", "well-being", "pro-life", "co-operation", "-ed", "x-ing",
    "1990s", "2nd", "3d", "covid-19", "g7", "mp3s", "a1", "100", "1,000", "4th-generation", "24-hour",
    # Letters outside ASCII and the underscore (\w).
    "café", "cafés", "naïve", "naïvely", "résumé", "über", "straße", "ΣΟΦΟΣ", "σοφος", "istanbul's",
    "i̇stanbul", "snake_case", "__init__",
    # Short words and the short-syllable rules.
    "a", "at", "ate", "bed", "bled", "hoped", "hopped", "hopping", "owed", "ow", "aed", "hop", "hope",
    "fizzed", "filing", "failing", "agreed", "feed", "eed", "eedly", "ing", "ingly", "ed", "ied", "ies",
    "ties", "cries", "us", "ss", "gas", "gaps", "kiwis", "caresses",
    # Every step's suffixes.
    "relational", "conditional", "valenci", "hesitanci", "digitizer", "conformabli", "radicalli",
    "differentli", "vileli", "analogousli", "vietnamization", "predication", "operator", "feudalism",
    "decisiveness", "hopefulness", "callousness", "formaliti", "sensitiviti", "sensibiliti", "fruitfulli",
    "lessli", "sensibility", "electricity", "formalize", "electrical", "triplicate", "goodness", "hopeful",
    "demonstrative", "allowance", "inference", "adjustable", "defensible", "irritant", "replacement",
    "adjustment", "dependent", "adoption", "communion", "activate", "angulariti", "homologous", "effective",
    "bowdlerize", "revival", "airliner", "gyroscopic", "controlling", "rolling", "probate", "rate", "cease",
    "analogies", "theology", "apology", "geology",
]


def test_tricky_words(nltk_stem):
    assert _differences(nltk_stem, _TRICKY) == []


_PIECES = st.sampled_from([
    *"aeiouybcdfghklmnprstvwxz'’‘-19é_",
    "ational", "tional", "enci", "anci", "izer", "bli", "alli", "entli", "eli", "ousli", "ization", "ation",
    "ator", "alism", "iveness", "fulness", "ousness", "aliti", "iviti", "biliti", "logi", "fulli", "lessli", "li",
    "alize", "icate", "iciti", "ical", "ful", "ness", "ative", "al", "ance", "ence", "er", "ic", "able", "ible",
    "ant", "ement", "ment", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion", "sion", "tion",
    "eed", "eedly", "ed", "edly", "ing", "ingly", "sses", "ied", "ies", "us", "ss", "s", "'s", "’s", "'s'",
    "at", "bl", "iz", "bb", "dd", "tt", "gener", "commun", "arsen", "y", "ay", "oy", "ll", "le", "e", "ee",
])


@settings(max_examples=3000, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=6).map("".join))
def test_words_built_from_suffixes(nltk_stem, word):
    assert stem(word) == nltk_stem(word)


@settings(max_examples=1000, deadline=None)
@given(st.from_regex(WORD_TOKEN, fullmatch=True).map(str.lower))
def test_any_word_the_tokenizer_can_find(nltk_stem, word):
    assert stem(word) == nltk_stem(word)

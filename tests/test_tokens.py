"""The one-pass token streams equal what each feature group's own pattern finds in the sentence, and the
embedding's WordPiece cuts text as the teachers' (BERT's uncased) tokenizer does."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from detector import tokens
from detector.tokens import (
    NGRAM_TOKEN,
    WORD_TOKEN,
    WordPiece,
    forget_recent,
    lexicon_names,
    sentence_tokens,
    word_ngrams,
    word_stem,
    wordpiece,
)

_NGRAMS = TfidfVectorizer(ngram_range=(1, 2), token_pattern=NGRAM_TOKEN.pattern).build_analyzer()


def _reference_lexicon(text: str) -> list[tuple[int, int, int]]:
    """The lexicon hits as the patterns find them scanning the whole text: words, then phrases."""
    lex = tokens._lexicon()
    lower = tokens._lower(text)
    found = [(m.start(), m.end(), i) for m in tokens._LEXICON_WORD.finditer(lower)
             for i in tokens._word_categories(m.group())]
    for i, pattern in lex.phrases:
        found.extend((m.start(), m.end(), i) for m in pattern.finditer(lower))
    return found


def _check(text: str) -> None:
    forget_recent()
    stream = sentence_tokens(text)
    assert word_ngrams(text) == _NGRAMS(text)
    assert stream.stems == [word_stem(w) for w in WORD_TOKEN.findall(text.lower())]
    assert stream.pieces == wordpiece().ids(text)
    assert sorted(stream.lexicon) == sorted(_reference_lexicon(text))


@pytest.mark.parametrize("text", [
    "This disgraceful plan is a witch hunt, and the deep state knows it.",
    "Anti-war self-made  man\u2028deep state: “Quotes”, café, ΟΔΟΣ and İstanbul!",
    "", "   ", "war on war on war on terror", "WITCH HUNT!!! witch-hunt witch hunts",
])
def test_the_streams_match_the_patterns_on_chosen_texts(text):
    _check(text)


_WORDS = st.sampled_from(["witch", "hunt", "deep", "state", "war", "on", "terror", "the", "great", "nation",
                          "self-made", "o'brien", "Café", "ΣΟΦΟΣ", "İ", "x" * 120, "disgrace", "disgraceful",
                          "every", "one", "knows", "so-called", "elites", "1,000"])
_GLUE = st.sampled_from([" ", "  ", "\n", "\t", ", ", ". ", "-", "'", "“", "”", "\u2028", "\u00a0", ""])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_WORDS, _GLUE), max_size=25))
def test_the_streams_match_the_patterns_on_generated_texts(parts):
    _check("".join(w + g for w, g in parts))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_the_streams_match_the_patterns_on_any_text(text):
    _check(text)


def test_every_lexicon_phrase_can_be_found_from_its_first_word():
    lex = tokens._lexicon()
    assert lex.phrases and set(i for i, _ in lex.phrases) <= set(range(len(lexicon_names())))
    assert all(categories for categories in lex.phrase_starts.values())


# Names of parties, ideologies, movements and states, used as descriptions: none may be a lexicon
# hit, or the model learns to read one side's name as a technique (docs/benchmarks.md).
_PLAIN_SIDE_NAMES = (
    "socialist", "Socialists", "socialism", "communist", "communism", "fascism", "Soviet", "liberal",
    "conservative", "progressive", "libertarian", "left-wing", "right-wing", "far-left", "far-right",
    "Republicans", "Democrats", "Labour", "Tories", "Greens", "nationalist", "unionist", "secular",
    "evangelical", "Marxist", "capitalism", "feminist", "populist", "activists", "lobbyists",
)


@pytest.mark.parametrize("name", _PLAIN_SIDE_NAMES)
def test_plain_names_of_sides_are_no_lexicon_hits(name):
    text = f"The officials counted the {name} votes in each district."
    start = text.index(name)
    hits = [text[a:b] for a, b, _ in tokens.lexicon_matches(text) if a < start + len(name) and b > start]
    assert hits == []


@pytest.mark.parametrize(("epithet", "entry"), [
    ("commies", "commies"), ("libtards", "libtards"), ("loony left", "loony"),
    ("champagne socialists", "champagne socialists"),
])
def test_epithets_built_on_side_names_stay_lexicon_hits(epithet, entry):
    text = f"The report blamed the {epithet} for the votes."
    assert entry in [text[a:b] for a, b, _ in tokens.lexicon_matches(text)]


def test_forgetting_every_word_memo_changes_no_stream():
    text = "Shameless bureaucrats keep wasting everyone's money, again and again."
    before = tokens.sentence_tokens(text)
    tokens.forget_words()
    assert tokens.word_stem.cache_info().currsize == 0
    assert not tokens._CHUNKS and not tokens.wordpiece()._cache
    assert tokens.sentence_tokens(text) == before
    assert tokens._CHUNKS  # the streams were computed again, not served from a memo


def test_stems_do_not_import_nltk():
    # NLTK's package import loads scikit-learn, pandas and SciPy's statistics: seconds of start-up.
    code = ("import sys\nfrom detector.tokens import stem_tokens\n"
            "assert stem_tokens('Corrupted officials') == ['corrupt', 'offici']\n"
            "assert 'nltk' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)


# The vocabulary entries a test sentence needs, in the BERT style (``##`` continues a word).
_VOCAB = ["[UNK]", "foo", "_", "bar", "£5", "##00", "£", "500", "ab", "日", "本", "cafe", "!", "10", "##°c", "-",
          "x", "##y", "+"]


def _pieces(text: str) -> list[str]:
    return [_VOCAB[i] for i in WordPiece(_VOCAB).ids(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("foo_bar", ["foo", "_", "bar"]),  # the underscore is punctuation to BERT, though a word character to \w
    ("£500", ["£5", "##00"]),  # a currency sign is no punctuation: it stays inside its word
    ("10°C!", ["10", "##°c", "!"]),  # so does a degree sign
    ("a\u200bb", ["ab"]),  # a zero-width space is a format character: dropped, not a word break
    ("a\x01b \x00", ["ab"]),  # control characters are dropped
    ("日本", ["日", "本"]),  # every CJK ideograph is a word of its own
    ("CAFÉ!", ["cafe", "!"]),  # lower-cased, accents stripped
    ("£5+£5", ["£5", "+", "£5"]),  # an ASCII symbol is punctuation, also beside a non-ASCII character
    ("yx", ["[UNK]"]),  # no piece sequence covers the word
    ("xy-" + "x" * 101, ["x", "##y", "-", "[UNK]"]),  # a word over 100 characters is unknown
])
def test_wordpiece_cuts_text_as_the_teachers_tokenizer_does(text, expected):
    assert _pieces(text) == expected


def test_wordpiece_spans_point_at_the_words_in_the_original_text():
    text = "£500  CAFÉ_bar"
    pairs = WordPiece(_VOCAB).ids_with_spans(text)
    assert [(_VOCAB[i], text[a:b]) for i, (a, b) in pairs] == [
        ("£5", "£500"), ("##00", "£500"), ("cafe", "CAFÉ"), ("_", "_"), ("bar", "bar")]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120) | st.text(st.characters(max_codepoint=127), max_size=60))
def test_wordpiece_ids_and_spans_agree(text):
    # ASCII text takes ids' one-pattern path, other text the character-by-character one: both must cut alike.
    pairs = wordpiece().ids_with_spans(text)
    assert [i for i, _ in pairs] == wordpiece().ids(text)
    assert all(0 <= a < b <= len(text) and not text[a:b].isspace() for _, (a, b) in pairs)


# --------------------------------------------------------------------------- side names

@pytest.mark.parametrize(("text", "blanked"), [
    ("Labour's plan for the labour market", "         plan for the labour market"),
    ("left-wing MPs and far-right groups", "          MPs and           groups"),
    ("the Lib Dems, the SNP and Sinn Fein", "the         , the     and          "),
    ("Democratic senators defend democratic values", "           senators defend democratic values"),
    ("Republicans' votes (Conservatives) and socialism.", "           ' votes (             ) and          ."),
])
def test_side_names_are_blanked_in_place(text, blanked):
    assert tokens.blank_side_names(text) == blanked


@pytest.mark.parametrize("word", ["leftist", "commies", "fascists", "Marxist", "libtards", "labour", "green",
                                  "reform", "coalition", "democracy", "unions"])
def test_labels_and_ordinary_words_are_not_side_names(word):
    text = f"They blamed the {word} for it."
    assert tokens.blank_side_names(text) == text


_SIDE_WORDS = st.sampled_from(["Labour", "labour", "Tories", "Lib", "Dems", "left-wing", "GOP", "Green", "Greens",
                               "Republicans'", "Democrat's", "socialist", "unionists", "pro-life", "Sinn", "Féin"])
_OTHER_WORDS = st.sampled_from(["the", "plan", "Greedy,", "elites", "(", "vote.", "MPs", "don't", "café", "—", "42"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_SIDE_WORDS, _OTHER_WORDS, st.text(max_size=6)), max_size=14),
       st.sampled_from([" ", "  ", "\n", " - "]))
def test_the_streams_ignoring_sides_are_those_of_the_blanked_sentence(words, glue):
    text = glue.join(words)
    blanked = tokens.blank_side_names(text)
    assert len(blanked) == len(text)
    forget_recent()
    found = sentence_tokens(text)
    plain = sentence_tokens(blanked)
    assert found.free_words == plain.words
    assert found.free_stems == plain.stems
    assert found.free_pieces == plain.pieces
    assert tokens.word_ngrams_ignoring_sides(text) == word_ngrams(blanked)
    # The lexicon reads the sentence as written.
    assert found.lexicon == _reference_lexicon(text)


def test_a_sentence_naming_no_side_shares_its_streams():
    found = sentence_tokens("The council met on Tuesday to discuss the bus timetable.")
    assert found.free_words is found.words and found.free_pieces is found.pieces

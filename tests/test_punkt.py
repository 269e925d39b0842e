"""detector._punkt: Punkt's sentence ends for an abbreviation-only model, the same as NLTK's.

NLTK is the reference only (it is in the ``test`` extra): the comparisons skip without it; the
behaviour tests at the end do not need it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector import segmentation
from detector._punkt import PunktSplitter

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"

# Invented sentences around each hard case of Punkt: abbreviations inside and at the end of a
# sentence, initials, numbers, ellipses, stacked stops, closing quotes and brackets, unicode
# punctuation and white space, and degenerate inputs.
TRICKY = [
    "The plan came from the U.S. Congress passed it anyway.",
    "She moved to the U.S. Then she wrote a book.",
    "Dr. Smith saw Mrs. Jones at 9 a.m. on Monday.",
    "Bring supplies, e.g. water and bread. Leave the rest.",
    "Bring supplies (e.g., water). Leave the rest.",
    "J. R. R. Tolkien wrote it. C. S. Lewis did not.",
    "The letter was signed by A. Baker. it was late.",
    "Prices rose 3.5 percent. Wages rose 2.1. That is all.",
    "See No. 5 on the list. It is item no. 6 now.",
    "He paused... Then he spoke. And then... silence.",
    "Wait . . . what happened?",
    "Really?! You did that?! Yes!!! Fine.",
    'He said "Stop." She stopped. (It was late.) They left.',
    "\u201cWe will win.\u201d The crowd cheered. \u2018Never.\u2019 he said.",
    "The vote was held in 1999. the result came later.",
    "There were 42. Everyone counted them.",
    "It ended in 2020. In 2021 it began again.",
    "It costs $5.00. We paid it.",
    "The end \u2014 or not. The start \u2013 maybe.",
    "A" * 300 + ". " + "b" * 300 + "! Next.",
    "Pneumonoultramicroscopicsilicovolcanoconiosis. Supercalifragilisticexpialidocious? Yes.",
    "Mr.Smith arrived.Then left. Ok.",
    "He works for Acme Inc. The firm is big.",
    "Go to St. Paul's. It's on Main St. Bring a map.",
    "Gen. Lee and Col. Sanders met Sen. Okafor.",
    "Is it 5 p.m. Already? No. it is 4 p.m. now.",
    "Line one.\nLine two? yes.\n\nNew paragraph.",
    '"Why?" he asked. "Because." she said.',
    "[Note.] The bracket closes. {Braces.} Too.",
    "The score was 3-2. Fans cheered. Tickets cost 1,000.",
    "It was at approx. 10 km. Then we stopped.",
    "A sentence with -- dashes. Another -- one.",
    "Ends with abbreviation etc. The next starts here.",
    "The value is .5. The other is -3.",
    "x. y. Z. w.",
    "Who? me? You!",
    "\u00abBonjour.\u00bb Il part.",
    "Numbers: 1. First item 2. Second item.",
    "I.e. this. E.g. that.",
    "He left.\u00a0She stayed. \u2003Done.",
    "The end.)) Next one.",
    "Tab\tseparated.\tSentences here.",
    "Trailing spaces.   ",
    "   Leading spaces. Here.",
    "Dr. (Smith.) waved.",
    "The ex-Gov. Brown spoke. So did Rep. Diaz.",
    "Separator\x1c. Then more.",
    "Initial a.\n\x1c\nB. here.",
    "Spaced . .\n. Dots.",
    "Greek ΟΔΟΣ. Next. Accent e\u0301. Superscript m\u00b2. Next.",
    "",
    ".",
    "...",
    "?!",
    "A.",
    "a.b.c. D.",
]

# Pieces of text that Punkt's rules care about, for generated input.
PIECES = [
    *'.!?"\')( ', "  ", "\n", "\n\n", "\t", "\xa0", "\x1c", "\u2003", ",", ";", ":", "-", "--", "...", ". . .",
    "A", "B", "J", "Z", "a", "x", "5", "42", "3.5", "1,000", "-3", ".5", "No", "Dr", "U.S", "e.g", "etc",
    "St", "p.m", "Mr", "Inc", "i.e", "\u2018", "\u2019", "\u201c", "\u201d", "\xab", "\xbb", "[", "]", "{", "}",
    "*", "@", "&", "#", "`", "_", "The", "word", "\u00e9", "\u0301", "\u00b2", "\u0130", "\u03a3", "\u0663",
    "##number##", "\r\n", "\x0c", "\x85", "\u2028", "%",
]


@pytest.fixture(scope="module")
def splitter() -> PunktSplitter:
    return segmentation._splitter()


@pytest.fixture(scope="module")
def reference(splitter):
    """NLTK's Punkt with the same parameters: the project's abbreviations and nothing else."""
    punkt = pytest.importorskip("nltk.tokenize.punkt")
    params = punkt.PunktParameters()
    params.abbrev_types = set(splitter.abbreviations)
    return punkt.PunktSentenceTokenizer(params)


def _differences(reference, splitter, texts):
    """Texts whose spans differ, with both answers."""
    out = []
    for text in texts:
        expected = list(reference.span_tokenize(text))
        got = splitter.spans(text)
        if got != expected:
            out.append((text[:200], expected, got))
    return out


def _chunks(text: str) -> list[str]:
    """The pieces of ``text`` that split_sentences hands to Punkt, and the whole text."""
    pieces = [text]
    for start, end in segmentation.text_blocks(text):
        pieces += [chunk for _, chunk in segmentation._chunks(text[start:end])]
    return pieces


def _corpus_texts() -> list[str]:
    texts = []
    for name in ("train.jsonl", "heldout.jsonl"):
        for line in (ROOT / "training_data" / name).read_text("utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


def _fixture_texts() -> list[str]:
    texts = []
    for path in sorted([*FIXTURES.rglob("*"), *(ROOT / "examples").glob("*.txt")]):
        if not path.is_file():
            continue
        raw = path.read_text("utf-8")
        if path.suffix == ".jsonl":
            records = [json.loads(line) for line in raw.splitlines() if line.strip()]
            texts += [value for record in records for value in record.values() if isinstance(value, str)]
        else:
            texts.append(raw)
    return texts


# --------------------------------------------------------------------------- same spans as NLTK


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_cases_match_nltk(reference, splitter, text):
    assert splitter.spans(text) == list(reference.span_tokenize(text))


def test_fixtures_and_examples_match_nltk(reference, splitter):
    texts = [piece for text in _fixture_texts() for piece in _chunks(text)]
    assert len(texts) > 50
    assert _differences(reference, splitter, texts) == []


@pytest.mark.slow
def test_the_whole_corpus_matches_nltk(reference, splitter):
    texts = [piece for text in _corpus_texts() for piece in _chunks(text)]
    assert len(texts) > 10_000
    assert _differences(reference, splitter, texts) == []


@settings(max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_generated_punctuation_heavy_text_matches_nltk(reference, splitter, text):
    assert splitter.spans(text) == list(reference.span_tokenize(text))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_generated_unicode_text_matches_nltk(reference, splitter, text):
    assert splitter.spans(text) == list(reference.span_tokenize(text))


# --------------------------------------------------------------------------- behaviour, without NLTK


def sentences(text: str) -> list[str]:
    return [s.text for s in segmentation.split_sentences(text)]


def test_known_abbreviations_and_titles_do_not_end_sentences():
    assert sentences("Dr. Smith met Gen. Lee at 9 a.m. on Monday. They spoke.") == [
        "Dr. Smith met Gen. Lee at 9 a.m. on Monday.", "They spoke."]
    assert sentences("Bring supplies, e.g. water. Leave.") == ["Bring supplies, e.g. water.", "Leave."]


def test_an_abbreviation_before_a_capital_does_not_end_the_sentence():
    # Without orthographic statistics Punkt cannot tell "U.S. Then" from "U.S. Congress".
    assert sentences("She moved to the U.S. Then she wrote.") == ["She moved to the U.S. Then she wrote."]


def test_initials_stay_with_the_name():
    assert sentences("J. R. R. Tolkien wrote it. C. S. Lewis did not.") == [
        "J. R. R. Tolkien wrote it.", "C. S. Lewis did not."]


def test_numbers_end_sentences_before_a_capital_but_not_before_lower_case():
    assert sentences("There were 42. Everyone counted.") == ["There were 42.", "Everyone counted."]
    assert sentences("It was 1999. the year after.") == ["It was 1999. the year after."]
    assert sentences("Prices rose 3.5 percent. See No. 5 below.") == ["Prices rose 3.5 percent.", "See No. 5 below."]


def test_lower_case_after_a_plain_word_still_ends_the_sentence():
    assert sentences("Who? me? Yes. fine.") == ["Who?", "me?", "Yes.", "fine."]


def test_ellipses_do_not_end_sentences_but_stacked_stops_do():
    assert sentences("He paused... Then spoke.") == ["He paused... Then spoke."]
    assert sentences("Really?! Yes!!! Fine.") == ["Really?!", "Yes!!!", "Fine."]


def test_closing_quotes_and_brackets_stay_with_their_sentence():
    text = "He said \"Stop.\" She did. (It was late.) \u201cNo.\u201d \u00abOui.\u00bb End."
    assert sentences(text) == ['He said "Stop."', "She did.", "(It was late.)", "\u201cNo.\u201d",
                               "\u00abOui.\u00bb", "End."]


def test_a_sentence_in_a_bracket_ends_even_after_an_abbreviation():
    # Punkt judges a stop by every token of its context, including the word after it.
    assert sentences("Dr. (Smith.) waved.") == ["Dr.", "(Smith.)", "waved."]


def test_spans_are_offsets_into_the_text(splitter):
    text = "   One here.\u00a0Two there!  \u201cThree.\u201d  "
    spans = splitter.spans(text)
    # As in NLTK, the first sentence keeps the text's leading white space (split_sentences trims it).
    assert [text[a:b] for a, b in spans] == ["   One here.", "Two there!", "\u201cThree.\u201d"]
    assert splitter.spans("") == [] and splitter.spans("   ") == []


def test_splitting_sentences_does_not_import_nltk():
    code = ("import sys, detector.segmentation as s; s.split_sentences('Dr. A. Smith left. \u00c9. Then.'); "
            "print('nltk' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_the_abbreviation_list_decides(splitter):
    assert PunktSplitter({"zork"}).spans("A zork. Then b.") == [(0, 15)]
    assert PunktSplitter(set()).spans("A zork. Then b.") == [(0, 7), (8, 15)]
    assert PunktSplitter({"gov"}).spans("The ex-Gov. Brown.") == [(0, 18)]

import json
import re
import time
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector import voice as voice_module
from detector.segmentation import Sentence, split_sentences
from detector.voice import AUTHOR, QUOTED, Voice, quotation_spans, sentence_voices, span_voice

FIXTURE = Path(__file__).parent / "fixtures" / "voice_sentences.jsonl"


def voices(text):
    return [(v.voice, v.speaker) for v in sentence_voices(text, split_sentences(text))]


def quoted_texts(text):
    return [text[a:b] for a, b in quotation_spans(text)]


# --- quotation marks ------------------------------------------------------------------------

def test_straight_double_quotes_with_a_tag_after():
    text = 'Prices rose again. "This is a disaster," said the mayor.'
    assert voices(text) == [(AUTHOR, None), (QUOTED, "the mayor")]
    assert quoted_texts(text) == ['"This is a disaster,"']


def test_curly_double_quotes_with_the_speaker_before():
    text = "The minister said, “We will not back down on this.” The vote is on Friday."
    assert voices(text) == [(QUOTED, "The minister"), (AUTHOR, None)]


def test_curly_single_quotes_are_quotation_marks_but_apostrophes_are_not():
    text = "‘We will not back down,’ the minister said. The workers’ union didn’t agree."
    assert quoted_texts(text) == ["‘We will not back down,’"]
    assert voices(text) == [(QUOTED, "the minister"), (AUTHOR, None)]


def test_apostrophes_alone_make_no_quotation():
    text = ("Don't panic: it's the workers' turn, and the ’21 review isn’t the Smiths’ fault. "
            "Rock 'n' roll lives.")
    assert quotation_spans(text) == []
    assert all(v == AUTHOR for v, _ in voices(text))


def test_straight_single_quotes_around_a_phrase():
    text = "He called it 'a betrayal of everything we stand for'."
    assert quoted_texts(text) == ["'a betrayal of everything we stand for'"]
    assert voices(text) == [(QUOTED, "He")]


def test_guillemets_and_low_high_quotes():
    text = "Le ministre a dit : « Nous ne céderons pas. » Er sagte: „Wir geben nicht nach.“"
    assert quoted_texts(text) == ["« Nous ne céderons pas. »", "„Wir geben nicht nach.“"]
    sentences = [Sentence(0, 45, text[:45]), Sentence(46, len(text), text[46:])]
    assert [v.voice for v in sentence_voices(text, sentences)] == [QUOTED, QUOTED]


def test_scare_quotes_and_titles_leave_the_sentence_to_the_author():
    text = 'The so-called "reform" passed. She won with her app, "Money Up," on Friday.'
    result = sentence_voices(text, split_sentences(text))
    assert [v.voice for v in result] == [AUTHOR, AUTHOR]
    assert result[0].quoted_spans == ((14, 22),)


# --- quotations over several sentences and paragraphs ---------------------------------------

def test_a_quotation_over_several_sentences_has_one_speaker():
    text = ('Jane Smith spoke after the vote. "This is wrong. It hurts families. '
            'We will fight it," she said. The bill passed anyway.')
    assert voices(text) == [(AUTHOR, None), (QUOTED, "Jane Smith"), (QUOTED, "Jane Smith"),
                            (QUOTED, "Jane Smith"), (AUTHOR, None)]


def test_newspaper_convention_quote_runs_over_paragraphs():
    text = ("Senator Ann Lee released the following statement:\n\n"
            "“This is a dark day for the country. We were promised better.\n\n"
            "“We will keep fighting for every family in this state.”\n\n"
            "The bill now goes to the Senate.")
    spans = quoted_texts(text)
    assert spans[0].startswith("“This is a dark day") and spans[0].endswith("better.")
    assert spans[1] == "“We will keep fighting for every family in this state.”"
    assert voices(text) == [(AUTHOR, None), (QUOTED, "Ann Lee"), (QUOTED, "Ann Lee"),
                            (QUOTED, "Ann Lee"), (AUTHOR, None)]


def test_an_unclosed_quote_stops_at_the_end_of_its_paragraph():
    text = '"We are ready, the chief said.\n\nThe storm arrived on Monday.'
    assert quoted_texts(text) == ['"We are ready, the chief said.']
    assert [v for v, _ in voices(text)] == [QUOTED, AUTHOR]


def test_block_quotation_after_a_lead_in_line():
    text = ("Sir Martin continues that he finds\n\n"
            "“systematic dishonesty on the part of those who made the panels.”\n\n"
            "That is a damning verdict.")
    assert voices(text) == [(AUTHOR, None), (QUOTED, "Sir Martin"), (AUTHOR, None)]


def test_quote_tag_in_the_next_sentence():
    text = '"Black mamas can\'t wait!" Adams concluded.'
    assert voices(text) == [(QUOTED, "Adams"), (AUTHOR, None)]


def test_hansard_interjection():
    text = "I will tell you how much. [Hon. Members: “How much?”] It is £800 million."
    assert voices(text)[1] == (QUOTED, "Hon. Members")


# --- reported speech ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "speaker"), [
    ("The mayor said that the budget would be cut.", "The mayor"),
    ("Tamim claimed Houthis have attacked journalists previously.", "Tamim"),
    ("A spokesman for the ministry told reporters the talks had failed.",
     "A spokesman for the ministry"),
    ("According to the ministry, 40 people died in the floods.", "the ministry"),
    ("Forty people died in the floods, according to the emergencies ministry.",
     "the emergencies ministry"),
    ("The talks have failed, said Jones.", "Jones"),
    ("The talks have failed, officials said.", "officials"),
    ("On Saturday, Transport Minister Obaidul Quader said public transport would stay shut.",
     "Obaidul Quader"),
    ("Regional Governor Mujiv Hataman agreed, saying only this group appeared capable of it.",
     "Mujiv Hataman"),
    ("It is the most cost-effective part of our defence, he said, and it must stay.", "he"),
])
def test_reported_speech_is_quoted(text, speaker):
    assert voices(text) == [(QUOTED, speaker)]


def test_a_pronoun_takes_the_name_from_the_sentence_before():
    text = "Jane Smith spoke on Monday. She said the plan had failed."
    assert voices(text) == [(AUTHOR, None), (QUOTED, "Jane Smith")]


@pytest.mark.parametrize("text", [
    "I said to the House that we would act, and we have.",
    "As he rightly says, this is a national emergency.",
    "I listened to what the right hon. Gentleman said about delay.",
    "The commission refused to provide the network with said license.",
    "Dave Meltzer tweeted after hearing the news of her death.",
    "Congressman Bennie Thompson is pleased to announce a grant award of $307,243.",
    "Dozens died in the attack, reportedly conducted by the Taliban.",
    "It was called “Our position on China” and set out the Government’s policy.",
    "When she says that word, we will take her seriously.",
    "The agency arrested 33 men, claiming them to be mercenaries.",
])
def test_the_writer_s_own_words_are_author(text):
    assert [v for v, _ in voices(text)] == [AUTHOR]


def test_stripped_quote_marks_go_on_in_the_first_person():
    text = ("This is a long overdue victory for families, Crapo said. This Act will help. "
            "If we can prevent one case of violence, our work has been worthwhile.")
    assert voices(text) == [(QUOTED, "Crapo"), (QUOTED, "Crapo"), (QUOTED, "Crapo")]


# --- sub-spans ------------------------------------------------------------------------------

def test_span_voice_inside_and_outside_the_quotation():
    text = '"This is a disaster for our town," said the mayor.'
    [voice] = sentence_voices(text, split_sentences(text))
    assert voice.voice == QUOTED
    start = text.index("disaster")
    assert span_voice(text, start, start + len("disaster"), voice) == QUOTED
    tag = text.index("said the mayor")
    assert span_voice(text, tag, tag + len("said the mayor"), voice) == AUTHOR


def test_span_voice_in_reported_speech_without_marks():
    text = "The mayor said the plan was a disaster for everyone."
    [voice] = sentence_voices(text, split_sentences(text))
    start = text.index("a disaster")
    assert span_voice(text, start, start + 10, voice) == QUOTED


def test_span_voice_of_a_quoted_word_in_an_author_sentence():
    text = 'The so-called "reform" passed on Tuesday.'
    [voice] = sentence_voices(text, split_sentences(text))
    assert voice.voice == AUTHOR
    start = text.index("reform")
    assert span_voice(text, start, start + 6, voice) == QUOTED
    assert span_voice(text, 0, 6, voice) == AUTHOR


# --- edge cases -----------------------------------------------------------------------------

def test_empty_text_and_no_sentences():
    assert sentence_voices("", []) == []
    assert sentence_voices("Some text with “a quote”.", []) == []
    assert quotation_spans("") == []
    assert span_voice("", 0, 0, Voice(AUTHOR, None, ())) == AUTHOR


def test_voice_is_frozen():
    voice = Voice(QUOTED, "Jones", ((0, 3),))
    with pytest.raises(AttributeError):
        voice.voice = AUTHOR


def test_long_adversarial_sentence_is_linear():
    text = "X said that " * 4000 + '"a," said Smith. ' * 2000 + "“" * 5000
    started = time.perf_counter()
    sentence_voices(text, [Sentence(0, len(text), text)])
    assert time.perf_counter() - started < 10


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.text(),
    st.lists(st.sampled_from(['"', "“", "”", "‘", "’", "'", "«", "»", "„", " said ", " told ",
                              "according to ", "Smith", " the mayor", ", ", ". ", "\n", "\n\n",
                              "he ", "that ", ":", "[Hon. Members: ", "]", "I ", "we "]),
             max_size=40).map("".join)))
def test_any_text_gives_one_voice_per_sentence_with_spans_inside_it(text):
    sentences = split_sentences(text)
    result = sentence_voices(text, sentences)
    assert len(result) == len(sentences)
    for sentence, voice in zip(sentences, result, strict=True):
        assert voice.voice in (AUTHOR, QUOTED)
        assert voice.speaker is None or isinstance(voice.speaker, str)
        for a, b in voice.quoted_spans:
            assert sentence.start <= a < b <= sentence.end
        assert span_voice(text, sentence.start, sentence.end, voice) in (AUTHOR, QUOTED)
    for a, b in quotation_spans(text):
        assert 0 <= a < b <= len(text)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.lists(st.tuples(st.integers(-5, 60), st.integers(-5, 60)), max_size=6))
def test_arbitrary_sentence_offsets_never_raise(text, offsets):
    sentences = [Sentence(a, b, text[max(a, 0):max(b, 0)]) for a, b in offsets]
    result = sentence_voices(text, sentences)
    assert len(result) == len(sentences)
    for voice in result:
        for a, b in voice.quoted_spans:
            assert 0 <= a < b <= len(text)


# --- the pre-filters give the answers of the full scan -------------------------------------

_PIECES = ["said", "says", "told", "Said", "saidx", "xsaid", "x", "sai", "according to",
           "According to ", "accordingly", "issued a statement", "statement",
           "released the following remarks", "gave the below letter", "saying", ", ", ". ", ": ",
           ':"', ": “", "[Smith: “", "Jones: \"", "“", "”", '"', "'", "‘", "’", "(", ")", "]",
           "Smith", " the mayor", ", said Jones", ", Jones said", "he ", "she ", "his ", "that ",
           "I ", "we ", " ", "\n", "\n\n", "é", "1", "_", "added", "wrote", "warned", "asked",
           "the minister", "—"]
_TRICKY_TEXT = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


def _full_scan(monkeypatch):
    """Make ``sentence_voices`` scan every sentence for attributions, as it did before the
    document-level pre-filters."""
    monkeypatch.setattr(voice_module, "_may_attribute", lambda *args: True)
    monkeypatch.setattr(voice_module, "_occurrences", lambda text, needles: list(range(len(text) + 1)))


@settings(max_examples=500, deadline=None)
@given(st.one_of(_TRICKY_TEXT, st.text()), st.data())
def test_the_attribution_pre_filter_never_skips_a_sentence_with_an_attribution(text, data):
    # Any span, including ones cut inside a word ("saidx" cut after "said").
    triggers = voice_module._attribution_triggers(text)
    offset = st.integers(0, len(text))
    for start, end in data.draw(st.lists(st.tuples(offset, offset), max_size=8)):
        if end > start and voice_module._attributions(text, start, end, len(text)):
            assert voice_module._may_attribute(text, triggers, start, end), (text, start, end)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_TRICKY_TEXT, st.text()))
def test_voices_with_the_pre_filters_equal_those_of_the_full_scan(text):
    sentences = split_sentences(text)
    fast = sentence_voices(text, sentences)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _full_scan(monkeypatch)
        assert sentence_voices(text, sentences) == fast


def test_voices_of_the_fixture_equal_those_of_the_full_scan(monkeypatch):
    fast = _fixture_predictions()
    _full_scan(monkeypatch)
    assert [v for _, v in _fixture_predictions()] == [v for _, v in fast]


def test_a_sentence_cut_inside_a_word_still_finds_its_tag():
    # The sentence ends after "said" inside "saidx": its own scan sees a whole word there.
    text = '"We won the vote," Jones saidx'
    sentences = [Sentence(0, len(text) - 1, text[:-1])]
    assert [(v.voice, v.speaker) for v in sentence_voices(text, sentences)] == [(QUOTED, "Jones")]


def test_the_following_remarks_name_the_speaker_of_the_next_quotation():
    text = 'The council released the following remarks.\n\n"We will not sell the harbour."'
    assert voices(text) == [(AUTHOR, None), (QUOTED, "The council")]


@settings(max_examples=200, deadline=None)
@given(st.one_of(_TRICKY_TEXT, st.text()))
def test_the_verb_pattern_matches_what_a_flat_alternation_matches(text):
    flat = re.compile(r"\b(" + "|".join(sorted(voice_module._ALL_VERBS, key=len, reverse=True)) + r")\b")
    assert [m.span() for m in voice_module._VERB_AT.finditer(text)] == [m.span() for m in flat.finditer(text)]


# --- the hand-labelled sentences ------------------------------------------------------------

def _fixture_predictions():
    groups = defaultdict(list)
    with FIXTURE.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            groups[(row["record"], row["context"])].append(row)
    paired = []
    for (_record, context), rows in groups.items():
        rows.sort(key=lambda r: r["start"])
        sentences = [Sentence(r["start"], r["end"], context[r["start"]:r["end"]]) for r in rows]
        paired += list(zip(rows, sentence_voices(context, sentences), strict=True))
    return paired


def test_fixture_is_large_enough_and_balanced():
    paired = _fixture_predictions()
    labels = [row["voice"] for row, _ in paired]
    assert len(labels) >= 220
    assert 0.35 <= labels.count(QUOTED) / len(labels) <= 0.65
    assert {row["source"] for row, _ in paired} == {
        "wikinews_2019_2020", "us_congress_press_releases", "uk_hansard_pm_contributions"}


def test_quoted_precision_and_recall_on_the_fixture():
    paired = _fixture_predictions()
    tp = sum(1 for row, v in paired if row["voice"] == QUOTED and v.voice == QUOTED)
    fp = sum(1 for row, v in paired if row["voice"] != QUOTED and v.voice == QUOTED)
    fn = sum(1 for row, v in paired if row["voice"] == QUOTED and v.voice != QUOTED)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.85, precision
    assert recall >= 0.85, recall

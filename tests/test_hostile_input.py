"""Whatever text people feed the detector, it answers without an exception and keeps offsets true."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.segmentation import split_sentences

NASTY = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Mn"))),  # controls, joiners, marks
    st.text(alphabet="אבגדהو مرحبا، العالم.!؟ \u200f\u200e\n"),  # right-to-left scripts and marks
    st.text(alphabet="😀🇺🇦👩‍👩‍👧 .!?\n🙂\ufe0f"),  # emoji, flags, zero-width joiner sequences
    st.text(alphabet="中文。！？日本語、한국어 .\n"),  # CJK punctuation
)


def _check(text, sentences):
    previous_end = 0
    for s in sentences:
        assert previous_end <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == s.text
        previous_end = s.end


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(NASTY)
def test_scoring_any_text_keeps_offsets_inside_it(tiny_detector, text):
    results = tiny_detector.score(text)
    _check(text, results)
    assert all(0.0 <= s.score <= 1.0 for s in results)


def test_a_million_characters_without_punctuation_are_scored(tiny_detector):
    text = ("word " * 200_000).strip()
    results = tiny_detector.score(text)
    _check(text, results)
    assert "".join(s.text for s in results).replace(" ", "") == text.replace(" ", "")


def test_one_line_of_a_million_characters_segments(tiny_detector):
    text = "x" * 1_000_000
    sentences = split_sentences(text)
    _check(text, sentences)
    assert sum(len(s.text) for s in sentences) == len(text)

from hypothesis import given, settings
from hypothesis import strategies as st

from detector.segmentation import split_sentences


def texts(text):
    return [s.text for s in split_sentences(text)]


def test_offsets_point_into_the_original_text():
    text = "Mr. Smith went to Washington. He said \"No!\" Then he left.\n\nA new paragraph?  Yes."
    for s in split_sentences(text):
        assert text[s.start:s.end] == s.text
    assert texts(text) == ["Mr. Smith went to Washington.", 'He said "No!"', "Then he left.",
                           "A new paragraph?", "Yes."]


def test_abbreviations_do_not_end_sentences():
    assert texts("Dr. Patel met Sen. Okafor at 5 p.m. on Friday. They talked.") == [
        "Dr. Patel met Sen. Okafor at 5 p.m. on Friday.", "They talked."]


def test_every_line_break_ends_a_sentence_in_one_sentence_per_line_text():
    text = "Headline Without A Stop\nFirst sentence of the story\nSecond one.\n"
    assert texts(text) == ["Headline Without A Stop", "First sentence of the story", "Second one."]


def test_hard_wrapped_prose_is_joined_but_blank_lines_still_split():
    text = ("The committee met on Monday to discuss the new proposal for the harbour\n"
            "and agreed that a further consultation with local residents would be\n"
            "needed before any decision could be taken on the future of the site\n"
            "and its buildings. A report is due in May.\n\n"
            "Second paragraph here, which is short.")
    result = texts(text)
    assert result[0].startswith("The committee met") and result[0].endswith("and its buildings.")
    assert result[1:] == ["A report is due in May.", "Second paragraph here, which is short."]


def test_empty_and_blank_text_have_no_sentences():
    assert split_sentences("") == []
    assert split_sentences(" \n\t\n ") == []


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_sentences_are_ordered_disjoint_and_cover_every_non_space_character(text):
    sentences = split_sentences(text)
    covered = set()
    previous_end = 0
    for s in sentences:
        assert 0 <= previous_end <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == s.text == s.text.strip()
        covered.update(range(s.start, s.end))
        previous_end = s.end
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())

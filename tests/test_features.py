import numpy as np
import pytest

from detector.features import document_inputs, lexicon_counts, lexicon_names, stem_tokens
from detector.transformers import ContextFeatures, LexiconFeatures, StyleFeatures, build_features


def column(names, name):
    return list(names).index(name)


def test_lexicon_counts_words_prefixes_and_phrases():
    names = lexicon_names()
    counts = lexicon_counts(["This disgraceful plan is a witch hunt.", "The bus left at noon."])
    loaded = column(names, "loaded")
    assert counts[0, loaded] >= 2  # "disgrac*" and the phrase "witch hunt"
    assert counts[1, loaded] == 0


def test_style_features_see_exclamations_and_capitals():
    style = StyleFeatures().fit([])
    names = list(style.get_feature_names_out())
    rows = style.transform(document_inputs(["STOP THE STEAL NOW!!", "the meeting ended."]))
    assert rows[0, names.index("style:exclamations")] == 2
    assert rows[0, names.index("style:all_caps_words")] == 4
    assert rows[1, names.index("style:all_caps_words")] == 0


def test_context_features_notice_repetition_within_the_document():
    inputs = document_inputs(["They promised jobs for the valley.", "The weather was mild.",
                              "They promised jobs again and delivered nothing."])
    context = ContextFeatures().fit(inputs)
    names = list(context.get_feature_names_out())
    rows = context.transform(inputs)
    repeated = names.index("context:repeated_words")
    assert rows[2, repeated] > 0 and rows[0, repeated] == 0 and rows[1, repeated] == 0
    assert rows[0, names.index("context:is_first")] == 1


def test_repetition_group_keeps_only_the_repetition_columns():
    inputs = document_inputs(["They promised jobs for the valley.", "The weather was mild.",
                              "They promised jobs again and delivered nothing."])
    full = ContextFeatures().fit(inputs)
    repetition = ContextFeatures(only_repetition=True).fit(inputs)
    names = list(repetition.get_feature_names_out())
    assert names == list(full.get_feature_names_out())[:len(names)] and "context:is_first" not in names
    assert (repetition.transform(inputs) == full.transform(inputs)[:, :len(names)]).all()
    assert build_features(["repetition"]).fit_transform(inputs).shape == (3, len(names))


def test_context_is_computed_per_document():
    first = document_inputs(["Promised jobs.", "Promised jobs again."])
    other = document_inputs(["Promised jobs again."])
    rows = ContextFeatures().fit(first).transform(first + other)
    assert rows[1, 0] > 0 and rows[2, 0] == 0


def test_feature_union_dimensions_and_group_selection():
    inputs = document_inputs(["A shameful plan!", "A calm report.", "Another calm report."] * 3)
    full = build_features().fit(inputs)
    only_style = build_features(["style"]).fit(inputs)
    assert full.transform(inputs).shape[0] == len(inputs)
    assert only_style.transform(inputs).shape == (len(inputs), len(StyleFeatures().fit([]).get_feature_names_out()))
    with pytest.raises(ValueError, match="unknown feature groups"):
        build_features(["vibes"])
    assert np.isfinite(LexiconFeatures().fit(inputs).transform(inputs)).all()


def test_stems_join_the_forms_of_a_word():
    assert stem_tokens("Corrupted officials, CORRUPTION everywhere!") == ["corrupt", "offici", "corrupt", "everywher"]
    assert stem_tokens("") == [] and stem_tokens("!!! ...") == []
    inputs = document_inputs(["They corrupted the vote.", "Corruption is everywhere.", "A calm report."])
    stems = build_features(["stems"]).fit(inputs)
    vocabulary = stems.transformer_list[0][1][-1].vocabulary_
    assert "corrupt" in vocabulary
    rows = stems.transform(inputs).toarray()
    assert rows[0, vocabulary["corrupt"]] > 0 and rows[1, vocabulary["corrupt"]] > 0
    assert rows[2, vocabulary["corrupt"]] == 0

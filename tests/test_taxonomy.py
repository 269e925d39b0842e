import pytest

from detector.taxonomy import PTC_LABELS, TECHNIQUE_IDS, TECHNIQUES, get_technique, is_technique

EXPECTED_IDS = (
    "loaded_language", "name_calling", "fear_appeal", "unsupported_speculation", "exaggeration",
    "doubt", "flag_waving", "causal_oversimplification", "black_and_white", "appeal_to_authority",
    "slogan", "thought_terminating_cliche", "whataboutism", "bandwagon", "repetition",
)


def test_ids_are_the_public_interface():
    assert TECHNIQUE_IDS == EXPECTED_IDS


def test_every_technique_is_documented():
    for technique in TECHNIQUES:
        assert technique.definition.strip() and technique.description.strip() and technique.example.strip()


def test_ptc_mapping_covers_its_fourteen_labels_with_known_ids():
    assert len(PTC_LABELS) == 14
    assert all(is_technique(t) for t in PTC_LABELS.values())
    assert PTC_LABELS["Whataboutism,Straw_Men,Red_Herring"] == "whataboutism"
    assert PTC_LABELS["Appeal_to_fear-prejudice"] == "fear_appeal"


def test_unknown_id_names_the_known_ones():
    with pytest.raises(KeyError, match="loaded_language"):
        get_technique("propaganda")

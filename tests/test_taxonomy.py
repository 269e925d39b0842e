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


def test_every_technique_has_its_own_short_code():
    from detector.taxonomy import short_code

    codes = [t.code for t in TECHNIQUES]
    assert len(set(codes)) == len(codes) and all(1 <= len(c) <= 3 and c.isupper() for c in codes)
    assert get_technique("loaded_language").code == "LL" and short_code("thought_terminating_cliche") == "TTC"
    assert short_code("some_custom_label") == "SCL"  # labels of other models get codes by the same rule

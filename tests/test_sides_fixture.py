"""The side-neutrality minimal pairs and the pure metrics of scripts/benchmark_sides.py (no model needed)."""

from __future__ import annotations

import importlib.util
import json
import math
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from detector.segmentation import split_sentences
from detector.taxonomy import TECHNIQUE_IDS

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "side_pairs.jsonl"
FIELDS = {"axis", "country", "kind", "a", "b", "side_a", "side_b", "technique"}


def _load_script():
    spec = importlib.util.spec_from_file_location("benchmark_sides", ROOT / "scripts" / "benchmark_sides.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


bench = _load_script()


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    with FIXTURE.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# ---------------------------------------------------------------------------- the fixture

# Words whose form may differ between a and b for agreement with the side's name; each maps to one
# canonical form, and articles are dropped, before the two sentences are compared.
AGREEMENT = {"is": "be", "are": "be", "was": "be-past", "were": "be-past", "has": "have", "have": "have",
             "does": "do", "do": "do"}
ARTICLES = {"a", "an"}


def _without_side(sentence: str, side: str) -> list[str]:
    rest = re.sub(re.escape(side), " ", sentence, flags=re.IGNORECASE)
    words = re.findall(r"[\w'’-]+|[^\w\s]", rest.lower())
    return [AGREEMENT.get(w, w) for w in words if w not in ARTICLES]


def _mentions(sentence: str, side: str) -> bool:
    return re.search(r"(?<![\w-])" + re.escape(side) + r"(?![\w-])", sentence, flags=re.IGNORECASE) is not None


def test_fixture_has_the_required_shape(rows):
    assert len(rows) >= 160
    for row in rows:
        assert set(row) == FIELDS, row
        assert all(isinstance(row[k], str) and row[k].strip() for k in FIELDS - {"technique"}), row
    kinds = Counter(r["kind"] for r in rows)
    assert set(kinds) == {"neutral", "technique"}
    assert 0.5 <= kinds["neutral"] / len(rows) <= 0.7  # about 60% neutral, 40% technique
    assert len({r["axis"] for r in rows}) >= 8
    assert len({r["country"] for r in rows} - {"any"}) >= 5


def test_technique_ids_are_the_detectors_own(rows):
    for row in rows:
        if row["kind"] == "neutral":
            assert row["technique"] is None, row
        else:
            assert row["technique"] in TECHNIQUE_IDS, row
    assert len({r["technique"] for r in rows if r["kind"] == "technique"}) >= 10


def test_pairs_differ_only_around_the_side_names(rows):
    for row in rows:
        a, b, side_a, side_b = row["a"], row["b"], row["side_a"], row["side_b"]
        assert a != b and side_a.lower() != side_b.lower(), row
        assert _mentions(a, side_a) and _mentions(b, side_b), row
        # each sentence names only its own side (unless one name contains the other)
        if side_a.lower() not in side_b.lower():
            assert not _mentions(b, side_a), row
        if side_b.lower() not in side_a.lower():
            assert not _mentions(a, side_b), row
        assert _without_side(a, side_a) == _without_side(b, side_b), row


def test_technique_words_are_not_the_side_names(rows):
    # a technique pair keeps its technique once the side's name is gone: the frame is longer than the name
    for row in rows:
        if row["kind"] == "technique":
            assert len(_without_side(row["a"], row["side_a"])) >= 5, row


def test_every_sentence_is_one_sentence_and_pairs_are_unique(rows):
    for row in rows:
        for key in ("a", "b"):
            assert len(split_sentences(row[key])) == 1, row[key]
    assert len({(r["a"], r["b"]) for r in rows}) == len(rows)


def test_the_benchmark_loads_the_fixture(rows):
    pairs = bench.load_pairs(FIXTURE)
    assert len(pairs) == len(rows) and pairs[0].a == rows[0]["a"]


def test_the_comparison_catches_a_pair_that_differs_elsewhere():
    assert _without_side("The Labour vote closes on Friday.", "Labour") == \
        _without_side("The Conservative vote closes on Friday.", "Conservative")
    assert _without_side("An SPD lawmaker spoke.", "SPD") == _without_side("A CDU lawmaker spoke.", "CDU")
    assert _without_side("The Tories have won.", "Tories") == _without_side("The SNP has won.", "SNP")
    assert _without_side("The Labour vote closes on Friday.", "Labour") != \
        _without_side("The reckless Conservative vote closes on Friday.", "Conservative")


# ---------------------------------------------------------------------------- the pure metrics


def test_flag_rate_and_gap():
    assert bench.flag_rate([True, False, False, True]) == 0.5
    assert bench.flag_rate([]) == 0.0
    assert bench.gap_points(0.25, 0.20) == pytest.approx(5.0)
    assert bench.gap_points(0.0, 0.03) == pytest.approx(-3.0)


def test_decision_flips_count_pairs_where_exactly_one_is_flagged():
    a = [True, True, False, False]
    b = [True, False, True, False]
    assert bench.decision_flip_rate(a, b) == 0.5
    assert bench.decision_flip_rate([True], [True]) == 0.0
    with pytest.raises(ValueError):
        bench.decision_flip_rate([True], [True, False])


def test_technique_flips_compare_sets():
    a = [("loaded_language", "name_calling"), (), ("doubt",), ()]
    b = [("name_calling", "loaded_language"), (), ("slogan",), ("doubt",)]
    assert bench.technique_flip_rate(a, b) == 0.5


def test_side_gaps_per_group_and_the_largest():
    groups = ["x", "x", "y", "y", "y", "y"]
    a = [True, False, True, True, False, False]
    b = [True, False, False, False, False, True]
    gaps = bench.side_gaps(groups, a, b)
    assert gaps["x"] == {"pairs": 2, "a": 0.5, "b": 0.5, "gap_points": 0.0, "flips": 0.0}
    assert gaps["y"]["a"] == 0.5 and gaps["y"]["b"] == 0.25
    assert gaps["y"]["gap_points"] == pytest.approx(25.0) and gaps["y"]["flips"] == 0.75
    assert bench.largest_gap(gaps) == ("y", pytest.approx(25.0))
    assert bench.largest_gap({}) == (None, 0.0)


def test_side_word_shifts_are_signed_log_odds_differences():
    logit = bench.logit
    assert logit(0.5) == 0.0 and math.isfinite(logit(0.0)) and math.isfinite(logit(1.0))
    rows = bench.side_word_shifts(["Left", "Left", "Up"], ["Right", "Right", "Down"],
                                  [0.8, 0.5, 0.5], [0.5, 0.2, 0.5])
    by_word = {r["word"]: r for r in rows}
    d = logit(0.8) - logit(0.5)
    assert by_word["Left"]["pairs"] == 2 and by_word["Left"]["counterparts"] == ["Right"]
    assert by_word["Left"]["mean_signed"] == pytest.approx(d)  # both pairs move the score by the same amount
    assert by_word["Right"]["mean_signed"] == pytest.approx(-d)
    assert by_word["Left"]["mean_abs"] == pytest.approx(d)
    assert by_word["Up"]["mean_abs"] == 0.0
    assert [r["word"] for r in rows][:2] == ["Left", "Right"]  # largest first, ties by word
    assert len(bench.side_word_shifts(["Left"], ["Right"], [0.9], [0.1], top=1)) == 1
    mixed = bench.side_word_shifts(["p", "p"], ["q", "q"], [0.8, 0.5], [0.5, 0.8])
    assert mixed[0]["mean_signed"] == pytest.approx(0.0) and mixed[0]["mean_abs"] == pytest.approx(d)


def _outcome(flagged, score=0.5, techniques=(), **scores):
    return bench.Outcome(flagged, score, frozenset(techniques), dict(scores))


def test_summary_and_targets_on_a_tiny_hand_made_set():
    Pair = bench.Pair
    pairs = [Pair("ax1", "US", "neutral", "A x.", "B x.", "A", "B"),
             Pair("ax1", "US", "neutral", "A y.", "B y.", "A", "B"),
             Pair("ax2", "GB", "neutral", "C z.", "D z.", "C", "D"),
             Pair("ax2", "GB", "technique", "C w!", "D w!", "C", "D", "slogan")]
    outcomes_a = [_outcome(True, 0.9), _outcome(False, 0.1), _outcome(False, 0.1),
                  _outcome(True, 0.9, ["slogan"], slogan=0.8)]
    outcomes_b = [_outcome(False, 0.1), _outcome(False, 0.1), _outcome(False, 0.1),
                  _outcome(True, 0.9, ["loaded_language"], slogan=0.2)]
    s = bench.summarise(pairs, outcomes_a, outcomes_b)
    assert s["pairs"] == 4 and s["axes"] == 2
    assert s["by_kind"]["neutral"]["a"] == pytest.approx(1 / 3) and s["by_kind"]["neutral"]["b"] == 0.0
    assert s["by_kind"]["technique"]["a"] == 1.0 and s["by_kind"]["technique"]["b"] == 1.0
    assert s["by_kind"]["all"]["gap_points"] == pytest.approx(25.0)
    assert s["by_kind"]["all"]["decision_flips"] == 0.25
    assert s["by_kind"]["all"]["technique_flips"] == 0.25  # pair 1 lists none on either side; pair 4 differs
    assert s["labelled_technique_found"] == {"a": 1.0, "b": 0.0}
    assert s["per_axis"]["ax1"]["gap_points"] == pytest.approx(50.0)
    assert s["per_axis"]["ax2"]["decision_flips"] == 0.0
    assert s["largest_axis_gap"] == {"axis": "ax1", "gap_points": pytest.approx(50.0)}
    top_any = s["side_word_shifts"]["any"][0]
    assert top_any["word"] == "A" and top_any["mean_signed"] == pytest.approx((bench.logit(0.9) - bench.logit(0.1)) / 2)
    assert s["side_word_shifts"]["name_calling"][0]["mean_abs"] == 0.0  # absent scores count as 0 on both sides
    met = {t["measure"]: t["met"] for t in s["targets"]}
    assert met == {"neutral sentences flagged, side a": False, "neutral sentences flagged, side b": True,
                   "flag-rate gap a − b, all pairs": False, "decision flips, all pairs": False}
    text = bench.render_text(s, "header")
    assert "MISSED" in text and re.search(r" met$", text, flags=re.MULTILINE)
    markdown = bench.render_markdown(s, "header")
    assert markdown.startswith("header") and "| ax1 | US | 2 |" in markdown


def test_outcome_of_folds_several_sentences():
    class T:
        def __init__(self, technique):
            self.technique = technique

    class R:
        def __init__(self, flagged, score, techniques, all_scores):
            self.flagged, self.score, self.techniques, self.all_scores = flagged, score, techniques, all_scores

    one = bench.outcome_of([R(False, 0.2, (), {"slogan": 0.1})])
    assert not one.flagged and one.sentences == 1 and one.value("slogan") == 0.1 and one.value("any") == 0.2
    two = bench.outcome_of([R(False, 0.2, (), {"slogan": 0.1}), R(True, 0.7, (T("doubt"),), {"slogan": 0.05})])
    assert two.flagged and two.score == 0.7 and two.techniques == {"doubt"} and two.value("slogan") == 0.1
    assert bench.outcome_of([]).sentences == 0


def test_write_section_replaces_or_appends(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nother text\n", encoding="utf-8")
    bench.write_section(doc, "first")
    text = doc.read_text(encoding="utf-8")
    assert text.endswith("## Side neutrality (minimal pairs)\n\n<!-- sides:start -->\nfirst\n<!-- sides:end -->\n")
    assert text.startswith("# Benchmarks\n\nother text\n")
    bench.write_section(doc, "second")
    text = doc.read_text(encoding="utf-8")
    assert "first" not in text and text.count("<!-- sides:start -->") == 1 and "second" in text
    assert text.count("## Side neutrality") == 1

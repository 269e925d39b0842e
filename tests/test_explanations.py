"""Explanations: evidence spans behind each detected technique."""

import json
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from detector import train
from detector.cli import app
from detector.taxonomy import get_technique

ARTICLE = ("Harbour vote on Thursday\n"
           "The council will vote on Thursday on the harbour plan.\n"
           "This shameful plan is a disgrace, and spineless bean-counters rammed it through!\n"
           "Either you stand with us or you stand with the developers.")


def _check_evidence(text, results, top=3, require=True):
    # The checks below are only worth something when there is evidence to check; arbitrary
    # generated text (require=False) may rightly have none.
    if require:
        assert any(t.evidence for s in results for t in s.techniques), "nothing was detected to explain"
    for s in results:
        for t in s.techniques:
            assert t.evidence is not None and len(t.evidence) <= top
            weights = [e.weight for e in t.evidence]
            assert weights == sorted(weights, reverse=True) and all(w > 0 for w in weights)
            for e in t.evidence:
                assert s.start <= e.start < e.end <= s.end
                assert text[e.start:e.end] == e.text


def test_evidence_points_at_the_words_that_carry_the_technique(tiny_detector):
    results = tiny_detector.explain(ARTICLE)
    _check_evidence(ARTICLE, results)
    loaded = {t.technique: t for t in results[2].techniques}["loaded_language"]
    words = " ".join(e.text for e in loaded.evidence).lower()
    assert any(w in words for w in ("shameful", "disgrace", "spineless", "bean-counters", "rammed"))


def test_scores_are_the_same_with_and_without_explanations(tiny_detector):
    plain = tiny_detector.score(ARTICLE)
    explained = tiny_detector.explain(ARTICLE, top=1)
    assert [(s.score, [t.technique for t in s.techniques]) for s in plain] == \
        [(s.score, [t.technique for t in s.techniques]) for s in explained]
    assert all(t.evidence is None for s in plain for t in s.techniques)
    _check_evidence(ARTICLE, explained, top=1)


def test_every_feature_group_can_be_explained(documents):
    detector = train(documents, threshold_folds=None,
                     feature_groups=("words", "stems", "chars", "lexicon", "style", "context", "embedding"))
    _check_evidence(ARTICLE, detector.explain(ARTICLE))


def test_stem_evidence_falls_on_other_forms_of_a_trained_word(documents):
    # The tiny corpus labels "betrayed" and "wasted"; "betraying" and "wasting" never occur in it,
    # so only their stems can carry the evidence.
    detector = train(documents, threshold_folds=None, feature_groups=("stems",))
    # A tiny model's probabilities are timid: report every technique that the stems raise
    # above the corpus's base rate, so the test is about where the evidence falls.
    detector.predictor.thresholds = np.full(len(detector.labels), 0.05)
    detector.predictor.any_threshold = 0.0
    text = "The council keeps betraying the town and wasting its money."
    results = detector.explain(text, top=5)
    _check_evidence(text, results, top=5)
    loaded = [t for s in results for t in s.techniques if t.technique == "loaded_language"]
    assert loaded, "the stems of two labelled words should flag loaded language"
    evidence = " ".join(e.text.lower() for e in loaded[0].evidence)
    assert "betraying" in evidence or "wasting" in evidence


def test_parallel_explanations_match_one_process(tiny_model_path):
    from detector import Detector

    detector = Detector.load(tiny_model_path)
    texts = [ARTICLE + f"\nA shameful line number {i}." for i in range(80)]
    serial = [[s.to_dict() for s in r] for r in detector.score_many(texts, explain=True)]
    parallel = [[s.to_dict() for s in r] for r in detector.score_many(texts, n_jobs=2, explain=True)]
    assert parallel == serial


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_explaining_arbitrary_text_keeps_spans_inside_it(tiny_detector, text):
    text += " shameful disgrace!"[: len(text) % 20]  # often some loaded words, so something is explained
    _check_evidence(text, tiny_detector.explain(text), require=False)


def test_cli_explain_in_json_text_and_csv(tmp_path, tiny_model_path):
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(app, ["score", str(article), "--model", str(tiny_model_path), "--explain", "-f", "json"])
    assert out.exit_code == 0, out.output
    techniques = [t for s in json.loads(out.stdout)[0]["sentences"] for t in s["techniques"]]
    assert techniques
    for t in techniques:
        assert t["definition"] == get_technique(t["technique"]).definition
        assert all(set(e) == {"start", "end", "text", "weight", "share"} for e in t["evidence"])
        assert all(0 < e["share"] <= 1 for e in t["evidence"])
    text = runner.invoke(app, ["score", str(article), "--model", str(tiny_model_path), "--explain"]).stdout
    assert re.search(r'" \(\d+%\)', text)
    csv_out = runner.invoke(app, ["score", str(article), "--model", str(tiny_model_path), "--explain", "-f", "csv"]).stdout
    assert "loaded_language: " in csv_out
    plain = runner.invoke(app, ["score", str(article), "--model", str(tiny_model_path), "-f", "json"]).stdout
    assert "evidence" not in plain


def test_summary_has_one_line_per_document(tmp_path, tiny_model_path):
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    out = CliRunner().invoke(app, ["score", str(article), str(article), "--model", str(tiny_model_path), "--summary"])
    lines = out.stdout.strip().splitlines()
    assert out.exit_code == 0 and lines[0].split() == ["document", "sentences", "flagged", "unclear", "top", "techniques"]
    assert len(lines) == 3 and lines[1].split()[:2] == [str(article), "4"]


def test_the_trigger_word_is_the_top_evidence_of_the_shipped_model():
    from pathlib import Path

    from detector import Detector

    detector = Detector.load()
    cases = [json.loads(line) for line in
             (Path(__file__).parent / "fixtures" / "evidence_triggers.jsonl").read_text(encoding="utf-8").splitlines()]
    for case in cases:
        sentence = detector.explain(case["text"], min_score=0.01)[0]
        found = {t.technique: t for t in sentence.techniques}
        assert case["technique"] in found, (case["text"], list(found))
        top = found[case["technique"]].evidence[0]
        assert any(word in top.text.lower() for word in case["triggers"]), (case["text"], top.text)
        assert 0 < top.share <= 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["the", "and", "of", "a", ".", ",", "“", "is", "for", "shameful", "plan",
                                 "greedy", "rammed", "!", "this", "it"]), min_size=1, max_size=25))
def test_evidence_is_never_only_punctuation_or_function_words(tiny_detector, words):
    from detector.explanations import FUNCTION_WORDS

    text = " ".join(words)
    for s in tiny_detector.explain(text, min_score=0.0):
        for t in s.techniques:
            for e in t.evidence or ():
                tokens = [w.strip(".,!“”") for w in e.text.lower().split()]
                assert any(w and w.isalpha() and w not in FUNCTION_WORDS for w in tokens), e.text


@pytest.mark.parametrize("group", ["words", "stems", "chars"])
def test_explanations_use_the_vectoriser_s_own_tokens(group):
    from sklearn.feature_extraction.text import TfidfVectorizer

    from detector.explanations import _ngram_spans
    from detector.predictor import FeatureGroup
    from detector.transformers import build_features

    words = build_features((group,)).transformer_list[0][1][-1]
    assert isinstance(words, TfidfVectorizer)
    text = "The workers' rights were cut."
    words.fit([text, text, text])
    ngrams = (1, 2) if group == "words" else words.ngram_range  # the token stream's analyser makes 1-2 grams
    grams = dict(_ngram_spans(FeatureGroup(group, len(words.vocabulary_), ngram_range=ngrams), text))
    # every n-gram the explanation looks up is one the vectoriser extracted
    assert set(grams) == set(words.vocabulary_)
    if group == "words":
        assert text[slice(*grams["workers rights"])] == "workers' rights"


SIDE_TEXT = ("The shameful Labour plan is a disgrace, say the Tories.\n"
             "Spineless Democrats and Republicans rammed it through!\n"
             "Left-wing and right-wing MPs alike called the socialist scheme a betrayal.")
SIDE_WORDS = re.compile(r"Labour|Tories|Democrats|Republicans|Left-wing|right-wing|socialist")


@pytest.mark.parametrize("side_names", ["ignore", "keep"])
def test_side_names_are_never_evidence_when_the_model_ignores_them(documents, side_names):
    detector = train(documents, threshold_folds=None, side_names=side_names,
                     feature_groups=("words", "stems", "chars", "lexicon", "embedding"))
    results = detector.explain(SIDE_TEXT, top=10, min_score=0.0)
    _check_evidence(SIDE_TEXT, results, top=10)
    sides = [m.span() for m in SIDE_WORDS.finditer(SIDE_TEXT)]
    credited = [e.text for s in results for t in s.techniques for e in t.evidence or ()
                if any(e.start < b and a < e.end for a, b in sides)]
    # A model that reads the names credits some of them; one that ignores them, none.
    assert bool(credited) == (side_names == "keep"), credited

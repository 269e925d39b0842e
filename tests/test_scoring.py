import pytest

from detector import DetectorError, Document, train

ARTICLE = ("Harbour vote on Thursday\n"
           "The council will vote on Thursday on the harbour plan.\n"
           "This shameful plan is a disgrace, and spineless bean-counters rammed it through!\n"
           "Either you stand with us or you stand with the developers.")


def test_score_returns_sentences_with_offsets_and_scores(tiny_detector):
    results = tiny_detector.score(ARTICLE)
    assert len(results) == 4
    for s in results:
        assert ARTICLE[s.start:s.end] == s.text
        assert 0.0 <= s.score <= 1.0
        assert set(s.all_scores) == set(tiny_detector.labels)
        assert s.flagged or not s.techniques  # a technique always flags; a flag may be unclear
        for t in s.techniques:
            assert t.score == s.all_scores[t.technique]
    assert results[2].flagged and "loaded_language" in [t.technique for t in results[2].techniques]
    assert results[2].score > results[1].score


def test_score_many_keeps_order_and_matches_score(tiny_detector):
    texts = [ARTICLE, "", "The bus left at noon.", "A disgraceful, shameful betrayal!"] * 20
    many = list(tiny_detector.score_many(iter(texts)))
    assert len(many) == len(texts)
    assert many[1] == []
    assert [[s.to_dict(True) for s in r] for r in many[:4]] == [[s.to_dict(True) for s in tiny_detector.score(t)] for t in texts[:4]]


def test_score_many_in_parallel_matches_one_process(tiny_detector, tiny_model_path):
    from detector import Detector

    detector = Detector.load(tiny_model_path)
    texts = [f"{ARTICLE}\nLine {i} of the shameful saga." for i in range(150)]
    serial = [[s.to_dict(True) for s in r] for r in detector.score_many(texts)]
    parallel = [[s.to_dict(True) for s in r] for r in detector.score_many(texts, n_jobs=2)]
    assert parallel == serial


def test_training_needs_labels_and_negatives():
    with pytest.raises(DetectorError, match="no training documents"):
        train([])
    with pytest.raises(DetectorError, match="no labelled technique"):
        train([Document("a", "Plain text. More plain text.")])


def test_training_records_what_it_was_trained_on(tiny_detector, documents):
    meta = tiny_detector.metadata
    assert meta["training_documents"] == len(documents)
    assert meta["cv_metrics"]["folds"] == 3
    assert 0 < meta["any_threshold"] <= 1


def test_results_survive_pickling_unchanged(tiny_detector):
    import pickle

    results = tiny_detector.explain(ARTICLE)
    assert pickle.loads(pickle.dumps(results)) == results


def test_no_output_lists_a_technique_below_its_threshold(tiny_detector):
    """Every listed technique passed its own threshold; unclear sentences carry candidates only."""
    from pathlib import Path

    thresholds = dict(zip(tiny_detector.labels, tiny_detector.predictor.thresholds, strict=True))
    article = (Path(__file__).resolve().parents[1] / "examples" / "article.txt").read_text(encoding="utf-8")
    texts = [article, "Shameful! Greedy! Rammed through! Will they ever stop? Who knows. Everyone agrees."]
    seen_unclear = seen_flagged = 0
    for text in texts:
        for s in tiny_detector.score(text):
            assert all(t.score >= thresholds[t.technique] for t in s.techniques)
            assert s.flagged == (s.score >= tiny_detector.predictor.any_threshold)
            assert not s.techniques or s.flagged
            as_dict = s.to_dict()
            assert as_dict["flagged"] == s.flagged
            if s.unclear:
                seen_unclear += 1
                assert len(s.candidates) == 2 and "candidates" in as_dict and as_dict["techniques"] == []
            else:
                assert "candidates" not in as_dict
            seen_flagged += s.flagged
    assert seen_flagged


def test_model_info_names_the_file_the_model_was_last_saved_to(tiny_detector, tmp_path):
    from detector.persistence import file_sha256

    first, second = tmp_path / "a.skops", tmp_path / "b.skops"
    tiny_detector.save(first)
    assert tiny_detector.model_info["file"] == "a.skops"
    tiny_detector.save(second)
    info = tiny_detector.model_info
    assert info["file"] == "b.skops" and info["sha256"] == file_sha256(second)[:12]


def test_scoring_in_bounded_slices_of_rows_gives_the_same_results(tiny_detector, monkeypatch):
    """Feature rows are built a few thousand at a time; where the slices fall changes nothing."""
    from detector import scoring

    texts = ["They are traitors. Only cowards would sign it! The bus left at noon.\nIt rained.",
             "Our great nation will never surrender. Experts agree."]
    whole = [r for r in tiny_detector.score_documents(texts, explain=True)]
    monkeypatch.setattr(scoring, "_FEATURE_ROWS", 2)
    sliced = [r for r in tiny_detector.score_documents(texts, explain=True)]
    assert sliced == whole and sum(len(r.sentences) for r in whole) > 2


def test_result_fields_are_the_ones_scoring_rebuilds():
    # scoring._with_voices and SentenceResult.shifted rebuild these records field by field (for
    # speed): a field added here must be passed on there, or it would silently fall back to its
    # default. The fields are also the output contract (CHANGELOG).
    import dataclasses

    from detector.results import SentenceResult, TechniqueScore

    assert [f.name for f in dataclasses.fields(SentenceResult)] == [
        "start", "end", "text", "score", "techniques", "all_scores", "flagged", "candidates", "kind"]
    assert [f.name for f in dataclasses.fields(TechniqueScore)] == [
        "technique", "score", "evidence", "voice", "speaker"]

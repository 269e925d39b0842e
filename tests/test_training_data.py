"""Health of the project's own corpus in training_data/ (issue: the shipped corpus)."""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from detector import read_corpus
from detector.taxonomy import TECHNIQUE_IDS

pytestmark = pytest.mark.slow

DATA = Path(__file__).resolve().parents[1] / "training_data"
SPLITS = ("train", "heldout")


def _load_markup_tool():
    spec = importlib.util.spec_from_file_location("corpus_markup", DATA.parent / "scripts" / "corpus_markup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load_real_text_tool():
    spec = importlib.util.spec_from_file_location("real_text", DATA.parent / "scripts" / "real_text.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_exported_span_list_applies_back_to_the_same_markup(tmp_path, monkeypatch, capsys):
    # The consistency review revises labels through export -> edit -> apply, never by hand: the
    # round trip must give back the markup exactly, with repeated words (#N) and shared spans.
    tool = _load_real_text_tool()
    monkeypatch.setattr(tool, "SOURCE_DIR", tmp_path)
    monkeypatch.setattr(tool, "HELD_BACK_DIR", tmp_path / "held_back")
    header = "=== id=rt-xx-{:04d} topic=t register=r side=none source=s record={} licence=CC-BY-2.5 part=1"
    original = (f"{header.format(1, 'a')}\nThey slammed the plan. They {{{{repetition,loaded_language|slammed}}}} "
                "it again, said {{name_calling,loaded_language|the radical mob}}.\n\n"
                f"{header.format(2, 'b')}\nA plain report of a council vote.\n")
    batch = tmp_path / "rt-xx-01.txt"
    batch.write_text(original, encoding="utf-8")
    assert tool.export("rt-xx-01") == 0
    spans = capsys.readouterr().out
    assert "repetition,loaded_language: slammed #2" in spans and "(none)" in spans
    (tmp_path / "rt-xx-01.spans").write_text(spans, encoding="utf-8")
    assert tool.plain("rt-xx-01", tmp_path / "plain") == 0
    batch.write_text((tmp_path / "plain" / "rt-xx-01.txt").read_text("utf-8"), encoding="utf-8")
    assert "{{" not in batch.read_text("utf-8")
    assert tool.apply(tmp_path / "rt-xx-01.spans") == 0
    assert batch.read_text("utf-8") == original


def test_a_span_that_cuts_a_word_is_refused(tmp_path):
    # Source text sometimes runs two words together ("electionmuch"); a span starting inside
    # such a run would break the corpus's word-boundary rule, so the span list is refused.
    tool = _load_real_text_tool()
    texts = {"rt-xx-0001": "He lost the electionmuch to the surprise of local people."}
    spans = tmp_path / "rt-xx-01.spans"
    spans.write_text("## rt-xx-0001\nbandwagon: much to the surprise of local people\n", encoding="utf-8")
    found, errors = tool.read_spans(spans, texts)
    assert found == {"rt-xx-0001": []} and len(errors) == 1 and "inside a word" in errors[0]
    spans.write_text("## rt-xx-0001\nbandwagon: surprise of local people\n", encoding="utf-8")
    found, errors = tool.read_spans(spans, texts)
    assert not errors and found["rt-xx-0001"][0][2] == ["bandwagon"]


def test_a_sentence_level_source_is_taken_whole_without_wiki_templates(tmp_path, monkeypatch):
    # Round 5 takes each Wikipedia sentence whole as one document; a wiki template left in the
    # text would read as a technique marker, so it is dropped.
    tool = _load_real_text_tool()
    pool = tmp_path / "pool"
    pool.mkdir()
    rows = [{"id": "wiki_npov-neutral-1", "text": "The party won most{{cn}} of the seats in 1990."},
            {"id": "wiki_npov-biased-2", "text": "The notorious regime fell in 1991."}]
    (pool / "wikipedia_npov_sentences.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")
    monkeypatch.setattr(tool, "POOL", pool)
    monkeypatch.setattr(tool, "ROOT", tmp_path)
    monkeypatch.setattr(tool, "SOURCE_DIR", tmp_path / "source")
    monkeypatch.setattr(tool, "HELD_BACK_DIR", tmp_path / "held_back")
    (tmp_path / "source").mkdir()
    assert tool.select_round(5) == 0
    docs = tool.read_batch(tmp_path / "source" / "rt-wp-r5-01.txt")
    assert sorted(text for _, _, text in docs) == ["The notorious regime fell in 1991.",
                                                   "The party won most of the seats in 1990."]
    assert [doc_id for _, doc_id, _ in docs] == ["rt-wp-0001", "rt-wp-0002"]
    assert all("licence=CC-BY-SA-3.0" in header and "register=encyclopedia" in header for header, _, _ in docs)
    assert tool.select_round(5) == 1  # never overwrites


@pytest.fixture(scope="module")
def records() -> dict[str, list[dict]]:
    return {split: [json.loads(line) for line in (DATA / f"{split}.jsonl").read_text("utf-8").splitlines()]
            for split in SPLITS}


@pytest.fixture(scope="module")
def documents():
    return {split: read_corpus(DATA / f"{split}.jsonl") for split in SPLITS}


@pytest.fixture(scope="module")
def sentences(documents):
    """(document id, sentence text, labels) for every sentence of both splits."""
    rows = []
    for docs in documents.values():
        for doc in docs:
            units = doc.sentences()
            rows += [(doc.id, u.text, labels) for u, labels in zip(units, doc.sentence_labels(units), strict=True)]
    return rows


def test_jsonl_matches_the_annotated_sources(records):
    tool = _load_markup_tool()
    built, errors = tool.load_all(sorted((DATA / "source").glob("*.txt")))
    assert errors == []
    by_id = {d["id"]: d for d in built}
    written = [r for split in SPLITS for r in records[split]]
    assert sorted(by_id) == sorted(r["id"] for r in written), "run: python scripts/corpus_markup.py build"
    for record in written:
        assert record == by_id[record["id"]], f"{record['id']} is stale; run the build"


def test_split_is_fixed_by_document_and_about_fifteen_percent(records):
    tool = _load_markup_tool()
    for split in SPLITS:
        assert all(tool.heldout(r["id"]) == (split == "heldout") for r in records[split])
    share = len(records["heldout"]) / (len(records["heldout"]) + len(records["train"]))
    assert 0.10 <= share <= 0.20


def test_spans_fall_on_word_boundaries(records):
    for record in (r for split in SPLITS for r in records[split]):
        text = record["text"]
        for span in record["spans"]:
            start, end = span["start"], span["end"]
            assert span["technique"] in TECHNIQUE_IDS
            assert 0 <= start < end <= len(text)
            piece = text[start:end]
            assert piece == piece.strip(), (record["id"], piece)
            assert start == 0 or not (text[start - 1].isalnum() and text[start].isalnum()), (record["id"], piece)
            assert end == len(text) or not (text[end - 1].isalnum() and text[end].isalnum()), (record["id"], piece)


def test_corpus_size_and_balance(records, sentences):
    all_records = [r for split in SPLITS for r in records[split]]
    assert len(all_records) >= 1000
    assert len(sentences) >= 10_000
    clean = sum(1 for _, _, labels in sentences if not labels)
    assert clean / len(sentences) >= 0.55
    per_technique = Counter(t for _, _, labels in sentences for t in labels)
    short = {t: per_technique[t] for t in TECHNIQUE_IDS if per_technique[t] < 250}
    assert not short, f"techniques under 250 sentences: {short}"


def _real(record_or_id) -> bool:
    doc_id = record_or_id if isinstance(record_or_id, str) else record_or_id["id"]
    return doc_id.startswith("rt-")


def test_topics_are_varied_and_none_dominates(records, sentences):
    # Documents written for the project are spread over topics; real documents over sources.
    written = [r for split in SPLITS for r in records[split] if not _real(r)]
    topics = Counter(r["topic"] for r in written)
    assert len(topics) >= 30
    assert max(topics.values()) <= 0.10 * len(written), topics.most_common(3)
    registers = Counter(r["register"] for split in SPLITS for r in records[split])
    assert len(registers) >= 8
    # Real sources are weighed by sentences, the units the model learns from: a document of the
    # sentence-level Wikipedia source is one sentence, an excerpt of the others about ten.
    source_of = {r["id"]: r["source"] for split in SPLITS for r in records[split] if _real(r)}
    sources = Counter(source_of[doc_id] for doc_id, _, _ in sentences if doc_id in source_of)
    total = sum(sources.values())
    assert len(sources) >= 8 and max(sources.values()) <= 0.35 * total, sources.most_common(3)


def _formula(sentence: str) -> bool:
    """A stock formula of three words or fewer ("Thank you."), which written text may share with real text."""
    return len(sentence.split()) <= 3


def test_no_identical_or_near_identical_sentences(sentences):
    tool = _load_markup_tool()
    texts = [text for _, text, _ in sentences]
    pairs = tool.near_duplicates(texts, threshold=0.9)
    # A repetition label is, by definition, a phrase said again in the same document;
    # only those pairs may be near-identical.  Real documents repeat real boilerplate
    # ("On a point of order, Mr. Deputy Speaker."), so pairs of two real sentences are
    # allowed; text written for the project must repeat neither itself nor real text, except
    # for stock formulas of a few words ("Thank you.") that real speeches use too.
    offending = [(sentences[i], sentences[j]) for i, j, _ in pairs
                 if not (sentences[i][0] == sentences[j][0]
                         and "repetition" in (sentences[i][2] | sentences[j][2]))
                 and not (_real(sentences[i][0]) and _real(sentences[j][0]))
                 and not (_real(sentences[i][0]) != _real(sentences[j][0]) and _formula(sentences[i][1]))]
    assert not offending, offending[:5]


def test_real_documents_keep_their_provenance_and_licence(records):
    datasheet = (DATA / "DATASHEET.md").read_text("utf-8")
    licences = (DATA / "LICENSES.md").read_text("utf-8")
    real = [r for split in SPLITS for r in records[split] if _real(r)]
    assert real
    seen = set()
    for r in real:
        assert r.get("source") and r.get("record") and r.get("licence") and r.get("part"), r["id"]
        assert f"`{r['source']}`" in datasheet and f"`{r['source']}`" in licences, r["source"]
        assert f"`{r['licence']}`" in licences, r["licence"]
        key = (r["source"], r["record"], r["part"])
        assert key not in seen, f"{r['id']} repeats an excerpt: {key}"
        seen.add(key)


def test_real_part_is_large_enough(records, sentences):
    real = [r for split in SPLITS for r in records[split] if _real(r)]
    real_sentences = [s for s in sentences if _real(s[0])]
    assert len(real) >= 1000 and len(real_sentences) >= 12_000
    assert any(_real(r) for r in records["heldout"]) and any(_real(r) for r in records["train"])


def test_guidelines_and_datasheet_cover_every_technique():
    guide = (DATA / "GUIDELINES.md").read_text("utf-8")
    for technique in TECHNIQUE_IDS:
        assert re.search(rf"^#+ .*{technique}", guide, re.M), technique
    assert (DATA / "DATASHEET.md").is_file()

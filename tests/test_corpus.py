import json
from pathlib import Path

import pytest

from detector import DataError, read_corpus
from detector.corpus import corpus_fingerprint

# The PTC training split lies beside the checkout when it is present (research use only).
SHARED_PTC = Path(__file__).resolve().parents[2] / "shared" / "data" / "ptc-train"


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_jsonl_spans_label_the_sentences_they_overlap(tmp_path):
    text = "A calm first sentence. Then a shameful second one. A third."
    start = text.index("shameful")
    record = {"id": "d1", "text": text, "spans": [{"start": start, "end": start + 8, "technique": "loaded_language"}]}
    docs = read_corpus(write(tmp_path, "d.jsonl", json.dumps(record) + "\n"))
    assert [d.id for d in docs] == ["d1"]
    assert docs[0].sentence_labels() == [frozenset(), {"loaded_language"}, frozenset()]


@pytest.mark.parametrize("line, message", [
    ("{not json", "malformed JSON"),
    ('{"id": "x", "text": "Hello.", "spans": [{"start": 0, "end": 99, "technique": "doubt"}]}', "outside the text"),
    ('{"id": "x", "text": "Hello.", "spans": [{"start": 0, "end": 3, "technique": "lies"}]}', "known techniques: loaded_language"),
    ('{"id": "x", "spans": []}', "'text' must be a string"),
    ('[1, 2]', "JSON object"),
])
def test_jsonl_errors_name_file_and_line(tmp_path, line, message):
    good = json.dumps({"id": "ok", "text": "Fine.", "spans": []})
    path = write(tmp_path, "bad.jsonl", good + "\n" + line + "\n")
    with pytest.raises(DataError, match=message) as info:
        read_corpus(path)
    assert "bad.jsonl:2" in str(info.value)


def test_jsonl_reports_every_bad_line_at_once(tmp_path):
    path = write(tmp_path, "bad.jsonl", "{oops\n{\"text\": 3}\n")
    with pytest.raises(DataError) as info:
        read_corpus(path)
    assert "2 problems" in str(info.value) and "bad.jsonl:1" in str(info.value) and "bad.jsonl:2" in str(info.value)


def test_empty_and_undecodable_files_are_data_errors(tmp_path):
    with pytest.raises(DataError, match="no documents"):
        read_corpus(write(tmp_path, "empty.jsonl", "\n"))
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"text": "caf\xe9"}\n')
    with pytest.raises(DataError, match="not UTF-8"):
        read_corpus(path)


def test_csv_and_tsv_rows_are_labelled_sentences(tmp_path):
    csv_path = write(tmp_path, "s.csv", 'text,labels\n"They are traitors, all of them.",name_calling;loaded_language\nThe bus was late.,\n')
    docs = read_corpus(csv_path)
    assert [d.sentence_labels() for d in docs] == [[{"name_calling", "loaded_language"}], [frozenset()]]
    tsv_path = write(tmp_path, "s.tsv", "text\tlabels\nVote now!\tslogan\n")
    assert read_corpus(tsv_path)[0].sentence_labels() == [{"slogan"}]


def test_csv_problems_are_reported(tmp_path):
    with pytest.raises(DataError, match="missing column"):
        read_corpus(write(tmp_path, "a.csv", "sentence,label\nx,y\n"))
    with pytest.raises(DataError, match=r"a\.csv:3: unknown technique 'spin'"):
        read_corpus(write(tmp_path, "a.csv", "text,labels\nFine.,\nBad.,spin\n"))


def test_ptc_layout_with_label_directory_keeps_the_byte_order_mark(ptc_fixture):
    docs = {d.id: d for d in read_corpus(ptc_fixture / "articles", labels=ptc_fixture / "labels")}
    assert set(docs) == {"1001", "1002", "1003"}
    bom = docs["1002"]
    assert bom.text.startswith("\ufeff")
    label = next(s for s in bom.spans if s.technique == "name_calling")
    assert bom.text[label.start:label.end] == "corrupt clique"
    assert [len(d.sentences()) for d in (docs["1001"], docs["1002"], docs["1003"])] == [4, 3, 2]
    assert docs["1001"].sentence_labels()[2] == {"loaded_language"}
    assert docs["1003"].spans == ()


def test_ptc_combined_label_file(tmp_path, ptc_fixture):
    combined = tmp_path / "all.labels"
    combined.write_text("".join(p.read_text() for p in sorted((ptc_fixture / "labels").glob("*.labels"))))
    docs = read_corpus(ptc_fixture / "articles", labels=combined)
    assert sum(len(d.spans) for d in docs) == 4


def test_ptc_bad_label_lines(tmp_path, ptc_fixture):
    bad = tmp_path / "bad.labels"
    bad.write_text("1001\tLoaded_Language\t0\n1001\tPropaganda\t0\t4\n1001\tDoubt\t0\t99999\n")
    with pytest.raises(DataError) as info:
        read_corpus(ptc_fixture / "articles", labels=bad)
    message = str(info.value)
    assert "3 problems" in message and "bad.labels:1" in message and "bad.labels:2" in message and "bad.labels:3" in message


def test_format_is_inferred_or_given(tmp_path):
    path = write(tmp_path, "data.txt", "text,labels\nHello.,\n")
    with pytest.raises(DataError, match="--format"):
        read_corpus(path)
    assert len(read_corpus(path, format="csv")) == 1
    with pytest.raises(DataError, match="no such file"):
        read_corpus(tmp_path / "missing.jsonl")


def test_fingerprint_changes_with_the_labels(documents):
    assert corpus_fingerprint(documents) == corpus_fingerprint(list(documents))
    assert corpus_fingerprint(documents) != corpus_fingerprint(documents[:-1])


@pytest.mark.skipif(not SHARED_PTC.is_dir(), reason="the PTC corpus is not present beside the checkout")
def test_reads_the_real_ptc_training_split():
    docs = read_corpus(SHARED_PTC / "train-articles", labels=SHARED_PTC / "train-labels-task-flc-tc")
    assert len(docs) == 371
    assert sum(len(d.spans) for d in docs) == 6128
    for doc in docs:
        for span in doc.spans:
            assert 0 <= span.start < span.end <= len(doc.text)


@pytest.mark.parametrize("record, hint", [
    ({"id": "a", "text": "Vote now.", "labels": ["slogan"]}, "technique labels go in 'spans'"),
    ({"text": "Vote now.", "label": [[0, 4, "slogan"]]}, "detector import doccano"),
    ({"data": {"text": "Vote now."}, "annotations": []}, "detector import labelstudio"),
    ({"document": "a.txt", "sentences": []}, "score --format training"),
])
def test_jsonl_record_with_an_unknown_key_names_the_line_and_the_fix(tmp_path, record, hint):
    path = write(tmp_path, "d.jsonl", '{"id": "ok", "text": "Fine."}\n' + json.dumps(record) + "\n")
    with pytest.raises(DataError) as info:
        read_corpus(path)
    message = str(info.value)
    assert f"{path}:2:" in message and "unknown key" in message and hint in message


@pytest.mark.parametrize("header, hint", [
    ("text,label", "go in a column named 'labels', not 'label'"),
    ("text,techniques", "not 'techniques'"),
    ("document,start,end,score,flagged,techniques,voices,text", "detector score --format training"),
])
def test_csv_with_a_label_column_under_another_name_says_so(tmp_path, header, hint):
    path = write(tmp_path, "d.csv", header + "\n" + ",".join(["x"] * len(header.split(","))) + "\n")
    with pytest.raises(DataError, match=hint) as info:
        read_corpus(path)
    assert f"{path}:1:" in str(info.value)

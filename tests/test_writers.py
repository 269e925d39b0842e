import csv
import io
import json

import pytest

from detector.results import DocumentResult, SentenceResult, TechniqueScore
from detector.writers import render

SCORES = {"loaded_language": 0.91, "doubt": 0.12}
RESULTS = [
    DocumentResult("a.txt", [
        SentenceResult(0, 9, "Calm one.", 0.1, (), dict.fromkeys(SCORES, 0.05)),
        SentenceResult(10, 24, "Shameful plan!", 0.95, (TechniqueScore("loaded_language", 0.91),), SCORES),
    ]),
    DocumentResult("empty.txt", []),
]


def test_json_and_jsonl_round_trip():
    documents = json.loads(render(RESULTS, "json"))
    assert [d["document"] for d in documents] == ["a.txt", "empty.txt"]
    assert documents[0]["sentences"][1]["techniques"] == [{"technique": "loaded_language", "score": 0.91}]
    assert "all_scores" not in documents[0]["sentences"][0]
    lines = render(RESULTS, "jsonl", all_scores=True).splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["sentences"][1]["all_scores"] == SCORES
    assert json.loads(render([], "json")) == []


def test_csv_has_one_row_per_sentence_and_optional_score_columns():
    rows = list(csv.DictReader(io.StringIO(render(RESULTS, "csv", all_scores=True))))
    assert len(rows) == 2
    assert rows[1]["flagged"] == "1" and rows[1]["techniques"] == "loaded_language"
    assert rows[1]["loaded_language"] == "0.9100" and rows[0]["flagged"] == "0"


def test_text_view_summarises_each_document():
    text = render(RESULTS, "text")
    assert "a.txt: 2 sentences, 1 flagged" in text
    assert ">> Shameful plan!" in text and "loaded_language 0.91" in text
    assert "empty.txt: 0 sentences, 0 flagged" in text


def test_metadata_from_a_page_is_safe_in_every_view():
    from detector.results import DocumentInfo

    hostile = DocumentInfo("=HYPERLINK(\"http://evil.example\")", "Ann\tLee\x1b[2J", "2026-01-02", "page.html")
    results = [DocumentResult("page.html", RESULTS[0].sentences, metadata=hostile), RESULTS[1]]
    rows = list(csv.DictReader(io.StringIO(render(results, "csv"))))
    assert rows[0]["title"] == "'=HYPERLINK(\"http://evil.example\")"  # not run as a formula
    assert rows[0]["date"] == "2026-01-02" and rows[0]["source"] == "page.html"
    text = render(results, "text")
    assert "\x1b" not in text and '-- title: =HYPERLINK' in text and '"Ann\\tLee\\u001b[2J"' in text
    assert text.count("\n-- ") == 1  # the plain-text document has no metadata line
    summary = list(csv.DictReader(io.StringIO(render(results, "csv", summary=True))))
    assert summary[0]["title"] == "'=HYPERLINK(\"http://evil.example\")" and summary[0]["author"] == "Ann\tLee\x1b[2J"
    assert [summary[1][k] for k in ("title", "author", "date", "source")] == ["", "", "", ""]
    table = render(results, "text", summary=True)
    assert "\x1b" not in table and '"Ann\\tLee\\u001b[2J"' in table
    assert all("\t" not in line for line in table.splitlines())


def test_a_summary_carries_the_page_s_metadata_in_every_format():
    from detector.results import DocumentInfo

    info = DocumentInfo("Harbour plan", "Ann Lee", "2026-01-02", "https://news.example/harbour")
    results = [DocumentResult("https://news.example/harbour", RESULTS[0].sentences, metadata=info), RESULTS[1]]
    records = json.loads(render(results, "json", summary=True))
    assert records[0]["metadata"] == info.to_dict() and "metadata" not in records[1]
    assert json.loads(render(results, "jsonl", summary=True).splitlines()[0])["metadata"]["title"] == "Harbour plan"
    rows = list(csv.DictReader(io.StringIO(render(results, "csv", summary=True))))
    assert list(rows[0])[-4:] == ["title", "author", "date", "source"]
    assert [rows[0][k] for k in ("title", "author", "date", "source")] == [
        "Harbour plan", "Ann Lee", "2026-01-02", "https://news.example/harbour"]
    lines = render(results, "text", summary=True).splitlines()
    assert lines[0].split()[-4:] == ["title", "author", "date", "source"]
    assert lines[1].endswith("Harbour plan  Ann Lee  2026-01-02  https://news.example/harbour")
    # Only the columns some document fills are shown; plain texts alone give the narrow table.
    dated = [DocumentResult("a.md", [], metadata=DocumentInfo(date="2026-03-04")), RESULTS[1]]
    assert render(dated, "text", summary=True).splitlines()[0].split()[-2:] == ["techniques", "date"]
    assert "title" not in render(RESULTS, "text", summary=True)
    # The parts of a large page-less file still add up, and a page's metadata survives the merge.
    parts = [DocumentResult("big.md", RESULTS[0].sentences, metadata=info),
             DocumentResult("big.md", RESULTS[0].sentences, offset=24, metadata=info)]
    merged = json.loads(render(parts, "json", summary=True))
    assert len(merged) == 1 and merged[0]["sentences"] == 4 and merged[0]["metadata"]["author"] == "Ann Lee"


UNCLEAR = SentenceResult(25, 40, "Who knows, eh?", 0.6, (), {}, True,
                         (TechniqueScore("doubt", 0.2), TechniqueScore("slogan", 0.1)))
# A large file arrives in parts with the same name; the later part starts at an offset.
PARTS = [
    DocumentResult("big.txt", [RESULTS[0].sentences[1], UNCLEAR]),
    DocumentResult("big.txt", [SentenceResult(100, 110, "Shameful!", 0.9, (TechniqueScore("loaded_language", 0.8),
                                                                              TechniqueScore("doubt", 0.5)))],
                   offset=100),
    *RESULTS,
]
MODEL = {"file": "m.skops", "sha256": "abc123", "version": "0.2.0", "sensitivity": "balanced"}


def test_a_summary_has_one_record_per_document_in_every_format():
    expected = [
        {"document": "big.txt", "sentences": 3, "flagged": 3, "unclear": 1,
         "techniques": {"loaded_language": 2, "doubt": 1}, "model": MODEL},
        {"document": "a.txt", "sentences": 2, "flagged": 1, "unclear": 0, "techniques": {"loaded_language": 1},
         "model": MODEL},
        {"document": "empty.txt", "sentences": 0, "flagged": 0, "unclear": 0, "techniques": {}, "model": MODEL},
    ]
    assert json.loads(render(PARTS, "json", summary=True, model=MODEL)) == expected
    lines = render(PARTS, "jsonl", summary=True, model=MODEL).splitlines()
    assert [json.loads(line) for line in lines] == expected
    rows = list(csv.DictReader(io.StringIO(render(PARTS, "csv", summary=True, model=MODEL))))
    assert [(r["document"], r["sentences"], r["flagged"], r["unclear"], r["techniques"]) for r in rows] == [
        ("big.txt", "3", "3", "1", "loaded_language:2;doubt:1"), ("a.txt", "2", "1", "0", "loaded_language:1"),
        ("empty.txt", "0", "0", "0", "")]
    assert all("abc123" in r["model"] for r in rows)
    assert json.loads(render([], "json", summary=True)) == [] and render([], "jsonl", summary=True) == ""


def test_the_text_summary_is_one_aligned_table():
    lines = render(PARTS, "text", summary=True).splitlines()
    assert lines == [
        "document   sentences  flagged  unclear  top techniques",
        "big.txt            3        3        1  loaded_language 2, doubt 1",
        "a.txt              2        1        0  loaded_language 1",
        "empty.txt          0        0        0",
    ]
    assert render(PARTS, "terminal", summary=True) == render(PARTS, "text", summary=True)
    assert render([], "text", summary=True) == "no documents\n"


def test_summary_csv_cells_are_guarded_like_every_csv_cell():
    named = [DocumentResult("=cmd|x", [])]
    assert "'=cmd|x" in render(named, "csv", summary=True)
    assert "\n=cmd|x," in render(named, "csv", summary=True, csv_raw=True)


def test_the_html_page_has_no_summary_only_form():
    from detector.errors import DetectorError

    with pytest.raises(DetectorError, match="always ends with a summary"):
        render(RESULTS, "html", summary=True)


def test_ignored_options_names_what_a_format_cannot_show():
    from detector.writers import ignored_options

    assert ignored_options("json", csv_raw=True, all_scores=True) == ["csv_raw"]
    assert ignored_options("csv", csv_raw=True, all_scores=True, explain=True) == []
    assert ignored_options("csv", summary=True, csv_raw=True, all_scores=True, explain=True) == ["all_scores", "explain"]
    assert ignored_options("html", summary=True, all_scores=True, explain=True) == ["summary"]
    # the terminal view and the HTML page show the evidence and every score themselves
    assert ignored_options("terminal", all_scores=True, explain=True) == []
    assert ignored_options("text", summary=False, csv_raw=False) == []


def test_training_format_writes_the_predictions_as_training_records(tmp_path):
    from detector.corpus import read_jsonl
    from detector.errors import DetectorError
    from detector.results import Evidence

    text = "Calm one.\nA shameful, rotten plan!"
    explained = TechniqueScore("loaded_language", 0.91, (Evidence(12, 20, "shameful", 1.2), Evidence(22, 28, "rotten", 0.8)))
    unexplained = TechniqueScore("exaggeration", 0.7)
    results = [
        DocumentResult("a.txt", [SentenceResult(0, 9, "Calm one.", 0.1),
                                 SentenceResult(10, 34, "A shameful, rotten plan!", 0.95, (explained, unexplained))],
                       text=text),
        # The second part of a large file: offsets count from the start of the file.
        DocumentResult("big.txt", [SentenceResult(100, 110, "Vote now!!", 0.9, (TechniqueScore("slogan", 0.8),))],
                       text="Vote now!!", offset=100),
        DocumentResult("quiet.txt", [SentenceResult(0, 6, "Quiet.", 0.9, (), flagged=True)], text="Quiet."),
    ]
    path = tmp_path / "predictions.jsonl"
    path.write_text(render(results, "training", model={"file": "m.skops"}), encoding="utf-8")
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert records[0]["metadata"] == {"predicted_by": {"file": "m.skops"}}
    docs = read_jsonl(path)  # what `detector train` reads
    assert [d.id for d in docs] == ["a.txt", "big.txt@100", "quiet.txt"]
    assert [(docs[0].text[s.start:s.end], s.technique) for s in docs[0].spans] == [
        ("A shameful, rotten plan!", "exaggeration"), ("shameful", "loaded_language"), ("rotten", "loaded_language")]
    assert docs[0].sentence_labels() == [frozenset(), {"loaded_language", "exaggeration"}]
    assert [(s.start, s.end, s.technique) for s in docs[1].spans] == [(0, 10, "slogan")]
    assert docs[2].spans == ()  # an unclear sentence names no technique
    from detector.results import DocumentInfo

    page = DocumentResult("https://news.example/a", results[0].sentences, text=text,
                          metadata=DocumentInfo("Harbour plan", None, "2026-01-02", "https://news.example/a"))
    record = json.loads(render([page], "training", model={"file": "m.skops"}))
    assert record["metadata"] == {"title": "Harbour plan", "date": "2026-01-02", "source": "https://news.example/a",
                                  "predicted_by": {"file": "m.skops"}}
    with pytest.raises(DetectorError, match="needs the text"):
        render([DocumentResult("x.txt", [])], "training")

import csv
import io
import json

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
    summary = render(results, "summary").splitlines()
    assert len(summary) == 3 and all(line.count("\t") == 7 for line in summary)
    assert summary[2].endswith("\t\t\t\t")  # plain text: empty metadata columns

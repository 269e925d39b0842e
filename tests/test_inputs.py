"""Inputs to score: files, directories, corpora; unreadable inputs are reported, not fatal."""

import pytest

from detector import DetectorError
from detector.inputs import find_inputs, read_inputs


def _read(paths, **kwargs):
    problems = []
    documents = list(read_inputs(find_inputs([str(p) for p in paths]), problems.append, **kwargs))
    return documents, [str(p) for p in problems]


def test_directories_expand_to_sorted_text_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("Two.", encoding="utf-8")
    (tmp_path / "1.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    documents, problems = _read([tmp_path])
    assert [d.text for d in documents] == ["One.", "Two."] and problems == []
    with pytest.raises(DetectorError, match="no such file"):
        find_inputs([str(tmp_path / "missing.txt")])


def test_unreadable_files_are_problems_and_the_others_are_still_read(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Fine text.", encoding="utf-8")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"caf\xe9")
    documents, problems = _read([binary, good, latin])
    assert [d.name for d in documents] == [str(good)]
    assert problems == [f"{binary}: a binary file, not text",
                        f"{latin}: not UTF-8 text (undecodable byte at offset 3)"]


def test_jsonl_corpus_streams_documents_and_reports_bad_lines(tmp_path):
    corpus = tmp_path / "news.jsonl"
    corpus.write_text('{"id": "a", "text": "First."}\nnot json\n\n{"text": "No id."}\n{"id": "c", "text": 3}\n',
                      encoding="utf-8")
    documents, problems = _read([corpus])
    assert [(d.name, d.text) for d in documents] == [("a", "First."), (f"{corpus}:4", "No id.")]
    assert problems == [f"{corpus}:2: malformed JSON (Expecting value at column 1)",
                        f'{corpus}:5: not a JSON object with a string "text"']


def test_csv_corpus_uses_the_named_text_column(tmp_path):
    table = tmp_path / "posts.csv"
    table.write_text('id,body\np1,"A post, with a comma."\np2,Another post.\n', encoding="utf-8")
    documents, _ = _read([table], text_column="body")
    assert [(d.name, d.text) for d in documents] == [("p1", "A post, with a comma."), ("p2", "Another post.")]
    _, problems = _read([table])
    assert len(problems) == 1 and "no column 'text'" in problems[0] and "--text-column" in problems[0]


def test_a_large_text_file_is_read_in_parts_with_offsets_into_the_whole(tmp_path, monkeypatch):
    from detector import inputs as sources

    monkeypatch.setattr(sources, "PART_BYTES", 300)
    text = "".join(f"Paragraph {i} says ünïcode things.\nIt has two lines.\n\n" for i in range(40)) + "End é"
    big = tmp_path / "big.txt"
    big.write_text(text, encoding="utf-8")
    documents, problems = _read([big])
    assert problems == [] and len(documents) > 5
    assert [d.part for d in documents] == list(range(len(documents)))
    assert "".join(d.text for d in documents) == text
    for d in documents:
        assert text[d.offset:d.offset + len(d.text)] == d.text
        assert d.text.endswith("\n\n") or d is documents[-1]  # parts end at paragraph breaks


# ---------------------------------------------------------------------- one reader per format


def test_jsonl_lines_may_hold_unicode_line_separators(tmp_path):
    corpus = tmp_path / "docs.jsonl"
    # The project's own writers emit these characters unescaped (ensure_ascii=False).
    corpus.write_text('{"id": "a", "text": "One\u2028two\u0085three."}\r\n{"id": "b", "text": "Four."}\n',
                      encoding="utf-8")
    documents, problems = _read([corpus])
    assert problems == [] and [(d.name, d.text) for d in documents] == [("a", "One\u2028two\u0085three."),
                                                                         ("b", "Four.")]


def test_csv_keeps_quoted_line_breaks_and_drops_a_bom(tmp_path):
    table = tmp_path / "posts.csv"
    table.write_bytes('\ufeffid,text\r\nx1,"Line one.\nLine two."\r\nx2,"U+2028\u2028inside"\r\n'.encode("utf-8"))
    documents, problems = _read([table])
    assert problems == []
    assert [(d.name, d.text) for d in documents] == [("x1", "Line one.\nLine two."), ("x2", "U+2028\u2028inside")]


def test_csv_fields_may_be_longer_than_the_csv_default_limit(tmp_path):
    table = tmp_path / "long.csv"
    long_text = "A sentence of the long document. " * 10_000  # about 330 KB, over csv's 128 KiB default
    table.write_text(f'id,text\nbig,"{long_text}"\n', encoding="utf-8")
    documents, problems = _read([table])
    assert problems == [] and documents[0].text == long_text


def test_a_lone_surrogate_in_a_jsonl_record_is_one_problem_not_the_end(tmp_path):
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text('{"id": "a", "text": "bad \\ud800 here"}\n{"id": "b", "text": "Fine."}\n', encoding="utf-8")
    documents, problems = _read([corpus])
    assert [d.name for d in documents] == ["b"]
    assert len(problems) == 1 and "lone surrogate" in problems[0]


def test_training_and_scoring_read_a_file_the_same_way(tmp_path):
    from detector import read_corpus

    table = tmp_path / "t.csv"
    table.write_text('text,labels\n"Line one.\nLine two.",\n"No id here.",loaded_language\n', encoding="utf-8")
    trained = [(d.id, d.text) for d in read_corpus(table)]
    scored = [(d.name, d.text) for d in _read([table])[0]]
    assert trained == scored == [(f"{table}:2", "Line one.\nLine two."), (f"{table}:4", "No id here.")]

"""Inputs to score: files, directories, corpora; unreadable inputs are reported, not fatal."""

from pathlib import Path

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
    (tmp_path / "notes.pdf").write_text("ignored", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"skipped 1 file in .* that match none of \*\.txt.*\(notes\.pdf\)"):
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
                        f"{latin}: not UTF-8 text (undecodable byte at offset 3); name its encoding if it is "
                        "another (for example --encoding cp1252)"]


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


def _found(folder, **kwargs):
    return [(Path(i.name).relative_to(folder).as_posix(), i.kind) for i in find_inputs([str(folder)], **kwargs)]


def test_directories_read_every_supported_type_and_name_what_they_skip(tmp_path):
    for name in ("a.txt", "b.HTML", "c.htm", "d.md", "e.markdown", "f.pdf", "g.docx", "h.json", "i.png",
                 ".hidden", "sub/j.html", "sub/k.rtf"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    with pytest.warns(UserWarning) as caught:
        found = _found(tmp_path)
    assert found == [("a.txt", "text"), ("b.HTML", "html"), ("c.htm", "html"), ("d.md", "markdown"),
                     ("e.markdown", "markdown"), ("sub/j.html", "html")]
    [warning] = [str(w.message) for w in caught]
    # One line: how many, three examples, and what to do; hidden files are not counted.
    assert warning.startswith(f"skipped 5 files in {tmp_path} that match none of *.txt, *.html, *.htm, *.md, "
                              "*.markdown (f.pdf, g.docx, h.json, ...); --glob")
    assert "\n" not in warning


def test_glob_picks_the_files_of_a_directory(tmp_path):
    for name in ("a.txt", "b.html", "news/c.html", "news/d.txt", "feed.jsonl"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"skipped 3 files .* none of \*\.HTML \(a\.txt, feed\.jsonl, news/d\.txt\)"):
        assert _found(tmp_path, globs=["*.HTML"]) == [("b.html", "html"), ("news/c.html", "html")]
    with pytest.warns(UserWarning, match="skipped 3 files"):
        assert _found(tmp_path, globs=["news/*"]) == [("news/c.html", "html"), ("news/d.txt", "text")]
    with pytest.warns(UserWarning):
        assert _found(tmp_path, globs=["*.jsonl", "a.*"]) == [("a.txt", "text"), ("feed.jsonl", "jsonl")]
    with pytest.warns(UserWarning), pytest.raises(DetectorError, match=r"no files matching \*\.md in this"):
        find_inputs([str(tmp_path)], globs=["*.md"])
    # --input-format reads every file that is not a corpus in that format.
    assert _found(tmp_path, globs=["*"], input_format="html") == [
        ("a.txt", "html"), ("b.html", "html"), ("feed.jsonl", "jsonl"), ("news/c.html", "html"), ("news/d.txt", "html")]
    with pytest.raises(DetectorError, match="unknown input format 'rtf'"):
        find_inputs([str(tmp_path)], input_format="rtf")


def test_encoding_reads_legacy_text_files(tmp_path, monkeypatch):
    from detector import inputs as sources

    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("Un café “très” cher.".encode("cp1252"))
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Ein Café für alle.".encode("latin-1"))
    documents, problems = _read([legacy], encoding="cp1252")
    assert [d.text for d in documents] == ["Un café “très” cher."] and problems == []
    assert [d.text for d in _read([latin], encoding="latin-1")[0]] == ["Ein Café für alle."]
    # UTF-16 text is full of NUL bytes, and is still text when named.
    wide = tmp_path / "wide.txt"
    wide.write_bytes("Wide text, two bytes a letter.".encode("utf-16"))
    assert [d.text for d in _read([wide], encoding="utf-16")[0]] == ["Wide text, two bytes a letter."]
    assert _read([wide])[1] == [f"{wide}: a binary file, not text"]
    # The default stays UTF-8, which says where it failed and what to do.
    assert "not UTF-8 text (undecodable byte at offset 6); name its encoding" in _read([legacy])[1][0]
    # Large files are read in parts in the named encoding.
    monkeypatch.setattr(sources, "PART_BYTES", 64)
    big = tmp_path / "big.txt"
    big.write_bytes(("Déjà vu, encore une fois.\n\n" * 20).encode("cp1252"))
    parts = _read([big], encoding="cp1252")[0]
    assert len(parts) > 1 and "".join(p.text for p in parts) == "Déjà vu, encore une fois.\n\n" * 20


def test_encoding_applies_to_csv_and_markdown_and_is_checked_at_once(tmp_path):
    table = tmp_path / "posts.csv"
    table.write_bytes("id,text\np1,Une idée.\n".encode("cp1252"))
    assert [d.text for d in _read([table], encoding="cp1252")[0]] == ["Une idée."]
    notes = tmp_path / "notes.md"
    notes.write_bytes("# Les **idées**\n\nTrès bien.".encode("cp1252"))
    [doc] = _read([notes], encoding="cp1252")[0]
    assert doc.text == "Les idées\n\nTrès bien." and doc.metadata.title == "Les idées"
    assert doc.metadata.source == str(notes)
    with pytest.raises(DetectorError, match="unknown encoding 'klingon'"):
        read_inputs(find_inputs([str(table)]), print, encoding="klingon")  # before anything is read
    for timeout in (-1, 0, float("nan"), float("inf")):
        with pytest.raises(DetectorError, match="timeout must be a positive number"):
            read_inputs([], print, timeout=timeout)


def test_html_files_are_problems_when_they_hold_no_article(tmp_path):
    empty = tmp_path / "index.html"
    empty.write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    documents, problems = _read([empty])
    assert documents == [] and problems[0].startswith(f"{empty}: no main text found: 1 word outside menus")


def test_urls_are_inputs_fetched_when_read(tmp_path):
    [url] = find_inputs(["https://news.example/story"])
    assert (url.name, url.path, url.kind, url.is_corpus) == ("https://news.example/story", None, "url", False)


def test_a_folder_scored_again_does_not_read_its_old_reports(tmp_path):
    from detector.html_page import HtmlPage

    page = HtmlPage()
    (tmp_path / "report.html").write_text(page.start() + page.finish(), encoding="utf-8")
    (tmp_path / "story.txt").write_text("A story.", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"skipped 1 report in .* made by detector \(report\.html\)"):
        assert [Path(i.name).name for i in find_inputs([str(tmp_path)])] == ["story.txt"]
    # Named directly, it is read like any page.
    assert find_inputs([str(tmp_path / "report.html")])[0].kind == "html"


def test_html_and_markdown_files_over_the_limit_are_problems(tmp_path, monkeypatch):
    from detector import inputs as sources

    monkeypatch.setattr(sources, "STDIN_LIMIT", 100)
    for name in ("big.md", "big.html"):
        (tmp_path / name).write_text("word " * 100, encoding="utf-8")
    documents, problems = _read([tmp_path / "big.md", tmp_path / "big.html"])
    assert documents == [] and [p.split(": ")[0] for p in problems] == [str(tmp_path / "big.md"),
                                                                         str(tmp_path / "big.html")]
    assert all("more than a web page holds" in p for p in problems)

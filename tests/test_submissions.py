"""What a web request asks to score: documents and messages, without the web framework."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detector.errors import DetectorError, LimitError
from detector.inputs import InputDocument
from detector.submissions import (
    PASTED_NAME,
    Upload,
    check_text_size,
    request_documents,
    submitted_document,
    uploaded_document,
)


def test_a_pasted_text_is_one_document_with_plain_line_breaks():
    assert submitted_document("First line.\r\nSecond line.\n") == InputDocument(PASTED_NAME,
                                                                               "First line.\nSecond line.\n")


def test_an_upload_is_named_by_its_file_name_without_a_path():
    for sent in ("notes.TXT", "C:\\Users\\ana\\notes.TXT", "/home/ana/notes.TXT"):
        assert uploaded_document(Upload(sent, "Café.".encode())) == InputDocument("notes.TXT", "Café.")
    assert submitted_document("  \n", Upload("a.txt", b"Text.")).name == "a.txt"  # blank text is no text


@pytest.mark.parametrize(("text", "upload", "url", "message"), [
    ("", None, "", "nothing to score"),
    ("A text.", Upload("a.txt", b"B."), "", "not a pasted text and a file"),
    ("", Upload("a.txt", b"B."), "https://example.org/", "not a file and a web address"),
    ("", None, "ftp://example.org/file", "ftp://example.org/file: not an http or https URL"),
    ("", None, "http://127.0.0.1:9/page", "http://127.0.0.1:9/page: refused to fetch from 127.0.0.1, a loopback"),
    ("", None, "http://[::1]:9/page", "refused to fetch from ::1, a loopback address"),
    ("", Upload("page.html", b"<p>Hi</p>"), "", "page.html: no main text found: 1 word"),
    ("", Upload("page.pdf", b"%PDF-1.4"), "", "page.pdf: only .txt, .html, .htm, .md, .markdown files"),
    ("", Upload("x.txt", b"\xff\xfe"), "", "x.txt: not UTF-8 text (undecodable byte at offset 0)"),
    ("", Upload("x.md", b"\xff\xfe"), "", "x.md: not UTF-8 text (undecodable byte at offset 0)"),
])
def test_refusals_say_what_to_do(text, upload, url, message):
    with pytest.raises(DetectorError, match=message.replace("(", r"\(").replace(")", r"\)")):
        submitted_document(text, upload, url)


def test_a_local_address_is_refused_before_anything_is_fetched(monkeypatch):
    import socket

    from detector.errors import PrivateAddressError

    def no_connection(*args, **kwargs):
        raise AssertionError("a refused address was connected to")

    monkeypatch.setattr(socket.socket, "connect", no_connection)
    for url in ("http://localhost/", "https://127.0.0.1/", "http://10.0.0.8:8080/admin", "http://169.254.169.254/"):
        with pytest.raises(PrivateAddressError, match="only pages on the public internet are fetched here"):
            submitted_document("", None, url)


def test_uploaded_web_pages_and_markdown_are_read_as_on_the_command_line():
    from pathlib import Path

    from detector.results import DocumentInfo

    page = (Path(__file__).parent / "fixtures" / "webpages" / "news.html").read_bytes()
    document = uploaded_document(Upload("C:\\saved\\news.HTM", page))
    assert document.name == "news.HTM" and "The town council voted on Tuesday" in document.text
    assert "NAV-MARKER" not in document.text  # the menus are not the article
    assert document.metadata == DocumentInfo("Council votes to build the second bridge", "Mara Quill",
                                             "2026-03-14", "news.HTM")
    markdown = "---\ntitle: Harbour notes\nauthor: Ana Ruiz\n---\n# Notes\n\nThe **vote** is on [Thursday](https://x.example).\n"
    notes = uploaded_document(Upload("notes.md", markdown.encode("utf-8")))
    assert notes.text == "Notes\n\nThe vote is on Thursday."
    assert notes.metadata == DocumentInfo("Harbour notes", "Ana Ruiz", None, "notes.md")
    assert uploaded_document(Upload("a.txt", b"Plain.")).metadata is None


def test_api_documents_are_named_as_the_library_names_them():
    assert request_documents("A.", None, None) == [InputDocument("text", "A.")]
    assert request_documents("A.", "op-ed", None) == [InputDocument("op-ed", "A.")]
    assert [d.name for d in request_documents(None, None, [("a", "A."), (None, "B."), (None, "C.")])] == ["a", "1", "2"]
    with pytest.raises(DetectorError, match="lone surrogate"):
        request_documents("half \ud800 a pair", None, None)


def test_the_character_limit_counts_every_document():
    documents = [InputDocument("a", "x" * 60), InputDocument("b", "y" * 50)]
    check_text_size(documents, 110)
    with pytest.raises(LimitError, match="110 characters long; this server scores at most 100"):
        check_text_size(documents, 100)


@given(text=st.text(max_size=60), name=st.none() | st.text(max_size=20), url=st.text(max_size=20),
       upload=st.none() | st.builds(Upload, st.text(max_size=20), st.binary(max_size=40)))
def test_any_submission_is_a_document_or_a_message(text, name, url, upload):
    for attempt in (lambda: submitted_document(text, upload, url), lambda: request_documents(text, name, None),
                    lambda: request_documents(None, None, [(name, text)])):
        try:
            documents = attempt()
        except DetectorError as error:
            assert str(error)
            continue
        for document in documents if isinstance(documents, list) else [documents]:
            document.text.encode("utf-8")  # always text that can be written back
            document.name.encode("utf-8")

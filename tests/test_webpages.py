"""Web pages, Markdown and URLs as documents (``detector.webpages``), fetched from a real local HTTP server."""

from __future__ import annotations

import http.server
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector import Detector, DetectorError
from detector.corpus import Document
from detector.errors import PrivateAddressError, WebPageError
from detector.results import DocumentInfo
from detector.webpages import (
    address_problem,
    document_from_html,
    document_from_markdown,
    document_from_url,
    fetch_page,
    strip_markdown,
)

PAGES = Path(__file__).parent / "fixtures" / "webpages"
NEWS = (PAGES / "news.html").read_bytes()
FURNITURE = (PAGES / "furniture.html").read_bytes()
MARKERS = ("SCRIPT-MARKER", "NAV-MARKER", "FOOTER-MARKER", "cookies", "Read next", "ferries")


# ---------------------------------------------------------------------- HTML


def test_html_gives_the_main_text_and_the_page_metadata():
    doc = document_from_html(NEWS, name="news.html", source="saved/news.html")
    assert isinstance(doc, Document) and doc.id == "news.html"
    assert "The town council voted on Tuesday" in doc.text and "from the start." in doc.text
    for marker in MARKERS:  # menus, banners, related links, footers and scripts are not the article
        assert marker not in doc.text
    assert doc.metadata == DocumentInfo("Council votes to build the second bridge", "Mara Quill", "2026-03-14",
                                        "saved/news.html")
    # One paragraph per block, blocks apart, so each paragraph ends its sentences.
    assert "eleven years.\n\nSupporters say" in doc.text


def test_without_a_source_the_page_s_own_url_is_recorded():
    assert document_from_html(NEWS.decode(), name="n").metadata.source == "https://courier.example/news/second-bridge"


def test_a_page_of_menus_and_forms_has_no_main_text():
    with pytest.raises(WebPageError, match=r"no main text found: \d+ words? outside menus"):
        document_from_html(FURNITURE, name="furniture.html")
    with pytest.raises(WebPageError, match="no main text found: 0 words"):
        document_from_html("", name="empty.html")


def test_binary_bytes_are_not_html():
    with pytest.raises(WebPageError, match="a binary file, not HTML"):
        document_from_html(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, name="image.html")


def test_a_fragment_is_read_as_a_page():
    fragment = ("<p>The harbour master said on Friday that the new pier would open next spring, after two "
                "stormy winters had held the work back.</p>")
    assert document_from_html(fragment, name="f").text.startswith("The harbour master said on Friday")


def _legacy_page(declaration: str) -> bytes:
    return NEWS.decode().replace('<meta charset="utf-8">', declaration).replace(
        "old market square", "old café square").encode("cp1252")


def test_html_bytes_are_decoded_by_their_declared_charset_or_the_named_encoding():
    for declaration in ('<meta charset="windows-1252">', '<meta charset="iso-8859-1">',
                        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'):
        assert "old café square" in document_from_html(_legacy_page(declaration), name="p").text
    undeclared = _legacy_page("")
    assert "old café square" in document_from_html(undeclared, name="p", encoding="cp1252").text
    with pytest.raises(WebPageError, match="not UTF-8 text"):
        document_from_html(undeclared, name="p", encoding="utf-8")


def test_the_detector_scores_a_web_page_document_and_keeps_its_metadata(tiny_model_path):
    detector = Detector.load(tiny_model_path)
    doc = document_from_html(NEWS, name="news.html", source="saved/news.html")
    [result] = detector.score_documents([doc])
    assert result.document == "news.html" and result.metadata == doc.metadata
    # Offsets count in the extracted text.
    assert result.sentences and all(doc.text[s.start:s.end] == s.text for s in result.sentences)
    assert [s.text for s in detector.score(doc)] == [s.text for s in result.sentences]
    assert result.to_dict()["metadata"] == {"title": "Council votes to build the second bridge",
                                            "author": "Mara Quill", "date": "2026-03-14",
                                            "source": "saved/news.html"}
    [plain] = detector.score_documents(["A plain text."])
    assert plain.metadata is None and "metadata" not in plain.to_dict()


# ---------------------------------------------------------------------- Markdown

MARKDOWN = """---
title: "Notes on the ferry"
author: Ada Pell
date: 2026-02-01T10:00:00
---
# The ferry question

Some say the **ferry** is *dead*; see [the report](https://example.org/r "Report") for details.

- First point about `timetables` and costs.
1. Second point, with ~~old~~ new figures.
- [ ] A task still to do.

```python
print("CODE-MARKER")
```

> Anyone who disagrees is simply lying to you.

| Route | Fare |
|-------|-----:|
| North | Two pounds |

![A ferry at dawn](ferry.jpg) <span class="note">Seen</span> at six.<!-- a hidden comment -->

[r]: https://example.org/r
Escaped \\*stars\\* stay, as does snake_case_name.
"""


def test_markdown_loses_its_markup_and_keeps_its_words():
    text = strip_markdown(MARKDOWN)
    assert text.split("\n\n")[:2] == ["The ferry question",
                                      "Some say the ferry is dead; see the report for details."]
    assert "First point about timetables and costs.\nSecond point, with old new figures.\nA task still to do." in text
    assert "Anyone who disagrees is simply lying to you." in text
    assert "Route; Fare\n" in text and "North; Two pounds" in text and "---" not in text
    assert "A ferry at dawn Seen at six." in text
    assert "Escaped *stars* stay, as does snake_case_name." in text
    for gone in ("CODE-MARKER", "title:", "https://", "hidden comment", "<span", "#", "**", "`", "> "):
        assert gone not in text


def test_markdown_metadata_comes_from_front_matter_or_the_first_heading():
    doc = document_from_markdown(MARKDOWN, name="notes.md", source="notes.md")
    assert doc.metadata == DocumentInfo("Notes on the ferry", "Ada Pell", "2026-02-01", "notes.md")
    assert doc.text == strip_markdown(MARKDOWN)
    plain = document_from_markdown("Intro line.\n\n# A **bold** plan\n\nText.", name="x")
    assert plain.metadata == DocumentInfo(title="A bold plan")
    toml = document_from_markdown('+++\ntitle = "From Hugo"\n+++\nBody text.', name="y")
    assert toml.metadata.title == "From Hugo" and toml.text == "Body text."


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_markdown_stripping_never_fails(markdown):
    text = strip_markdown(markdown)
    assert isinstance(text, str) and "\x00" not in text
    document_from_markdown(markdown, name="any")


_WORDS = st.lists(st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8), min_size=1, max_size=4)
_INLINE = {
    "plain": "{}", "strong": "**{}**", "strong_": "__{}__", "em": "*{}*", "em_": "_{}_", "code": "`{}`",
    "strike": "~~{}~~", "link": "[{}](https://example.org/page)", "image": "![{}](picture.png)",
    "reference": "[{}][ref]", "tag": "<b>{}</b>",
}
_BLOCK = {"paragraph": "{}", "heading": "## {}", "closed": "# {} #", "bullet": "- {}", "star": "* {}",
          "numbered": "3. {}", "quote": "> {}", "nested": ">  - {}", "task": "- [x] {}"}


@st.composite
def _markdown_lines(draw):
    lines, words = [], []
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.booleans()) and draw(st.booleans()):
            lines += ["```", "CODEWORD inside a fence", "```"]
            continue
        pieces = []
        for _ in range(draw(st.integers(1, 3))):
            chunk = draw(_WORDS)
            words += chunk
            pieces.append(_INLINE[draw(st.sampled_from(sorted(_INLINE)))].format(" ".join(chunk)))
        lines.append(_BLOCK[draw(st.sampled_from(sorted(_BLOCK)))].format(" ".join(pieces)))
        if draw(st.booleans()):
            lines.append("")
    return "\n".join(lines), words


@settings(max_examples=300, deadline=None)
@given(_markdown_lines())
def test_stripped_markdown_keeps_every_word_and_no_markup(case):
    markdown, words = case
    text = strip_markdown(markdown)
    assert text.split() == words
    assert not set(text) & set("*_`~[]()#>!<"), text
    assert "CODEWORD" not in text


@settings(max_examples=200, deadline=None)
@given(st.text("abcdefghij .,;\n", max_size=200))
def test_text_without_markup_passes_through(text):
    assert strip_markdown(text).split() == text.split()


# ---------------------------------------------------------------------- URLs, from a real local server

_TRICKLE_SECONDS = 4.0


class _Pages(http.server.BaseHTTPRequestHandler):
    """The fixture site: each path is one kind of answer a fetch must handle."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # the test output stays clean
        pass

    def _send(self, status: int, body: bytes, content_type: str | None = "text/html; charset=utf-8",
              headers: dict | None = None) -> None:
        try:
            self.send_response(status)
            if content_type is not None:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # a client that timed out has gone
            self.close_connection = True

    def do_GET(self):  # noqa: N802 -- the name http.server calls
        self.server.user_agents.append(self.headers.get("User-Agent"))
        path = self.path
        if path == "/news":
            self._send(200, NEWS)
        elif path == "/furniture":
            self._send(200, FURNITURE)
        elif path == "/image.png":
            self._send(200, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "image/png")
        elif path == "/missing":
            self._send(404, b"<html><body>Not here</body></html>")
        elif path == "/slow":
            time.sleep(3)
            self._send(200, NEWS)
        elif path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            deadline = time.monotonic() + _TRICKLE_SECONDS
            try:
                while time.monotonic() < deadline:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:  # the client gave up, as it should
                pass
            self.close_connection = True
        elif path == "/plain":
            self._send(200, "Caf\xe9 owners say the bridge will ruin them.".encode("cp1252"),
                       "text/plain; charset=windows-1252")
        elif path == "/untyped":
            self._send(200, NEWS, None)
        elif path == "/untyped-binary":
            self._send(200, b"\x00\x01\x02 binary", None)
        elif path == "/latin":
            self._send(200, _legacy_page(""), "text/html; charset=ISO-8859-1")
        elif path == "/moved":
            self._send(302, b"", headers={"Location": "/news"})
        elif path == "/to-ftp":
            self._send(302, b"", headers={"Location": "ftp://127.0.0.1/file"})
        elif path == "/away":  # to the fixture site's twin on another loopback address
            self._send(302, b"", headers={"Location": f"{self.server.twin}/news"})
        else:
            self._send(500, b"unexpected path")


def _start(host: str) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer((host, 0), _Pages)
    server.daemon_threads = True
    server.user_agents = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def site():
    server = _start("127.0.0.1")
    # The same site on 127.0.0.2 (every 127.x address is this machine's): a redirect target that
    # a test can treat as private while 127.0.0.1 passes for public.
    twin = _start("127.0.0.2")
    server.twin = twin.twin = f"http://127.0.0.2:{twin.server_address[1]}"
    yield f"http://127.0.0.1:{server.server_address[1]}", server
    for running in (server, twin):
        running.shutdown()
        running.server_close()


def test_a_fetched_page_gives_its_main_text_and_metadata(site):
    base, server = site
    doc = document_from_url(f"{base}/news")
    assert doc.id == f"{base}/news" and "The town council voted on Tuesday" in doc.text
    assert not any(marker in doc.text for marker in MARKERS)
    assert doc.metadata == DocumentInfo("Council votes to build the second bridge", "Mara Quill", "2026-03-14",
                                        f"{base}/news")
    assert server.user_agents[-1].startswith("detector/")


def test_after_a_redirect_the_source_is_where_the_page_came_from(site):
    base, _ = site
    doc = document_from_url(f"{base}/moved")
    assert doc.id == f"{base}/moved" and doc.metadata.source == f"{base}/news"


def test_fetch_failures_are_web_page_errors_with_clear_messages(site):
    base, _ = site
    cases = {
        "/furniture": "no main text found",
        "/image.png": "not a web page: the server sent image/png",
        "/missing": r"HTTP error 404 \(Not Found\)",
        "/untyped-binary": "not a web page: the server named no content type",
        "/to-ftp": "redirected to a URL that is not http or https",
    }
    for path, message in cases.items():
        with pytest.raises(WebPageError, match=message):
            document_from_url(base + path)
    with pytest.raises(WebPageError, match="not an http or https URL"):
        document_from_url("ftp://127.0.0.1/file")


def test_a_slow_server_runs_into_the_timeout(site):
    base, _ = site
    started = time.monotonic()
    with pytest.raises(WebPageError, match=r"no complete answer within 0.5 s"):
        document_from_url(f"{base}/slow", timeout=0.5)
    # A server that keeps sending a byte at a time is cut off too, not read for ever.
    with pytest.raises(WebPageError, match=r"no complete answer within 0.5 s"):
        document_from_url(f"{base}/trickle", timeout=0.5)
    assert time.monotonic() - started < _TRICKLE_SECONDS


def test_a_page_larger_than_the_limit_is_refused(site):
    base, _ = site
    with pytest.raises(WebPageError, match="larger than 1000 bytes"):
        fetch_page(f"{base}/news", max_bytes=1000)


def test_charsets_plain_text_and_untyped_html(site):
    base, _ = site
    assert "old café square" in document_from_url(f"{base}/latin").text
    plain = document_from_url(f"{base}/plain")
    assert plain.text == "Café owners say the bridge will ruin them." and plain.metadata.source == f"{base}/plain"
    assert "The town council voted" in document_from_url(f"{base}/untyped").text


def test_a_closed_port_is_a_fetch_failure():
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(WebPageError, match="cannot fetch"):
        document_from_url(f"http://127.0.0.1:{port}/news", timeout=5)


# ---------------------------------------------------------------------- public addresses only


@pytest.mark.parametrize(("address", "problem"), [
    ("127.0.0.1", "a loopback address"), ("127.8.0.9", "a loopback address"), ("::1", "a loopback address"),
    ("10.2.3.4", "a private address"), ("172.16.9.1", "a private address"), ("192.168.1.20", "a private address"),
    ("fd12:3456::1", "a private address"), ("169.254.169.254", "a link-local address"),
    ("fe80::1%eth0", "a link-local address"), ("224.0.0.251", "a multicast address"),
    ("ff02::1", "a multicast address"), ("240.1.2.3", "a reserved address"), ("0.0.0.0", "an unspecified address"),
    ("100.64.0.1", "an address that is not public"),
    # An IPv6 address that carries an IPv4 one is judged by it.
    ("::ffff:127.0.0.1", "a loopback address"), ("::ffff:10.0.0.1", "a private address"),
    ("2002:c0a8:0101::1", "a private address"),
    ("93.184.216.34", None), ("8.8.4.4", None), ("2606:4700:4700::1111", None),
])
def test_address_problem_names_what_is_not_public(address, problem):
    assert address_problem(address) == problem


def test_private_addresses_are_refused_only_when_asked(site):
    base, server = site
    asked = len(server.user_agents)
    with pytest.raises(PrivateAddressError, match=r"refused to fetch from 127\.0\.0\.1, a loopback address"):
        document_from_url(f"{base}/news", allow_private=False)
    with pytest.raises(PrivateAddressError, match=r"from localhost: it resolves to (127\.0\.0\.1|::1), a loopback"):
        document_from_url(f"http://localhost:{server.server_address[1]}/news", allow_private=False)
    # A number that names 127.0.0.1 is judged by the address it resolves to, not by how it is written.
    with pytest.raises(PrivateAddressError, match="2130706433: it resolves to 127.0.0.1"):
        document_from_url(f"http://2130706433:{server.server_address[1]}/news", allow_private=False)
    assert len(server.user_agents) == asked  # refused before a request was sent
    assert document_from_url(f"{base}/news").metadata.author == "Mara Quill"  # the default fetches anything
    assert issubclass(PrivateAddressError, WebPageError)


def _only_public(address: str, real=address_problem) -> str | None:
    """As ``address_problem``, but 127.0.0.1 (the fixture site) passes for a public address."""
    return None if address == "127.0.0.1" else real(address)


def test_every_redirect_is_checked_again(site, monkeypatch):
    import detector.webpages as webpages

    base, server = site
    monkeypatch.setattr(webpages, "address_problem", _only_public)
    assert document_from_url(f"{base}/news", allow_private=False).metadata.source == f"{base}/news"
    with pytest.raises(PrivateAddressError, match=r"refused to fetch from 127\.0\.0\.2, a loopback address"):
        document_from_url(f"{base}/away", allow_private=False)
    # Allowed, the same redirect is followed to the twin site.
    assert document_from_url(f"{base}/away").metadata.source == f"{server.twin}/news"


def test_every_address_of_a_host_is_checked_and_the_checked_one_connected_to(site, monkeypatch):
    import socket

    import detector.webpages as webpages

    base, server = site
    port = server.server_address[1]
    answers: list[list[str]] = []

    def resolve(host, port, *args, **kwargs):
        addresses = answers.pop(0)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    monkeypatch.setattr(webpages, "address_problem", _only_public)
    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    # One public address and one private: refused, naming the private one, before any connection.
    answers.append(["93.184.216.34", "10.0.0.7"])
    with pytest.raises(PrivateAddressError, match=r"pages\.example: it resolves to 10\.0\.0\.7, a private address"):
        document_from_url(f"http://pages.example:{port}/news", allow_private=False)
    # The name is resolved once per connection and the connection goes to the address checked:
    # a second answer (a rebinding to a private address) is never asked for.
    answers.extend([["127.0.0.1"], ["10.0.0.7"]])
    doc = document_from_url(f"http://pages.example:{port}/news", allow_private=False)
    assert doc.metadata.title == "Council votes to build the second bridge" and answers == [["10.0.0.7"]]


def test_web_page_errors_are_detector_errors():
    assert issubclass(WebPageError, DetectorError)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300),
                 st.text(max_size=300).map(lambda t: f"<html><body><p>{t}</p></body></html>")))
def test_any_input_gives_a_document_or_a_web_page_error(page):
    try:
        doc = document_from_html(page, name="any", min_words=1)
    except WebPageError:
        return
    assert isinstance(doc, Document) and doc.text.split()


# ---------------------------------------------------------------------- through the command line


def _cli(*args, input=None):
    from typer.testing import CliRunner

    from detector.cli import app

    return CliRunner().invoke(app, [str(a) for a in args], input=input)


def test_score_a_url_writes_its_metadata_in_every_format(site, tiny_model_path, tmp_path):
    import csv
    import io
    import json

    base, _ = site
    url = f"{base}/news"
    record = json.loads(_cli("score", url, "-m", tiny_model_path, "-f", "jsonl").stdout)
    assert record["document"] == url and record["metadata"] == {
        "title": "Council votes to build the second bridge", "author": "Mara Quill", "date": "2026-03-14",
        "source": url}
    rows = list(csv.DictReader(io.StringIO(_cli("score", url, "-m", tiny_model_path, "-f", "csv").stdout)))
    assert rows and all(r["title"] == "Council votes to build the second bridge" and r["source"] == url
                        and r["author"] == "Mara Quill" and r["date"] == "2026-03-14" for r in rows)
    text = _cli("score", url, "-m", tiny_model_path).stdout.splitlines()
    assert text[1] == (f"-- title: Council votes to build the second bridge | author: Mara Quill | "
                       f"date: 2026-03-14 | source: {url}")
    summary = list(csv.DictReader(io.StringIO(_cli("score", url, "-m", tiny_model_path, "-f", "csv",
                                                   "--summary").stdout)))
    assert [(r["title"], r["author"], r["date"], r["source"]) for r in summary] == [
        ("Council votes to build the second bridge", "Mara Quill", "2026-03-14", url)]
    summary_record = json.loads(_cli("score", url, "-m", tiny_model_path, "-f", "jsonl", "--summary").stdout)
    assert summary_record["metadata"] == record["metadata"]
    table = _cli("score", url, "-m", tiny_model_path, "--summary").stdout.splitlines()
    assert table[0].split()[-4:] == ["title", "author", "date", "source"]
    assert table[1].endswith(f"Council votes to build the second bridge  Mara Quill  2026-03-14  {url}")
    report = tmp_path / "report.html"
    assert _cli("score", url, "-m", tiny_model_path, "-f", "html", "-o", report).exit_code == 0
    page = report.read_text(encoding="utf-8")
    assert "<h2>Council votes to build the second bridge</h2>" in page
    assert f'by Mara Quill · <time>2026-03-14</time> · source: <a href="{url}"' in page


def test_url_problems_follow_the_skip_errors_rules(site, tiny_model_path):
    import json

    base, _ = site
    failed = _cli("score", f"{base}/news", f"{base}/missing", f"{base}/slow", "--timeout", "0.5",
                  "-m", tiny_model_path, "-f", "jsonl")
    assert failed.exit_code == 2
    assert [json.loads(line)["document"] for line in failed.stdout.splitlines()] == [f"{base}/news"]
    assert f"{base}/missing: HTTP error 404 (Not Found)" in failed.stderr
    assert f"{base}/slow: no complete answer within 0.5 s" in failed.stderr
    skipped = _cli("score", f"{base}/image.png", f"{base}/news", "--skip-errors", "-m", tiny_model_path,
                   "-f", "jsonl")
    assert skipped.exit_code == 0 and len(skipped.stdout.splitlines()) == 1
    assert "warning: skipped" in skipped.stderr and "not a web page: the server sent image/png" in skipped.stderr
    assert _cli("score", f"{base}/news", "--timeout", "0", "-m", tiny_model_path).exit_code == 2


def test_html_and_markdown_from_files_and_standard_input(tiny_model_path, tmp_path):
    import json

    saved = tmp_path / "saved.HTM"
    saved.write_bytes(NEWS)
    notes = tmp_path / "notes.markdown"
    notes.write_text(MARKDOWN, encoding="utf-8")
    records = [json.loads(line) for line in
               _cli("score", saved, notes, "-m", tiny_model_path, "-f", "jsonl").stdout.splitlines()]
    assert [r["metadata"]["title"] for r in records] == ["Council votes to build the second bridge",
                                                         "Notes on the ferry"]
    assert records[0]["metadata"]["source"] == str(saved)
    assert not any("SCRIPT-MARKER" in s["text"] for s in records[0]["sentences"])
    piped = json.loads(_cli("score", "-", "--input-format", "html", "-m", tiny_model_path, "-f", "jsonl",
                            input=NEWS.decode()).stdout)
    assert piped["document"] == "<stdin>" and piped["metadata"]["author"] == "Mara Quill"
    markdown = json.loads(_cli("score", "-", "--input-format", "markdown", "-m", tiny_model_path, "-f", "jsonl",
                               input="# Heading\n\nSome **bold** words.").stdout)
    assert [s["text"] for s in markdown["sentences"]] == ["Heading", "Some bold words."]
    # Named explicitly, a page saved under another suffix is read as HTML when asked.
    other = tmp_path / "page.php"
    other.write_bytes(NEWS)
    asked = json.loads(_cli("score", other, "--input-format", "html", "-m", tiny_model_path, "-f", "jsonl").stdout)
    assert asked["metadata"]["title"] == "Council votes to build the second bridge"
    bad = _cli("score", other, "--input-format", "pdf", "-m", tiny_model_path)
    assert bad.exit_code == 2 and "unknown input format 'pdf'" in bad.stderr


def test_stray_markup_on_a_long_line_costs_linear_time():
    # Unclosed marks used to be looked for to the end of the line from every opening: minutes.
    started = time.monotonic()
    for mark in ("*", "_", "**", "~~", "`"):
        strip_markdown(f"{mark}a " * 20_000)
    assert time.monotonic() - started < 15


def test_the_example_page_reads_as_the_example_article():
    examples = Path(__file__).resolve().parents[1] / "examples"
    page = document_from_html((examples / "article.html").read_bytes(), name="article.html")
    article = (examples / "article.txt").read_text(encoding="utf-8").strip()
    # Menus, the newsletter box, the most-read list and the footer are gone; every paragraph is kept.
    assert page.text == article
    assert page.metadata.author == "Ines Darrow" and page.metadata.date == "2026-11-24"

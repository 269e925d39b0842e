"""The web app and JSON API, served by a real uvicorn and asked over real HTTP (and by a real browser)."""

from __future__ import annotations

import http.client
import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from detector import DISTRIBUTION, Detector, DetectorError
from detector.cli import app as cli_app

pytest.importorskip("fastapi", reason="the serve extra is not installed: pip install '.[serve]'")
uvicorn = pytest.importorskip("uvicorn", reason="the serve extra is not installed: pip install '.[serve]'")

from detector.server import create_app, is_loopback  # noqa: E402  (after the extra's check)

runner = CliRunner()
ARTICLE = ("Harbour vote\nThe council votes on Thursday.\n"
           "This shameful, disgraceful plan was rammed through by cowards!\n"
           '"It is a betrayal of every family here," said Ana Ruiz.\n')
LIMITS = {"max_body_bytes": 64_000, "max_text_chars": 20_000, "max_concurrent": 2}


# ---------------------------------------------------------------------- a real server


@contextmanager
def running(app):
    """``app`` served by uvicorn on a free loopback port, in a thread; yields its base URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(30)
        listener.close()


def call(base, path, body=None, *, method=None, headers=None, timeout=60):
    """``(status, headers, body)`` of one request; ``body`` is sent as JSON unless it is bytes."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode("utf-8")
    sent = {"Content-Type": "application/json"} if data is not None and not isinstance(body, bytes) else {}
    request = urllib.request.Request(base + path, data=data, method=method, headers={**sent, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def error_of(response) -> str:
    status, headers, body = response
    assert headers["content-type"].startswith("application/json"), body
    assert b"Traceback" not in body
    return json.loads(body)["error"]


@pytest.fixture(scope="module")
def model(tiny_model_path) -> Detector:
    return Detector.load(tiny_model_path)


@pytest.fixture(scope="module")
def base(model):
    with running(create_app(model, **LIMITS)) as url:
        yield url


@pytest.fixture()
def article(tmp_path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def cli(*args) -> str:
    result = runner.invoke(cli_app, [str(a) for a in args])
    return result.stdout  # standard error ends with a line naming what was written


def cli_error(*args) -> str:
    result = runner.invoke(cli_app, [str(a) for a in args])
    assert result.exit_code == 2, result.output
    return result.stderr.strip().removeprefix("error: ")


# ---------------------------------------------------------------------- the JSON API


@pytest.mark.parametrize(("options", "flags"), [
    ({}, []),
    ({"sensitivity": "sensitive", "all_scores": True}, ["--sensitivity", "sensitive", "--all-scores"]),
    ({"voice": "author", "sensitivity": "sensitive"}, ["--voice", "author", "--sensitivity", "sensitive"]),
    ({"min_score": 0.2, "voice": "quoted"}, ["--min-score", "0.2", "--voice", "quoted"]),
])
@pytest.mark.parametrize("endpoint", ["/score", "/explain"])
def test_score_and_explain_answer_the_json_of_the_command_line(base, article, tiny_model_path, endpoint, options,
                                                               flags):
    status, headers, body = call(base, endpoint, {"text": ARTICLE, "id": str(article), **options})
    assert status == 200 and headers["content-type"] == "application/json"
    explain = ["--explain"] if endpoint == "/explain" else []
    expected = json.loads(cli("score", article, "-m", tiny_model_path, "-f", "json", *flags, *explain))
    assert json.loads(body) == expected
    if endpoint == "/explain" and options.get("sensitivity") == "sensitive":
        techniques = [t for d in expected for s in d["sentences"] for t in s["techniques"]]
        assert techniques and all("evidence" in t for t in techniques)  # the comparison covered evidence


def test_a_batch_keeps_its_ids_and_order(base):
    texts = ["A calm first article about the weather.", "This shameful, disgraceful plan!", "Third one."]
    status, _, body = call(base, "/score", {"documents": [{"id": "a", "text": texts[0]}, {"text": texts[1]},
                                                          {"id": "c", "text": texts[2]}]})
    assert status == 200
    documents = json.loads(body)
    assert [d["document"] for d in documents] == ["a", "1", "c"]  # no id: named by position, as the library does
    singles = [json.loads(call(base, "/score", {"text": t, "id": d["document"]})[2])[0]
               for t, d in zip(texts, documents, strict=True)]
    assert documents == singles
    assert json.loads(call(base, "/score", {"text": "One sentence."})[2])[0]["document"] == "text"


def test_techniques_is_the_command_line_listing(base):
    status, _, body = call(base, "/techniques")
    assert status == 200 and body.decode("utf-8") == cli("techniques", "--json")


def test_health_names_the_model_version_and_limits(base, tiny_model_path):
    from detector import __version__
    from detector.persistence import file_sha256

    status, _, body = call(base, "/health")
    health = json.loads(body)
    assert status == 200 and health["status"] == "ok" and health["version"] == __version__
    assert health["model"]["file"] == tiny_model_path.name
    assert health["model"]["sha256"] == file_sha256(tiny_model_path)[:12]
    assert health["limits"] == LIMITS and health["busy"] == 0


def test_openapi_and_docs(base):
    status, _, body = call(base, "/openapi.json")
    spec = json.loads(body)
    assert status == 200 and {"/", "/report", "/score", "/explain", "/techniques", "/health"} <= set(spec["paths"])
    request = spec["paths"]["/score"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert request["$ref"].endswith("/ScoreRequest")
    assert {"text", "documents", "sensitivity", "min_score", "voice"} <= set(spec["components"]["schemas"]
                                                                            ["ScoreRequest"]["properties"])
    status, headers, body = call(base, "/docs")
    assert status == 200 and b"swagger" in body.lower() and b"/openapi.json" in body


@pytest.mark.parametrize(("body", "flags"), [
    ({"text": "A text.", "voice": "loud"}, ["--voice", "loud"]),
    ({"text": "A text.", "sensitivity": "reckless"}, ["--sensitivity", "reckless"]),
])
def test_bad_options_get_the_command_lines_message(base, article, tiny_model_path, body, flags):
    status, _, _ = response = call(base, "/score", body)
    assert status == 422
    assert error_of(response) == cli_error("score", article, "-m", tiny_model_path, *flags)


def test_min_score_is_checked_by_the_library(base, model):
    response = call(base, "/score", {"text": "A text.", "min_score": 2})
    with pytest.raises(DetectorError) as library:
        model.thresholds(2.0)
    assert response[0] == 422 and error_of(response) == str(library.value)


@pytest.mark.parametrize(("body", "status", "message"), [
    (b'{"text": "unclosed', 400, "malformed JSON"),
    ({"text": "A text.", "min-score": 0.5}, 422, "unknown field 'min-score'"),
    ({"text": 42}, 422, "text: "),
    ({"documents": [{"id": "a"}]}, 422, "documents.0.text: "),
    ({"text": "A text.", "documents": [{"text": "B."}]}, 422, "not both"),
    ({}, 422, 'give "text"'),
    ({"documents": []}, 422, '"documents" is empty'),
    ({"id": "x", "documents": [{"text": "B."}]}, 422, "each document has its own"),
    (b'{"text": "half a pair \\ud800 here"}', 422, "lone surrogate"),
    (b'[1, 2]', 422, "valid dictionary"),
])
def test_bad_requests_get_a_message_and_no_traceback(base, body, status, message):
    headers = {"Content-Type": "application/json"} if isinstance(body, bytes) else None
    response = call(base, "/score", body, headers=headers)
    assert response[0] == status and message in error_of(response)


def test_unknown_paths_and_methods_answer_json(base):
    assert call(base, "/nowhere")[0] == 404 and error_of(call(base, "/nowhere")) == "Not Found"
    assert call(base, "/score")[0] == 405  # GET


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.recursive(st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=40),
                         lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                             st.sampled_from(["text", "id", "documents", "voice", "sensitivity", "min_score",
                                              "all_scores", "other"]), inner, max_size=4), max_leaves=8))
def test_any_json_body_gets_an_answer_never_a_crash(base, body):
    status, headers, answer = call(base, "/score", json.dumps(body).encode("utf-8"),
                                   headers={"Content-Type": "application/json"})
    assert status in (200, 400, 413, 422), answer
    assert b"Traceback" not in answer and b"internal error" not in answer


# ---------------------------------------------------------------------- limits


def test_a_declared_body_over_the_limit_is_refused_before_it_is_read(base):
    connection = http.client.HTTPConnection("127.0.0.1", int(base.rsplit(":", 1)[1]), timeout=30)
    # Only the headers are sent: the answer comes without the server waiting for the body.
    connection.putrequest("POST", "/score")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(50 * 2**20))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413 and "larger than" in json.loads(response.read())["error"]
    connection.close()


def test_a_streamed_body_is_cut_off_at_the_limit(base):
    port = int(base.rsplit(":", 1)[1])
    # Chunks past the limit, and the body never finished: the answer comes all the same.
    with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
        raw.sendall(b"POST /score HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                    b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"x" * 8192
        for _ in range(LIMITS["max_body_bytes"] // len(chunk) + 1):
            raw.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            answer += raw.recv(65536) or b"}"
    assert answer.startswith(b"HTTP/1.1 413") and b"larger than" in answer
    # A streamed body within the limit is read whole and scored.
    text = json.dumps({"text": "A calm sentence here. " * 600}).encode("utf-8")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", "/score", body=(text[i:i + 4096] for i in range(0, len(text), 4096)),
                       headers={"Content-Type": "application/json"}, encode_chunked=True)
    response = connection.getresponse()
    assert response.status == 200 and json.loads(response.read())[0]["document"] == "text"
    connection.close()


def test_texts_over_the_character_limit_are_refused(base):
    long_text = "A calm sentence here. " * 1_000  # 22,000 characters, a 22 KB body
    response = call(base, "/score", {"text": long_text})
    assert response[0] == 413 and "22,000 characters" in error_of(response) and "20,000" in error_of(response)
    batch = [{"text": "A calm sentence here. " * 400} for _ in range(3)]  # each within, together over
    assert call(base, "/explain", {"documents": batch})[0] == 413
    assert call(base, "/score", {"text": "A calm sentence here. " * 900})[0] == 200


class _Gated(Detector):
    """A detector whose scoring waits at a gate, to hold a scoring slot for as long as a test needs."""

    def __init__(self, base: Detector) -> None:
        super().__init__(base.estimator, base.metadata, base.source, base.sensitivity)
        self.gate, self.entered = threading.Event(), threading.Event()
        self.gate.set()

    def score_documents(self, *args, **kwargs):
        self.entered.set()
        assert self.gate.wait(60)
        yield from super().score_documents(*args, **kwargs)


def test_a_full_server_answers_503_and_stays_responsive(model):
    gated = _Gated(model)
    with running(create_app(gated, max_concurrent=1)) as url:
        gated.gate.clear()
        gated.entered.clear()
        first: list = []
        worker = threading.Thread(target=lambda: first.append(call(url, "/score", {"text": "A calm text."})))
        worker.start()
        try:
            assert gated.entered.wait(30)
            started = time.monotonic()
            status, _, body = call(url, "/health", timeout=5)  # scoring runs off the event loop
            assert status == 200 and json.loads(body)["busy"] == 1 and time.monotonic() - started < 5
            busy = call(url, "/explain", {"text": "Another text."})
            assert busy[0] == 503 and busy[1]["Retry-After"] == "1" and "try again" in error_of(busy)
            page = _post_form(url, {"text": "A pasted text."})
            assert page[0] == 503 and b"try again" in page[2] and b"A pasted text." in page[2]
        finally:
            gated.gate.set()
            worker.join(60)
        assert first[0][0] == 200 and json.loads(first[0][2])[0]["document"] == "text"
        assert json.loads(call(url, "/health")[2])["busy"] == 0


class _Broken(Detector):
    """A detector with a bug that shows only when it scores."""

    def __init__(self, base: Detector) -> None:
        super().__init__(base.estimator, base.metadata, base.source, base.sensitivity)
        self.broken = False

    def score_documents(self, *args, **kwargs):
        if self.broken:
            raise RuntimeError("a bug with a secret /home/path in it")
        yield from super().score_documents(*args, **kwargs)


def test_a_bug_is_a_500_that_says_so_without_a_traceback(model):
    broken = _Broken(model)
    with running(create_app(broken)) as url:
        broken.broken = True
        response = call(url, "/score", {"text": "A text."})
        assert response[0] == 500 and error_of(response) == "internal error (RuntimeError); please report it"
        assert b"/home/path" not in response[2]
        assert call(url, "/health")[0] == 200  # the server goes on


def test_limits_must_be_positive_whole_numbers(model):
    for bad in ({"max_body_bytes": 0}, {"max_text_chars": -5}, {"max_concurrent": 1.5}, {"max_concurrent": True}):
        with pytest.raises(DetectorError, match="must be a positive whole number"):
            create_app(model, **bad)


# ---------------------------------------------------------------------- the web form


def _post_form(base, fields, files=None, path="/report"):
    """A multipart/form-data POST, as a browser sends the form."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data) in (files or {}).items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return call(base, path, body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})


def _article_html(page: str) -> list[str]:
    return re.findall(r'<div class="article">.*?</div>\n</section>', page, flags=re.S)


def test_the_page_has_the_form(base):
    status, headers, body = call(base, "/")
    page = body.decode("utf-8")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert '<form method="post" action="report" enctype="multipart/form-data">' in page
    assert 'name="text"' in page and 'type="file"' in page and 'name="url"' in page
    assert "not yet available" not in page and "<script" not in page
    assert 'type="url" id="url" name="url"' in page and "private network" in page
    assert 'accept=".txt,.html,.htm,.md,.markdown"' in page
    assert '<option value="balanced" selected>' in page


def test_a_pasted_text_gives_the_command_lines_html_report(base, tmp_path, tiny_model_path):
    # Browsers send a text box's line breaks as CR LF; the report is that of the text as pasted.
    status, headers, body = _post_form(base, {"text": ARTICLE.replace("\n", "\r\n"), "sensitivity": "sensitive",
                                              "voice": "all"})
    page = body.decode("utf-8")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert page.startswith("<!doctype html>") and '<a href=".">Score another text</a>' in page
    assert "<h2>pasted text</h2>" in page
    out = tmp_path / "report.html"
    article = tmp_path / "pasted.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    cli("score", article, "-m", tiny_model_path, "-f", "html", "-o", out, "--sensitivity", "sensitive")
    expected = out.read_text(encoding="utf-8")
    assert _article_html(page) == _article_html(expected) and 'class="sentence flagged"' in _article_html(page)[0]
    assert page[page.index("<footer"):] == expected[expected.index("<footer"):].replace(str(article), "pasted text")


def test_an_url_encoded_form_works_too(base):
    body = urllib.parse.urlencode({"text": ARTICLE, "sensitivity": "sensitive"}).encode()
    status, _, page = call(base, "/report", body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and b'class="sentence flagged"' in page


def test_an_uploaded_text_file_is_scored_under_its_name(base):
    status, _, body = _post_form(base, {"text": "", "sensitivity": "sensitive"},
                                 {"file": ("harbour.txt", ARTICLE.encode("utf-8"))})
    assert status == 200 and b"<h2>harbour.txt</h2>" in body and b'class="sentence flagged"' in body


@pytest.mark.parametrize(("fields", "files", "status", "message"), [
    ({"text": "   "}, {}, 422, "nothing to score"),
    ({"text": "A text.", "url": "https://example.org/a"}, {}, 422, "not a pasted text and a web address"),
    ({"url": "ftp://example.org/a"}, {}, 422, "ftp://example.org/a: not an http or https URL"),
    ({"url": "http://127.0.0.1:9/admin"}, {}, 403, "refused to fetch from 127.0.0.1, a loopback address"),
    ({}, {"file": ("menu.html", b"<html><body><nav>Home</nav></body></html>")}, 422, "menu.html: no main text"),
    ({"text": "A text."}, {"file": ("a.txt", b"Another text.")}, 422, "give one thing to score"),
    ({}, {"file": ("report.pdf", b"%PDF-1.4")}, 422, "report.pdf: only .txt, .html, .htm, .md, .markdown files"),
    ({}, {"file": ("blob.txt", b"\x00\x01\x02binary")}, 422, "blob.txt: a binary file, not text"),
    ({}, {"file": ("latin.txt", "caf\xe9".encode("latin-1"))}, 422, "latin.txt: not UTF-8 text"),
    ({"text": "A text.", "voice": "loud"}, {}, 422, "unknown voice 'loud'; use all, author or quoted"),
    ({"text": "word " * 4_001}, {}, 413, "at most 20,000 characters"),
])
def test_refused_submissions_come_back_with_the_message_and_the_text(base, fields, files, status, message):
    code, headers, body = _post_form(base, {"sensitivity": "precise", **fields}, files)
    page = body.decode("utf-8")
    assert code == status and headers["content-type"].startswith("text/html")
    assert 'role="alert"' in page and message in page.replace("&#x27;", "'")
    assert "Traceback" not in page
    if fields.get("text", "").strip():
        assert f">{fields['text']}</textarea>" in page  # what the person pasted is kept
    if fields.get("url"):
        assert f'value="{fields["url"]}"' in page  # and the address they gave
    assert '<option value="precise" selected>' in page


def test_a_form_body_over_the_limit_is_refused_with_the_page(base):
    status, headers, body = _post_form(base, {"text": "x" * (LIMITS["max_body_bytes"] + 10)})
    assert status == 413 and headers["content-type"].startswith("text/html") and b"larger than" in body


def test_a_malformed_form_body_is_a_400_page(base):
    status, headers, body = call(base, "/report", b"--nope\r\nContent-Disposition: form-data\r\n\r\nx",
                                 headers={"Content-Type": "multipart/form-data; boundary=nope"})
    assert status == 400 and headers["content-type"].startswith("text/html") and b'role="alert"' in body


def test_the_text_is_escaped_on_the_page(base):
    status, _, body = _post_form(base, {"text": "<script>alert(1)</script> A text.", "url": "x"})
    assert status == 422 and b"<script>alert(1)" not in body and b"&lt;script&gt;" in body


# ---------------------------------------------------------------------- web pages: uploads and addresses

NEWS = (Path(__file__).parent / "fixtures" / "webpages" / "news.html").read_bytes()
NEWS_TITLE = "Council votes to build the second bridge"


class _Site(http.server.BaseHTTPRequestHandler):
    """A news site on this machine: ``/news`` is an article page, ``/away`` redirects to the twin
    site on 127.0.0.2, ``/gone`` is a 404."""

    def log_message(self, format, *args):
        pass

    def do_GET(self):  # noqa: N802 -- the name http.server calls
        self.server.requests.append(self.path)
        if self.path == "/news":
            status, headers, body = 200, {"Content-Type": "text/html; charset=utf-8"}, NEWS
        elif self.path == "/away":
            status, headers, body = 302, {"Location": f"{self.server.twin}/news"}, b""
        else:
            status, headers, body = 404, {"Content-Type": "text/html"}, b"<html><body>Not here</body></html>"
        self.send_response(status)
        for key, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site():
    """``(base URL, server)`` of the news site on 127.0.0.1, with its twin on 127.0.0.2."""
    servers = []
    for host in ("127.0.0.1", "127.0.0.2"):
        server = http.server.ThreadingHTTPServer((host, 0), _Site)
        server.daemon_threads, server.requests = True, []
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    servers[0].twin = f"http://127.0.0.2:{servers[1].server_address[1]}"
    yield f"http://127.0.0.1:{servers[0].server_address[1]}", servers[0]
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def open_base(model):
    """The app with ``allow_private_urls``: it fetches from the news site on this machine."""
    with running(create_app(model, allow_private_urls=True, **LIMITS)) as url:
        yield url


def test_a_web_address_gives_the_report_of_its_article(open_base, site, tmp_path, tiny_model_path):
    news, server = site
    status, headers, body = _post_form(open_base, {"url": f"{news}/news", "sensitivity": "sensitive"})
    page = body.decode("utf-8")
    assert status == 200 and headers["content-type"].startswith("text/html"), page
    assert server.requests[-1] == "/news"
    assert f"<h2>{NEWS_TITLE}</h2>" in page and "by Mara Quill" in page and "<time>2026-03-14</time>" in page
    assert f'source: <a href="{news}/news"' in page and "NAV-MARKER" not in page
    # The same article, the same report as the command line's.
    out = tmp_path / "report.html"
    cli("score", f"{news}/news", "-m", tiny_model_path, "-f", "html", "-o", out, "--sensitivity", "sensitive")
    assert _article_html(page) == _article_html(out.read_text(encoding="utf-8")) != []


def test_fetch_failures_come_back_with_the_message_and_the_address(open_base, site):
    news, _ = site
    status, _, body = _post_form(open_base, {"url": f"{news}/gone"})
    page = body.decode("utf-8")
    assert status == 422 and f"{news}/gone: HTTP error 404 (Not Found)" in page and 'role="alert"' in page
    assert f'value="{news}/gone"' in page and "Traceback" not in page


def test_by_default_addresses_on_this_machine_are_refused(base, site):
    news, server = site
    asked = len(server.requests)
    for url, message in ((f"{news}/news", "refused to fetch from 127.0.0.1, a loopback address"),
                         (f"http://localhost:{server.server_address[1]}/news", "from localhost: it resolves to")):
        status, headers, body = _post_form(base, {"url": url})
        page = body.decode("utf-8")
        assert status == 403 and headers["content-type"].startswith("text/html") and message in page
        assert "private network" in page and f'value="{url}"' in page
    assert len(server.requests) == asked  # nothing was fetched
    assert json.loads(call(base, "/health")[2])["allow_private_urls"] is False


def test_a_redirect_to_a_private_address_is_refused(base, site, monkeypatch):
    import detector.webpages as webpages

    news, server = site
    real = webpages.address_problem
    # 127.0.0.1 passes for public here, so that the first fetch goes through and the redirect to
    # the twin on 127.0.0.2 is what the check must catch.
    monkeypatch.setattr(webpages, "address_problem", lambda a: None if a == "127.0.0.1" else real(a))
    status, _, body = _post_form(base, {"url": f"{news}/news"})
    assert status == 200 and f"<h2>{NEWS_TITLE}</h2>".encode() in body
    status, _, body = _post_form(base, {"url": f"{news}/away"})
    assert status == 403 and b"refused to fetch from 127.0.0.2, a loopback address" in body
    assert server.requests[-1] == "/away"


def test_uploaded_web_pages_and_markdown_are_scored_with_their_metadata(base):
    status, _, body = _post_form(base, {"sensitivity": "sensitive"}, {"file": ("second-bridge.html", NEWS)})
    page = body.decode("utf-8")
    assert status == 200 and f"<h2>{NEWS_TITLE}</h2>" in page and "by Mara Quill" in page
    assert "source: second-bridge.html" in page and "NAV-MARKER" not in page
    markdown = ("---\ntitle: Harbour vote\nauthor: Ana Ruiz\ndate: 2026-02-03\n---\n\n" + ARTICLE.replace(
        "shameful", "**shameful**")).encode("utf-8")
    status, _, body = _post_form(base, {"sensitivity": "sensitive"}, {"file": ("harbour.md", markdown)})
    page = body.decode("utf-8")
    assert status == 200 and "<h2>Harbour vote</h2>" in page and "by Ana Ruiz" in page
    assert "**" not in page and 'class="sentence flagged"' in page


def test_serve_allow_private_urls_reaches_the_app(monkeypatch, tiny_model_path):
    ran = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: ran.append(self.config.app))
    result = runner.invoke(cli_app, ["serve", "--port", "0", "-m", str(tiny_model_path), "--allow-private-urls"])
    assert result.exit_code == 0 and "warning" not in result.output, result.output
    monkeypatch.undo()
    with running(ran[0]) as url:
        assert json.loads(call(url, "/health")[2])["allow_private_urls"] is True


# ---------------------------------------------------------------------- the command


def test_serve_help_shows_the_options_and_defaults():
    from detector.submissions import MAX_BODY_BYTES

    result = runner.invoke(cli_app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for option in ("--host", "--port", "--model", "--trust-model", "--sensitivity", "--max-body-bytes",
                   "--max-text-chars", "--max-concurrent", "--allow-private-urls"):
        assert option in result.output
    assert "127.0.0.1" in result.output and str(MAX_BODY_BYTES) in result.output


def test_serve_warns_off_loopback_and_passes_the_limits(monkeypatch, tiny_model_path):
    import detector.server as server

    bound, ran = [], []
    real = socket.create_server

    def fake_bind(address, **kwargs):  # never listen on a public address in a test: record it instead
        bound.append(address)
        return real(("127.0.0.1", 0))

    monkeypatch.setattr(server.socket, "create_server", fake_bind)
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: ran.append(self.config.app))
    result = runner.invoke(cli_app, ["serve", "--host", "0.0.0.0", "--port", "8123", "-m", str(tiny_model_path),
                                     "--max-concurrent", "3", "--max-text-chars", "999"])
    assert result.exit_code == 0, result.output
    assert "warning: listening on 0.0.0.0" in result.output and bound == [("0.0.0.0", 8123)]
    bound.clear()
    result = runner.invoke(cli_app, ["serve", "-m", str(tiny_model_path)])
    assert result.exit_code == 0 and "warning" not in result.output and bound == [("127.0.0.1", 8000)]
    monkeypatch.undo()
    assert len(ran) == 2
    with running(ran[0]) as url:  # the app the first command made, with that command's limits
        limits = json.loads(call(url, "/health")[2])["limits"]
    assert limits == {"max_body_bytes": 10 * 2**20, "max_text_chars": 999, "max_concurrent": 3}


def test_private_urls_on_a_reachable_address_warn_too(monkeypatch, tiny_model_path):
    import detector.server as server

    real = socket.create_server
    monkeypatch.setattr(server.socket, "create_server", lambda address, **kwargs: real(("127.0.0.1", 0)))
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: None)
    result = runner.invoke(cli_app, ["serve", "--host", "0.0.0.0", "-m", str(tiny_model_path), "--allow-private-urls"])
    assert result.exit_code == 0, result.output
    assert "warning: --allow-private-urls with an address other machines may reach" in result.output


def test_loopback_addresses():
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.8.9.1", "localhost", "::1", "[::1]"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.0.2.7", "example.org"))


def test_an_address_in_use_is_a_clear_error(tiny_model_path):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = runner.invoke(cli_app, ["serve", "--port", str(port), "-m", str(tiny_model_path)])
    assert result.exit_code == 2 and f"cannot listen on 127.0.0.1:{port}" in result.output


def test_the_command_serves_until_terminated(tiny_model_path):
    process = subprocess.Popen([sys.executable, "-c", "from detector.cli import main; main()", "serve",
                                "--port", "0", "-m", str(tiny_model_path)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        address = None
        deadline = time.monotonic() + 60
        lines = []
        while address is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
            if match := re.search(r"serving on (http://127\.0\.0\.1:\d+)/", line):
                address = match.group(1)
        assert address, "".join(lines)
        status, _, body = call(address, "/health")
        assert status == 200 and json.loads(body)["model"]["file"] == tiny_model_path.name
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_missing_extra_names_the_install_command():
    code = ("import sys\nsys.modules['fastapi'] = None\n"
            "from typer.testing import CliRunner\nfrom detector.cli import app\n"
            "r = CliRunner().invoke(app, ['serve'])\nprint(r.exit_code, r.output)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.startswith("2 ") and f"pip install '{DISTRIBUTION}[serve]'" in out and "Traceback" not in out


# ---------------------------------------------------------------------- a real browser


@pytest.mark.slow
def test_a_browser_pastes_a_text_and_sees_the_highlights(base, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(chromium):
        pytest.skip("Chromium is not installed (Debian package 'chromium'; .ci/run installs it when it can)")
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=chromium,
                                                                args=args, headless=True)
        try:
            page = browser.new_page()
            page.goto(base + "/")
            page.fill("textarea[name=text]", ARTICLE)
            page.select_option("select[name=sensitivity]", "sensitive")
            with page.expect_navigation():
                page.click("button[type=submit]")
            assert page.url.endswith("/report") and page.title() == "Persuasion techniques report"
            shameful = page.locator(".sentence.flagged", has_text="shameful")
            assert shameful.count() == 1 and shameful.locator("mark.ev").count() >= 1
            panel = shameful.locator(".panel")
            assert not panel.is_visible()
            shameful.focus()  # the details panel opens on keyboard focus, without JavaScript
            assert panel.is_visible() and "Any-technique score" in panel.inner_text()
            page.click("text=Score another text")
            assert page.locator("textarea[name=text]").is_visible()
            # An address on this machine is refused, with the message on the page and the address kept.
            page.fill("input[name=url]", "http://127.0.0.1:9/story")
            with page.expect_navigation():
                page.click("button[type=submit]")
            assert "a loopback address" in page.locator("[role=alert]").inner_text()
            assert page.input_value("input[name=url]") == "http://127.0.0.1:9/story"
        finally:
            browser.close()

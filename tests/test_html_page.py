"""The HTML report: self-contained, explained, and rendered by a real browser."""

import os
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from detector.cli import app
from detector.html_page import COLOUR_OF
from detector.results import DocumentResult, Evidence, SentenceResult, TechniqueScore
from detector.writers import render

TEXT = "Budget Vote\nThe council met on Tuesday.\nThis shameful <plan> is a disgrace!"


def _sentence(text, score, techniques=()):
    start = TEXT.index(text)
    return SentenceResult(start, start + len(text), text, score, techniques)


FLAGGED = _sentence("This shameful <plan> is a disgrace!", 0.97, (
    TechniqueScore("loaded_language", 0.9, (Evidence(TEXT.index("shameful"), TEXT.index("shameful") + 8, "shameful", 2.1),)),
    TechniqueScore("exaggeration", 0.4, ()),
))
RESULT = DocumentResult("budget.txt", [
    _sentence("Budget Vote", 0.02),
    _sentence("The council met on Tuesday.", 0.05),
    FLAGGED,
], TEXT)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.external = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        for key in ("src", "href"):
            if attrs.get(key) and not attrs[key].startswith("#"):
                self.external.append(attrs[key])


def test_page_is_self_contained_and_shows_the_evidence():
    page = render([RESULT, DocumentResult("empty.txt", [], "")], "html")
    parser = _Collector()
    parser.feed(page)
    assert parser.external == []  # nothing fetched: no scripts, stylesheets or images from elsewhere
    assert not any(tag == "script" for tag, _ in parser.tags)
    flagged = [a for t, a in parser.tags if t == "span" and "flagged" in a.get("class", "")]
    assert len(flagged) == 1 and flagged[0]["tabindex"] == "0"
    assert '<mark class="evidence">shameful</mark>' in page
    assert "&lt;plan&gt;" in page and "<plan>" not in page  # the article's text is escaped
    assert "LL 0.90" in page and "E 0.40" in page  # text badges, so colour is not the only cue
    assert "Budget Vote\nThe council met on Tuesday.\n" in page  # the article's own line breaks
    assert page.count('<rect class="bar"') == 15
    ranking = page[page.index("Documents ranked"):]
    assert ranking.index("budget.txt") < ranking.index("empty.txt")


def test_cli_writes_an_html_report_with_explanations(tmp_path, tiny_model_path):
    article = tmp_path / "a.txt"
    article.write_text("Harbour vote\nThis shameful, disgraceful plan was rammed through!\n", encoding="utf-8")
    out = tmp_path / "report.html"
    # The tiny model is timid; the sensitive operating point makes it name a technique.
    result = CliRunner().invoke(app, ["score", str(article), "--model", str(tiny_model_path),
                                      "-f", "html", "-o", str(out), "--sensitivity", "sensitive"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert 'class="sentence flagged"' in page and '<mark class="evidence">' in page


# ---------------------------------------------------------------------- a real browser


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


def _png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of RGB(A) bytes of an 8-bit truecolour PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, rows, previous = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        filter_type, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if filter_type == 1:
                line[i] = (line[i] + left) & 255
            elif filter_type == 2:
                line[i] = (line[i] + up) & 255
            elif filter_type == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif filter_type == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return width, channels, rows


def _run_chromium(tmp_path, *args) -> subprocess.CompletedProcess:
    browser = _chromium()
    if browser is None:
        pytest.skip("Chromium is not installed (Debian package 'chromium'; .ci/run installs it when it can)")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}"]
    env = dict(os.environ, HOME=str(tmp_path))
    return subprocess.run([browser, *flags, *args], capture_output=True, text=False, timeout=120, env=env)


@pytest.mark.slow
def test_chromium_renders_the_highlights_and_the_chart(tmp_path, tiny_model_path):
    article = tmp_path / "a.txt"
    article.write_text("Harbour vote on Thursday\nThe council will vote on the plan on Thursday.\n"
                       "This shameful, disgraceful plan was rammed through by spineless bean-counters!\n",
                       encoding="utf-8")
    page = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["score", str(article), "--model", str(tiny_model_path), "-f", "html", "-o", str(page)])
    assert result.exit_code == 0, result.output

    dom = _run_chromium(tmp_path, "--dump-dom", page.as_uri()).stdout.decode("utf-8", "replace")
    assert 'class="sentence flagged"' in dom and "spineless" in dom
    assert '<rect class="bar"' in dom and "Documents ranked" in dom

    shot = tmp_path / "shot.png"
    _run_chromium(tmp_path, f"--screenshot={shot}", "--window-size=1000,900", "--hide-scrollbars", page.as_uri())
    assert shot.exists(), "Chromium wrote no screenshot"
    width, channels, rows = _png_pixels(shot.read_bytes())
    html = page.read_text(encoding="utf-8")
    used = {colour for technique, colour in COLOUR_OF.items() if f"background:{colour}" in html.split("<main>")[1]}
    targets = {bytes(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in used}
    painted = sum(1 for row in rows for x in range(0, width * channels, channels) if row[x:x + 3] in targets)
    assert targets and painted > 500, "the highlighted sentence's colour does not appear in the rendered page"


def test_a_web_page_s_metadata_heads_its_section():
    from detector.results import DocumentInfo

    def section(info, name="https://news.example/a"):
        page = render([DocumentResult(name, RESULT.sentences, TEXT, metadata=info)], "html")
        return page[page.index('<section class="document"'):page.index('<div class="article">')]

    head = section(DocumentInfo("Budget <b>vote</b>", "Ann Lee", "2026-01-02", "https://news.example/a?x=1&y=2"))
    assert "<h2>Budget &lt;b&gt;vote&lt;/b&gt;</h2>" in head  # the page's title, escaped
    assert ('by Ann Lee · <time>2026-01-02</time> · source: <a href="https://news.example/a?x=1&amp;y=2" '
            'rel="noopener noreferrer">') in head
    # Only web addresses become links; a path, or a script URL, is shown as text.
    assert "<a " not in section(DocumentInfo(source="saved/page.html"), "saved/page.html")
    assert "<a " not in section(DocumentInfo(source="javascript:alert(1)"))
    # With a title, the document's own name is still shown when it is not the source.
    assert "saved/page.html · by Ann" in section(DocumentInfo("T", "Ann", None, "https://x.example"), "saved/page.html")
    plain = render([RESULT], "html")
    assert "<h2>budget.txt</h2>" in plain and 'class="meta source"' not in plain


@pytest.mark.slow
def test_chromium_shows_a_web_page_s_title_and_source(tmp_path, tiny_model_path):
    from pathlib import Path

    saved = Path(__file__).resolve().parents[1] / "examples" / "article.html"
    page = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["score", str(saved), "--model", str(tiny_model_path), "-f", "html", "-o", str(page)])
    assert result.exit_code == 0, result.output
    dom = _run_chromium(tmp_path, "--dump-dom", page.as_uri()).stdout.decode("utf-8", "replace")
    assert "<h2>Harbour Plan Vote Set for Thursday as Residents Divide</h2>" in dom
    assert "by Ines Darrow" in dom and "<time>2026-11-24</time>" in dom and f"source: {saved}" in dom
    assert "The Kestrel Gazette" not in dom.split("<main>")[1]  # the site's furniture is not in the article

"""The HTML report: self-contained, every technique visible, filters, navigation, and a real browser."""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_fixture import MODEL, MULTI, RESULTS, TEXT
from typer.testing import CliRunner

from detector._display import PALETTE
from detector.cli import app
from detector.results import DocumentResult, Evidence, SentenceResult, TechniqueScore
from detector.taxonomy import TECHNIQUE_IDS
from detector.writers import render

SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


class _Collector(HTMLParser):
    """Start tags with their attributes, and anything the page would fetch from elsewhere."""

    def __init__(self):
        super().__init__()
        self.tags, self.external = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        for key in ("src", "href", "action"):
            if attrs.get(key) and not attrs[key].startswith("#"):
                self.external.append(attrs[key])

    def having(self, tag: str, cls: str) -> list[dict]:
        return [a for t, a in self.tags if t == tag and cls in (a.get("class") or "").split()]


def _page(**options) -> tuple[str, _Collector]:
    page = render(RESULTS, "html", model=MODEL, **options)
    parser = _Collector()
    parser.feed(page)
    return page, parser


def test_page_is_self_contained_and_escapes_the_article():
    page, parser = _page()
    assert parser.external == []  # nothing fetched: no stylesheet, image, font or script from elsewhere
    assert all("src" not in attrs for tag, attrs in parser.tags if tag == "script")
    assert "@import" not in page and "url(" not in page
    assert "&lt;plan&gt;" in page and "<plan>" not in page
    assert "Harbour Vote\nThe council met on Tuesday" in page  # the article's own line breaks


def test_every_technique_of_a_sentence_has_its_underline_evidence_and_badge():
    page, parser = _page()
    flagged = parser.having("span", "flagged")
    assert [a["id"] for a in flagged] == ["flag-1", "flag-2", "flag-3", "flag-4"]
    assert all(a["tabindex"] == "0" for a in flagged)
    # Keyboard and screen-reader users get the explanation: the panel describes its sentence.
    panels = {a["id"] for a in parser.having("span", "panel")}
    assert {a["aria-describedby"] for a in flagged} == panels == {f"flag-{k}-why" for k in range(1, 5)}
    underlines = [a for a in parser.having("span", "u")]
    for t in MULTI.techniques:
        assert any(f"t-{t.technique}" in a["class"] for a in underlines), t.technique
        assert any(f"t-{t.technique}" in a["class"] for a in parser.having("mark", "ev")), t.technique
        assert any(f"t-{t.technique}" in a["class"] for a in parser.having("span", "badge"))
    # The three underlines of the sentence sit at different depths, so all three show.
    depths = {a["style"] for a in underlines if a["class"].split()[1] in {f"t-{t.technique}" for t in MULTI.techniques}}
    assert len(depths) == 3
    assert "LL 0.91" in page and "E 0.66" in page and "FW 0.58" in page  # text badges, not colour alone
    # Each technique's colour is defined once, through the class its marks carry.
    for technique, colour in PALETTE.items():
        assert f".t-{technique}{{--c:{colour}}}" in page


def test_a_word_that_is_evidence_for_two_techniques_shows_both():
    page, _ = _page()
    # "betrayal" is evidence for loaded language and (inside "greatest betrayal") exaggeration.
    nested = re.search(r'<mark class="ev t-loaded_language"[^>]*><mark class="ev t-exaggeration"[^>]*>betrayal'
                       r"</mark></mark>", page)
    assert nested, "the overlap is not marked for both techniques"
    assert '<mark class="ev t-loaded_language">shameful</mark>' in page


def test_quoted_techniques_carry_their_voice_and_speaker():
    page, parser = _page()
    quoted = [a for a in parser.having("span", "q")]
    assert quoted and all("t-fear_appeal" in a["class"] for a in quoted)
    assert "speaker: Mara Quill" in page


def test_legend_is_a_visible_filter_for_every_technique_and_the_voice():
    page, parser = _page()
    boxes = {a["id"]: a for t, a in parser.tags if t == "input" and a.get("type") == "checkbox"}
    assert set(boxes) == {f"show-{t}" for t in TECHNIQUE_IDS} | {"show-unclear", "author-only"}
    assert all("checked" in boxes[f"show-{t}"] for t in TECHNIQUE_IDS) and "checked" not in boxes["author-only"]
    assert "<details><summary>Legend" not in page  # the legend is no longer folded away
    for t in TECHNIQUE_IDS:  # the filter itself is CSS, so it works with scripts turned off
        assert f"body:has(#show-{t}:not(:checked)) .t-{t}{{--c:transparent}}" in page
    assert "body:has(#author-only:checked) .q{--c:transparent}" in page


def test_each_document_has_a_headline():
    page, _ = _page()
    section = page[page.index('id="doc-1"'):page.index('id="doc-2"')]
    headline = re.sub(r"<[^>]+>", " ", section[section.index('class="headline"'):section.index("</dl>")])
    words = " ".join(headline.split())
    assert "Sentences 7" in words and "Flagged 4" in words and "Share flagged 57%" in words
    assert "In the writer's own voice 2" in words  # the quoted fear appeal and the unclear one are not
    assert "Loaded language ×1" in words and "Exaggeration or minimisation ×1" in words
    assert "tiny.skops@3f2a9c1d (detector 0.2.0, balanced)" in words
    empty = page[page.index('id="doc-2"'):]
    assert "Flagged</dt><dd class=\"big\">0</dd>" in empty


def test_next_links_walk_the_flagged_sentences_in_order():
    page, parser = _page()
    links = [a["href"] for a in parser.having("a", "next")]
    assert links == ["#flag-2", "#flag-3", "#flag-4", "#flag-5"]
    assert '<span id="flag-5"></span><h2>Summary' in page  # the last one lands on the summary
    assert 'id="next-flag"' in page and 'href="#flag-1"' in page  # the fixed "next flagged" link
    assert "e.key==='n'" in page  # and the key


def test_all_scores_add_a_score_table_only_when_asked():
    page, _ = _page()
    assert "all-scores" not in page
    page, parser = _page(all_scores=True)
    assert len(parser.having("details", "all-scores")) == 2
    table = page[page.index('class="scores"'):page.index("</table>", page.index('class="scores"'))]
    assert table.count("<tr>") == 1 + 7  # the header and one row per sentence
    assert '<td class="num hit">0.91</td>' in table  # a detected technique's score is marked
    assert '<a href="#flag-1">3</a>' in table  # flagged rows link to their sentence


def test_chart_has_a_bar_per_technique_in_proportion():
    page, parser = _page()
    bars = parser.having("span", "bar")
    assert len(bars) == 15
    widths = {re.search(r"#doc|bar-(\w+)", a["aria-labelledby"]).group(1): a["style"] for a in bars}
    assert "width:100.0%" in widths["loaded_language"] and "width:0.0%" in widths["doubt"]
    ranking = page[page.index("Documents ranked"):]
    assert ranking.index("harbour.txt") < ranking.index("minutes.txt")
    assert 'data-label="Share"' in ranking  # the table can stack its cells on a phone


def test_unclear_and_unknown_techniques_are_drawn():
    text = "Odd claim here."
    result = DocumentResult("odd.txt", [
        SentenceResult(0, 15, text, 0.9, (TechniqueScore("custom_label", 0.8, (Evidence(4, 9, "claim", 1.0),)),)),
    ], text)
    page = render([result], "html")
    assert '<mark class="ev t-other">claim</mark>' in page and "CL 0.80" in page
    # A model's label is data too: one made of markup is shown, not run.
    hostile = DocumentResult("odd.txt", [SentenceResult(0, 15, text, 0.9, (TechniqueScore("<b>_x", 0.8),),
                                                        {"<b>_x": 0.8})], text)
    page = render([hostile], "html", all_scores=True)
    assert "<b>" not in page.split("<main>")[1] and "&lt;X 0.80" in page and "&lt;b&gt;_x — 0.80" in page
    page, parser = _page()
    assert parser.having("span", "unclear") and "Candidates: doubt 0.41, unsupported_speculation 0.33" in page


def test_cli_writes_an_html_report_with_explanations_and_scores(tmp_path, tiny_model_path):
    article = tmp_path / "a.txt"
    article.write_text("Harbour vote\nThis shameful, disgraceful plan was rammed through!\n", encoding="utf-8")
    out = tmp_path / "report.html"
    # The tiny model is timid; the sensitive operating point makes it name a technique.
    result = CliRunner().invoke(app, ["score", str(article), "--model", str(tiny_model_path), "-f", "html",
                                      "-o", str(out), "--sensitivity", "sensitive", "--all-scores"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert 'class="sentence flagged"' in page and '<mark class="ev t-' in page
    assert 'class="all-scores"' in page and "tiny.skops@" in page


def test_document_text_from_sentences_when_the_text_was_not_kept():
    page = render([DocumentResult(RESULTS[0].document, RESULTS[0].sentences)], "html")
    assert 'id="flag-1"' in page and TEXT.splitlines()[0] in page


# ---------------------------------------------------------------------- a real browser

_BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium driven by playwright: the system's browser (playwright downloads none),
    with a fresh profile of its own."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("Chromium is not installed (Debian package 'chromium'; .ci/run installs it when it can)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (the test extra) is not installed")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=_BROWSER_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render(RESULTS, "html", model=MODEL, all_scores=True), encoding="utf-8")
    return path.as_uri()


def _screenshot_dir(tmp_path) -> Path:
    """docs/screenshots when DETECTOR_WRITE_SCREENSHOTS=1 (to refresh the committed ones), else tmp."""
    if os.environ.get("DETECTOR_WRITE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS
    return tmp_path


def _open(browser, report, width):
    # 1280 x 900: a laptop; 390 x 844: a phone.
    page = browser.new_page(viewport={"width": width, "height": 900 if width > 600 else 844})
    page.goto(report)
    return page


_COLOURS = """() => {
  const out = {};
  for (const el of document.querySelectorAll('#flag-1 .u, #flag-1 mark.ev, #flag-1 .tags .badge')) {
    const s = getComputedStyle(el);
    out[el.tagName + ' ' + el.className] = el.tagName === 'MARK' || el.classList.contains('badge')
      ? s.backgroundColor + (s.display === 'none' ? ' hidden' : '') : s.borderBottomColor;
  }
  return out;
}"""


def _rgb(colour: str) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.mark.slow
def test_browser_draws_each_technique_in_its_colour_and_filters_hide_them(browser, report):
    page = _open(browser, report, 1280)
    drawn = page.evaluate(_COLOURS)
    for t in MULTI.techniques:
        colour = _rgb(PALETTE[t.technique])
        assert drawn[f"SPAN u t-{t.technique}"] == colour  # its underline
        assert colour in {v for k, v in drawn.items() if k.startswith(f"MARK ev t-{t.technique}")}  # its evidence
        assert drawn[f"SPAN badge t-{t.technique}"] == colour  # its badge
    page.uncheck("#show-loaded_language")  # a click on the legend, no reload
    drawn = page.evaluate(_COLOURS)
    assert drawn["SPAN u t-loaded_language"] == "rgba(0, 0, 0, 0)"
    assert drawn["SPAN badge t-loaded_language"].endswith("hidden")
    assert drawn["SPAN u t-exaggeration"] == _rgb(PALETTE["exaggeration"])  # the others stay
    quoted = page.locator("#flag-3 .tags .badge.q")
    assert quoted.is_visible()
    page.check("#author-only")
    assert not quoted.is_visible() and "muted" in page.get_attribute("#flag-3", "class")
    page.click("#show-all")
    assert page.is_checked("#show-loaded_language")
    page.close()


@pytest.mark.slow
def test_browser_next_flagged_by_key_and_button_skips_hidden_sentences(browser, report):
    page = _open(browser, report, 1280)
    page.keyboard.press("n")
    assert page.evaluate("document.activeElement.id") == "flag-1"
    page.keyboard.press("n")
    assert page.evaluate("document.activeElement.id") == "flag-2"
    assert page.locator("#flag-2 > .panel").is_visible()  # focus opens the explanation
    page.check("#author-only")  # flag-3 uses its technique only in a quotation
    page.click("#next-flag")
    assert page.evaluate("document.activeElement.id") == "flag-4"
    page.keyboard.press("p")
    assert page.evaluate("document.activeElement.id") == "flag-2"
    assert page.text_content("#flag-pos") == "2 / 3"
    page.close()


_WIDEST = """() => {
  const inScroller = el => el.closest('.scroll');
  return [...document.querySelectorAll('body *')]
    .filter(el => !inScroller(el) && getComputedStyle(el).display !== 'none')
    .map(el => [el.tagName + '.' + el.className, el.getBoundingClientRect().right])
    .filter(([, right]) => right > window.innerWidth + 0.5);
}"""


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 390])
def test_browser_page_fits_the_screen_and_screenshots(browser, report, width, tmp_path):
    page = _open(browser, report, width)
    for details in page.locator("details.all-scores summary").all():
        details.click()  # the widest part, the score table, opened
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(_WIDEST) == []  # nothing sticks out, except inside its own scrolling box
    # Every column of the ranking stays reachable: on a phone its cells stack.
    cells = page.locator("table.ranking tbody tr:first-child td")
    assert cells.count() == 5 and all(c.is_visible() for c in cells.all())
    for box in page.locator(".scroll").all():  # a wide table scrolls inside its box
        assert box.evaluate("b => getComputedStyle(b).overflowX") == "auto"
    shots = _screenshot_dir(tmp_path)
    # As a reader first sees it: "next flagged" pressed, the first flagged sentence in the
    # middle of the screen with its explanation open.
    page.evaluate("window.scrollTo(0, 0)")
    page.keyboard.press("n")
    assert page.locator("#flag-1 > .panel").is_visible()
    page.screenshot(path=str(shots / f"report-{width}-explained.png"))
    # The whole page in one image (the viewport as tall as the page, so the fixed navigation
    # sits at its foot, not in the middle).
    page.evaluate("document.activeElement.blur()")
    page.mouse.move(0, 0)
    page.set_viewport_size({"width": width, "height": page.evaluate("document.documentElement.scrollHeight")})
    out = shots / f"report-{width}.png"
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 10_000
    page.close()


@pytest.mark.slow
def test_browser_renders_a_report_made_by_the_cli(browser, tmp_path, tiny_model_path):
    article = tmp_path / "a.txt"
    article.write_text("Harbour vote on Thursday\nThe council will vote on the plan on Thursday.\n"
                       "This shameful, disgraceful plan was rammed through by spineless bean-counters!\n",
                       encoding="utf-8")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["score", str(article), "--model", str(tiny_model_path), "-f", "html",
                                      "-o", str(out), "--sensitivity", "sensitive"])
    assert result.exit_code == 0, result.output
    page = browser.new_page(viewport={"width": 390, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.as_uri())
    assert page.locator(".sentence.flagged").count() >= 1
    assert page.locator(".chart .bar").count() == 15
    assert errors == []  # the inline script runs cleanly
    page.close()


def test_a_web_page_s_metadata_heads_its_section():
    from detector.results import DocumentInfo

    def section(info, name="https://news.example/a"):
        page = render([DocumentResult(name, RESULTS[0].sentences, TEXT, metadata=info)], "html")
        return page[page.index('<section class="document"'):page.index('<dl class="headline">')]

    head = section(DocumentInfo("Budget <b>vote</b>", "Ann Lee", "2026-01-02", "https://news.example/a?x=1&y=2"))
    assert "<h2>Budget &lt;b&gt;vote&lt;/b&gt;</h2>" in head  # the page's title, escaped
    assert ('by Ann Lee · <time>2026-01-02</time> · source: <a href="https://news.example/a?x=1&amp;y=2" '
            'rel="noopener noreferrer">') in head
    # Only web addresses become links; a path, or a script URL, is shown as text.
    assert "<a " not in section(DocumentInfo(source="saved/page.html"), "saved/page.html")
    assert "<a " not in section(DocumentInfo(source="javascript:alert(1)"))
    # With a title, the document's own name is still shown when it is not the source.
    assert "saved/page.html · by Ann" in section(DocumentInfo("T", "Ann", None, "https://x.example"), "saved/page.html")
    plain = render(RESULTS, "html")
    assert "<h2>harbour.txt</h2>" in plain and 'class="meta source"' not in plain


def test_the_report_is_marked_as_made_by_detector():
    from detector.html_page import REPORT_MARKER

    page = render(RESULTS, "html")
    assert REPORT_MARKER in page[:page.index("</head>")]


@pytest.mark.slow
def test_browser_shows_a_web_page_s_title_and_source(browser, tmp_path, tiny_model_path):
    saved = Path(__file__).resolve().parents[1] / "examples" / "article.html"
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["score", str(saved), "--model", str(tiny_model_path), "-f", "html",
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(out.as_uri())
    section = page.locator("section.document").first
    assert section.locator("h2").inner_text() == "Harbour Plan Vote Set for Thursday as Residents Divide"
    details = section.locator("p.meta.source").inner_text()
    assert "by Ines Darrow" in details and "2026-11-24" in details and f"source: {saved}" in details
    assert section.locator("p.meta.source").is_visible()
    assert "The Kestrel Gazette" not in section.locator(".article").inner_text()  # no site furniture
    page.close()

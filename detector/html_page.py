"""The HTML report: one self-contained page that shows what was flagged and why.

Documents are written as they are scored (the page streams like the other formats); the
summary chart of techniques and the ranking of documents come at the end, from a tally the
report keeps.  The page needs no network, no external file and no JavaScript: details show
on hover and keyboard focus through CSS, and every highlight also carries a text label, so
colour is never the only cue.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from html import escape

from ._display import COLOUR_OF, document_text, metadata_fields, model_label, short_code
from .results import DocumentResult, SentenceResult, TechniqueScore
from .taxonomy import TECHNIQUES, get_technique, is_technique

_CSS = """
body{font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;background:#fff;max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.5rem;border-bottom:2px solid #333}
.meta{color:#444;font-size:.9rem}
.article{white-space:pre-wrap}
.sentence.flagged{position:relative;border-bottom:3px solid #333;padding:.1rem 0;cursor:help}
.sentence.unclear{background:none;border-bottom:3px dashed #333}
.sentence.flagged:focus{outline:3px solid #0b57d0;outline-offset:2px}
mark.evidence{background:transparent;font-weight:700;text-decoration:underline;text-decoration-thickness:2px;color:inherit}
.tag{display:inline-block;white-space:nowrap;font-size:.75rem;font-weight:600;border:1px solid #333;border-radius:.3rem;padding:0 .3rem;margin-left:.25rem;color:#111;line-height:1.4}
.panel{display:none;position:absolute;left:0;top:100%;z-index:2;width:min(28rem,90vw);white-space:normal;background:#fff;color:#111;border:2px solid #333;border-radius:.4rem;padding:.5rem .7rem;font-size:.85rem;box-shadow:0 4px 14px rgba(0,0,0,.25)}
.sentence.flagged:hover .panel,.sentence.flagged:focus .panel,.sentence.flagged:focus-within .panel{display:block}
.panel dt{font-weight:700}.panel dd{margin:0 0 .4rem 0}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #999;padding:.25rem .6rem;text-align:left}th{background:#eee}
.legend{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr));gap:.3rem .8rem}
.legend li{font-size:.85rem}.swatch{display:inline-block;min-width:2.2rem;text-align:center;border:1px solid #333;border-radius:.3rem;font-weight:600;margin-right:.3rem}
svg text{font:13px system-ui,sans-serif;fill:#111}
@media print{.panel{display:none!important}}
"""


#: Marks a page as this report, so that a folder scored again does not read its old reports as articles.
REPORT_MARKER = '<meta name="generator" content="detector">'


def _definition(technique: str) -> str:
    return get_technique(technique).definition if is_technique(technique) else ""


class HtmlPage:
    """Writes the report for one run: ``start()``, ``write()`` per document, ``finish()``."""

    def __init__(self, title: str = "Persuasion techniques report", model: dict | None = None) -> None:
        self.title = title
        self.model = model
        self.tally: Counter[str] = Counter()
        self.ranking: list[tuple[str, int, int, str, str]] = []  # name, sentences, flagged, anchor, top
        self.written = 0

    def start(self) -> str:
        created = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
        legend = "".join(
            f'<li><span class="swatch" style="background:{COLOUR_OF[t.id]}">{short_code(t.id)}</span>'
            f"<strong>{escape(t.name)}</strong> ({t.id}): {escape(t.definition)}</li>"
            for t in TECHNIQUES
        )
        return (
            f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n{REPORT_MARKER}\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(self.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            f"<header><h1>{escape(self.title)}</h1>\n"
            f'<p class="meta">Made by detector on {created}{self._model_note()}. Underlined sentences use a persuasion '
            f"technique; hover or tab to one to see the technique, its score, its definition and the "
            f'words behind it (in bold). <a href="#summary">Summary of all documents</a>.</p>\n'
            f'<details><summary>Legend</summary><ul class="legend">{legend}</ul></details></header>\n<main>\n'
        )

    def _model_note(self) -> str:
        label = model_label(self.model)
        return f" with the model {escape(label)}" if label else ""

    def write(self, result: DocumentResult) -> str:
        counts = Counter(t.technique for s in result.sentences for t in s.techniques)
        self.tally.update(counts)
        self.written += 1
        anchor = f"doc-{self.written}"
        top = ", ".join(name for name, _ in counts.most_common(3))
        self.ranking.append((result.document, len(result.sentences), result.flagged, anchor, top))
        text = document_text(result)
        parts = [f'<section class="document" id="{anchor}">\n{_document_heading(result)}'
                 f'<p class="meta">{len(result.sentences)} sentences, {result.flagged} flagged'
                 f'{": " + escape(top) if top else ""}</p>\n<div class="article">']
        cursor = 0
        for s in result.sentences:
            parts.append(escape(text[cursor:s.start - result.offset]))
            parts.append(_sentence_html(s) if s.flagged else escape(s.text))
            cursor = s.end - result.offset
        parts.append(escape(text[cursor:]))
        parts.append("</div>\n</section>\n")
        return "".join(parts)

    def finish(self) -> str:
        rows = sorted(self.ranking, key=lambda r: (-(r[2] / r[1]) if r[1] else 0.0, r[0]))
        table = "".join(
            f'<tr><td><a href="#{anchor}">{escape(name)}</a></td><td>{n}</td><td>{flagged}</td>'
            f"<td>{(flagged / n if n else 0):.0%}</td><td>{escape(top)}</td></tr>"
            for name, n, flagged, anchor, top in rows
        )
        return (
            '</main>\n<footer id="summary"><h2>Summary</h2>\n'
            f"<h3>How often each technique was flagged</h3>\n{technique_chart(self.tally)}\n"
            "<h3>Documents ranked by share of flagged sentences</h3>\n"
            "<table><thead><tr><th>Document</th><th>Sentences</th><th>Flagged</th><th>Share</th>"
            f"<th>Top techniques</th></tr></thead><tbody>{table}</tbody></table>\n</footer>\n</body>\n</html>\n"
        )


def _document_heading(result: DocumentResult) -> str:
    """The document's heading: its title when its page gave one, then where it came from."""
    fields = dict(metadata_fields(result.metadata))
    title = fields.pop("title", None)
    heading = f"<h2>{escape(title or result.document)}</h2>\n"
    if result.metadata is None:
        return heading
    source = fields.pop("source", None)
    details = [escape(result.document)] if title and result.document != source else []
    if "author" in fields:
        details.append(f"by {escape(fields['author'])}")
    if "date" in fields:
        details.append(f'<time>{escape(fields["date"])}</time>')
    if source is not None:
        # Only web addresses become links: a path on the scoring machine means nothing to a reader's browser.
        details.append(f'source: <a href="{escape(source)}" rel="noopener noreferrer">{escape(source)}</a>'
                       if source.startswith(("http://", "https://")) else f"source: {escape(source)}")
    return heading + (f'<p class="meta source">{" · ".join(details)}</p>\n' if details else "")


def _sentence_html(s: SentenceResult) -> str:
    if s.unclear:
        candidates = ", ".join(f"{c.technique} {c.score:.2f}" for c in s.candidates)
        return (
            f'<span class="sentence flagged unclear" tabindex="0" aria-label="flagged, no clear technique">'
            f'{escape(s.text)}<span class="tag">? {s.score:.2f}</span>'
            f'<span class="panel" role="tooltip"><div>Flagged (any-technique score {s.score:.2f}), but no '
            f"technique passed its threshold. Candidates: {escape(candidates)}</div></span></span>"
        )
    colour = COLOUR_OF.get(s.techniques[0].technique, "#eee")
    body = _with_evidence(s)
    tags = "".join(
        f'<span class="tag" style="background:{COLOUR_OF.get(t.technique, "#eee")}">'
        f"{short_code(t.technique)}{' “”' if t.voice == 'quoted' else ''} {t.score:.2f}</span>"
        for t in s.techniques
    )
    details = "".join(_technique_details(t) for t in s.techniques)
    names = ", ".join(t.technique for t in s.techniques)
    return (
        f'<span class="sentence flagged" tabindex="0" style="background:{colour}" '
        f'aria-label="flagged: {escape(names)}">{body}{tags}'
        f'<span class="panel" role="tooltip"><dl>{details}</dl>'
        f"<div>Any-technique score: {s.score:.2f}</div></span></span>"
    )


def _technique_details(t: TechniqueScore) -> str:
    evidence = ", ".join(f"“{escape(e.text)}” ({e.share:.0%})" for e in t.evidence or ())
    who = ""
    if t.voice == "quoted":
        who = "<br>Voice: quoted" + (f", speaker: {escape(t.speaker)}" if t.speaker else "")
    elif t.voice == "author":
        who = "<br>Voice: the text's own words"
    return (
        f"<dt>{escape(t.technique)} — {t.score:.2f}</dt><dd>{escape(_definition(t.technique))}"
        + (f"<br>Evidence: {evidence}" if evidence else "")
        + who
        + "</dd>"
    )


def _with_evidence(s: SentenceResult) -> str:
    """The sentence text with every evidence span (of any technique) in ``<mark>``."""
    marked = [False] * len(s.text)
    for t in s.techniques:
        for e in t.evidence or ():
            for i in range(max(e.start - s.start, 0), min(e.end - s.start, len(s.text))):
                marked[i] = True
    out, i = [], 0
    while i < len(s.text):
        j = i
        while j < len(s.text) and marked[j] == marked[i]:
            j += 1
        chunk = escape(s.text[i:j])
        out.append(f'<mark class="evidence">{chunk}</mark>' if marked[i] else chunk)
        i = j
    return "".join(out)


def technique_chart(counts: Counter[str]) -> str:
    """An inline SVG bar chart of how many sentences were flagged for each technique."""
    rows = [(t.id, counts.get(t.id, 0)) for t in TECHNIQUES]
    peak = max((n for _, n in rows), default=0) or 1
    bar_height, gap, label_width, bar_width = 20, 6, 210, 360
    height = len(rows) * (bar_height + gap) + gap
    bars = []
    for i, (technique, n) in enumerate(rows):
        y = gap + i * (bar_height + gap)
        width = round(bar_width * n / peak)
        bars.append(
            f'<g><text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{technique}</text>'
            f'<rect class="bar" x="{label_width}" y="{y}" width="{width}" height="{bar_height}" '
            f'fill="{COLOUR_OF[technique]}" stroke="#333"><title>{technique}: {n}</title></rect>'
            f'<text x="{label_width + width + 6}" y="{y + 15}">{n}</text></g>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title" '
        f'width="{label_width + bar_width + 60}" height="{height}" '
        f'viewBox="0 0 {label_width + bar_width + 60} {height}">'
        f'<title id="chart-title">Flagged sentences per technique</title>{"".join(bars)}</svg>'
    )

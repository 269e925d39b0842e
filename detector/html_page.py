"""The HTML report: one self-contained page that shows what was flagged and why.

Documents are written as they are scored (the page streams like the other formats); the
summary chart of techniques and the ranking of documents come at the end, from a tally the
report keeps.  The page needs no network and no external file.

Inside a flagged sentence every technique has its own underline, stacked one under the
other, and its evidence words are highlighted in its own colour; a row of badges (code and
score, so colour is never the only cue) closes the sentence.  The legend is a set of
checkboxes that hide or show each technique, unclear sentences and quoted speech: plain CSS
(``:has`` and ``:checked``), so the filters work with JavaScript turned off.  A small inline
script adds what CSS cannot do: "next / previous flagged" buttons and keys that skip hidden
sentences, and "show all / hide all".  Without it the "next" links still walk the flagged
sentences in order.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from html import escape

from ._display import (
    PALETTE,
    TEXT_ON_COLOUR,
    colour_of,
    document_text,
    evidence_segments,
    metadata_fields,
    model_label,
    short_code,
)
from .results import DocumentResult, SentenceResult, TechniqueScore
from .taxonomy import TECHNIQUES, get_technique, is_technique

_UNCLEAR_COLOUR = "#5f5f5f"
# Underlines of a sentence's techniques are stacked this far apart (px); the article's line
# height leaves room for three before they would touch the next line.
_UNDERLINE_STEP = 4

_CSS = """
*,*::before,*::after{box-sizing:border-box}
body{font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;background:#fff;max-width:62rem;margin:1.5rem auto 5rem;padding:0 1rem;overflow-wrap:anywhere}
h1{font-size:1.6rem;margin:0 0 .2rem}h2{font-size:1.25rem;margin:2.5rem 0 .5rem;border-bottom:2px solid #333}
.meta{color:#444;font-size:.9rem}
a{color:#0b57d0}
.filters{border:1px solid #999;border-radius:.4rem;padding:.5rem .8rem;margin:.8rem 0}
.filters legend{font-weight:700;padding:0 .3rem}
.legend{list-style:none;padding:0;margin:.2rem 0;display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:.15rem .8rem}
.legend label,.filters .extra label{font-size:.9rem;cursor:pointer;display:inline-flex;gap:.35rem;align-items:baseline}
.filters .extra{margin-top:.4rem;display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;align-items:center}
.swatch,.badge{display:inline-block;white-space:nowrap;font-size:.75rem;font-weight:700;border:1px solid #333;border-radius:.3rem;padding:0 .3rem;line-height:1.4;color:#111;background:var(--c)}
.swatch{min-width:2.4rem;text-align:center}
.js-only{display:none}.js .js-only{display:inline-flex;gap:.4rem}
button{font:inherit;font-size:.85rem;padding:.1rem .6rem;border:1px solid #555;border-radius:.3rem;background:#f3f3f3;color:#111;cursor:pointer}
.definitions dt{font-weight:700;margin-top:.4rem}.definitions dd{margin:0}
.headline{display:flex;flex-wrap:wrap;gap:.4rem 1.6rem;margin:.3rem 0 1rem;padding:.5rem .8rem;background:#f4f4f4;border-radius:.4rem}
.headline div{min-width:0}.headline dt{font-size:.75rem;text-transform:uppercase;letter-spacing:.04em;color:#444}.headline dd{margin:0;font-weight:700}
.headline .big{font-size:1.4rem}.headline .first{font-size:.85rem;font-weight:400}
.headline .top{display:inline-block;margin-right:.8rem}.headline .top .badge{margin:0}
.article{white-space:pre-wrap;line-height:2.15}
.sentence.flagged{position:relative;border-left:3px solid #333;padding-left:.25em;margin:0 .15em;cursor:help;border-radius:2px}
.sentence.flagged:focus{outline:3px solid #0b57d0;outline-offset:3px}
.sentence.muted{border-left-color:transparent;cursor:auto}
.u{border-bottom:3px solid var(--c)}
.u.unclear{border-bottom-style:dashed}
mark.ev{color:#111;background:var(--c);border-radius:2px}
.tags{white-space:nowrap;margin-left:.25em}
.badge{margin-left:.2rem}
.badge.q::before{content:"\\201C\\201D ";font-weight:400}
a.next{font-size:.8rem;margin-left:.3rem;text-decoration:none;border:1px solid #0b57d0;border-radius:.3rem;padding:0 .25rem}
.panel{display:none;position:fixed;right:1rem;bottom:3.6rem;z-index:3;width:min(28rem,calc(100vw - 2rem));max-height:55vh;overflow:auto;white-space:normal;background:#fff;color:#111;border:2px solid #333;border-radius:.4rem;padding:.5rem .7rem;font-size:.85rem;line-height:1.5;box-shadow:0 4px 14px rgba(0,0,0,.25);cursor:auto}
.sentence.flagged:hover>.panel,.sentence.flagged:focus>.panel,.sentence.flagged:focus-within>.panel{display:block}
.panel dt{font-weight:700}.panel dd{margin:0 0 .4rem 0}
.jump{position:fixed;right:1rem;bottom:.6rem;z-index:4;display:flex;gap:.4rem;align-items:center;background:#fff;border:2px solid #333;border-radius:.4rem;padding:.25rem .5rem;font-size:.9rem}
.jump a{font-weight:700}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.6rem 0}th,td{border:1px solid #999;padding:.25rem .6rem;text-align:left;vertical-align:top}th{background:#eee}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.scroll table{overflow-wrap:normal}
.scores td.hit{font-weight:700;background:#fff3c4}
.scores td.text{min-width:min(14rem,55vw);max-width:28rem}
.chart{display:grid;grid-template-columns:minmax(9rem,16rem) 1fr 3rem;gap:.25rem .6rem;align-items:center;margin:.6rem 0;max-width:48rem}
.chart .label{font-size:.9rem}.chart .track{background:#f1f1f1;border-radius:2px;height:1.1rem}
.chart .bar{display:block;height:100%;border:1px solid #333;border-radius:2px;min-width:0;print-color-adjust:exact;-webkit-print-color-adjust:exact}
.chart .bar.zero{border:0}
.chart .n{text-align:right;font-variant-numeric:tabular-nums}
@media (max-width:40rem){
body{margin-top:.8rem;padding:0 .6rem}
.sentence.flagged{scroll-margin-top:1.5rem}.panel{max-height:42vh;right:.5rem;width:calc(100vw - 1rem)}
.chart{grid-template-columns:1fr 2.5rem}.chart .label{grid-column:1/-1;margin-top:.3rem}
table.ranking,table.ranking tbody,table.ranking tr,table.ranking td{display:block;width:100%}
table.ranking thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.ranking tr{border:1px solid #999;border-radius:.3rem;margin:.4rem 0;padding:.2rem .4rem}
table.ranking td{border:0;padding:.1rem 0;text-align:left}
table.ranking td::before{content:attr(data-label) ": ";font-weight:700}
}
@media print{.panel,.jump,.filters,a.next{display:none!important}body{margin:0}}
"""

# Hide and show through the legend's checkboxes (plain CSS).  ``--c`` is the colour every mark
# of a technique draws with; making it transparent hides underlines and highlights at once.
_FILTER_RULE = (
    "body:has(#{box}:not(:checked)) .{cls}{{--c:transparent}}"
    "body:has(#{box}:not(:checked)) .badge.{cls}{{display:none}}"
)
_FILTER_CSS = "".join(
    f".t-{t.id}{{--c:{PALETTE[t.id]}}}" + _FILTER_RULE.format(box=f"show-{t.id}", cls=f"t-{t.id}")
    for t in TECHNIQUES
) + (
    f".t-other{{--c:{colour_of('')}}}.t-unclear{{--c:{_UNCLEAR_COLOUR}}}.t-unclear.badge,.t-unclear.swatch{{--c:#fff;border-style:dashed}}"
    + _FILTER_RULE.format(box="show-unclear", cls="t-unclear")
    + "body:has(#author-only:checked) .q{--c:transparent}body:has(#author-only:checked) .badge.q{display:none}"
)

# What CSS cannot do: walk the visible flagged sentences (buttons, keys n/j and p/k), tell
# which sentences have every technique hidden, tick or untick every technique at once.
_SCRIPT = """
(function(){
document.documentElement.classList.add('js');
var pos=document.getElementById('flag-pos'),at=-1,narrow=window.matchMedia('(max-width:40rem)');
function all(){return Array.prototype.slice.call(document.querySelectorAll('.sentence.flagged'));}
function shown(){return all().filter(function(s){return !s.classList.contains('muted');});}
function refresh(){
  all().forEach(function(s){
    var b=Array.prototype.slice.call(s.querySelectorAll('.tags .badge'));
    s.classList.toggle('muted',b.length>0&&b.every(function(x){return getComputedStyle(x).display==='none';}));
  });
  var f=shown();pos.textContent=f.length?(at>=0&&at<f.length?(at+1)+' / '+f.length:f.length+' flagged'):'none shown';
}
function go(step){
  var f=shown();if(!f.length){refresh();return;}
  var i=f.indexOf(document.activeElement);
  if(i<0){var mid=window.innerHeight/2;i=step>0?-1:f.length;
    f.forEach(function(s,k){var r=s.getBoundingClientRect();if(step>0&&r.top<mid)i=k;if(step<0&&r.top<mid)i=Math.min(f.length,k+1);});}
  at=Math.max(0,Math.min(f.length-1,i+step));var el=f[at];
  el.scrollIntoView({block:narrow.matches?'start':'center'});el.focus({preventScroll:true});
  if(history.replaceState)history.replaceState(null,'','#'+el.id);
  pos.textContent=(at+1)+' / '+f.length;
}
document.getElementById('next-flag').addEventListener('click',function(e){e.preventDefault();go(1);});
document.getElementById('prev-flag').addEventListener('click',function(e){e.preventDefault();go(-1);});
document.addEventListener('keydown',function(e){
  if(e.ctrlKey||e.metaKey||e.altKey||/^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(e.target.tagName))return;
  if(e.key==='n'||e.key==='j'){go(1);e.preventDefault();}
  else if(e.key==='p'||e.key==='k'){go(-1);e.preventDefault();}
});
document.addEventListener('change',function(e){if(e.target.closest('.filters'))refresh();});
function tick(on){document.querySelectorAll('.legend input').forEach(function(b){b.checked=on;});refresh();}
document.getElementById('show-all').addEventListener('click',function(){tick(true);});
document.getElementById('hide-all').addEventListener('click',function(){tick(false);});
refresh();
})();
"""


#: Marks a page as this report, so that a folder scored again does not read its old reports as articles.
REPORT_MARKER = '<meta name="generator" content="detector">'


def _definition(technique: str) -> str:
    return get_technique(technique).definition if is_technique(technique) else ""


def _name(technique: str) -> str:
    return get_technique(technique).name if is_technique(technique) else technique


def _css_class(technique: str) -> str:
    """The class of a technique's marks; ids outside the taxonomy share one (they have no filter)."""
    return f"t-{technique}" if is_technique(technique) else "t-other"


def _mark_classes(t: TechniqueScore) -> str:
    return _css_class(t.technique) + (" q" if t.voice == "quoted" else "")


class HtmlPage:
    """Writes the report for one run: ``start()``, ``write()`` per document, ``finish()``.

    ``all_scores`` adds, under each document, a table of every technique's score for every
    sentence; ``model`` (a detector's ``model_info``) is named in the page and each headline.
    """

    def __init__(self, title: str = "Persuasion techniques report", model: dict | None = None,
                 all_scores: bool = False, back: tuple[str, str] | None = None) -> None:
        self.title = title
        self.model = model
        self.all_scores = all_scores
        self.back = back  # (href, label): a link back to the page the report came from (the web app's form)
        self.tally: Counter[str] = Counter()
        self.ranking: list[tuple[str, int, int, str, str]] = []  # name, sentences, flagged, anchor, top
        self.written = 0
        self.flags = 0  # flagged sentences written so far, numbered across documents

    def start(self) -> str:
        created = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
        legend = "".join(
            f'<li><label><input type="checkbox" id="show-{t.id}" checked>'
            f'<span class="swatch t-{t.id}">{escape(short_code(t.id))}</span>{escape(t.name)}</label></li>'
            for t in TECHNIQUES
        )
        definitions = "".join(
            f'<dt><span class="swatch t-{t.id}">{escape(short_code(t.id))}</span> {escape(t.name)} '
            f"<code>{t.id}</code></dt><dd>{escape(t.definition)}</dd>"
            for t in TECHNIQUES
        )
        return (
            f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n{REPORT_MARKER}\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(self.title)}</title>\n<style>{_CSS}{_FILTER_CSS}</style>\n</head>\n<body>\n"
            f"<header>{self._back_link()}<h1>{escape(self.title)}</h1>\n"
            f'<p class="meta">Made by detector on {created}{self._model_note()}.</p>\n'
            "<p>A flagged sentence starts with a dark bar and ends with one badge per technique (its code "
            "and score). Each technique underlines the sentence in its colour, and the words behind it are "
            "highlighted in the same colour. Hover over a sentence, tap it or tab to it for the techniques' "
            "definitions and evidence. Keys <kbd>n</kbd> and <kbd>p</kbd> (or the buttons at the bottom "
            'right) go to the next and previous flagged sentence. <a href="#summary">Summary of all '
            "documents</a>.</p>\n"
            '<form class="filters" onsubmit="return false"><fieldset style="border:0;padding:0;margin:0">'
            "<legend>Techniques shown (untick to hide)</legend>"
            f'<ul class="legend">{legend}</ul>'
            '<div class="extra"><label><input type="checkbox" id="show-unclear" checked>'
            '<span class="swatch t-unclear">?</span>Unclear sentences (flagged, no technique sure)</label>'
            '<label><input type="checkbox" id="author-only">Only the writer\'s own voice (hide techniques '
            "inside quotations and reported speech, badged “”)</label>"
            '<span class="js-only"><button type="button" id="show-all">Show all</button>'
            '<button type="button" id="hide-all">Hide all</button></span></div></fieldset></form>\n'
            f'<details class="definitions"><summary>What each technique means</summary><dl>{definitions}</dl>'
            "</details></header>\n"
            '<nav class="jump" aria-label="Flagged sentences">'
            '<a href="#flag-1" id="prev-flag" aria-label="previous flagged sentence" class="js-only">↑ Previous</a>'
            '<span id="flag-pos" aria-live="polite"></span>'
            '<a href="#flag-1" id="next-flag" aria-keyshortcuts="n">Next flagged ↓</a></nav>\n<main>\n'
        )

    def _back_link(self) -> str:
        if self.back is None:
            return ""
        href, label = self.back
        return f'<nav><a href="{escape(href)}">{escape(label)}</a></nav>\n'

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
        first_flag = self.flags + 1
        text = document_text(result)
        parts = [f'<section class="document" id="{anchor}">\n{_document_heading(result)}',
                 self._headline(result, counts, first_flag), '<div class="article">']
        cursor = 0
        numbers: dict[int, int] = {}  # sentence position -> its flag number
        for position, s in enumerate(result.sentences):
            parts.append(escape(text[cursor:s.start - result.offset]))
            if s.flagged:
                self.flags += 1
                numbers[position] = self.flags
                parts.append(_sentence_html(s, self.flags))
            else:
                parts.append(escape(s.text))
            cursor = s.end - result.offset
        parts.append(escape(text[cursor:]))
        parts.append("</div>\n")
        if self.all_scores:
            parts.append(_score_table(result, numbers))
        parts.append("</section>\n")
        return "".join(parts)

    def _headline(self, result: DocumentResult, counts: Counter[str], first_flag: int) -> str:
        n, flagged = len(result.sentences), result.flagged
        own = sum(any(t.voice != "quoted" for t in s.techniques) for s in result.sentences)
        top = " ".join(
            f'<span class="top"><span class="badge {_css_class(name)}">{escape(short_code(name))}</span> '
            f"{escape(_name(name))} ×{k}</span>"
            for name, k in counts.most_common(3)
        ) or "none"
        first = f' <a class="first" href="#flag-{first_flag}">first ↓</a>' if flagged else ""
        label = model_label(self.model)
        return (
            '<dl class="headline">'
            f'<div><dt>Sentences</dt><dd class="big">{n}</dd></div>'
            f'<div><dt>Flagged</dt><dd class="big">{flagged}{first}</dd></div>'
            f'<div><dt>Share flagged</dt><dd class="big">{(flagged / n if n else 0):.0%}</dd></div>'
            f'<div><dt>In the writer\'s own voice</dt><dd class="big">{own}</dd></div>'
            f"<div><dt>Top techniques</dt><dd>{top}</dd></div>"
            + (f"<div><dt>Model</dt><dd>{escape(label)}</dd></div>" if label else "")
            + "</dl>\n"
        )

    def finish(self) -> str:
        rows = sorted(self.ranking, key=lambda r: (-(r[2] / r[1]) if r[1] else 0.0, r[0]))
        table = "".join(
            f'<tr><td data-label="Document"><a href="#{anchor}">{escape(name)}</a></td>'
            f'<td data-label="Sentences" class="num">{n}</td><td data-label="Flagged" class="num">{flagged}</td>'
            f'<td data-label="Share" class="num">{(flagged / n if n else 0):.0%}</td>'
            f'<td data-label="Top techniques">{escape(top) or "none"}</td></tr>'
            for name, n, flagged, anchor, top in rows
        )
        return (
            # The last flagged sentence's "next" link lands here.
            f'</main>\n<footer id="summary"><span id="flag-{self.flags + 1}"></span><h2>Summary</h2>\n'
            f"<h3>How often each technique was flagged</h3>\n{technique_chart(self.tally)}\n"
            "<h3>Documents ranked by share of flagged sentences</h3>\n"
            '<div class="scroll"><table class="ranking"><thead><tr><th>Document</th><th class="num">Sentences</th>'
            '<th class="num">Flagged</th><th class="num">Share</th>'
            f"<th>Top techniques</th></tr></thead><tbody>{table}</tbody></table></div>\n</footer>\n"
            f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
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


def _sentence_html(s: SentenceResult, number: int) -> str:
    """A flagged sentence: stacked underlines, evidence highlights, badges, a "next" link, a panel."""
    anchor, after = f"flag-{number}", f"#flag-{number + 1}"
    next_link = f'<a class="next" href="{after}" aria-label="next flagged sentence">›</a>'
    if s.unclear:
        candidates = ", ".join(f"{c.technique} {c.score:.2f}" for c in s.candidates)
        return (
            f'<span class="sentence flagged unclear" id="{anchor}" tabindex="0" aria-describedby="{anchor}-why">'
            f'<span class="u unclear t-unclear" style="padding-bottom:1px">{escape(s.text)}</span>'
            f'<span class="tags"><span class="badge t-unclear">? {s.score:.2f}</span>{next_link}</span>'
            f'<span class="panel" role="tooltip" id="{anchor}-why"><div>Flagged (any-technique score {s.score:.2f}), but no '
            f"technique passed its threshold. Candidates: {escape(candidates)}</div></span></span>"
        )
    body = _with_evidence(s)
    # One underline per technique, the first technique's nearest the text, each further one
    # a step lower (nested inline boxes, each with more bottom padding than the one it holds).
    layers = len(s.techniques)
    for depth in reversed(range(layers)):
        t = s.techniques[depth]
        body = (f'<span class="u {_mark_classes(t)}" style="padding-bottom:{1 + depth * _UNDERLINE_STEP}px">'
                f"{body}</span>")
    badges = "".join(
        f'<span class="badge {_mark_classes(t)}" title="{escape(_name(t.technique))}'
        f'{" (quoted)" if t.voice == "quoted" else ""}">{escape(short_code(t.technique))} {t.score:.2f}</span>'
        for t in s.techniques
    )
    details = "".join(_technique_details(t) for t in s.techniques)
    names = ", ".join(t.technique for t in s.techniques)
    return (
        # The panel describes the sentence to a screen reader; the sentence's own words stay its name.
        f'<span class="sentence flagged" id="{anchor}" tabindex="0" data-techniques="{escape(names)}" '
        f'aria-describedby="{anchor}-why">{body}<span class="tags">{badges}{next_link}</span>'
        f'<span class="panel" role="tooltip" id="{anchor}-why"><dl>{details}</dl>'
        f"<div>Any-technique score: {s.score:.2f}</div></span></span>"
    )


def _technique_details(t: TechniqueScore) -> str:
    evidence = ", ".join(f'<mark class="ev {_css_class(t.technique)}">{escape(e.text)}</mark> ({e.share:.0%})'
                         for e in t.evidence or ())
    who = ""
    if t.voice == "quoted":
        who = "<br>Voice: quoted" + (f", speaker: {escape(t.speaker)}" if t.speaker else "")
    elif t.voice == "author":
        who = "<br>Voice: the text's own words"
    return (
        f'<dt><span class="badge {_css_class(t.technique)}">{escape(short_code(t.technique))}</span> '
        f"{escape(_name(t.technique))} — {t.score:.2f}</dt><dd>{escape(_definition(t.technique))}"
        + (f"<br>Evidence: {evidence}" if evidence else "")
        + who
        + "</dd>"
    )


def _with_evidence(s: SentenceResult) -> str:
    """The sentence text with each technique's evidence in a ``<mark>`` of its colour.

    A word that is evidence for several techniques gets nested marks, the outer ones padded
    more, so every technique's colour shows as a band around the word.
    """
    out = []
    for start, end, covering in evidence_segments(s):
        chunk = escape(s.text[start:end])
        for depth, i in enumerate(reversed(covering)):
            # Past three bands a word would turn into a block; the badges and the panel still
            # name every technique.
            pad = f' style="padding:{0.06 + min(depth, 3) * 0.15:.2f}em 0"' if len(covering) > 1 else ""
            chunk = f'<mark class="ev {_mark_classes(s.techniques[i])}"{pad}>{chunk}</mark>'
        out.append(chunk)
    return "".join(out)


def _score_table(result: DocumentResult, numbers: dict[int, int]) -> str:
    """Every technique's score for every sentence (``--all-scores``), in a box that scrolls sideways."""
    columns = list(next((s.all_scores for s in result.sentences if s.all_scores), {}))
    if not columns:
        return ""
    head = "".join(f'<th class="num"><abbr title="{escape(c)}">{escape(short_code(c))}</abbr></th>' for c in columns)
    rows = []
    for position, s in enumerate(result.sentences):
        detected = {t.technique for t in s.techniques}
        shown = escape(s.text if len(s.text) <= 90 else s.text[:87] + "…")
        link = f'<a href="#flag-{numbers[position]}">{position + 1}</a>' if position in numbers else str(position + 1)
        cells = "".join(
            f'<td class="num{" hit" if c in detected else ""}">{s.all_scores.get(c, 0.0):.2f}</td>' for c in columns
        )
        rows.append(f'<tr><td class="num">{link}</td><td class="text">{shown}</td>'
                    f'<td class="num">{s.score:.2f}</td>{cells}</tr>')
    return (
        '<details class="all-scores"><summary>Every technique\'s score, sentence by sentence '
        "(bold: detected)</summary>"
        '<div class="scroll"><table class="scores"><thead><tr><th class="num">#</th><th>Sentence</th>'
        f'<th class="num">any</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div></details>\n'
    )


def technique_chart(counts: Counter[str]) -> str:
    """A bar chart (HTML and CSS, so it reflows on a narrow screen) of flagged sentences per technique."""
    peak = max((counts.get(t.id, 0) for t in TECHNIQUES), default=0) or 1
    rows = []
    for t in TECHNIQUES:
        n = counts.get(t.id, 0)
        rows.append(
            f'<span class="label" id="bar-{t.id}">{escape(t.name)}</span>'
            f'<span class="track"><span class="bar{" zero" if not n else ""}" role="img" '
            f'aria-labelledby="bar-{t.id}" style="width:{100 * n / peak:.1f}%;background:{PALETTE[t.id]};'
            f'color:{TEXT_ON_COLOUR}" title="{t.id}: {n}"></span></span><span class="n">{n}</span>'
        )
    return ('<div class="chart" aria-label="Flagged sentences per technique">' + "".join(rows) + "</div>")

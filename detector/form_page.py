"""The web app's own page: a form to paste a text, upload a file or give a web address, and get the HTML report.

The form is a plain HTML form (no JavaScript): it posts to ``report``, and the answer is the
same report as ``detector score --format html`` (``detector.html_page``).  When a submission
is refused the page comes back with the message and with the pasted text and address kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ._display import model_label

__all__ = ["form_page"]

_CSS = """
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;background:#fff;max-width:50rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem}label{display:block;font-weight:600;margin-top:1rem}
textarea{width:100%;box-sizing:border-box;font:inherit;padding:.4rem}
select,input,button{font:inherit}input[type=url]{width:100%;box-sizing:border-box}
.choices{display:flex;gap:2rem;flex-wrap:wrap}.hint{color:#444;font-size:.9rem;margin:.2rem 0}
button{margin-top:1.2rem;padding:.4rem 1.2rem;border:2px solid #333;border-radius:.3rem;background:#ffd6a5;cursor:pointer}
button:focus,textarea:focus,input:focus,select:focus{outline:3px solid #0b57d0;outline-offset:2px}
.error{border:2px solid #a00;background:#fff0f0;padding:.5rem .8rem;border-radius:.3rem}
.meta{color:#444;font-size:.9rem;margin-top:2rem}
"""

_VOICE_LABELS = {"all": "everyone's words", "author": "only the text's own words", "quoted": "only quoted words"}


def form_page(*, sensitivities: Sequence[str], sensitivity: str, voices: Sequence[str], voice: str = "all",
              text: str = "", url: str = "", error: str | None = None, model: dict | None = None,
              max_text_chars: int = 0, max_body_bytes: int = 0, upload_suffixes: Sequence[str] = (".txt",),
              allow_private_urls: bool = False) -> str:
    """The form page, with ``error`` (a message for the person) shown above the form and ``text``
    and ``url`` kept in their fields; ``sensitivity`` and ``voice`` are the choices preselected,
    ``upload_suffixes`` the files the file field takes, and ``allow_private_urls`` whether the
    server fetches addresses on private networks (the page says which it refuses)."""
    kinds = _listed(upload_suffixes)
    where = ("" if allow_private_urls else
             " Addresses on a private network or on the server's own machine are refused.")
    alert = f'<p class="error" role="alert">{escape(error)}</p>\n' if error else ""
    label = model_label(model)
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>detector: find persuasion techniques</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
        "<h1>Find persuasion techniques in a text</h1>\n"
        f"<p>Paste an article, upload it as a {escape(kinds)} file or give the address of its web page. The "
        "report underlines every sentence that uses a persuasion technique and shows the words behind it.</p>\n"
        f"{alert}"
        '<form method="post" action="report" enctype="multipart/form-data">\n'
        '<label for="text">Text</label>\n'
        f'<textarea id="text" name="text" rows="14">{escape(text)}</textarea>\n'
        f'<p class="hint">Up to {max_text_chars:,} characters.</p>\n'
        '<label for="file">Or a file</label>\n'
        f'<input type="file" id="file" name="file" accept="{escape(",".join(upload_suffixes))}" '
        'aria-describedby="file-note">\n'
        f'<p class="hint" id="file-note">A {escape(kinds)} file of up to {max_body_bytes / 2**20:g} MB: text '
        "and Markdown in UTF-8, a saved web page in the charset it names. Of a web page only the article "
        "is scored, without its menus and footer.</p>\n"
        '<label for="url">Or a web address</label>\n'
        f'<input type="url" id="url" name="url" value="{escape(url)}" placeholder="https://" '
        'aria-describedby="url-note">\n'
        '<p class="hint" id="url-note">The page is fetched and its article scored, with its title, author '
        f"and date.{escape(where)}</p>\n"
        '<div class="choices">\n'
        f"<div>{_select('sensitivity', 'Sensitivity', sensitivities, sensitivity, {})}</div>\n"
        f"<div>{_select('voice', 'Techniques in', voices, voice, _VOICE_LABELS)}</div>\n"
        "</div>\n"
        '<button type="submit">Show the techniques</button>\n'
        "</form>\n"
        f'<p class="meta">{"Model: " + escape(label) + ". " if label else ""}'
        'Also a JSON API: <a href="docs">docs</a> (its page loads its script from a CDN), '
        '<a href="openapi.json">openapi.json</a>, <a href="health">health</a>.</p>\n'
        "</main>\n</body>\n</html>\n"
    )


def _listed(items: Sequence[str]) -> str:
    """``.txt, .html or .md``: a list as a sentence names it."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _select(name: str, label: str, values: Sequence[str], chosen: str, labels: dict[str, str]) -> str:
    options = "".join(
        f'<option value="{escape(v)}"{" selected" if v == chosen else ""}>{escape(labels.get(v, v))}</option>'
        for v in values
    )
    return f'<label for="{name}">{escape(label)}</label>\n<select id="{name}" name="{name}">{options}</select>'

"""Web pages as documents: HTML (a saved file or a fetched URL) and Markdown, reduced to the text to score.

An HTML page is mostly not the article: menus, cookie notices, related links, footers and
scripts.  ``document_from_html`` keeps the main text (found by trafilatura) and the page's
title, author and date; ``document_from_url`` fetches a page first, within a size and time
limit; ``document_from_markdown`` strips Markdown markup.  Each returns a ``corpus.Document``
whose ``metadata`` (a ``results.DocumentInfo``) scoring carries into every output.

The text keeps one paragraph per block, blocks separated by a blank line.  Offsets in the
results count in this extracted text, not in the HTML or Markdown source.  Every failure is a
``WebPageError`` with a message that says what went wrong.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from .corpus import Document
from .errors import DetectorError, PrivateAddressError, WebPageError
from .readers import check_encoding, looks_binary, undecodable
from .results import DocumentInfo

__all__ = [
    "document_from_html", "document_from_markdown", "document_from_url", "strip_markdown", "fetch_page",
    "check_timeout", "address_problem", "FetchedPage", "MAX_PAGE_BYTES", "DEFAULT_TIMEOUT", "MIN_WORDS",
]

#: A fetched page larger than this is refused: no article needs more, and memory stays bounded.
MAX_PAGE_BYTES = 10 * 2**20
#: Seconds a fetch may take, from connecting to the last byte.
DEFAULT_TIMEOUT = 20.0
#: Main text shorter than this many words is taken for page furniture (a menu, a sign-in form,
#: a "please enable JavaScript" notice), not an article.
MIN_WORDS = 20

# The first bytes of a page declare its charset: <meta charset="..."> or the http-equiv form.
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
# As browsers do (WHATWG Encoding), a page that says Latin-1 or ASCII is read as windows-1252.
_WINDOWS_1252_LABELS = {"iso8859-1", "ascii", "latin-1", "cp1252"}
_DOCUMENT_START = re.compile(rb"<(html|body|!doctype)[\s>]", re.I)


# ---------------------------------------------------------------------- HTML


def document_from_html(html: str | bytes, *, name: str, source: str | None = None, encoding: str | None = None,
                       min_words: int = MIN_WORDS) -> Document:
    """The main text of an HTML page as a ``Document`` named ``name``, with its metadata.

    ``html`` may be text or the page's bytes; bytes are decoded with ``encoding`` when given,
    otherwise by the charset the page declares (``<meta charset>``), else as UTF-8, else by
    trafilatura's guess.  ``source`` (a path or URL) is recorded in the metadata; without it,
    the URL the page gives for itself (its canonical link), if any.

    Raises
    ------
    WebPageError
        The bytes are binary or not in ``encoding``, or the page has no main text (fewer than
        ``min_words`` words once menus, footers and scripts are dropped).
    """
    if isinstance(html, (bytes, bytearray)):
        html = _decode_html(bytes(html), encoding)
    extracted = _extract(html)
    text = "\n\n".join(line.strip() for line in (extracted.text or "").splitlines() if line.strip()) \
        if extracted is not None else ""
    words = len(text.split())
    if words < min_words:
        raise WebPageError(f"no main text found: {words} word{'' if words == 1 else 's'} outside menus, footers "
                           f"and scripts (at least {min_words} needed); the page may be an index, a sign-in page "
                           "or built by JavaScript")
    assert extracted is not None
    info = DocumentInfo(_clean(extracted.title), _clean(extracted.author), _clean(extracted.date),
                        _clean(source) or _clean(extracted.url))
    return Document(name, text, metadata=info)


def _decode_html(data: bytes, encoding: str | None) -> str | bytes:
    """The page as text, or its bytes when only trafilatura's guess can tell the charset."""
    if encoding is not None:
        if looks_binary(data, encoding):
            raise WebPageError("a binary file, not HTML")
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise WebPageError(undecodable(exc, encoding)) from None
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, "replace")
    if looks_binary(data):
        raise WebPageError("a binary file, not HTML")
    declared = _declared_charset(data)
    if declared is not None:
        # A page that misstates its charset still shows: browsers replace what does not decode.
        return data.decode(declared, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    try:
        name = check_encoding(match.group(1).decode("ascii"))
    except DetectorError:  # an unknown label: as if none were given
        return None
    # A UTF-16 label in a page that is readable as ASCII bytes is wrong (WHATWG): use UTF-8.
    if name.startswith("utf-16"):
        return "utf-8"
    return "cp1252" if name in _WINDOWS_1252_LABELS else name


def _extract(html: str | bytes):
    """trafilatura's extraction (a ``trafilatura.settings.Document``), or None when it finds nothing."""
    # Imported here: trafilatura and lxml take a fifth of a second to load, which commands
    # that never read a web page should not pay.
    import trafilatura

    head = html[:65536].encode("utf-8", "replace") if isinstance(html, str) else html[:65536]
    if not _DOCUMENT_START.search(head):
        # A fragment (``<p>...</p>``, as a library caller may pass) gets the page around it
        # that trafilatura expects.
        html = ("<html><body>" + html + "</body></html>") if isinstance(html, str) \
            else b"<html><body>" + html + b"</body></html>"
    # Reader comments and tables are not the article's prose; formatting marks are not text.
    return trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=False,
                                       include_formatting=False, include_links=False, include_images=False,
                                       deduplicate=False)


# Control characters and runs of white space (a title split over lines, a tab in an author
# field) would break one-line outputs; metadata values are single-spaced text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    cleaned = " ".join(_CONTROL.sub(" ", value).split())
    return cleaned or None


# ---------------------------------------------------------------------- Markdown

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)[ \t]*\n(.*?)\n(?:---|\.\.\.|\+\+\+)[ \t]*(?:\n|\Z)", re.S)
_FRONT_FIELD = re.compile(r"^(title|author|authors|date)[ \t]*[:=][ \t]*(.+?)[ \t]*$", re.I | re.M)
_RULE = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,}|=+[ \t]*)$")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S+.*$")
_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?")
_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})(?:[ \t]+|$)")
_HEADING_CLOSE = re.compile(r"[ \t]+#+[ \t]*$")
_BULLET = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!~|<>])")
_CODE_SPAN = re.compile(r"(`+)(.{1,1000}?)\1")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+)>")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_IMAGE = re.compile(r"!\[([^\[\]]*)\]\([^()]*\)")
_LINK = re.compile(r"\[([^\[\]]+)\](?:\([^()]*\)|\[[^\[\]]*\])")
# Emphasis spans at most 300 characters: an opening mark without its closing one is then looked
# for a bounded distance, so a long line full of stray marks costs linear time, not quadratic.
_SPAN = r"(.{1,300}?)"
_NESTING = 8
_STRONG = re.compile(r"(\*\*|__)(?=\S)" + _SPAN + r"(?<=\S)\1")
_STRIKE = re.compile(r"~~(?=\S)" + _SPAN + r"(?<=\S)~~")
_EMPHASIS = re.compile(r"\*(?=[^\s*])" + _SPAN + r"(?<=[^\s*])\*|(?<![\w_])_(?=[^\s_])" + _SPAN
                       + r"(?<=[^\s_])_(?![\w_])")
# Text that must come out as it is (escaped characters, code spans) waits behind a numbered
# placeholder while the markup around it is removed; NUL never survives into the input.
_PLACEHOLDER = re.compile("\x00(\\d+)\x00")
_FENCED_BLOCKS = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?(?:^ {0,3}\1[ \t]*$|\Z)", re.S | re.M)


def strip_markdown(markdown: str) -> str:
    """The text of a Markdown document without its markup.

    Headings, emphasis, block quotes, list markers and table rules lose their marks; links and
    images become their text; fenced code blocks, HTML tags and comments, reference
    definitions and front matter are dropped.  Paragraphs and headings are separated by a
    blank line.  Characters escaped with a backslash and the content of code spans are kept
    as written.
    """
    text = markdown.replace("\x00", "\ufffd").replace("\r\n", "\n").replace("\r", "\n")
    text = _FRONT_MATTER.sub("", text, count=1)
    text = _COMMENT.sub("", text)
    kept: list[str] = []
    out: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence) \
                    and not line.strip().lstrip(fence[0]):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            out.append("")
            continue
        if _RULE.match(line) or _TABLE_RULE.match(line) or _REFERENCE.match(line):
            out.append("")
            continue
        heading = False
        while True:
            stripped = _QUOTE.sub("", line, count=1)
            stripped = _BULLET.sub("", stripped, count=1)
            if _HEADING.match(stripped):
                stripped = _HEADING_CLOSE.sub("", _HEADING.sub("", stripped, count=1))
                heading = True
            if stripped == line:
                break
            line = stripped
        line = _inline(line, kept)
        if heading:
            out += ["", line.strip(), ""]
        else:
            out.append(line.rstrip())
    joined = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", "\n".join(out)).strip("\n")
    return _PLACEHOLDER.sub(lambda m: kept[int(m.group(1))], joined).strip()


def _inline(line: str, kept: list[str]) -> str:
    """One line without its inline markup; protected text goes to ``kept`` behind placeholders."""

    def keep(value: str) -> str:
        kept.append(value)
        return f"\x00{len(kept) - 1}\x00"

    line = _ESCAPE.sub(lambda m: keep(m.group(1)), line)
    line = _CODE_SPAN.sub(lambda m: keep(m.group(2).strip() or m.group(2)), line)
    line = _AUTOLINK.sub(lambda m: keep(m.group(1)), line)
    line = _TAG.sub("", line)
    line = _IMAGE.sub(r"\1", line)
    # A link's text may itself hold a link or emphasis: strip again until nothing changes (a
    # few levels: deeper nesting is not prose, and each pass costs a scan of the line).
    for pattern, replacement in ((_LINK, r"\1"), (_STRONG, r"\2"), (_STRIKE, r"\1")):
        for _ in range(_NESTING):
            line, found = pattern.subn(replacement, line)
            if not found:
                break
    line = _EMPHASIS.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), line)
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
        # A table row reads as its cells, one after another.
        line = "; ".join(cell.strip() for cell in stripped[1:-1].split("|") if cell.strip())
    return line


def document_from_markdown(markdown: str, *, name: str, source: str | None = None) -> Document:
    """A Markdown document as a ``Document`` named ``name``: its text without markup
    (``strip_markdown``) and its metadata.

    The title, author and date come from front matter (``title: ...`` between ``---`` lines,
    or ``title = "..."`` between ``+++`` lines) where there is some; the title otherwise from
    the first level-one heading.  ``source`` is recorded as given.
    """
    fields: dict[str, str] = {}
    front = _FRONT_MATTER.match(markdown.replace("\r\n", "\n"))
    if front is not None:
        for key, value in _FRONT_FIELD.findall(front.group(1)):
            key = "author" if key.lower() == "authors" else key.lower()
            fields.setdefault(key, value.strip().strip("[]").strip("\"'"))
    if "title" not in fields:
        first = re.search(r"^[ \t]{0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$", _FENCED_BLOCKS.sub("", markdown), re.M)
        if first is not None:
            fields["title"] = strip_markdown(first.group(1))
    date = fields.get("date")
    if date is not None and re.match(r"\d{4}-\d{2}-\d{2}", date):
        date = date[:10]
    info = DocumentInfo(_clean(fields.get("title")), _clean(fields.get("author")), _clean(date), _clean(source))
    return Document(name, strip_markdown(markdown), metadata=info)



# ---------------------------------------------------------------------- URLs

#: Content types read as a web page, as plain text or as Markdown.
_PAGE_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text",
               "text/markdown": "markdown", "text/x-markdown": "markdown"}


@dataclass(frozen=True)
class FetchedPage:
    """A fetched response: its bytes, what they are (``html``, ``text`` or ``markdown``), the
    charset the server named (or None) and the URL it came from after redirects."""

    body: bytes
    kind: str
    charset: str | None
    url: str


def _user_agent() -> str:
    from . import __version__

    return f"detector/{__version__} (persuasion-technique detector; Python urllib)"


def fetch_page(url: str, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = MAX_PAGE_BYTES,
               allow_private: bool = True) -> FetchedPage:
    """Fetch an http or https ``url``: at most ``max_bytes`` bytes, within about ``timeout`` seconds.

    Redirects are followed to http and https URLs only.  With ``allow_private=False`` (for a
    service that fetches addresses other people send) every host the fetch connects to, the
    first and each one redirected to, is resolved and refused when any of its addresses is not
    a public one (``address_problem``); the connection then goes to an address so checked, so
    a name that resolves differently a moment later cannot slip through, and proxies named in
    the environment are not used (the check must see the address connected to).

    Raises
    ------
    PrivateAddressError
        With ``allow_private=False``: a host that resolves to a loopback, private, link-local,
        multicast or reserved address.
    WebPageError
        Not an http(s) URL; the fetch failed (no connection, no such host, a TLS error); the
        server answered with an HTTP error; no complete answer within ``timeout``; the body is
        larger than ``max_bytes``; or it is not HTML, plain text or Markdown.
    """
    import http.client
    import time
    import urllib.error
    import urllib.parse
    import urllib.request

    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise WebPageError("not an http or https URL")
    check_timeout(timeout)
    request = urllib.request.Request(url, headers={
        "User-Agent": _user_agent(),
        "Accept": "text/html,application/xhtml+xml;q=0.9,text/markdown;q=0.5,text/plain;q=0.4",
        "Accept-Encoding": "identity",
    })
    handlers = [_web_redirects()] if allow_private else [_web_redirects(), *_public_handlers()]
    opener = urllib.request.build_opener(*handlers)
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Type")
            media = response.headers.get_content_type() if declared else None
            length = response.headers.get("Content-Length")
            if length is not None and length.strip().isdigit() and int(length) > max_bytes:
                raise WebPageError(f"the page is larger than {_size(max_bytes)} ({_size(int(length))})")
            kind = _PAGE_TYPES.get(media) if media is not None else None
            if media is not None and kind is None:
                raise WebPageError(f"not a web page: the server sent {media}, not HTML or text")
            chunks, size = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise TimeoutError
                # read1 returns after one read from the socket, so the deadline is checked
                # even when a server sends its page a few bytes at a time.
                chunk = response.read1(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise WebPageError(f"the page is larger than {_size(max_bytes)}")
                chunks.append(chunk)
            body = b"".join(chunks)
            if kind is None:  # no content type: believe only a body that starts like HTML
                if not _DOCUMENT_START.search(body[:1024]):
                    raise WebPageError("not a web page: the server named no content type and the body is not HTML")
                kind = "html"
            return FetchedPage(body, kind, response.headers.get_content_charset(), response.geturl())
    except urllib.error.HTTPError as exc:
        raise WebPageError(f"HTTP error {exc.code} ({exc.reason})") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise WebPageError(f"no complete answer within {timeout:g} s (the timeout)") from None
        reason = exc.reason.strerror if isinstance(exc.reason, OSError) and exc.reason.strerror else exc.reason
        raise WebPageError(f"cannot fetch ({reason})") from None
    except TimeoutError:
        raise WebPageError(f"no complete answer within {timeout:g} s (the timeout)") from None
    except (OSError, http.client.HTTPException) as exc:
        raise WebPageError(f"cannot fetch ({type(exc).__name__}: {exc})") from None
    except ValueError as exc:  # a URL that urllib cannot parse (a bad port, a bad IPv6 literal)
        raise WebPageError(f"not a valid URL ({exc})") from None


def check_timeout(timeout: float) -> float:
    """``timeout`` if it is a usable number of seconds (more than 0, at most a day).

    Raises ``WebPageError`` otherwise, for NaN and infinity too, which sockets cannot take.
    """
    if not 0 < timeout <= _MAX_TIMEOUT:
        raise WebPageError(f"the timeout must be a positive number of seconds, at most a day, not {timeout}")
    return timeout


_MAX_TIMEOUT = 86_400


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n} bytes"


def _web_redirects() -> type:
    """The redirect handler class, made on first use so that importing this module stays light."""
    import urllib.request

    class WebRedirects(urllib.request.HTTPRedirectHandler):
        """Follows redirects to http and https only (urllib would also follow one to ftp)."""

        def redirect_request(self, req, fp, code, msg, headers, newurl):
            import urllib.parse

            if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
                raise WebPageError(f"redirected to a URL that is not http or https ({newurl})")
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return WebRedirects


# ---------------------------------------------------------------------- public addresses only


def address_problem(address: str) -> str | None:
    """Why an IP ``address`` is not one to fetch from on someone else's behalf, or None when it
    is a public one.

    Loopback, private, link-local, multicast, reserved and unspecified addresses are refused,
    and any other that is not globally reachable (the shared address space of carriers, for
    one).  An IPv6 address that carries an IPv4 one (IPv4-mapped, 6to4) is judged by it.
    """
    import ipaddress

    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and (ip.ipv4_mapped or ip.sixtofour):
        ip = ip.ipv4_mapped or ip.sixtofour  # type: ignore[assignment]
    # The order matters: a loopback or link-local address is also "private" to ipaddress.
    for test, kind in (("is_loopback", "a loopback"), ("is_link_local", "a link-local"),
                       ("is_multicast", "a multicast"), ("is_unspecified", "an unspecified"),
                       ("is_reserved", "a reserved"), ("is_private", "a private")):
        if getattr(ip, test):
            return f"{kind} address"
    return None if ip.is_global else "an address that is not public"


def _public_connection(address: tuple[str, int], timeout: float | None = None,
                       source_address: tuple[str, int] | None = None):
    """``socket.create_connection`` for public hosts only: every address ``address``'s host
    resolves to is checked, then one of those very addresses is connected to."""
    import socket

    host, port = address
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    for *_, sockaddr in found:
        problem = address_problem(str(sockaddr[0]))
        if problem is not None:
            what = f"{host}, {problem}" if host == sockaddr[0] else f"{host}: it resolves to {sockaddr[0]}, {problem}"
            raise PrivateAddressError(f"refused to fetch from {what}; only pages on the public internet are "
                                      "fetched here, not pages on a private network or on this machine")
    last: OSError | None = None
    for family, kind, proto, _, sockaddr in found:
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not None:
                sock.settimeout(timeout)
            if source_address is not None:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            last = exc
    raise last if last is not None else OSError(f"{host} resolves to no address")


def _public_handlers() -> list:
    """urllib handlers whose connections go through ``_public_connection``, and a proxy handler
    that uses no proxy."""
    import http.client
    import urllib.request

    def pinned(connection):
        # http.client opens its socket through this attribute, for plain and TLS connections alike;
        # TLS still checks the certificate against the host name.
        connection._create_connection = _public_connection
        return connection

    class PublicHTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(lambda host, **kw: pinned(http.client.HTTPConnection(host, **kw)), req)

    class PublicHTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            # No context given: http.client's default one, which checks certificates and host names.
            return self.do_open(lambda host, **kw: pinned(http.client.HTTPSConnection(host, **kw)), req)

    return [PublicHTTPHandler(), PublicHTTPSHandler(), urllib.request.ProxyHandler({})]


def document_from_url(url: str, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = MAX_PAGE_BYTES,
                      min_words: int = MIN_WORDS, allow_private: bool = True) -> Document:
    """Fetch ``url`` (see ``fetch_page``) and read it as a ``Document`` named by the URL.

    An HTML page gives its main text and metadata (``document_from_html``); plain text and
    Markdown are read as such.  The metadata's ``source`` is the URL the page came from after
    redirects.  ``allow_private=False`` refuses hosts on private networks and this machine
    (``PrivateAddressError``): pass it when the URL comes from someone else, as the web app
    does.  Raises ``WebPageError`` for every failure, fetching or reading.
    """
    page = fetch_page(url, timeout=timeout, max_bytes=max_bytes, allow_private=allow_private)
    if page.kind == "html":
        charset = _known_charset(page.charset)
        return document_from_html(page.body, name=url, source=page.url, encoding=charset, min_words=min_words)
    charset = _known_charset(page.charset) or "utf-8"
    try:
        text = page.body.decode(charset)
    except UnicodeDecodeError as exc:
        raise WebPageError(undecodable(exc, charset)) from None
    if page.kind == "markdown":
        return document_from_markdown(text, name=url, source=page.url)
    return Document(url, text, metadata=DocumentInfo(source=page.url))


def _known_charset(name: str | None) -> str | None:
    """The server's charset if Python knows it (an unknown one is as if none were named)."""
    if not name:
        return None
    try:
        found = check_encoding(name)
    except DetectorError:
        return None
    return "cp1252" if found in _WINDOWS_1252_LABELS else found

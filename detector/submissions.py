"""What a web request asks to score: its documents, checked as the command line checks its inputs.

The web server (``detector.server``) hands the fields of a JSON body or a submitted form to
this module and gets ``InputDocument`` objects back; nothing here needs the web framework, so
the rules hold (and are tested) without it.  ``submitted_document`` is the one place where a
form's pasted text, uploaded file or web address becomes a document.  Uploads and web
addresses are read by the command line's readers: ``.txt`` as text, ``.html``/``.htm`` and web
pages by ``webpages.document_from_html`` and ``document_from_url`` (main text and metadata),
``.md``/``.markdown`` by ``webpages.document_from_markdown``.  A web address is fetched, so
``submitted_document`` may take up to its timeout: the server calls it off the event loop.

The server's default limits live here too, so that ``detector serve --help`` can show them
without importing the web framework.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from .errors import DetectorError, LimitError, WebPageError
from .inputs import InputDocument
from .readers import ReadError, decode_text, has_lone_surrogate

__all__ = ["Upload", "submitted_document", "uploaded_document", "request_documents", "check_text_size",
           "PASTED_NAME", "UPLOAD_READERS", "MAX_BODY_BYTES", "MAX_TEXT_CHARS", "MAX_CONCURRENT"]

#: A request body larger than this is refused (413) before it is read in full.
MAX_BODY_BYTES = 10 * 2**20
#: The characters one request may ask to score, all its documents together (413 above it).
MAX_TEXT_CHARS = 2_000_000
#: Requests scored at the same time; one more is answered 503 at once rather than queued.
MAX_CONCURRENT = 4

#: The name of a text pasted into the form.
PASTED_NAME = "pasted text"


@dataclass(frozen=True)
class Upload:
    """A file sent with the form: the name the browser gave it and its bytes."""

    name: str
    data: bytes


def submitted_document(text: str = "", upload: Upload | None = None, url: str = "", *,
                       allow_private_urls: bool = False, timeout: float | None = None) -> InputDocument:
    """The one document a form submission names: a pasted text, an uploaded file or a web address.

    Exactly one of them must be given (blank text and an empty file field count as not given).
    A web address is fetched (``webpages.document_from_url``, within ``timeout`` seconds,
    default ``webpages.DEFAULT_TIMEOUT``); unless ``allow_private_urls``, one whose host
    resolves to a loopback, private, link-local, multicast or reserved address is refused
    (``PrivateAddressError``), at every redirect too, since the person who sent it may not be
    the one who runs the server.  Raises ``DetectorError`` with a message for the person who
    submitted the form.
    """
    fields = (("a pasted text", text.strip()), ("a file", upload), ("a web address", url.strip()))
    given = [what for what, value in fields if value]
    if not given:
        raise DetectorError("nothing to score: paste a text, choose a file or give a web address")
    if len(given) > 1:
        raise DetectorError(f"give one thing to score, not {' and '.join(given)}")
    if url.strip():
        return _web_page(url.strip(), allow_private_urls, timeout)
    if upload is not None:
        return uploaded_document(upload)
    # A browser sends a text box's line breaks as CR LF whatever the text had (the HTML
    # standard's form encoding); the pasted text had plain line breaks.
    return _document(PASTED_NAME, text.replace("\r\n", "\n"))


def uploaded_document(upload: Upload) -> InputDocument:
    """An uploaded file as a document named by its file name, read by the reader of its suffix
    (``UPLOAD_READERS``); another suffix is a ``DetectorError``."""
    # Browsers send the bare file name, but some clients send a path; only the last part names it.
    name = PurePath(upload.name.replace("\\", "/")).name or "uploaded file"
    reader = UPLOAD_READERS.get(PurePath(name).suffix.lower())
    if reader is None:
        raise DetectorError(f"{name}: only {', '.join(UPLOAD_READERS)} files can be uploaded; "
                            "paste the text instead")
    return reader(name, upload.data)


def _web_page(url: str, allow_private: bool, timeout: float | None) -> InputDocument:
    from . import webpages

    if has_lone_surrogate(url):
        raise DetectorError("the web address holds an escaped lone surrogate (\\ud800-\\udfff), which is not text")
    try:
        document = webpages.document_from_url(url, timeout=timeout or webpages.DEFAULT_TIMEOUT,
                                              allow_private=allow_private)
    except WebPageError as exc:
        raise type(exc)(f"{_shown(url)}: {exc}") from None
    return InputDocument.of(document)


def _shown(url: str) -> str:
    """A submitted address as messages name it: on one line, and not the whole of a very long one."""
    url = " ".join(url.split())
    return url if len(url) <= 200 else url[:200] + "..."


def _decoded(name: str, data: bytes) -> str:
    text = decode_text(data)
    if isinstance(text, ReadError):
        raise DetectorError(f"{name}: {text.message}")
    return text


def _text_file(name: str, data: bytes) -> InputDocument:
    return InputDocument(name, _decoded(name, data))


def _html_file(name: str, data: bytes) -> InputDocument:
    from .webpages import document_from_html

    try:
        # The page's own <meta charset> says how to decode it, as for an HTML file on the command line.
        return InputDocument.of(document_from_html(data, name=name, source=name))
    except WebPageError as exc:
        raise WebPageError(f"{name}: {exc}") from None


def _markdown_file(name: str, data: bytes) -> InputDocument:
    from .webpages import document_from_markdown

    return InputDocument.of(document_from_markdown(_decoded(name, data), name=name, source=name))


#: How an uploaded file becomes a document, by its suffix: ``(file name, bytes) -> InputDocument``.
#: The same readers as the command line's for files of these suffixes.
UPLOAD_READERS: dict[str, Callable[[str, bytes], InputDocument]] = {
    ".txt": _text_file, ".html": _html_file, ".htm": _html_file, ".md": _markdown_file, ".markdown": _markdown_file,
}


def request_documents(text: str | None, name: str | None,
                      documents: Sequence[tuple[str | None, str]] | None) -> list[InputDocument]:
    """The documents of an API request: one ``text`` (named ``name``) or a batch of ``(id, text)``.

    A document without an id is named by its position in the batch, as the library names bare
    texts.  Raises ``DetectorError`` when the request gives both or neither.
    """
    if text is not None and documents is not None:
        raise DetectorError('give either "text" (one document) or "documents" (a batch), not both')
    if documents is not None:
        if name is not None:
            raise DetectorError('"id" names a single "text"; in a batch each document has its own "id"')
        if not documents:
            raise DetectorError('"documents" is empty: give at least one {"id": ..., "text": ...}')
        return [_document(str(position) if doc_id is None else doc_id, body)
                for position, (doc_id, body) in enumerate(documents)]
    if text is None:
        raise DetectorError('give "text" (one document) or "documents" (a batch of {"id", "text"} objects)')
    return [_document("text" if name is None else name, text)]


def _document(name: str, text: str) -> InputDocument:
    # A JSON string may hold an escaped lone surrogate (\ud800): not text, and it could not be
    # written back as UTF-8.  The same rule as for JSONL inputs, with the same words.
    if has_lone_surrogate(text) or has_lone_surrogate(name):
        raise DetectorError(f"{name if not has_lone_surrogate(name) else 'a document'}: the text holds an escaped "
                            "lone surrogate (\\ud800-\\udfff), which is not text")
    return InputDocument(name, text)


def check_text_size(documents: Sequence[InputDocument], max_chars: int) -> None:
    """Raise ``LimitError`` when the documents hold more than ``max_chars`` characters in all."""
    total = sum(len(d.text) for d in documents)
    if total > max_chars:
        raise LimitError(f"the text is {total:,} characters long; this server scores at most {max_chars:,} "
                         "characters per request (split it into several requests)")

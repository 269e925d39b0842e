"""The web app and JSON API: ``create_app`` builds it, ``serve`` runs it with uvicorn.

    from detector.server import create_app
    app = create_app(Detector.load(), max_text_chars=500_000)   # any ASGI server can run it

* ``GET /`` a form to paste a text, upload a ``.txt``, ``.html``/``.htm`` or ``.md`` file, or give
  a web address; it posts to ``POST /report``, which answers with the same page as
  ``detector score --format html``.  A web address is fetched as ``detector score URL`` fetches
  it, except that, unless ``allow_private_urls``, one whose host resolves to a loopback,
  private, link-local, multicast or reserved address is refused (403), at every redirect too:
  the person who sends an address may not be the one who runs the server, and should not reach
  what only the server can reach (server-side request forgery).
* ``POST /score`` and ``POST /explain`` take ``{"text": ..., "id": ...}`` or
  ``{"documents": [{"id": ..., "text": ...}, ...]}`` with the options of ``detector score``
  (``sensitivity``, ``min_score``, ``voice``, ``all_scores``) and answer with the same JSON as
  ``detector score --format json`` (``/explain``: with ``--explain``'s evidence).
* ``GET /techniques`` (as ``detector techniques --json``), ``GET /health``, ``GET /openapi.json``
  and ``GET /docs``.

The model is loaded (and warmed up) once, when the app is made.  Scoring runs in a worker
thread, so the event loop keeps answering (``/health`` among others) while texts are scored.
Limits: a request body larger than ``max_body_bytes`` is refused (413) before it is read in
full; more than ``max_text_chars`` characters to score is refused (413); at most
``max_concurrent`` requests are scored at once, and one more is answered 503 at once instead of
waiting.  Input the user got wrong is a 4xx answer whose message is the command line's; a bug
is a 500 that says so, with the traceback in the server's log, never in the answer.

Needs the optional extra: ``pip install 'propaganda-detector[serve]'``.
"""

from __future__ import annotations

import functools
import io
import ipaddress
import json
import logging
import socket
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from . import __version__
from .errors import DetectorError, LimitError, PrivateAddressError, missing_extra
from .submissions import (
    MAX_BODY_BYTES,
    MAX_CONCURRENT,
    MAX_TEXT_CHARS,
    UPLOAD_READERS,
    Upload,
    check_text_size,
    request_documents,
    submitted_document,
)

try:
    import python_multipart  # noqa: F401  (the form's uploads are parsed with it)
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import HTMLResponse, JSONResponse, Response
    from pydantic import BaseModel, ConfigDict, Field
    from starlette.concurrency import run_in_threadpool
    from starlette.datastructures import UploadFile
    from starlette.exceptions import HTTPException
except ImportError as exc:  # the extra is not installed
    raise missing_extra("serve", "the web app and API (detector serve)") from exc

# After the extra's check, which then comes at once: scoring imports the heavy modules.
from .form_page import form_page
from .html_page import HtmlPage
from .inputs import InputDocument
from .predictor import SENSITIVITIES
from .scoring import VOICES, Detector, check_voice
from .taxonomy import TECHNIQUES
from .writers import render, write_results

__all__ = ["create_app", "serve", "is_loopback", "ScoreRequest", "DocumentIn"]



class DocumentIn(BaseModel):
    """One document of a batch."""

    model_config = ConfigDict(extra="forbid")
    id: str | None = Field(None, description="The document's name in the results (default: its position, from 0).")
    text: str = Field(description="The text to score.")


class ScoreRequest(BaseModel):
    """What to score, and how: the options of ``detector score``."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"text": "The council met on Tuesday. This shameful plan was rammed through!", "id": "harbour"},
        {"documents": [{"id": "a", "text": "A calm first article."}, {"id": "b", "text": "A disgraceful one!"}],
         "sensitivity": "sensitive", "voice": "author"},
    ]})
    text: str | None = Field(None, description='One document to score (or give "documents").')
    id: str | None = Field(None, description='The name of "text" in the results (default: "text").')
    documents: list[DocumentIn] | None = Field(None, description='A batch of documents, instead of "text".')
    sensitivity: str | None = Field(None, description="precise, balanced or sensitive (default: the server's).")
    min_score: float | None = Field(None, description="Flag at this score (0-1) instead; overrides sensitivity.")
    voice: str = Field("all", description="all, author (the text's own words) or quoted (only in quotes).")
    all_scores: bool = Field(False, description="Include every technique's score for every sentence.")


class _Busy(Exception):
    """Every scoring slot is taken."""


class _Slots:
    """A semaphore that never waits: ``taken()`` raises ``_Busy`` when all slots are in use.

    Used only on the event loop's thread, so a plain counter is safe.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.busy = 0

    @contextmanager
    def taken(self) -> Iterator[None]:
        if self.busy >= self.size:
            raise _Busy(f"the server is scoring {self.size} requests already; try again in a moment")
        self.busy += 1
        try:
            yield
        finally:
            self.busy -= 1


class _BodyLimit:
    """ASGI middleware: a body over ``limit`` bytes is refused with 413 before it is read in full.

    A declared ``Content-Length`` over the limit is refused before a byte is read (a client
    that waits for ``100 Continue`` sends nothing); a streamed body is read up to the limit and
    refused as soon as it passes it.  A body within the limit is handed on unchanged.
    """

    def __init__(self, app: Any, limit: int, reject: Callable[[str, str], Response]) -> None:
        self.app, self.limit, self.reject = app, limit, reject

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        message = f"the request is larger than {_size(self.limit)}, the most this server takes"
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self.reject(scope["path"], message)(scope, receive, send)
            return
        chunks, size = [], 0
        while True:
            event = await receive()
            if event["type"] == "http.disconnect":
                return
            chunks.append(event.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await self.reject(scope["path"], message)(scope, receive, send)
                return
            if not event.get("more_body", False):
                break
        body, replayed = b"".join(chunks), False

        async def replay() -> dict:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the client to leave

        await self.app(scope, replay, send)


def _size(n: int) -> str:
    return f"{n / 2**20:g} MB" if n >= 2**20 else f"{n:,} bytes"


def create_app(detector: Detector | None = None, *, max_body_bytes: int = MAX_BODY_BYTES,
               max_text_chars: int = MAX_TEXT_CHARS, max_concurrent: int = MAX_CONCURRENT,
               allow_private_urls: bool = False) -> FastAPI:
    """The web app and API for ``detector`` (default: the shipped model), an ASGI application.

    The model is warmed up here, once.  ``max_body_bytes`` bounds a request's body,
    ``max_text_chars`` the characters one request may score, ``max_concurrent`` the requests
    scored (or fetched) at once.  ``allow_private_urls`` lets the form fetch web addresses on
    private networks and this machine, refused by default.  Raises ``DetectorError`` for a limit
    that is not a positive whole number.
    """
    limits = {"max_body_bytes": max_body_bytes, "max_text_chars": max_text_chars, "max_concurrent": max_concurrent}
    for name, value in limits.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise DetectorError(f"{name} must be a positive whole number, not {value!r}")
    if detector is None:
        detector = Detector.load()
    _warm_up(detector)
    slots = _Slots(max_concurrent)
    app = FastAPI(title="detector", version=__version__, redoc_url=None,
                  description="Find persuasion and propaganda techniques in text, sentence by sentence. "
                              "The answers of /score and /explain are those of `detector score --format json`.")

    def page(status: int = 200, **fields: Any) -> HTMLResponse:
        defaults = {"sensitivity": detector.sensitivity, "voice": "all"}
        return HTMLResponse(form_page(sensitivities=list(SENSITIVITIES), voices=VOICES, model=detector.model_info,
                                      max_text_chars=max_text_chars, max_body_bytes=max_body_bytes,
                                      upload_suffixes=tuple(UPLOAD_READERS), allow_private_urls=allow_private_urls,
                                      **{**defaults, **fields}),
                            status_code=status)

    def reject(path: str, message: str) -> Response:
        return page(413, error=message) if path.endswith("/report") else _error(413, message)

    app.add_middleware(_BodyLimit, limit=max_body_bytes, reject=reject)

    @app.exception_handler(DetectorError)
    async def user_error(request: Request, exc: DetectorError) -> Response:
        return _error(_status_of(exc), str(exc))

    @app.exception_handler(_Busy)
    async def busy(request: Request, exc: _Busy) -> Response:
        return _error(503, str(exc), {"Retry-After": "1"})

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return _error(*_validation_message(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return _error(exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> Response:
        # Starlette raises the exception again after this answer, and the server logs its traceback.
        return _error(500, f"internal error ({type(exc).__name__}); please report it")

    @app.get("/", response_class=HTMLResponse, summary="The web page: paste a text or upload a file")
    async def index() -> HTMLResponse:
        return page()

    @app.post("/report", response_class=HTMLResponse, summary="The HTML report for a submitted form",
              openapi_extra=_FORM_SCHEMA)
    async def report(request: Request) -> HTMLResponse:
        try:
            form = await request.form(max_files=1, max_fields=8, max_part_size=max_body_bytes)
        except HTTPException as exc:  # a malformed multipart body
            return page(400, error=str(exc.detail))
        try:
            fields = {name: value for name in ("text", "url", "sensitivity", "voice")
                      if isinstance(value := form.get(name), str)}
            upload = await _upload(form.get("file"))
        finally:
            await form.close()  # uploads are spooled to temporary files
        text, url = fields.get("text", ""), fields.get("url", "")
        choices = {"sensitivity": fields.get("sensitivity") or detector.sensitivity,
                   "voice": fields.get("voice") or "all"}
        kept = {"text": text, "url": url, **_known(choices)}
        try:
            chosen = detector.with_sensitivity(choices["sensitivity"])
            voice = check_voice(choices["voice"])
            with slots.taken():
                # Reading a page (fetching it, extracting its article) takes a slot too, off the event loop.
                document = await run_in_threadpool(functools.partial(
                    submitted_document, text, upload, url, allow_private_urls=allow_private_urls))
                check_text_size([document], max_text_chars)
                html = await run_in_threadpool(_html_report, chosen, document, voice)
        except DetectorError as exc:
            return page(_status_of(exc), error=str(exc), **kept)
        except _Busy as exc:
            return page(503, error=str(exc), **kept)
        return HTMLResponse(html)

    async def scored(body: ScoreRequest, explain: bool) -> Response:
        chosen = detector.with_sensitivity(body.sensitivity) if body.sensitivity is not None else detector
        voice = check_voice(body.voice)
        chosen.thresholds(body.min_score)  # checks min_score, with the library's message
        batch = None if body.documents is None else [(d.id, d.text) for d in body.documents]
        documents = request_documents(body.text, body.id, batch)
        check_text_size(documents, max_text_chars)
        with slots.taken():
            content = await run_in_threadpool(_json_results, chosen, documents, explain, body.min_score, voice,
                                              body.all_scores)
        return Response(content, media_type="application/json")

    @app.post("/score", responses=_API_RESPONSES, summary="Score documents (as detector score --format json)")
    async def score(body: ScoreRequest) -> Response:
        return await scored(body, explain=False)

    @app.post("/explain", responses=_API_RESPONSES,
              summary="Score documents with the evidence behind each technique (as detector score --explain)")
    async def explain(body: ScoreRequest) -> Response:
        return await scored(body, explain=True)

    @app.get("/techniques", summary="The techniques the detector knows (as detector techniques --json)")
    async def techniques() -> Response:
        rows = json.dumps([t.to_dict() for t in TECHNIQUES], indent=2, ensure_ascii=False) + "\n"
        return Response(rows, media_type="application/json")

    @app.get("/health", summary="Whether the server is up, its model, version, load and limits")
    async def health() -> JSONResponse:
        return JSONResponse({"status": "ok", "version": __version__, "model": detector.model_info,
                             "busy": slots.busy, "limits": limits, "allow_private_urls": allow_private_urls})

    return app


def _status_of(exc: DetectorError) -> int:
    """The status of an answer refusing a request: over a limit 413, a forbidden address 403, else 422."""
    if isinstance(exc, LimitError):
        return 413
    return 403 if isinstance(exc, PrivateAddressError) else 422


def _error(status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _known(choices: dict[str, str]) -> dict[str, str]:
    """The form's choices that are valid, to keep them selected when the page comes back."""
    return {k: v for k, v in choices.items() if v in (SENSITIVITIES if k == "sensitivity" else VOICES)}


async def _upload(value: object) -> Upload | None:
    """The form's file field as an ``Upload``; ``None`` when no file was chosen."""
    if not isinstance(value, UploadFile):
        return None
    data = await value.read()
    if not value.filename and not data:  # the browser sends an empty part for an empty file field
        return None
    return Upload(value.filename or "", data)


def _validation_message(exc: RequestValidationError) -> tuple[int, str]:
    """A status and a one-line message for a body the request model refused."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        if error.get("type") == "json_invalid":
            return 400, f"malformed JSON ({error.get('ctx', {}).get('error', error.get('msg'))})"
        if error.get("type") == "extra_forbidden":
            parts.append(f"unknown field {where!r}; the fields are {', '.join(ScoreRequest.model_fields)}")
        else:
            parts.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
    return 422, "; ".join(parts) or "invalid request"


def _warm_up(detector: Detector) -> None:
    """Score a short text once, so that lazy loads (lexicons, tokenizer data, the model's
    hash) happen at start-up and not under the first requests."""
    list(detector.score_documents([("warm-up", 'The plan is a disgrace. "It will fail," she said.')], explain=True))
    detector.model_info  # noqa: B018  (reads and keeps the file's hash)


def _json_results(detector: Detector, documents: list[InputDocument], explain: bool, min_score: float | None,
                  voice: str | None, all_scores: bool) -> str:
    results = detector.score_documents(documents, explain=explain, min_score=min_score, voice=voice)
    return render(results, "json", all_scores=all_scores, model=detector.model_info)


def _html_report(detector: Detector, document: InputDocument, voice: str | None) -> str:
    # The report always carries the evidence, as `score --format html` does.
    buffer = io.StringIO()
    write_results(detector.score_documents([document], explain=True, voice=voice),
                  HtmlPage(model=detector.model_info, back=(".", "Score another text")), buffer)
    return buffer.getvalue()


_ERROR_SCHEMA = {"application/json": {"schema": {"type": "object", "properties": {"error": {"type": "string"}}}}}
_API_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "A JSON array with one object per document, as `detector score --format json` writes it."},
    400: {"description": "Malformed JSON.", "content": _ERROR_SCHEMA},
    413: {"description": "The body or the text is over the server's limit.", "content": _ERROR_SCHEMA},
    422: {"description": "An invalid request; the message is the command line's.", "content": _ERROR_SCHEMA},
    503: {"description": "Every scoring slot is taken; try again (see Retry-After).", "content": _ERROR_SCHEMA},
}
_FORM_SCHEMA = {"requestBody": {"content": {"multipart/form-data": {"schema": {
    "type": "object",
    "properties": {
        "text": {"type": "string", "description": "A pasted text."},
        "file": {"type": "string", "format": "binary",
                 "description": "Or a file: .txt or .md (UTF-8), .html or .htm (a saved web page)."},
        "url": {"type": "string", "description": "Or the address of a web page to fetch (public hosts only, "
                                                 "unless the server allows private ones)."},
        "sensitivity": {"type": "string"},
        "voice": {"type": "string"},
    },
}}}}}


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine (``localhost`` or a loopback address)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def serve(detector: Detector | None = None, *, host: str = "127.0.0.1", port: int = 8000,
          log_level: str = "info", allow_private_urls: bool = False, **limits: int) -> None:
    """Run the app (``create_app(detector, allow_private_urls=..., **limits)``) with uvicorn until interrupted.

    Binding to an address other than a loopback one warns: the server has no authentication.
    An address that cannot be bound (in use, not this machine's) raises ``DetectorError``.
    """
    try:
        import uvicorn
    except ImportError as exc:
        raise missing_extra("serve", "the web app and API (detector serve)") from exc
    if not is_loopback(host):
        warnings.warn(f"listening on {host}, which other machines may reach: the server has no authentication "
                      "and no encryption; put it behind a proxy that adds them, or use --host 127.0.0.1",
                      stacklevel=2)
        if allow_private_urls:
            warnings.warn("--allow-private-urls with an address other machines may reach: anyone who reaches "
                          "the form can make the server fetch pages on its private network", stacklevel=2)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # The socket is bound first, so that an address in use is a clear error before the model warms up.
    try:
        listener = socket.create_server((host.strip("[]"), port), family=family)
    except OSError as exc:
        raise DetectorError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        app = create_app(detector, allow_private_urls=allow_private_urls, **limits)
        bound = listener.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, host=host.strip("[]"), port=bound, log_level=log_level))
        # uvicorn names the address only for sockets it opened itself; this one was opened here.
        where = f"[{host.strip('[]')}]" if ":" in host else host
        logging.getLogger("uvicorn.error").info("detector %s serving on http://%s:%d/ (Ctrl-C stops it)",
                                                __version__, where, bound)
        server.run(sockets=[listener])
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM once uvicorn has shut down cleanly: a normal end
        pass
    finally:
        listener.close()

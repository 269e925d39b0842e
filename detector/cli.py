"""The ``detector`` command: a thin shell over the library.

Commands parse options, call library functions and format output.  Heavy modules are
imported inside the commands so that ``detector --help`` and ``detector techniques`` stay
fast.  A ``DetectorError`` (bad input or usage) exits with code 2 and a one-paragraph
message, never a traceback; anything else is a bug and exits with code 1.
"""

from __future__ import annotations

import functools
import json
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, TypeVar

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from .errors import DetectorError
from .submissions import MAX_BODY_BYTES, MAX_CONCURRENT, MAX_TEXT_CHARS


def _value_name(param: Any, ctx: Any = None) -> str | None:
    """What help shows after an option: its metavar (FILE, N) or its type's name; nothing for a
    flag or an argument (whose name is shown already)."""
    if isinstance(param, TyperArgument) or getattr(param, "is_flag", False) or getattr(param, "count", False):
        return None
    if getattr(param, "metavar", None):
        return param.metavar
    marker = param.display_type(ctx) if hasattr(param, "display_type") else "<value>"  # e.g. "<int>"
    name = marker.strip("<>").removeprefix("list[").removesuffix("]")
    return _VALUE_NAMES.get(name, name).upper()


_VALUE_NAMES = {"str": "text", "int": "integer", "float": "number"}


class _PlainHelp:
    """Help that names an option's value (``--jobs N``) instead of its Python type (``<int>``).

    Recent typer prints each parameter's annotation (``<bool>``, ``<list[str]>``) beside it and
    has no setting to turn that off, so every parameter of a command, typer's own ``--help``
    and completion options included, is given this display as the command hands them out.
    """

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            setattr(param, "display_type_rich", functools.partial(_value_name, param))  # noqa: B010
        return params


class _Command(_PlainHelp, TyperCommand):
    pass


class _Group(_PlainHelp, TyperGroup):
    pass


class _App(typer.Typer):
    """The ``detector`` app: every command it declares gets the plain help."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        kwargs.setdefault("cls", _Command)
        return super().command(*args, **kwargs)


F = TypeVar("F", bound=Callable)
R = TypeVar("R")

app = _App(
    cls=_Group,
    help="Find persuasion and propaganda techniques in text, sentence by sentence.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)

_SENSITIVITY_HELP = ("precise (fewer, surer flags), balanced (best F1) or sensitive (more flags, more false "
                     "alarms): per-technique thresholds set by cross-validation.")
_TRUST_HELP = ("Load a joblib (pickle) model file: it can run code when loaded, so use only files you "
               "trust; .npz and .skops files need no trust.")


def _fail(message: str, code: int) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _quiet_exit(code: int) -> None:
    import os

    # Standard output is gone: point it at /dev/null so the interpreter's final flush is silent.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise typer.Exit(code)


def _terminate(signum, frame) -> None:
    # SIGTERM ends a run like Ctrl-C: temporary files are removed and partial runs kept.
    raise KeyboardInterrupt


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    typer.echo(f"warning: {message}", err=True)


def handles_errors(command: F) -> F:
    """Turn user errors into exit code 2 and internal errors into exit code 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        warnings.showwarning = _show_warning
        try:
            return command(*args, **kwargs)
        except DetectorError as exc:
            _fail(str(exc), 2)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except (typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (``detector score ... | head``): end quietly, as Unix tools do.
            _quiet_exit(141)
        except OSError as exc:
            # Permissions, a read-only or full disk, a closed stream: the user's environment, not a bug.
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            _fail(f"{where}{exc.strerror or exc}", 2)
        except Exception as exc:
            if type(exc).__name__ in ("TerminatedWorkerError", "BrokenProcessPool"):
                # Not a bug: the system (or a person) killed a worker process, often for memory.
                _fail("a worker process died (killed, or out of memory); nothing incomplete was written", 1)
            # Anything else is a bug: say so plainly, keep the exit code distinct.
            import traceback

            traceback.print_exc()
            _fail(f"internal error ({type(exc).__name__}: {exc}); please report it", 1)

    return wrapper  # type: ignore[return-value]


# ---------------------------------------------------------------------- version


def _version_text() -> str:
    """The distribution, its version and the shipped model (named as every output names it)."""
    from . import DISTRIBUTION, __version__
    from .persistence import FORMAT_VERSION, default_model_path, shipped_model_sha256

    sha = shipped_model_sha256()
    model = f"{default_model_path().name}@{sha[:12]}" if sha else "missing (reinstall the package)"
    return f"{DISTRIBUTION} {__version__}\nshipped model: {model}, model file format {FORMAT_VERSION}"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(_version_text())
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True,
                                 help="Print the version and the shipped model, then exit."),
) -> None:
    """Find persuasion and propaganda techniques in text, sentence by sentence."""


# ---------------------------------------------------------------------- techniques


@app.command()
@handles_errors
def techniques(as_json: bool = typer.Option(False, "--json", help="Print the taxonomy as JSON.")) -> None:
    """List the techniques the detector knows: the code the views show, the id, the definition."""
    from ._display import aligned_table
    from .taxonomy import TECHNIQUES

    if as_json:
        typer.echo(json.dumps([t.to_dict() for t in TECHNIQUES], indent=2, ensure_ascii=False))
        return
    typer.echo(aligned_table(["code", "technique", "definition"], [[t.code, t.id, t.definition] for t in TECHNIQUES]),
               nl=False)


# ---------------------------------------------------------------------- score


@app.command()
@handles_errors
def score(
    ctx: typer.Context,
    paths: list[str] | None = typer.Argument(
        None, metavar="PATH",
        help="Text, HTML and Markdown files, directories (the files inside that --glob names), http(s) URLs, "
             ".jsonl/.csv/.tsv corpora, or - for standard input."),
    model: Path | None = typer.Option(None, "--model", "-m", metavar="FILE",
        help="Model file (default: the shipped model)."),
    output_format: str = typer.Option("text", "--format", "-f", metavar="FORMAT",
        help="text, json, jsonl, csv, html (one self-contained page) or training (the predictions as training "
             "JSONL to correct and train on)."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE",
        help="Write to this file (atomically) instead of standard output."),
    all_scores: bool = typer.Option(False, "--all-scores", help="Include every technique's score."),
    explain: bool = typer.Option(False, "--explain", help="Show the words that drove each detected technique."),
    summary: bool = typer.Option(False, "--summary",
        help="One row per document (sentences, flagged, unclear, techniques) in the chosen --format; "
             "text is an aligned table."),
    jobs: int = typer.Option(1, "--jobs", "-j", metavar="N",
        help="Worker processes (-1: all cores); output order is unchanged."),
    text_column: str = typer.Option("text", "--text-column", metavar="NAME",
        help="The text column of .csv/.tsv inputs."),
    input_format: str | None = typer.Option(None, "--input-format", metavar="FORMAT",
        help="text, html or markdown: how to read standard input and files (default: from the suffix; text for -)."),
    globs: list[str] | None = typer.Option(None, "--glob", metavar="PATTERN",
        help="Files to read in directories, e.g. '*.html' (repeatable; default: *.txt *.html *.htm *.md *.markdown)."),
    encoding: str | None = typer.Option(None, "--encoding", metavar="NAME",
        help="Encoding of text, Markdown, HTML and CSV files, e.g. cp1252 (default: UTF-8; HTML says its own)."),
    timeout: float = typer.Option(20.0, "--timeout", metavar="SECONDS", help="Seconds fetching a URL may take."),
    skip_errors: bool = typer.Option(False, "--skip-errors",
        help="Skip unreadable files and pages that cannot be fetched, with a warning, instead of failing at the end."),
    resume: bool = typer.Option(False, "--resume",
        help="Continue an interrupted JSONL --output run, skipping documents already written."),
    csv_raw: bool = typer.Option(False, "--csv-raw",
        help="Write CSV cells as they are (by default a cell starting with = + - @ gets a leading ')."),
    sensitivity: str = typer.Option("balanced", "--sensitivity", "-s", metavar="LEVEL", help=_SENSITIVITY_HELP),
    voice: str = typer.Option("all", "--voice", metavar="VOICE",
        help="all, author (only techniques in the text's own words) or quoted (only those in quotes)."),
    min_score: float | None = typer.Option(None, "--min-score", min=0.0, max=1.0, metavar="X",
        help="Flag a sentence, and list a technique, when its score reaches this (0-1); overrides --sensitivity."),
    quiet: bool = typer.Option(False, "--quiet", "-q",
        help="Only warnings and errors on standard error: no progress bar, no closing line."),
    trust_model: bool = typer.Option(False, "--trust-model", help=_TRUST_HELP),
) -> None:
    """Score articles: every sentence with its techniques and scores."""
    from .inputs import find_inputs, read_inputs
    from .output_files import check_output, open_output, partial_path, resume_point, run_fingerprint
    from .scoring import check_voice
    from .writers import get_writer, write_results

    kept_voice = check_voice(voice)
    if output_format not in _SCORE_FORMATS:
        raise DetectorError(f"unknown format {output_format!r}; use one of {', '.join(_SCORE_FORMATS)}")
    if jobs == 0 or jobs < -1 or jobs > _MAX_JOBS:
        raise DetectorError(f"--jobs must be a number of processes from 1 to {_MAX_JOBS}, or -1 for all cores")
    resumable = output is not None and output_format == "jsonl" and not summary
    if resume and not resumable:
        raise DetectorError("--resume needs --output FILE with --format jsonl")
    if output is None and sys.stdout is None:
        raise DetectorError("standard output is closed; give --output FILE to write the results")
    summary = _warn_ignored(output_format, summary=summary, all_scores=all_scores, explain=explain, csv_raw=csv_raw)
    if min_score is not None and _given(ctx, "sensitivity"):
        _warn("--sensitivity does not apply with --min-score (one threshold for every technique); ignored")
    if not paths:
        if sys.stdin is None or sys.stdin.isatty():
            raise DetectorError("give files, directories or URLs to score, or - to read standard input")
        paths = ["-"]
    # A report written inside a scored folder is not read back as an article next time.
    inputs = find_inputs(paths, exclude=[output, partial_path(output)] if output is not None else (),
                         globs=globs, input_format=input_format)
    if _given(ctx, "text_column") and not any(i.kind in ("csv", "tsv") for i in inputs):
        _warn("--text-column applies only to .csv/.tsv inputs, and there are none; ignored")
    if _given(ctx, "timeout") and not any(i.kind == "url" for i in inputs):
        _warn("--timeout applies only to http(s) URLs, and there are none; ignored")
    if globs and not any(p != "-" and Path(p).is_dir() for p in paths):
        _warn("--glob applies only to directories, and none was named; ignored")
    if output is not None:
        output = check_output(output, [i.path for i in inputs if i.path is not None])
        if resume and output.exists() and not partial_path(output).exists():
            typer.echo(f"note: {output} is complete; nothing to resume", err=True)
            return
    from .progress import ScoreProgress, progress_enabled
    from .scoring import Detector

    fmt = output_format
    if fmt == "text" and output is None:
        from .terminal_view import wants_colour

        if wants_colour(sys.stdout):
            fmt = "terminal"
    detector = Detector.load(model, trusted=trust_model, sensitivity=sensitivity)
    writer = get_writer(fmt, all_scores=all_scores, csv_raw=csv_raw, model=detector.model_info, explain=explain,
                        summary=summary)
    # The HTML report and the terminal view exist to show why sentences were flagged,
    # so they always carry the evidence.
    # The HTML report and the terminal view show the evidence, and the training format makes one
    # span per evidence phrase, so all three need it.
    explain = (explain or fmt in ("html", "terminal", "training")) and not summary
    fingerprint = None
    if resumable:
        options = {"all_scores": all_scores, "explain": explain, "text_column": text_column,
                   "sensitivity": sensitivity, "min_score": min_score, "voice": voice, "encoding": encoding,
                   "input_format": input_format}
        fingerprint = run_fingerprint([(i.name, i.path) for i in inputs], options,
                                      {"source": str(detector.source), "metadata": detector.metadata})
    # Documents already written, counted in input order: names may repeat, positions do not.
    done = resume_point(output, fingerprint) if resume and output is not None and fingerprint else 0

    problems = []

    def on_problem(problem) -> None:
        problems.append(problem)
        if skip_errors:
            warnings.warn(f"skipped {problem}", stacklevel=1)

    read = read_inputs(inputs, on_problem, text_column=text_column, encoding=encoding, timeout=timeout)
    documents = (d for position, d in enumerate(read) if position >= done)
    # A bar over the documents when there are several and a person is watching; it would
    # only garble a coloured view drawn on the same terminal.
    show = progress_enabled(quiet) and (len(inputs) > 1 or any(i.is_corpus for i in inputs)) \
        and (output is not None or not sys.stdout.isatty())
    total = len(inputs) if not any(i.is_corpus for i in inputs) and not done else None
    written = _Written()

    def write(out) -> None:
        with ScoreProgress(total, show) as progress:
            def on_result(result) -> None:
                written.add(result)
                progress.advance(len(result.sentences))

            results = detector.score_documents(documents, n_jobs=jobs, explain=explain, min_score=min_score,
                                               voice=kept_voice)
            write_results(results, writer, out, on_result=on_result, started=bool(done))
        if problems and not skip_errors:
            # The readable documents are written (to the terminal); the run still fails, so a
            # named output file is not replaced by an incomplete result.
            raise DetectorError("could not read " + "; ".join(map(str, problems))
                                + " (the other documents were scored; --skip-errors skips such files)")

    if output is None:
        write(sys.stdout)
        sys.stdout.flush()  # the results come before the closing line on a shared terminal
    else:
        opened = False  # a run refused at the door (another run holds the lock) kept nothing
        try:
            with open_output(output, resumable=resumable, resume=resume, fingerprint=fingerprint) as out:
                opened = True
                write(out)
        except BaseException:
            if opened and resumable and partial_path(output).exists():
                typer.echo(f"note: the documents finished so far are kept in {partial_path(output)}; "
                           "run the same command with --resume to continue", err=True)
            raise
    if not quiet:
        typer.echo(written.line(output, summary=summary, resumed=done, skipped=len(problems)), err=True)


_SCORE_FORMATS = ("text", "json", "jsonl", "csv", "html", "training")
# More worker processes than this only add start-up cost and memory (each holds the model).
_MAX_JOBS = 64
_FLAGS = {"summary": "--summary", "all_scores": "--all-scores", "explain": "--explain", "csv_raw": "--csv-raw"}


def _warn(message: str) -> None:
    typer.echo(f"warning: {message}", err=True)


def _given(ctx: typer.Context, name: str) -> bool:
    """True when the user set the option ``name`` (on the command line or from the environment)."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT")


def _warn_ignored(output_format: str, **chosen: bool) -> bool:
    """Warn once for each chosen option that ``output_format`` does not show; return whether the
    run still writes a summary (not for html, whose page always ends with one)."""
    from .writers import ignored_options

    for name in ignored_options(output_format, **chosen):
        flag = _FLAGS[name]
        if name == "summary" and output_format == "html":
            _warn(f"{flag} does not apply to --format html: the report always ends with a summary of all "
                  "documents; writing the whole report")
        elif chosen.get("summary") and not ignored_options(output_format, **{name: True}):
            _warn(f"{flag} does not apply to --summary; ignored")
        else:
            _warn(f"{flag} does not apply to --format {output_format}; ignored")
    return chosen.get("summary", False) and "summary" not in ignored_options(output_format, summary=True)


class _Written:
    """Counts what a run wrote, for its closing line: documents (a large file's parts are one) and sentences."""

    def __init__(self) -> None:
        self.documents = 0
        self.sentences = 0

    def add(self, result) -> None:
        self.documents += not result.continued
        self.sentences += len(result.sentences)

    def line(self, output: Path | None, summary: bool, resumed: int, skipped: int) -> str:
        what = f"{_count(self.documents, 'document')}, {_count(self.sentences, 'sentence')}"
        if summary:
            what = f"a summary of {what}"
        from ._display import quoted_name, visible

        where = "standard output" if output is None else visible(quoted_name(str(output)))
        extra = f", after the {_count(resumed, 'document')} already there" if resumed else ""
        extra += f"; skipped {_count(skipped, 'unreadable input')}" if skipped else ""
        return f"wrote {what} to {where}{extra}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


# ---------------------------------------------------------------------- train / evaluate

_DATA_HELP = "Labelled data: a .jsonl or .csv/.tsv file, or a PTC directory of article<ID>.txt files."


@app.command()
@handles_errors
def train(
    data: Path | None = typer.Argument(None, help=_DATA_HELP + " Optional with --base."),
    out: Path | None = typer.Option(None, "--out", "-o",
        help="Where to write the model file (.npz or .skops: load without running code; .joblib: a pickle)."),
    check: bool = typer.Option(False, "--check", help="Only validate the data and count it; train nothing."),
    labels: Path | None = typer.Option(None, "--labels", metavar="PATH",
        help="PTC labels: a directory of *.labels files or one file."),
    data_format: str | None = typer.Option(None, "--format", metavar="FORMAT",
        help="jsonl, csv, tsv or ptc (default: from the path)."),
    folds: int = typer.Option(5, "--folds", metavar="N",
        help="Folds of the grouped cross-validation that sets thresholds."),
    jobs: int = typer.Option(1, "--jobs", "-j", metavar="N",
        help="Processes that fit the technique heads in parallel (-1: all cores)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on standard error."),
    base: str | None = typer.Option(None, "--base",
        help="default: retrain with the shipped model's settings on the shipped corpus plus DATA and --add files."),
    add: list[Path] | None = typer.Option(None, "--add",
        help="Labelled data (.jsonl, .csv, .tsv) to add to the --base corpus; repeat for several files."),
    add_weight: float = typer.Option(1.0, "--add-weight",
        help="How much each added document counts in training with --base (the shipped corpus's real "
             "documents count 1, its written ones 0.3)."),
) -> None:
    """Train a model on labelled data and print its cross-validated figures."""
    from .corpus import read_corpus
    from .persistence import is_shipped_model_path
    from .progress import progress_enabled, training_status
    from .training import train as train_detector
    from .training import train_shipped

    if folds < 2:
        raise DetectorError("--folds must be at least 2")
    if jobs == 0 or jobs < -1 or jobs > _MAX_JOBS:
        raise DetectorError(f"--jobs must be a number of processes from 1 to {_MAX_JOBS}, or -1 for all cores")
    if base is not None and base != "default":
        raise DetectorError(f"unknown --base {base!r}; the only base is 'default' (the shipped model's corpus and "
                            "settings)")
    if add and base is None:
        raise DetectorError("--add needs --base default; to train on your data alone, give it as DATA")
    if data is None and base is None:
        raise DetectorError("give the labelled DATA to train on, or --base default --add FILE")
    sources = ([(data, data_format, labels)] if data is not None else []) + [(p, None, None) for p in add or ()]
    if check:
        from .corpus import summarise_corpus

        for path, fmt, ptc_labels in sources:
            summary = summarise_corpus(read_corpus(path, fmt, ptc_labels))
            typer.echo(f"{path}: valid; {summary.documents} documents, {summary.sentences} sentences, "
                       f"{summary.clean_sentences} with no technique")
            for technique, n in summary.technique_sentences.items():
                typer.echo(f"  {technique:28s} {n:6d}")
        return
    if out is None:
        raise DetectorError("give --out MODEL (or --check to only validate the data)")
    if is_shipped_model_path(out):
        raise DetectorError(f"{out} is the shipped model; write your model to another file "
                            "(scripts/train_default_model.py rebuilds the shipped one)")
    n_jobs = None if jobs == 1 else jobs
    with training_status(progress_enabled(quiet)):
        documents = [d for path, fmt, ptc_labels in sources for d in read_corpus(path, fmt, ptc_labels)]
        if base is None:
            detector = train_detector(documents, threshold_folds=folds, n_jobs=n_jobs)
        else:
            detector = train_shipped(documents, added_weight=add_weight, threshold_folds=folds, n_jobs=n_jobs)
    detector.save(out)
    based = (f" (the shipped corpus's {detector.metadata['base']['corpus_documents']} documents and "
             f"{len(documents)} of yours)") if base is not None else ""
    typer.echo(f"trained on {detector.metadata['training_sentences']} sentences "
               f"from {detector.metadata['training_documents']} documents{based}; model written to {out}")
    metrics = detector.metadata.get("cv_metrics")
    if metrics:
        from .metrics import EvaluationReport, format_report

        typer.echo(f"cross-validated ({metrics['folds']} folds, grouped by document):")
        typer.echo(format_report(EvaluationReport.from_dict(metrics)))


@app.command()
@handles_errors
def evaluate(
    data: Path = typer.Argument(..., help=_DATA_HELP),
    labels: Path | None = typer.Option(None, "--labels", metavar="PATH",
        help="PTC labels: a directory of *.labels files or one file."),
    data_format: str | None = typer.Option(None, "--format", metavar="FORMAT",
        help="jsonl, csv, tsv or ptc (default: from the path)."),
    model: Path | None = typer.Option(None, "--model", "-m", metavar="FILE",
        help="Model file (default: the shipped model)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    sensitivity: str = typer.Option("balanced", "--sensitivity", "-s", metavar="LEVEL", help=_SENSITIVITY_HELP),
    trust_model: bool = typer.Option(False, "--trust-model", help=_TRUST_HELP),
) -> None:
    """Compare a model's decisions with labelled data, sentence by sentence."""
    from .corpus import read_corpus
    from .evaluation import evaluate as evaluate_detector
    from .metrics import format_report
    from .scoring import Detector

    documents = read_corpus(data, data_format, labels)
    report = evaluate_detector(Detector.load(model, trusted=trust_model, sensitivity=sensitivity), documents)
    typer.echo(json.dumps(report.to_dict(), indent=2) if as_json else format_report(report))


# ---------------------------------------------------------------------- serve


@app.command()
@handles_errors
def serve(
    host: str = typer.Option("127.0.0.1", "--host",
        help="Address to listen on. Anything but a loopback address lets other machines in (a warning says so)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on (0: any free port)."),
    model: Path | None = typer.Option(None, "--model", "-m", help="Model file (default: the shipped model)."),
    trust_model: bool = typer.Option(False, "--trust-model", help=_TRUST_HELP),
    sensitivity: str = typer.Option("balanced", "--sensitivity", "-s",
        help=_SENSITIVITY_HELP + " The default of requests that name none."),
    max_body_bytes: int = typer.Option(MAX_BODY_BYTES, "--max-body-bytes", min=1,
        help="Refuse (413) a request body larger than this, before reading it all."),
    max_text_chars: int = typer.Option(MAX_TEXT_CHARS, "--max-text-chars", min=1,
        help="Refuse (413) a request that asks to score more characters than this, all documents together."),
    max_concurrent: int = typer.Option(MAX_CONCURRENT, "--max-concurrent", min=1,
        help="Score at most this many requests at once; answer 503 to one more."),
    allow_private_urls: bool = typer.Option(False, "--allow-private-urls",
        help="Let the form fetch web addresses on private networks and this machine (refused by default: "
             "whoever sends an address would reach what the server can reach)."),
) -> None:
    """Serve a web page (paste a text, get the HTML report) and a JSON API (needs the serve extra)."""
    from . import server  # first: a missing serve extra is said before anything heavy loads
    from .scoring import Detector

    detector = Detector.load(model, trusted=trust_model, sensitivity=sensitivity)
    server.serve(detector, host=host, port=port, max_body_bytes=max_body_bytes, max_text_chars=max_text_chars,
                 max_concurrent=max_concurrent, allow_private_urls=allow_private_urls)


# ---------------------------------------------------------------------- import / export


def _write_output(output: Path | None, inputs: list[Path], write: Callable[[TextIO], R]) -> R:
    """Run ``write(stream)`` into ``output`` (replaced whole on success) or standard output."""
    from .output_files import check_output, open_output

    if output is None:
        return write(sys.stdout)
    with open_output(check_output(output, inputs)) as stream:
        return write(stream)


@app.command("import")
@handles_errors
def import_labels(
    tool: str = typer.Argument(..., help="The tool the export comes from: labelstudio or doccano."),
    file: Path = typer.Argument(..., help="Label Studio: its JSON export. doccano: its sequence-labelling JSONL."),
    output: Path | None = typer.Option(None, "--output", "-o",
        help="Write the training JSONL here (atomically) instead of standard output."),
    text_key: str = typer.Option("text", "--text-key", help="Label Studio: the task data field holding the text."),
) -> None:
    """Convert an annotation tool's span export to training JSONL for `detector train`."""
    from .annotation_tools import import_annotations

    if not file.exists():
        raise DetectorError(f"{file}: no such file")
    report = _write_output(output, [file], lambda stream: import_annotations(tool, file, stream, text_key))
    typer.echo(f"imported {report.describe()}" + (f" into {output}" if output else ""), err=True)


@app.command("export")
@handles_errors
def export_labels(
    file: Path = typer.Argument(..., help="Training JSONL, or `detector score` output (.json or .jsonl)."),
    to: str = typer.Option(..., "--to", help="The tool to import into: labelstudio or doccano."),
    output: Path | None = typer.Option(None, "--output", "-o",
        help="Write here (atomically) instead of standard output."),
    as_: str | None = typer.Option(None, "--as",
        help="Label Studio: write the spans as annotations or as predictions to review (default: predictions "
             "for model output, annotations for labels)."),
    config: Path | None = typer.Option(None, "--config",
        help="Label Studio: also write a labelling config (XML) with one label per technique."),
) -> None:
    """Convert training JSONL or score output to an annotation tool's import format."""
    from .annotation_tools import export_annotations, labelstudio_config

    if as_ not in (None, "annotations", "predictions"):
        raise DetectorError(f"unknown --as {as_!r}; use annotations or predictions")
    if (as_ or config) and to != "labelstudio":
        raise DetectorError("--as and --config only apply to --to labelstudio")
    if not file.exists():
        raise DetectorError(f"{file}: no such file")
    as_predictions = None if as_ is None else as_ == "predictions"
    report = _write_output(output, [file], lambda stream: export_annotations(to, file, stream, as_predictions))
    if config is not None:
        _write_output(config, [file], lambda stream: stream.write(labelstudio_config()))
    kind = " as predictions to review" if report.as_predictions else ""
    typer.echo(f"exported {report.documents} documents with {report.spans} spans{kind}"
               + (f" to {output}" if output else ""), err=True)


def main() -> None:
    """Console-script entry point."""
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    app()


if __name__ == "__main__":
    main()

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
from typing import TypeVar

import typer

from .errors import DetectorError

app = typer.Typer(
    help="Find persuasion and propaganda techniques in text, sentence by sentence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable)

_SENSITIVITY_HELP = ("precise (fewer, surer flags), balanced (best F1) or sensitive (more flags, more false "
                     "alarms): per-technique thresholds set by cross-validation.")
_TRUST_HELP = ("Load a joblib model file that is not the shipped one. Joblib (pickle) files can run code "
               "when loaded: use only files you trust; .skops files need no trust.")


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


# ---------------------------------------------------------------------- techniques


@app.command()
@handles_errors
def techniques(as_json: bool = typer.Option(False, "--json", help="Print the taxonomy as JSON.")) -> None:
    """List the techniques the detector knows, with their definitions."""
    from .taxonomy import TECHNIQUES

    if as_json:
        rows = [{"id": t.id, "name": t.name, "definition": t.definition,
                 "description": t.description, "example": t.example} for t in TECHNIQUES]
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for t in TECHNIQUES:
        typer.echo(f"{t.id:28s} {t.definition}")


# ---------------------------------------------------------------------- score


@app.command()
@handles_errors
def score(
    paths: list[str] | None = typer.Argument(
        None, help="Text, HTML and Markdown files, directories (the files inside that --glob names), http(s) URLs, "
                   ".jsonl/.csv/.tsv corpora, or - for standard input."),
    model: Path | None = typer.Option(None, "--model", "-m", help="Model file (default: the shipped model)."),
    output_format: str = typer.Option("text", "--format", "-f",
        help="text, json, jsonl, csv or html (one self-contained page)."),
    output: Path | None = typer.Option(None, "--output", "-o",
        help="Write to this file (atomically) instead of standard output."),
    all_scores: bool = typer.Option(False, "--all-scores", help="Include every technique's score."),
    explain: bool = typer.Option(False, "--explain", help="Show the words that drove each detected technique."),
    summary: bool = typer.Option(False, "--summary", help="One line per document: sentences, flagged, top techniques."),
    jobs: int = typer.Option(1, "--jobs", "-j", help="Worker processes (-1: all cores); output order is unchanged."),
    text_column: str = typer.Option("text", "--text-column", help="The text column of .csv/.tsv inputs."),
    input_format: str | None = typer.Option(None, "--input-format",
        help="text, html or markdown: how to read standard input and files (default: from the suffix; text for -)."),
    globs: list[str] | None = typer.Option(None, "--glob",
        help="Files to read in directories, e.g. '*.html' (repeatable; default: *.txt *.html *.htm *.md *.markdown)."),
    encoding: str | None = typer.Option(None, "--encoding",
        help="Encoding of text, Markdown, HTML and CSV files, e.g. cp1252 (default: UTF-8; HTML says its own)."),
    timeout: float = typer.Option(20.0, "--timeout", help="Seconds fetching a URL may take."),
    skip_errors: bool = typer.Option(False, "--skip-errors",
        help="Skip unreadable files and pages that cannot be fetched, with a warning, instead of failing at the end."),
    resume: bool = typer.Option(False, "--resume",
        help="Continue an interrupted JSONL --output run, skipping documents already written."),
    csv_raw: bool = typer.Option(False, "--csv-raw",
        help="Write CSV cells as they are (by default a cell starting with = + - @ gets a leading ')."),
    sensitivity: str = typer.Option("balanced", "--sensitivity", "-s", help=_SENSITIVITY_HELP),
    voice: str = typer.Option("all", "--voice",
        help="all, author (only techniques in the text's own words) or quoted (only those in quotes)."),
    min_score: float | None = typer.Option(None, "--min-score", min=0.0, max=1.0,
        help="Flag a sentence, and list a technique, when its score reaches this (0-1); overrides --sensitivity."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar on standard error."),
    trust_model: bool = typer.Option(False, "--trust-model", help=_TRUST_HELP),
) -> None:
    """Score articles: every sentence with its techniques and scores."""
    from .inputs import find_inputs, read_inputs
    from .output_files import check_output, open_output, partial_path, resume_point, run_fingerprint
    from .writers import get_writer, write_results

    if voice not in ("all", "author", "quoted"):
        raise DetectorError(f"unknown voice {voice!r}; use all, author or quoted")
    if output_format not in _SCORE_FORMATS:
        raise DetectorError(f"unknown format {output_format!r}; use one of {', '.join(_SCORE_FORMATS)}")
    if jobs == 0 or jobs < -1 or jobs > _MAX_JOBS:
        raise DetectorError(f"--jobs must be a number of processes from 1 to {_MAX_JOBS}, or -1 for all cores")
    resumable = output is not None and output_format == "jsonl" and not summary
    if resume and not resumable:
        raise DetectorError("--resume needs --output FILE with --format jsonl")
    if output is None and sys.stdout is None:
        raise DetectorError("standard output is closed; give --output FILE to write the results")
    if not paths:
        if sys.stdin is None or sys.stdin.isatty():
            raise DetectorError("give files or directories to score, or - to read standard input")
        paths = ["-"]
    # A report written inside a scored folder is not read back as an article next time.
    inputs = find_inputs(paths, exclude=[output, partial_path(output)] if output is not None else (),
                         globs=globs, input_format=input_format)
    if output is not None:
        output = check_output(output, [i.path for i in inputs if i.path is not None])
        if resume and output.exists() and not partial_path(output).exists():
            typer.echo(f"note: {output} is complete; nothing to resume", err=True)
            return
    from .progress import ScoreProgress, progress_enabled
    from .scoring import Detector

    detector = Detector.load(model, trusted=trust_model, sensitivity=sensitivity)
    fmt = "summary" if summary else output_format
    if fmt == "text" and output is None:
        from .terminal_view import wants_colour

        if wants_colour(sys.stdout):
            fmt = "terminal"
    writer = get_writer(fmt, all_scores=all_scores, csv_raw=csv_raw, model=detector.model_info)
    # The HTML report and the terminal view exist to show why sentences were flagged,
    # so they always carry the evidence.
    explain = explain or fmt in ("html", "terminal")
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

    def write(out) -> None:
        with ScoreProgress(total, show) as progress:
            results = detector.score_documents(documents, n_jobs=jobs, explain=explain, min_score=min_score,
                                               voice=None if voice == "all" else voice)
            write_results(results, writer, out, on_result=lambda r: progress.advance(len(r.sentences)),
                          started=bool(done))
        if problems and not skip_errors:
            # The readable documents are written (to the terminal); the run still fails, so a
            # named output file is not replaced by an incomplete result.
            raise DetectorError("could not read " + "; ".join(map(str, problems))
                                + " (the other documents were scored; --skip-errors skips such files)")

    if output is None:
        write(sys.stdout)
        return
    try:
        with open_output(output, resumable=resumable, resume=resume, fingerprint=fingerprint) as out:
            write(out)
    except BaseException:
        if resumable and partial_path(output).exists():
            typer.echo(f"note: the documents finished so far are kept in {partial_path(output)}; "
                       "run the same command with --resume to continue", err=True)
        raise


_SCORE_FORMATS = ("text", "json", "jsonl", "csv", "html")
# More worker processes than this only add start-up cost and memory (each holds the model).
_MAX_JOBS = 64


# ---------------------------------------------------------------------- train / evaluate

_DATA_HELP = "Labelled data: a .jsonl or .csv/.tsv file, or a PTC directory of article<ID>.txt files."


@app.command()
@handles_errors
def train(
    data: Path = typer.Argument(..., help=_DATA_HELP),
    out: Path | None = typer.Option(None, "--out", "-o",
        help="Where to write the model file (.skops: the safe format to share; .joblib: fast to load)."),
    check: bool = typer.Option(False, "--check", help="Only validate the data and count it; train nothing."),
    labels: Path | None = typer.Option(None, "--labels", help="PTC labels: a directory of *.labels files or one file."),
    data_format: str | None = typer.Option(None, "--format", help="jsonl, csv, tsv or ptc (default: from the path)."),
    folds: int = typer.Option(5, "--folds", help="Folds of the grouped cross-validation that sets thresholds."),
    jobs: int = typer.Option(1, "--jobs", "-j",
        help="Processes that fit the technique heads in parallel (-1: all cores)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on standard error."),
) -> None:
    """Train a model on labelled data and print its cross-validated figures."""
    from .corpus import read_corpus
    from .progress import progress_enabled, training_status
    from .training import train as train_detector

    if folds < 2:
        raise DetectorError("--folds must be at least 2")
    if jobs == 0 or jobs < -1 or jobs > _MAX_JOBS:
        raise DetectorError(f"--jobs must be a number of processes from 1 to {_MAX_JOBS}, or -1 for all cores")
    if check:
        from .corpus import summarise_corpus

        summary = summarise_corpus(read_corpus(data, data_format, labels))
        typer.echo(f"{data}: valid; {summary.documents} documents, {summary.sentences} sentences, "
                   f"{summary.clean_sentences} with no technique")
        for technique, n in summary.technique_sentences.items():
            typer.echo(f"  {technique:28s} {n:6d}")
        return
    if out is None:
        raise DetectorError("give --out MODEL (or --check to only validate the data)")
    with training_status(progress_enabled(quiet)):
        documents = read_corpus(data, data_format, labels)
        detector = train_detector(documents, threshold_folds=folds, n_jobs=None if jobs == 1 else jobs)
    detector.save(out)
    typer.echo(f"trained on {detector.metadata['training_sentences']} sentences "
               f"from {len(documents)} documents; model written to {out}")
    metrics = detector.metadata.get("cv_metrics")
    if metrics:
        from .metrics import EvaluationReport, format_report

        typer.echo(f"cross-validated ({metrics['folds']} folds, grouped by document):")
        typer.echo(format_report(EvaluationReport.from_dict(metrics)))


@app.command()
@handles_errors
def evaluate(
    data: Path = typer.Argument(..., help=_DATA_HELP),
    labels: Path | None = typer.Option(None, "--labels", help="PTC labels: a directory of *.labels files or one file."),
    data_format: str | None = typer.Option(None, "--format", help="jsonl, csv, tsv or ptc (default: from the path)."),
    model: Path | None = typer.Option(None, "--model", "-m", help="Model file (default: the shipped model)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    sensitivity: str = typer.Option("balanced", "--sensitivity", "-s", help=_SENSITIVITY_HELP),
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


def main() -> None:
    """Console-script entry point."""
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    app()


if __name__ == "__main__":
    main()

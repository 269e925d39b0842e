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
from pathlib import Path
from typing import Callable, Iterator, List, Optional, TypeVar

import typer

from .errors import DetectorError

app = typer.Typer(
    help="Find persuasion and propaganda techniques in text, sentence by sentence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable)


def _fail(message: str, code: int) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


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
        except Exception as exc:  # a bug: say so plainly, keep the exit code distinct
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


def _input_files(paths: List[str]) -> Iterator[tuple[str, Path | None]]:
    """(name, path) for every document to score; path None is standard input."""
    for raw in paths:
        if raw == "-":
            yield "<stdin>", None
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.txt") if p.is_file())
            if not found:
                raise DetectorError(f"{raw}: no *.txt files in this directory")
            for p in found:
                yield str(p), p
        elif path.is_file():
            yield raw, path
        else:
            raise DetectorError(f"{raw}: no such file or directory")


def _read_document(name: str, path: Path | None) -> str:
    try:
        if path is None:
            return sys.stdin.buffer.read().decode("utf-8")
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DetectorError(f"{name}: not UTF-8 text (undecodable byte at offset {exc.start})") from None
    except OSError as exc:
        raise DetectorError(f"{name}: cannot read ({exc.strerror})") from None


@app.command()
@handles_errors
def score(
    paths: Optional[List[str]] = typer.Argument(None, help="Files, directories (all *.txt inside) or - for standard input."),
    model: Optional[Path] = typer.Option(None, "--model", "-m", help="Model file (default: the shipped model)."),
    output_format: str = typer.Option("text", "--format", "-f", help="text, json, jsonl or csv."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (atomically) instead of standard output."),
    all_scores: bool = typer.Option(False, "--all-scores", help="Include every technique's score."),
) -> None:
    """Score articles: every sentence with its techniques and scores."""
    from .reports import FORMATS, OUTPUT_FORMATS

    if output_format not in OUTPUT_FORMATS:
        raise DetectorError(f"unknown format {output_format!r}; use one of {', '.join(OUTPUT_FORMATS)}")
    if not paths:
        if sys.stdin.isatty():
            raise DetectorError("give files or directories to score, or - to read standard input")
        paths = ["-"]
    documents = list(_input_files(paths))
    from .detector import Detector
    from .results import DocumentResult

    detector = Detector.load(model)
    names = [name for name, _ in documents]
    texts = (_read_document(name, path) for name, path in documents)
    fmt = FORMATS[output_format]

    def write(out) -> None:
        out.write(fmt.header)
        for index, (name, sentences) in enumerate(zip(names, detector.score_many(texts))):
            out.write(fmt.document(DocumentResult(name, sentences), index, all_scores))
            out.flush()
        out.write(fmt.footer)

    if output is None:
        write(sys.stdout)
        return
    from .persistence import atomic_path

    with atomic_path(output) as tmp, open(tmp, "w", encoding="utf-8", newline="") as out:
        write(out)


# ---------------------------------------------------------------------- train / evaluate

_DATA_HELP = "Labelled data: a .jsonl or .csv/.tsv file, or a PTC directory of article<ID>.txt files."


@app.command()
@handles_errors
def train(
    data: Path = typer.Argument(..., help=_DATA_HELP),
    out: Path = typer.Option(..., "--out", "-o", help="Where to write the model file."),
    labels: Optional[Path] = typer.Option(None, "--labels", help="PTC labels: a directory of *.labels files or one file."),
    data_format: Optional[str] = typer.Option(None, "--format", help="jsonl, csv, tsv or ptc (default: from the path)."),
    folds: int = typer.Option(5, "--folds", help="Folds of the grouped cross-validation that sets thresholds."),
) -> None:
    """Train a model on labelled data and print its cross-validated figures."""
    from .corpus import read_corpus
    from .detector import train as train_detector

    documents = read_corpus(data, data_format, labels)
    if folds < 2:
        raise DetectorError("--folds must be at least 2")
    detector = train_detector(documents, threshold_folds=folds)
    detector.save(out)
    typer.echo(f"trained on {detector.metadata['training_sentences']} sentences "
               f"from {len(documents)} documents; model written to {out}")
    metrics = detector.metadata.get("cv_metrics")
    if metrics:
        from .evaluation import EvaluationReport, Scores

        typer.echo(f"cross-validated ({metrics['folds']} folds, grouped by document):")
        typer.echo(_format_report(EvaluationReport(
            metrics["sentences"], Scores(**metrics["any"]), Scores(**metrics["micro"]),
            Scores(**metrics["macro"]), {k: Scores(**v) for k, v in metrics["techniques"].items()})))


def _format_report(report) -> str:
    rows = [f"{'':28s} {'precision':>9s} {'recall':>7s} {'f1':>6s} {'support':>8s}"]

    def line(name: str, s) -> str:
        return f"{name:28s} {s.precision:9.3f} {s.recall:7.3f} {s.f1:6.3f} {s.support:8d}"

    rows += [line(t, s) for t, s in report.techniques.items()]
    rows += ["", line("micro average", report.micro), line("macro average", report.macro),
             line("any technique (sentences)", report.any), f"sentences: {report.sentences}"]
    return "\n".join(rows)


@app.command()
@handles_errors
def evaluate(
    data: Path = typer.Argument(..., help=_DATA_HELP),
    labels: Optional[Path] = typer.Option(None, "--labels", help="PTC labels: a directory of *.labels files or one file."),
    data_format: Optional[str] = typer.Option(None, "--format", help="jsonl, csv, tsv or ptc (default: from the path)."),
    model: Optional[Path] = typer.Option(None, "--model", "-m", help="Model file (default: the shipped model)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Compare a model's decisions with labelled data, sentence by sentence."""
    from .corpus import read_corpus
    from .detector import Detector
    from .evaluation import evaluate as evaluate_detector

    documents = read_corpus(data, data_format, labels)
    report = evaluate_detector(Detector.load(model), documents)
    typer.echo(json.dumps(report.to_dict(), indent=2) if as_json else _format_report(report))


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()

"""Output files that are never left half-written, and JSONL runs that can be resumed.

The file the user named only ever holds a complete run: results are written elsewhere and
renamed over it at the end.  A JSONL run writes to ``<output>.partial``, one flushed line per
document; when the run is interrupted that file stays, and ``--resume`` keeps its complete
lines, skips as many documents of the input stream and appends the rest.

``check_output`` runs before any scoring: it follows a symbolic link to its target, refuses
an output that is a directory, a device, a FIFO or one of the run's inputs, and proves the
folder writable.  A resumable run records a fingerprint of its inputs, options and model
beside the partial file (``<output>.partial.run``), and holds an exclusive lock on it, so a
resume of a different run, or a second run to the same output, is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from .errors import DetectorError
from .persistence import atomic_path

__all__ = ["check_output", "open_output", "partial_path", "resume_point", "run_fingerprint"]


def partial_path(output: Path) -> Path:
    """Where a resumable run keeps its progress."""
    return output.with_name(output.name + ".partial")


def check_output(output: Path, inputs: Sequence[Path]) -> Path:
    """The path to write for ``output`` (a symbolic link is followed to its target), checked
    before any work: not a directory, device, FIFO or socket, not one of ``inputs``, and in a
    folder this process can write to.  Raises ``DetectorError`` saying which."""
    target = Path(os.path.realpath(output))
    for path in (target, partial_path(target)):
        try:
            info = os.stat(path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise DetectorError(f"{output}: cannot use as output ({exc.strerror})") from None
        if stat.S_ISDIR(info.st_mode):
            raise DetectorError(f"{output}: is a directory; give a file name for --output")
        if not stat.S_ISREG(info.st_mode):
            raise DetectorError(f"{output}: not a regular file (a device, FIFO or socket); detector writes "
                                "only regular files, and never replaces anything else")
        for source in inputs:
            try:
                same = os.path.samefile(source, path)
            except OSError:
                same = False
            if same:
                raise DetectorError(f"{output}: is also an input of this run ({source}); writing it "
                                    "would overwrite what is being scored")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".probe", dir=target.parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise DetectorError(f"{output}: cannot write there ({exc.strerror})") from None
    return target


def run_fingerprint(inputs: Sequence[tuple[str, Path | None]], options: dict, model: dict) -> str:
    """A digest of what a resumable run reads, how it scores and with which model."""
    described: list[list[object]] = []
    for name, path in inputs:
        if path is None:
            described.append([name])
            continue
        info = path.stat()
        described.append([name, str(path.resolve()), info.st_size, info.st_mtime_ns])
    blob = json.dumps({"inputs": described, "options": options, "model": model}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _run_record(output: Path) -> Path:
    return output.with_name(output.name + ".partial.run")


def resume_point(output: Path, fingerprint: str) -> int:
    """How many documents ``output``'s partial file already holds, counted in input order.

    The partial file must come from the same run (same inputs, options and model), or the
    resume is refused.  A last line cut short by a crash is dropped, so the file ends after
    a complete document, ready to be appended to.
    """
    partial = partial_path(output)
    record = _run_record(output)
    if not partial.exists():
        return 0  # nothing was written yet: the run starts from the first document
    recorded = record.read_text(encoding="ascii").strip() if record.exists() else None
    if recorded != fingerprint:
        raise DetectorError(f"{partial}: made by a different run (other inputs, options or model); "
                            "--resume continues only the same command. Delete it to start afresh")
    done = 0
    keep = 0
    with open(partial, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.endswith(b"\n"):
                break
            try:
                json.loads(line)["document"]
            except (ValueError, KeyError, TypeError):
                raise DetectorError(f"{partial}:{number}: not a line of detector's JSONL output; "
                                    "cannot resume from it") from None
            done += 1
            keep += len(line)
    with open(partial, "r+b") as fh:
        fh.truncate(keep)
    return done


@contextmanager
def open_output(output: Path, resumable: bool = False, resume: bool = False,
                fingerprint: str | None = None) -> Iterator[TextIO]:
    """A text stream whose content replaces ``output`` whole when the block succeeds.

    Without ``resumable`` a failed block leaves ``output`` as it was and no other file.  With
    it, the stream is ``partial_path(output)`` (appended to when ``resume``), kept on failure.
    """
    if not resumable:
        with atomic_path(output) as tmp, open(tmp, "w", encoding="utf-8", newline="") as out:
            yield out
        return
    partial = partial_path(output)
    partial.parent.mkdir(parents=True, exist_ok=True)
    fresh = not (resume and partial.exists())
    # Opened for appending and locked before anything is truncated, so a second run to the
    # same output is refused without touching the first run's lines.
    with open(partial, "a", encoding="utf-8", newline="") as out:
        _lock(out, partial)
        if fresh:
            out.truncate(0)
        if fingerprint is not None and fresh:
            _run_record(output).write_text(fingerprint + "\n", encoding="ascii")
        yield out
        out.flush()
        os.fsync(out.fileno())
        os.replace(partial, output)
    _run_record(output).unlink(missing_ok=True)


def _lock(stream: TextIO, path: Path) -> None:
    """Hold an exclusive lock on ``stream`` until it closes; refuse if another run holds it."""
    import fcntl

    try:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise DetectorError(f"{path}: another detector run is writing to this output; wait for it "
                            "or choose another --output") from None

"""Output files that are never left half-written, and JSONL runs that can be resumed.

The file the user named only ever holds a complete run: results are written elsewhere and
renamed over it at the end.  A JSONL run writes to ``<output>.partial``, one flushed line per
document; when the run is interrupted that file stays, and ``--resume`` keeps its complete
lines, skips their documents and appends the rest.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, TextIO

from .errors import DetectorError
from .persistence import atomic_path


def partial_path(output: Path) -> Path:
    """Where a resumable run keeps its progress."""
    return output.with_name(output.name + ".partial")


def resume_point(output: Path) -> Counter[str]:
    """How many records each document already has in ``output``'s partial file (or in a
    finished ``output``): one for a document, one per part for a file scored in parts.

    A last line cut short by a crash is dropped, so the file ends after a complete document.
    Afterwards the partial file holds exactly those documents, ready to be appended to.
    """
    partial = partial_path(output)
    if not partial.exists() and output.exists():
        shutil.copyfile(output, partial)
    if not partial.exists():
        return Counter()
    done: Counter[str] = Counter()
    keep = 0
    with open(partial, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.endswith(b"\n"):
                break
            try:
                done[json.loads(line)["document"]] += 1
            except (ValueError, KeyError, TypeError):
                raise DetectorError(f"{partial}:{number}: not a line of detector's JSONL output; "
                                    "cannot resume from it") from None
            keep += len(line)
    with open(partial, "r+b") as fh:
        fh.truncate(keep)
    return done


@contextmanager
def open_output(output: Path, resumable: bool = False, resume: bool = False) -> Iterator[TextIO]:
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
    with open(partial, "a" if resume else "w", encoding="utf-8", newline="") as out:
        yield out
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, output)

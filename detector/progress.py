"""Progress on standard error for long commands: shown on a terminal, silent otherwise.

Scoring shows a bar of documents with their rate in sentences per second; training shows
the stage the library reports through the ``detector`` logger (features, folds, fitting).
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def progress_enabled(quiet: bool) -> bool:
    """Progress is drawn only for a person watching: stderr is a terminal and not ``--quiet``."""
    return not quiet and sys.stderr.isatty()


class ScoreProgress:
    """A bar of scored documents with sentences per second; a no-op when disabled."""

    def __init__(self, total_documents: int | None, enabled: bool) -> None:
        self.total = total_documents
        self.enabled = enabled
        self.sentences = 0
        self._started = time.perf_counter()
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> ScoreProgress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                TextColumn("scoring"), BarColumn(), MofNCompleteColumn(), TextColumn("documents"),
                TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                console=Console(stderr=True), transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task("score", total=self.total, rate="")
        return self

    def advance(self, sentences: int) -> None:
        """One more document done, with this many sentences."""
        self.sentences += sentences
        if self._progress is not None:
            elapsed = max(time.perf_counter() - self._started, 1e-9)
            self._progress.update(self._task, advance=1, rate=f"{self.sentences / elapsed:,.0f} sentences/s")

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()


class _StatusHandler(logging.Handler):
    def __init__(self, status) -> None:
        super().__init__(logging.INFO)
        self.status = status

    def emit(self, record: logging.LogRecord) -> None:
        self.status.update(record.getMessage())
        self.status.console.log(record.getMessage())


@contextmanager
def training_status(enabled: bool) -> Iterator[None]:
    """While training, show each stage the library logs, with a spinner and elapsed times."""
    if not enabled:
        yield
        return
    from rich.console import Console

    logger = logging.getLogger("detector")
    console = Console(stderr=True)
    with console.status("reading the data") as status:
        handler = _StatusHandler(status)
        previous = logger.level
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        try:
            yield
        finally:
            logger.removeHandler(handler)
            logger.setLevel(previous)

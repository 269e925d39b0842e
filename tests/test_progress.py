"""Progress display: drawn for a person at a terminal, silent otherwise."""

import io
import logging

from detector import progress


class _TTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_silent_off_a_terminal_and_with_quiet(monkeypatch):
    monkeypatch.setattr(progress.sys, "stderr", io.StringIO())
    assert not progress.progress_enabled(quiet=False)
    monkeypatch.setattr(progress.sys, "stderr", _TTY())
    assert progress.progress_enabled(quiet=False) and not progress.progress_enabled(quiet=True)


def test_score_progress_counts_documents_and_sentences(monkeypatch):
    err = _TTY()
    monkeypatch.setattr(progress.sys, "stderr", err)
    from rich import console as rich_console

    monkeypatch.setattr(rich_console.Console, "is_terminal", property(lambda self: True))
    with progress.ScoreProgress(2, enabled=True) as bar:
        bar.advance(10)
        bar.advance(5)
    assert bar.sentences == 15
    assert "2/2" in err.getvalue() and "documents" in err.getvalue()
    quiet_err = _TTY()
    monkeypatch.setattr(progress.sys, "stderr", quiet_err)
    with progress.ScoreProgress(2, enabled=False) as silent:
        silent.advance(3)
    assert quiet_err.getvalue() == ""  # disabled: nothing is drawn


def test_training_status_shows_the_stages_the_library_logs(monkeypatch, capsys):
    with progress.training_status(enabled=True):
        logging.getLogger("detector").info("threshold cross-validation: fold %d of %d", 2, 5)
    assert "fold 2 of 5" in capsys.readouterr().err
    assert logging.getLogger("detector").handlers == []

"""The coloured terminal view and when it is used."""

import io

from detector.results import DocumentResult, Evidence, SentenceResult, TechniqueScore
from detector.terminal_view import TerminalView, wants_colour

TEXT = "Vote today\nThis shameful plan must go!"
RESULT = DocumentResult("a.txt", [
    SentenceResult(0, 10, "Vote today", 0.1),
    SentenceResult(11, 38, "This shameful plan must go!", 0.9,
                   (TechniqueScore("loaded_language", 0.85, (Evidence(16, 24, "shameful", 1.5),)),)),
], TEXT)


class _Stream(io.StringIO):
    def __init__(self, tty):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


def test_terminal_view_highlights_flagged_sentences_and_tabulates_techniques():
    out = TerminalView(width=80).write(RESULT)
    assert "\x1b[" in out  # styled
    assert "a.txt: 2 sentences, 1 flagged" in out
    assert "[LL 0.85]" in out and "loaded_language" in out and "0.85" in out
    plain = __import__("re").sub(r"\x1b\[[0-9;]*m", "", out)
    assert "Vote today\nThis shameful plan must go!" in plain


def test_colour_only_on_a_terminal_without_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert wants_colour(_Stream(True)) and not wants_colour(_Stream(False))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_colour(_Stream(True))

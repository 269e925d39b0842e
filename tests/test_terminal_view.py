"""The coloured terminal view and when it is used."""

from __future__ import annotations

import io
import re

from report_fixture import MULTI, RESULTS
from typer.testing import CliRunner

from detector._display import PALETTE
from detector.cli import app
from detector.results import DocumentResult, Evidence, SentenceResult, TechniqueScore
from detector.terminal_view import TerminalView, wants_colour
from detector.writers import get_writer

TEXT = "Vote today\nThis shameful plan must go!"
RESULT = DocumentResult("a.txt", [
    SentenceResult(0, 10, "Vote today", 0.1),
    SentenceResult(11, 38, "This shameful plan must go!", 0.9,
                   (TechniqueScore("loaded_language", 0.85, (Evidence(16, 24, "shameful", 1.5, 0.6),)),)),
], TEXT)
_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def _plain(out: str) -> str:
    return _ESCAPE.sub("", out)


def _background(colour: str) -> str:
    """The truecolour escape for ``colour`` as a background."""
    return "48;2;" + ";".join(str(int(colour[i:i + 2], 16)) for i in (1, 3, 5))


class _Stream(io.StringIO):
    def __init__(self, tty):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


def test_terminal_view_highlights_flagged_sentences_and_tabulates_techniques():
    out = TerminalView(width=80).write(RESULT)
    plain = _plain(out)
    assert "a.txt: 2 sentences, 1 flagged (50%)" in plain
    assert "[LL:0.85]" in plain and "loaded_language" in plain
    assert "Vote today\n▍This shameful plan must go!" in plain  # the article's layout, the sentence opened by a bar
    assert _background(PALETTE["loaded_language"]) in out  # the evidence in the technique's colour
    assert '"shameful"' not in plain  # the words are listed only with --explain


def test_every_technique_of_a_sentence_shows_in_its_own_colour():
    out = TerminalView(width=200).write(RESULTS[0])
    plain = _plain(out)
    assert "[LL:0.91 E:0.66 FW:0.58]" in plain and "“”FA:0.72" in plain and "[? 0.61 unclear]" in plain
    for t in MULTI.techniques:
        assert _background(PALETTE[t.technique]) in out, t.technique


def test_explain_lists_the_evidence_words_under_their_sentence():
    out = _plain(get_writer("terminal", width=120, explain=True).write(RESULTS[0]))
    lines = out.splitlines()
    below = lines[[i for i, line in enumerate(lines) if "FW:0.58]" in line][0] + 1:]
    assert below[0].strip() == 'LL  loaded_language: "shameful" (40%), "betrayal" (20%)'
    assert below[1].strip() == 'E  exaggeration: "greatest betrayal" (30%), "ever seen" (15%)'
    assert below[2].strip() == 'FW  flag_waving: "our proud town" (25%)'
    assert below[3].startswith("▍Only cowards")  # the article resumes on its own line
    assert '"wreck our harbour" (60%)' in out


def test_all_scores_list_every_technique_under_every_sentence():
    out = _plain(get_writer("terminal", width=400, all_scores=True).write(RESULTS[0]))
    score_lines = [line for line in out.splitlines() if line.strip().startswith("all:")]
    assert len(score_lines) == len(RESULTS[0].sentences)
    assert all(line.count(",") == 14 for line in score_lines)  # fifteen techniques each
    assert "all: loaded_language 0.91, exaggeration 0.66, flag_waving 0.58" in out


def test_cli_passes_explain_and_all_scores_to_the_terminal_view(monkeypatch, tmp_path, tiny_model_path):
    monkeypatch.setattr("detector.terminal_view.wants_colour", lambda stream: True)
    article = tmp_path / "a.txt"
    article.write_text("This shameful, disgraceful plan was rammed through!\n", encoding="utf-8")
    base = ["score", str(article), "--model", str(tiny_model_path), "--sensitivity", "sensitive", "-q"]
    plain = CliRunner().invoke(app, base)
    assert plain.exit_code == 0, plain.output
    assert "\x1b[" in plain.output and "all:" not in plain.output
    explained = CliRunner().invoke(app, [*base, "--explain", "--all-scores"])
    assert explained.exit_code == 0, explained.output
    text = _plain(explained.output)
    assert "all: " in text and text.count("%)") > _plain(plain.output).count("%)")


def test_colour_only_on_a_terminal_without_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert wants_colour(_Stream(True)) and not wants_colour(_Stream(False))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_colour(_Stream(True))

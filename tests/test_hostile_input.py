"""Whatever text people feed the detector, it answers without an exception and keeps offsets true."""

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.segmentation import split_sentences

NASTY = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Mn"))),  # controls, joiners, marks
    st.text(alphabet="אבגדהو مرحبا، العالم.!؟ \u200f\u200e\n"),  # right-to-left scripts and marks
    st.text(alphabet="😀🇺🇦👩‍👩‍👧 .!?\n🙂\ufe0f"),  # emoji, flags, zero-width joiner sequences
    st.text(alphabet="中文。！？日本語、한국어 .\n"),  # CJK punctuation
)


def _check(text, sentences):
    previous_end = 0
    for s in sentences:
        assert previous_end <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == s.text
        previous_end = s.end


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(NASTY)
def test_scoring_any_text_keeps_offsets_inside_it(tiny_detector, text):
    results = tiny_detector.score(text)
    _check(text, results)
    assert all(0.0 <= s.score <= 1.0 for s in results)


def test_a_million_characters_without_punctuation_are_scored(tiny_detector):
    text = ("word " * 200_000).strip()
    results = tiny_detector.score(text)
    _check(text, results)
    assert "".join(s.text for s in results).replace(" ", "") == text.replace(" ", "")


def test_one_line_of_a_million_characters_segments(tiny_detector):
    text = "x" * 1_000_000
    sentences = split_sentences(text)
    _check(text, sentences)
    assert sum(len(s.text) for s in sentences) == len(text)


# ---------------------------------------------------------------------- terminals, spreadsheets, streams


def _cli(*args, **kwargs):
    from typer.testing import CliRunner

    from detector.cli import app

    return CliRunner().invoke(app, [str(a) for a in args], **kwargs)


def test_escape_sequences_in_text_and_names_never_reach_the_terminal(tmp_path, tiny_model_path):
    article = tmp_path / "evil\tname\n== forged: 0 sentences.txt"
    article.write_text("Clear \x1b[2J the screen. Title \x1b]0;owned\x07 here. Shameful \x9b1m plan!", encoding="utf-8")
    for args in ([], ["--summary"], ["--explain", "--all-scores"]):
        result = _cli("score", article, "-m", tiny_model_path, *args)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output and "\x9b" not in result.output
        assert "\\x1b" in result.output or args == ["--summary"]
        # the name cannot forge a header or a summary row
        assert "\n== forged" not in result.output
        assert not any(line.startswith("== forged") for line in result.output.splitlines())


def test_csv_cells_that_would_run_as_formulas_are_neutralised(tmp_path, tiny_model_path):
    import csv
    import io

    article = tmp_path / "=cmd.txt"
    article.write_text("=HYPERLINK(\"http://x\")\n+SUM(A1)\n-2+3\n@import\nA plain sentence.", encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(_cli("score", article, "-m", tiny_model_path, "-f", "csv").stdout)))
    assert [r["text"][0] for r in rows[:4]] == ["'", "'", "'", "'"] and rows[4]["text"] == "A plain sentence."
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "=1+1", "text": "Plain."}) + "\n", encoding="utf-8")
    named = list(csv.DictReader(io.StringIO(_cli("score", corpus, "-m", tiny_model_path, "-f", "csv").stdout)))
    assert named[0]["document"] == "'=1+1"
    raw = list(csv.DictReader(io.StringIO(_cli("score", article, "-m", tiny_model_path, "-f", "csv",
                                               "--csv-raw").stdout)))
    assert raw[0]["text"].startswith("=HYPERLINK")


def test_a_broken_pipe_ends_quietly(tmp_path, tiny_model_path):
    import subprocess
    import sys

    article = tmp_path / "a.txt"
    article.write_text("The plan was shameful. " * 5000, encoding="utf-8")
    command = f"{sys.executable} -m detector.cli score {article} -m {tiny_model_path} -f jsonl | head -c 10"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert result.returncode in (0, 141), result.stderr


def test_a_closed_standard_output_is_a_clear_error_not_a_bug(tmp_path, tiny_model_path):
    import subprocess
    import sys

    article = tmp_path / "a.txt"
    article.write_text("The plan was shameful.", encoding="utf-8")
    result = subprocess.run(f"{sys.executable} -m detector.cli score {article} -m {tiny_model_path} >&-",
                            shell=True, capture_output=True, text=True, timeout=120)
    assert result.returncode in (2, 141) and "Traceback" not in result.stderr, result.stderr


def test_jobs_has_an_upper_bound(tmp_path, tiny_model_path):
    article = tmp_path / "a.txt"
    article.write_text("Text.", encoding="utf-8")
    result = _cli("score", article, "-m", tiny_model_path, "--jobs", "100000")
    assert result.exit_code == 2 and "--jobs must be" in result.output


def test_scoring_bytes_says_to_decode_them(tiny_detector):

    from detector import DetectorError

    with pytest.raises(DetectorError, match="decode"):
        tiny_detector.score(b"Some bytes.")
    with pytest.raises(DetectorError, match="not int"):
        tiny_detector.score(42)


def test_a_terminal_that_reports_no_width_still_gets_the_view(tiny_detector):
    import os

    from detector.results import DocumentResult
    from detector.terminal_view import TerminalView

    text = "The shameful plan was rammed through."
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "0"
    try:
        out = TerminalView().write(DocumentResult("a.txt", tiny_detector.score(text), text))
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old
    assert "shameful" in out


def test_symlinked_folders_are_skipped_with_a_warning(tmp_path):
    import warnings

    from detector.inputs import find_inputs

    real = tmp_path / "real"
    real.mkdir()
    (real / "a.txt").write_text("A.", encoding="utf-8")
    top = tmp_path / "top"
    top.mkdir()
    (top / "b.txt").write_text("B.", encoding="utf-8")
    (top / "link").symlink_to(real, target_is_directory=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = find_inputs([str(top)])
    assert [i.path.name for i in found] == ["b.txt"]
    assert any("symbolic link" in str(w.message) for w in caught)


def test_a_file_name_with_undecodable_bytes_is_scored_and_shown_escaped(tmp_path, tiny_model_path):
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"caf\xe9.txt")
    with open(raw, "wb") as fh:
        fh.write(b"A shameful plan.")
    result = _cli("score", folder, "-m", tiny_model_path, "-f", "jsonl")
    assert result.exit_code == 0, result.output
    assert "caf\\xe9.txt" in json.loads(result.stdout)["document"]


# ---------------------------------------------------------------------- open-ended names, records and lines

# Characters that break naive handling: C0/C1 controls, NUL, the line separators str.splitlines
# honours (U+2028, U+2029, U+0085, VT, FF, FS..RS), a byte-order mark, bidi overrides and tabs.
_ODD = "\x00\x01\x07\x08\x0b\x0c\x0d\x1b\x1c\x1d\x1e\x1f\x7f\x80\x85\x9b\x9f\u2028\u2029\ufeff\u202e\u200b\t\n"
ODD_TEXT = st.text(alphabet=st.sampled_from(list(_ODD + "ab .!?=+-@\"',;é中")), max_size=60)
# Lone surrogates cannot be written to a UTF-8 file raw, but a JSON escape (\ud800) can carry them.
SURROGATE_TEXT = st.text(alphabet=st.sampled_from(list(_ODD[:8] + "ab .\ud800\udfff")), min_size=1, max_size=20)
_SGR = re.compile(r"\x1b\[[0-9;]*m")  # rich's own colour codes in the terminal view


def _raw_controls(text: str) -> list[str]:
    from detector._display import CONTROL

    return CONTROL.findall(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=ODD_TEXT, text=ODD_TEXT)
def test_views_for_people_never_carry_raw_controls_and_names_stay_on_one_line(tiny_detector, name, text):
    from detector.results import DocumentResult
    from detector.writers import render

    result = DocumentResult(name, tiny_detector.score(text), text)
    for fmt, summary in (("text", False), ("text", True), ("terminal", False)):
        out = render([result, result], fmt, width=80, summary=summary)
        shown = _SGR.sub("", out) if fmt == "terminal" else out
        assert _raw_controls(shown) == [], (fmt, shown)
    header_lines = [line for line in render([result], "text").split("\n") if line.startswith("== ")]
    assert len(header_lines) == 1
    rows = [line for line in render([result, result], "text", summary=True).split("\n") if line]
    assert len(rows) == 3  # the header and one row per document: no name breaks a row


def _jsonl_line(record: dict, ascii_only: bool) -> bytes:
    return (json.dumps(record, ensure_ascii=ascii_only) + "\n").encode("utf-8")


@settings(max_examples=80, deadline=None)
@given(records=st.lists(st.tuples(ODD_TEXT, st.one_of(ODD_TEXT, SURROGATE_TEXT), st.booleans()),
                        min_size=1, max_size=6),
       bom=st.booleans(), crlf=st.booleans())
def test_jsonl_records_with_odd_characters_are_read_exactly_or_reported_alone(tmp_path_factory, records, bom, crlf):
    from detector.inputs import find_inputs, read_inputs

    corpus = tmp_path_factory.mktemp("jsonl") / "docs.jsonl"
    data = b"\xef\xbb\xbf" if bom else b""
    expected, bad = [], []
    for number, (doc_id, text, ascii_only) in enumerate(records, start=1):
        surrogates = any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)
        line = _jsonl_line({"id": f"d{number}{doc_id}", "text": text}, ascii_only or surrogates)
        data += line[:-1] + (b"\r\n" if crlf else b"\n")
        # Escaped as JSON, a high surrogate followed by a low one reads back as one real character.
        decoded = json.loads(line)["text"]
        lone = any(0xD800 <= ord(ch) <= 0xDFFF for ch in decoded)
        (bad if lone else expected).append((f"d{number}{doc_id}", decoded))
    corpus.write_bytes(data)
    problems = []
    documents = [(d.name, d.text) for d in read_inputs(find_inputs([str(corpus)]), problems.append)]
    assert documents == expected
    assert len(problems) == len(bad) and all("lone surrogate" in str(p) for p in problems)


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(st.tuples(ODD_TEXT, ODD_TEXT), min_size=1, max_size=6), bom=st.booleans())
def test_csv_records_with_odd_characters_read_the_same_for_scoring_and_training(tmp_path_factory, rows, bom):
    import csv

    from detector import read_corpus
    from detector.inputs import find_inputs, read_inputs

    table = tmp_path_factory.mktemp("csv") / "docs.csv"
    with table.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text", "labels"])
        for number, (doc_id, text) in enumerate(rows, start=1):
            # Training refuses an empty text (rightly), so every text starts with a letter.
            writer.writerow([f"d{number}{doc_id}", "T" + text, ""])
    problems = []
    scored = [(d.name, d.text) for d in read_inputs(find_inputs([str(table)]), problems.append)]
    assert problems == []
    assert scored == [(f"d{number}{doc_id}", "T" + text) for number, (doc_id, text) in enumerate(rows, start=1)]
    assert [(d.id, d.text) for d in read_corpus(table)] == scored


@settings(max_examples=25, deadline=None)
@given(piece=st.text(alphabet=st.sampled_from(list("ab. \t!?\u2028\x0b\u00a0中")), min_size=1, max_size=12),
       length=st.integers(3_000, 30_000))
def test_very_long_lines_segment_with_exact_offsets_and_nothing_lost(piece, length):
    text = (piece * (length // len(piece) + 1))[:length]
    sentences = split_sentences(text)
    _check(text, sentences)
    assert re.sub(r"\s", "", "".join(s.text for s in sentences)) == re.sub(r"\s", "", text)


def test_reading_a_closed_standard_input_is_a_clear_error_not_a_bug(tiny_model_path):
    import subprocess
    import sys

    result = subprocess.run(f"{sys.executable} -m detector.cli score - -m {tiny_model_path} <&-",
                            shell=True, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr

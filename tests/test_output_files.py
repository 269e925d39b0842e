"""Output files: whole or absent, and JSONL runs that resume after an interruption."""

import json
import re

import pytest
from typer.testing import CliRunner

from detector.cli import app
from detector.output_files import partial_path


def _articles(tmp_path, n):
    paths = []
    for i in range(n):
        path = tmp_path / f"a{i}.txt"
        path.write_text(f"Article {i}.\nThis shameful plan number {i} was rammed through!\n", encoding="utf-8")
        paths.append(str(path))
    return paths


def _score(*args):
    return CliRunner().invoke(app, ["score", *map(str, args)])


def test_an_interrupted_jsonl_run_resumes_without_losing_or_repeating_documents(tmp_path, tiny_model_path, monkeypatch):

    articles = _articles(tmp_path, 5)
    out = tmp_path / "scores.jsonl"
    out.write_text("old complete run\n", encoding="utf-8")
    restore = _interrupt_after(monkeypatch, 2)
    interrupted = _score(*articles, "-m", tiny_model_path, "-f", "jsonl", "-o", out)
    assert interrupted.exit_code == 130
    assert out.read_text(encoding="utf-8") == "old complete run\n"  # the old file, untouched
    partial = partial_path(out)
    with open(partial, "a", encoding="utf-8") as fh:
        fh.write('{"document": "cut off by the cra')  # a line a crash left unfinished
    restore()

    resumed = _score(*articles, "-m", tiny_model_path, "-f", "jsonl", "-o", out, "--resume")
    assert resumed.exit_code == 0, resumed.output
    names = [json.loads(line)["document"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert names == articles and not partial.exists()
    closing = re.fullmatch(rf"wrote (\d+) documents?, \d+ sentences? to {re.escape(str(out))}, "
                           r"after the (\d+) documents? already there\n", resumed.stderr)
    assert closing and int(closing[1]) + int(closing[2]) == 5 and int(closing[2]) > 0, resumed.stderr

    again = _score(*articles, "-m", tiny_model_path, "-f", "jsonl", "-o", out, "--resume")
    assert again.exit_code == 0 and len(out.read_text(encoding="utf-8").splitlines()) == 5


def test_resume_needs_a_jsonl_output_file(tmp_path, tiny_model_path):
    article = _articles(tmp_path, 1)[0]
    result = _score(article, "-m", tiny_model_path, "-f", "json", "-o", tmp_path / "x.json", "--resume")
    assert result.exit_code == 2 and "--resume needs" in result.output


def test_skip_errors_scores_the_rest_and_warns(tmp_path, tiny_model_path):
    good = _articles(tmp_path, 2)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00binary")
    out = tmp_path / "scores.jsonl"
    result = _score(good[0], bad, good[1], "-m", tiny_model_path, "-f", "jsonl", "-o", out, "--skip-errors")
    assert result.exit_code == 0 and "skipped" in result.output and "bad.txt" in result.output
    assert [json.loads(line)["document"] for line in out.read_text().splitlines()] == good


def test_without_skip_errors_the_others_are_scored_and_the_run_fails(tmp_path, tiny_model_path):
    good = _articles(tmp_path, 2)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9")
    result = _score(good[0], bad, good[1], "-m", tiny_model_path, "-f", "jsonl")
    assert result.exit_code == 2 and "bad.txt: not UTF-8" in result.output
    assert result.output.count('"document"') == 2


def test_jsonl_and_csv_corpora_can_be_scored(tmp_path, tiny_model_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "x1", "text": "A shameful plan."}\n{"id": "x2", "text": "Rain today."}\n')
    table = tmp_path / "t.csv"
    table.write_text("body\nA disgrace!\n")
    result = _score(corpus, table, "-m", tiny_model_path, "-f", "jsonl", "--text-column", "body")
    # The JSONL corpus has no "body" column to worry about; the CSV names its text column.
    names = [json.loads(line)["document"] for line in result.stdout.splitlines()]
    assert result.exit_code == 0 and names == ["x1", "x2", f"{table}:2"]


def test_a_large_file_is_scored_in_parts_and_resumes_part_by_part(tmp_path, tiny_model_path, monkeypatch):
    from detector import inputs as sources
    from detector.scoring import Detector

    monkeypatch.setattr(sources, "PART_BYTES", 400)
    text = "".join(f"Section {i}: the council met.\nThis shameful plan number {i} was rammed through!\n\n"
                   for i in range(30))
    big = tmp_path / "big.txt"
    big.write_text(text, encoding="utf-8")
    whole = _score(big, "-m", tiny_model_path, "-f", "jsonl")
    records = [json.loads(line) for line in whole.stdout.splitlines()]
    assert whole.exit_code == 0 and len(records) > 3 and {r["document"] for r in records} == {str(big)}
    sentences = [s for r in records for s in r["sentences"]]
    assert all(text[s["start"]:s["end"]] == s["text"] for s in sentences)
    assert [s["text"] for s in sentences] == [s.text for s in Detector.load(tiny_model_path).score(text)]

    out = tmp_path / "big.jsonl"
    restore = _interrupt_after(monkeypatch, 2)
    assert _score(big, "-m", tiny_model_path, "-f", "jsonl", "-o", out).exit_code == 130
    assert len(partial_path(out).read_text(encoding="utf-8").splitlines()) == 2
    restore()
    resumed = _score(big, "-m", tiny_model_path, "-f", "jsonl", "-o", out, "--resume")
    assert resumed.exit_code == 0 and out.read_text(encoding="utf-8") == whole.stdout


# ---------------------------------------------------------------------- outputs that must not be replaced


def _interrupt_after(monkeypatch, n):
    from detector.scoring import Detector

    real = Detector.score_documents

    def dies(self, texts, *args, **kwargs):
        for count, result in enumerate(real(self, texts, *args, **kwargs)):
            if count == n:
                raise KeyboardInterrupt
            yield result

    monkeypatch.setattr(Detector, "score_documents", dies)
    return lambda: monkeypatch.setattr(Detector, "score_documents", real)


def test_resume_keeps_every_document_when_ids_repeat(tmp_path, tiny_model_path, monkeypatch):
    corpus = tmp_path / "docs.jsonl"
    rows = [{"id": "same", "text": f"Report {i}. The shameful plan {i} was rammed through!"} for i in range(6)]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    restore = _interrupt_after(monkeypatch, 3)
    assert _score(corpus, "-m", tiny_model_path, "-f", "jsonl", "-o", out).exit_code == 130
    restore()
    resumed = _score(corpus, "-m", tiny_model_path, "-f", "jsonl", "-o", out, "--resume")
    assert resumed.exit_code == 0, resumed.output
    texts = [json.loads(line)["sentences"][0]["text"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert texts == [f"Report {i}." for i in range(6)]


def test_resume_of_a_different_run_is_refused(tmp_path, tiny_model_path, monkeypatch):
    articles = _articles(tmp_path, 4)
    out = tmp_path / "out.jsonl"
    restore = _interrupt_after(monkeypatch, 2)
    assert _score(*articles, "-m", tiny_model_path, "-f", "jsonl", "-o", out).exit_code == 130
    restore()
    before = partial_path(out).read_text(encoding="utf-8")
    for changed in ([*articles[:3]], [*articles, "--all-scores"]):
        refused = _score(*changed, "-m", tiny_model_path, "-f", "jsonl", "-o", out, "--resume")
        assert refused.exit_code == 2 and "different run" in refused.output
        assert partial_path(out).read_text(encoding="utf-8") == before


def test_a_partial_file_not_made_by_a_run_is_not_resumed(tmp_path, tiny_model_path):
    article = _articles(tmp_path, 1)[0]
    out = tmp_path / "out.jsonl"
    partial_path(out).write_text('{"document": "other"}\n', encoding="utf-8")
    refused = _score(article, "-m", tiny_model_path, "-f", "jsonl", "-o", out, "--resume")
    assert refused.exit_code == 2 and "different run" in refused.output


def test_a_second_run_to_the_same_output_is_refused_while_the_first_runs(tmp_path, tiny_model_path):
    import fcntl

    article = _articles(tmp_path, 1)[0]
    out = tmp_path / "out.jsonl"
    with open(partial_path(out), "a") as held:  # what a first run holds while it writes
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        held.write('{"document": "first run"}\n')
        held.flush()
        second = _score(article, "-m", tiny_model_path, "-f", "jsonl", "-o", out)
    assert second.exit_code == 2 and "another detector run" in second.output
    assert "--resume" not in second.output  # the kept documents are the first run's, not its own
    assert partial_path(out).read_text() == '{"document": "first run"}\n'  # untouched


def test_an_output_that_is_an_input_is_refused(tmp_path, tiny_model_path):
    article = _articles(tmp_path, 1)[0]
    before = open(article, encoding="utf-8").read()
    for fmt in ("text", "jsonl"):
        result = _score(article, "-m", tiny_model_path, "-f", fmt, "-o", article)
        assert result.exit_code == 2 and "also an input" in result.output
    assert open(article, encoding="utf-8").read() == before


def test_non_regular_outputs_are_refused_not_replaced(tmp_path, tiny_model_path):
    import os

    article = _articles(tmp_path, 1)[0]
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    for target, message in ((fifo, "not a regular file"), ("/dev/null", "not a regular file"),
                            (folder, "is a directory")):
        result = _score(article, "-m", tiny_model_path, "-o", target)
        assert result.exit_code == 2 and message in result.output, result.output
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")
    assert fifo.is_fifo() and folder.is_dir() and not list(folder.iterdir())


def test_a_symlinked_output_writes_its_target_and_a_file_keeps_its_mode(tmp_path, tiny_model_path):
    import os
    import stat

    article = _articles(tmp_path, 1)[0]
    target = tmp_path / "real.json"
    target.write_text("old", encoding="utf-8")
    os.chmod(target, 0o600)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    result = _score(article, "-m", tiny_model_path, "-f", "json", "-o", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and json.loads(target.read_text(encoding="utf-8"))[0]["document"] == article
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_report_inside_a_scored_folder_is_not_scored_next_time(tmp_path, tiny_model_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("The shameful plan was rammed through!", encoding="utf-8")
    report = folder / "report.txt"
    for _ in range(2):
        result = _score(folder, "-m", tiny_model_path, "-f", "jsonl", "-o", report)
        assert result.exit_code == 0, result.output
    lines = report.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["document"] for line in lines] == [str(folder / "a.txt")]


def test_an_unwritable_output_folder_fails_before_scoring(tmp_path, tiny_model_path, monkeypatch):
    from detector.scoring import Detector

    article = _articles(tmp_path, 1)[0]
    scored = []
    monkeypatch.setattr(Detector, "score_documents", lambda self, *a, **k: scored.append(1) or iter(()))
    blocked = tmp_path / "file"
    blocked.write_text("x")
    result = _score(article, "-m", tiny_model_path, "-o", blocked / "out.json")
    assert result.exit_code == 2 and "cannot" in result.output and "Traceback" not in result.output
    assert not scored


# ---------------------------------------------------------------------- signals


def _big_corpus(tmp_path, n=3000):
    corpus = tmp_path / "many.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Report {i}. The shameful plan {i} was rammed "
                                          "through! The council met on Tuesday to discuss it at length."}) + "\n"
                              for i in range(n)), encoding="utf-8")
    return corpus


def _children(pid):
    import subprocess

    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _alive(pid):
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie has exited: only its parent's bookkeeping remains
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
def test_sigterm_ends_a_run_like_ctrl_c_and_leaves_no_temporary_file(tmp_path, tiny_model_path):
    import signal
    import subprocess
    import sys
    import time

    corpus = _big_corpus(tmp_path, n=50000)
    out = tmp_path / "out.json"
    run = subprocess.Popen([sys.executable, "-m", "detector.cli", "score", str(corpus), "-m", str(tiny_model_path),
                            "-f", "json", "-o", str(out), "--quiet"], stderr=subprocess.PIPE, text=True)
    # The signal comes once the run is writing (its temporary output exists), however fast it started.
    deadline = time.time() + 60
    while time.time() < deadline and not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):
        time.sleep(0.1)
    assert run.poll() is None, "the run ended before it could be interrupted"
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130, err
    assert "Traceback" not in err and not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.slow
@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_worker_processes_end_when_the_parent_is_killed(tmp_path, tiny_model_path, how):
    import signal
    import subprocess
    import sys
    import time

    corpus = _big_corpus(tmp_path, n=20000)
    run = subprocess.Popen([sys.executable, "-m", "detector.cli", "score", str(corpus), "-m", str(tiny_model_path),
                            "-f", "jsonl", "-o", str(tmp_path / "out.jsonl"), "--jobs", "2", "--quiet"],
                           stderr=subprocess.DEVNULL)
    workers = []
    deadline = time.time() + 60
    while time.time() < deadline and len(workers) < 2:
        time.sleep(0.5)
        workers = [c for c in _children(run.pid)] + [g for c in _children(run.pid) for g in _children(c)]
    assert workers, "no worker processes started"
    run.send_signal(getattr(signal, how))
    run.wait(timeout=60)
    time.sleep(5)
    left = [w for w in workers if _alive(w)]
    assert left == [], [open(f"/proc/{w}/cmdline").read().replace("\0", " ")[:120] for w in left]


def test_resume_with_nothing_written_yet_starts_from_the_first_document(tmp_path, tiny_model_path):
    articles = _articles(tmp_path, 3)
    out = tmp_path / "out.jsonl"
    first = _score(*articles, "-m", tiny_model_path, "-f", "jsonl", "-o", out, "--resume")
    assert first.exit_code == 0, first.output
    assert [json.loads(line)["document"] for line in out.read_text(encoding="utf-8").splitlines()] == articles

"""Output files: whole or absent, and JSONL runs that resume after an interruption."""

import json

from typer.testing import CliRunner

from detector.cli import app
from detector.outputs import partial_path


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
    from detector.detector import Detector

    articles = _articles(tmp_path, 5)
    out = tmp_path / "scores.jsonl"
    out.write_text("old complete run\n", encoding="utf-8")
    real = Detector.score_many

    def dies_after_two(self, texts, *args, **kwargs):
        for count, result in enumerate(real(self, texts, *args, **kwargs)):
            if count == 2:
                raise KeyboardInterrupt
            yield result

    monkeypatch.setattr(Detector, "score_many", dies_after_two)
    interrupted = _score(*articles, "-m", tiny_model_path, "-f", "jsonl", "-o", out)
    assert interrupted.exit_code == 130
    assert out.read_text(encoding="utf-8") == "old complete run\n"  # the old file, untouched
    partial = partial_path(out)
    with open(partial, "a", encoding="utf-8") as fh:
        fh.write('{"document": "cut off by the cra')  # a line a crash left unfinished
    monkeypatch.setattr(Detector, "score_many", real)

    resumed = _score(*articles, "-m", tiny_model_path, "-f", "jsonl", "-o", out, "--resume")
    assert resumed.exit_code == 0, resumed.output
    names = [json.loads(line)["document"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert names == articles and not partial.exists()

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
    names = [json.loads(line)["document"] for line in result.output.splitlines()]
    assert result.exit_code == 0 and names == ["x1", "x2", f"{table}:2"]


def test_a_large_file_is_scored_in_parts_and_resumes_part_by_part(tmp_path, tiny_model_path, monkeypatch):
    from detector import sources
    from detector.detector import Detector

    monkeypatch.setattr(sources, "PART_BYTES", 400)
    text = "".join(f"Section {i}: the council met.\nThis shameful plan number {i} was rammed through!\n\n"
                   for i in range(30))
    big = tmp_path / "big.txt"
    big.write_text(text, encoding="utf-8")
    whole = _score(big, "-m", tiny_model_path, "-f", "jsonl")
    records = [json.loads(line) for line in whole.output.splitlines()]
    assert whole.exit_code == 0 and len(records) > 3 and {r["document"] for r in records} == {str(big)}
    sentences = [s for r in records for s in r["sentences"]]
    assert all(text[s["start"]:s["end"]] == s["text"] for s in sentences)
    assert [s["text"] for s in sentences] == [s.text for s in Detector.load(tiny_model_path).score(text)]

    out = tmp_path / "big.jsonl"
    partial_path(out).write_text("".join(line + "\n" for line in whole.output.splitlines()[:2]), encoding="utf-8")
    resumed = _score(big, "-m", tiny_model_path, "-f", "jsonl", "-o", out, "--resume")
    assert resumed.exit_code == 0 and out.read_text(encoding="utf-8") == whole.output

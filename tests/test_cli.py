import csv
import io
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from detector.cli import app
from detector.taxonomy import TECHNIQUE_IDS

runner = CliRunner()
ARTICLE = "Harbour vote\nThe council votes on Thursday.\nThis shameful, disgraceful plan was rammed through!\n"


@pytest.fixture()
def article(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def invoke(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def test_techniques_plain_and_json():
    result = invoke("techniques")
    assert result.exit_code == 0 and "unsupported_speculation" in result.output
    rows = json.loads(invoke("techniques", "--json").output)
    assert [r["id"] for r in rows] == list(TECHNIQUE_IDS)


def test_score_json_has_the_documented_shape(article, tiny_model_path):
    result = invoke("score", article, "--model", tiny_model_path, "--format", "json")
    assert result.exit_code == 0, result.output
    documents = json.loads(result.output)
    assert len(documents) == 1 and documents[0]["document"] == str(article)
    sentences = documents[0]["sentences"]
    assert [s["text"] for s in sentences] == ["Harbour vote", "The council votes on Thursday.",
                                              "This shameful, disgraceful plan was rammed through!"]
    for s in sentences:
        assert set(s) - {"candidates"} == {"start", "end", "text", "score", "kind", "flagged", "techniques"}
        assert ARTICLE[s["start"]:s["end"]] == s["text"]
        for t in s["techniques"]:
            assert set(t) == {"technique", "score", "voice", "speaker"} and t["technique"] in TECHNIQUE_IDS
            assert t["voice"] in ("author", "quoted")


def test_all_scores_lists_every_technique(article, tiny_model_path):
    result = invoke("score", article, "-m", tiny_model_path, "-f", "jsonl", "--all-scores")
    document = json.loads(result.output.splitlines()[0])
    assert all(set(s["all_scores"]) == set(TECHNIQUE_IDS) for s in document["sentences"])


def test_directories_stdin_jsonl_and_csv(tmp_path, tiny_model_path):
    folder = tmp_path / "articles"
    (folder / "nested").mkdir(parents=True)
    (folder / "a.txt").write_text("A calm first article.")
    (folder / "nested" / "b.txt").write_text("A shameful second article!")
    (folder / "ignored.pdf").write_text("not scored")
    jsonl = invoke("score", folder, "-m", tiny_model_path, "-f", "jsonl")
    assert [json.loads(line)["document"] for line in jsonl.stdout.splitlines()] == [
        str(folder / "a.txt"), str(folder / "nested" / "b.txt")]
    assert "skipped 1 file" in jsonl.stderr and "ignored.pdf" in jsonl.stderr
    piped = invoke("score", "-", "-m", tiny_model_path, "-f", "csv", input="One sentence. Two sentences.")
    rows = list(csv.DictReader(io.StringIO(piped.output)))
    assert [r["text"] for r in rows] == ["One sentence.", "Two sentences."]
    assert rows[0]["document"] == "<stdin>" and set(rows[0]) >= {"start", "end", "score", "flagged", "techniques"}


def test_text_view_marks_flagged_sentences(article, tiny_model_path):
    result = invoke("score", article, "-m", tiny_model_path, "-f", "json")
    flagged = {s["text"] for s in json.loads(result.output)[0]["sentences"] if s["flagged"]}
    result = invoke("score", article, "-m", tiny_model_path)
    assert result.exit_code == 0 and "3 sentences" in result.output
    lines = result.output.splitlines()
    marked = {line[3:] for line in lines if line.startswith(">> ")}
    plain = {line[3:] for line in lines if line.startswith("   ") and not line.startswith("     ")}
    assert flagged and marked == flagged  # exactly the flagged sentences carry the marker
    assert "The council votes on Thursday." in plain | marked


def test_output_file_is_written_whole(article, tiny_model_path, tmp_path):
    out = tmp_path / "out" / "scores.json"
    result = invoke("score", article, "-m", tiny_model_path, "-f", "json", "-o", out)
    assert result.exit_code == 0 and result.output == ""
    assert json.loads(out.read_text())[0]["document"] == str(article)


def test_failed_command_writes_no_output_file(tmp_path, tiny_model_path, article):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9 au lait")
    out = tmp_path / "scores.jsonl"
    result = invoke("score", article, bad, "-m", tiny_model_path, "-f", "jsonl", "-o", out)
    assert result.exit_code == 2
    assert "bad.txt" in result.output and "UTF-8" in result.output and "Traceback" not in result.output
    assert not out.exists() and list(tmp_path.glob(".scores*")) == []


@pytest.mark.parametrize("args, message", [
    (["score", "missing.txt"], "no such file"),
    (["score", "{article}", "--format", "xml"], "unknown format"),
    (["score", "{article}", "--model", "{article}"], "can run any code"),
    (["score", "{article}", "--model", "{article}", "--trust-model"], "not a detector model"),
    (["evaluate", "{article}"], "cannot tell the data format"),
    (["train", "missing.jsonl", "--out", "m.joblib"], "no such file"),
])
def test_bad_input_exits_2_with_a_message(args, message, article):
    result = invoke(*[a.format(article=article) for a in args])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_data_errors_name_the_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok.", "spans": []}\n{"text": "x", "spans": [{"start": 0, "end": 1, "technique": "spin"}]}\n')
    result = invoke("evaluate", bad)
    assert result.exit_code == 2 and "bad.jsonl:2" in result.output and "loaded_language" in result.output


def test_train_then_evaluate(tiny_jsonl, tmp_path):
    model = tmp_path / "model.joblib"
    trained = invoke("train", tiny_jsonl, "--out", model, "--folds", "3")
    assert trained.exit_code == 0, trained.output
    assert "cross-validated" in trained.output and "any technique" in trained.output and model.is_file()
    refused = invoke("evaluate", tiny_jsonl, "--model", model)
    assert refused.exit_code == 2 and "--trust-model" in refused.output
    evaluated = invoke("evaluate", tiny_jsonl, "--model", model, "--json", "--trust-model")
    report = json.loads(evaluated.output)
    assert set(report) == {"sentences", "any", "micro", "macro", "techniques"}
    assert report["sentences"] > 40 and set(report["techniques"]) == set(TECHNIQUE_IDS)


def test_evaluate_reads_the_ptc_layout(tiny_model_path, ptc_fixture):
    result = invoke("evaluate", ptc_fixture / "articles", "--labels", ptc_fixture / "labels",
                    "--model", tiny_model_path, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["sentences"] == 9


def test_help_and_techniques_do_not_import_heavy_modules():
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom detector.cli import app\n"
            "r = CliRunner()\nassert r.invoke(app, ['--help']).exit_code == 0\n"
            "assert r.invoke(app, ['techniques']).exit_code == 0\n"
            "heavy = [m for m in ('sklearn', 'nltk', 'numpy', 'scipy', 'trafilatura', 'lxml') if m in sys.modules]\n"
            "assert not heavy, heavy\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_text_inputs_do_not_load_the_web_page_reader(article):
    # trafilatura and lxml load only when an HTML file or a URL is read.
    code = ("import sys\nfrom detector.inputs import find_inputs, read_inputs\n"
            f"docs = list(read_inputs(find_inputs([{str(article)!r}]), print))\n"
            "assert docs and 'trafilatura' not in sys.modules and 'lxml' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_train_check_validates_without_training(tiny_jsonl, tmp_path):
    result = invoke("train", tiny_jsonl, "--check")
    assert result.exit_code == 0, result.output
    assert "valid;" in result.output and "loaded_language" in result.output
    assert list(tmp_path.iterdir()) == []
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "a", "spans": []}\nnot json\n{"text": "b", "spans": [{"start": 0, "end": 9, "technique": "doubt"}]}\n')
    failed = invoke("train", bad, "--check")
    assert failed.exit_code == 2 and "bad.jsonl:2" in failed.output and "bad.jsonl:3" in failed.output
    assert invoke("train", tiny_jsonl).exit_code == 2


def test_every_machine_readable_output_names_the_model(article, tiny_model_path, tmp_path):
    import csv
    import io

    from detector.persistence import file_sha256

    sha = file_sha256(tiny_model_path)[:12]
    record = json.loads(invoke("score", article, "-m", tiny_model_path, "-f", "jsonl").output)
    assert record["model"]["file"] == tiny_model_path.name and record["model"]["sha256"] == sha
    assert record["model"]["sensitivity"] == "balanced"
    rows = list(csv.DictReader(io.StringIO(invoke("score", article, "-m", tiny_model_path, "-f", "csv").output)))
    assert rows and all(sha in row["model"] for row in rows)
    page = tmp_path / "r.html"
    invoke("score", article, "-m", tiny_model_path, "-f", "html", "-o", page)
    assert sha in page.read_text(encoding="utf-8")


def test_glob_and_encoding_options(tmp_path, tiny_model_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "legacy.txt").write_bytes("Le café est fermé.".encode("cp1252"))
    (folder / "page.html").write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    (folder / "notes.rtf").write_text("not read", encoding="utf-8")
    only_text = invoke("score", folder, "--glob", "*.txt", "--glob", "*.rtf", "--encoding", "cp1252",
                       "-m", tiny_model_path, "-f", "jsonl")
    assert only_text.exit_code == 0, only_text.stderr
    records = [json.loads(line) for line in only_text.stdout.splitlines()]
    assert [r["document"] for r in records] == [str(folder / "legacy.txt"), str(folder / "notes.rtf")]
    assert records[0]["sentences"][0]["text"] == "Le café est fermé."
    assert "skipped 1 file" in only_text.stderr and "page.html" in only_text.stderr
    default = invoke("score", folder, "-m", tiny_model_path, "-f", "jsonl")
    # UTF-8 by default: the legacy file and the page without an article are both named, the rest scored.
    assert default.exit_code == 2 and "legacy.txt: not UTF-8 text" in default.stderr
    assert "page.html: no main text found" in default.stderr and "--encoding cp1252" in default.stderr
    unknown = invoke("score", folder, "--encoding", "klingon", "-m", tiny_model_path)
    assert unknown.exit_code == 2 and "unknown encoding 'klingon'" in unknown.stderr


def test_every_score_option_is_documented_in_the_readme():
    from pathlib import Path

    import typer.main

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    command = typer.main.get_command(app).commands["score"]
    options = [name for param in command.params for name in param.opts if name.startswith("--")]
    missing = [name for name in options if f"`{name}" not in readme]
    assert not missing, f"options of 'detector score' missing from README.md: {missing}"

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
    rows = json.loads(invoke("techniques", "--json").stdout)
    assert [r["id"] for r in rows] == list(TECHNIQUE_IDS)


def test_score_json_has_the_documented_shape(article, tiny_model_path):
    result = invoke("score", article, "--model", tiny_model_path, "--format", "json")
    assert result.exit_code == 0, result.output
    documents = json.loads(result.stdout)
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
    document = json.loads(result.stdout.splitlines()[0])
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
    rows = list(csv.DictReader(io.StringIO(piped.stdout)))
    assert [r["text"] for r in rows] == ["One sentence.", "Two sentences."]
    assert rows[0]["document"] == "<stdin>" and set(rows[0]) >= {"start", "end", "score", "flagged", "techniques"}


def test_text_view_marks_flagged_sentences(article, tiny_model_path):
    result = invoke("score", article, "-m", tiny_model_path, "-f", "json")
    flagged = {s["text"] for s in json.loads(result.stdout)[0]["sentences"] if s["flagged"]}
    result = invoke("score", article, "-m", tiny_model_path)
    assert result.exit_code == 0 and "3 sentences" in result.output
    lines = result.stdout.splitlines()
    marked = {line[3:] for line in lines if line.startswith(">> ")}
    plain = {line[3:] for line in lines if line.startswith("   ") and not line.startswith("     ")}
    assert flagged and marked == flagged  # exactly the flagged sentences carry the marker
    assert "The council votes on Thursday." in plain | marked


def test_output_file_is_written_whole(article, tiny_model_path, tmp_path):
    out = tmp_path / "out" / "scores.json"
    result = invoke("score", article, "-m", tiny_model_path, "-f", "json", "-o", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == f"wrote 1 document, 3 sentences to {out}\n"
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
    report = json.loads(evaluated.stdout)
    assert set(report) == {"sentences", "any", "micro", "macro", "techniques"}
    assert report["sentences"] > 40 and set(report["techniques"]) == set(TECHNIQUE_IDS)


def test_evaluate_reads_the_ptc_layout(tiny_model_path, ptc_fixture):
    result = invoke("evaluate", ptc_fixture / "articles", "--labels", ptc_fixture / "labels",
                    "--model", tiny_model_path, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["sentences"] == 9


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
    record = json.loads(invoke("score", article, "-m", tiny_model_path, "-f", "jsonl").stdout)
    assert record["model"]["file"] == tiny_model_path.name and record["model"]["sha256"] == sha
    assert record["model"]["sensitivity"] == "balanced"
    rows = list(csv.DictReader(io.StringIO(invoke("score", article, "-m", tiny_model_path, "-f", "csv").stdout)))
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


def _commands():
    import typer.main

    return sorted(typer.main.get_command(app).commands)


# What recent typer prints for a parameter's Python type: <bool>, <str>, <int>, <path>,
# <float range>, <list[str]> ...  Placeholders that name a value (FILE, N) are upper case.
TYPE_MARKER = r"<[a-z][a-z ]*(\[[^\]]*\])?>"


@pytest.mark.parametrize("command", [[], *[[name] for name in _commands()]])
def test_help_names_values_not_python_types(command):
    import re

    result = invoke(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert not re.search(TYPE_MARKER, result.output), result.output


def test_the_marker_pattern_finds_what_typer_prints():
    import re

    for marker in ("<bool>", "<str>", "<int>", "<path>", "<float range>", "<list[str]>"):
        assert re.search(TYPE_MARKER, f"--x  {marker}  help"), marker
    assert not re.search(TYPE_MARKER, "a PTC directory of article<ID>.txt files")


def test_score_help_names_each_value():
    import re

    text = " ".join(invoke("score", "--help").output.split())
    for option, value in [("--model", "FILE"), ("--format", "FORMAT"), ("--output", "FILE"), ("--jobs", "N"),
                          ("--min-score", "X"), ("--sensitivity", "LEVEL")]:
        assert re.search(rf"{option}( -\w)? {value}\b", text), option


def test_version_and_shell_completion():
    from detector import DISTRIBUTION, __version__
    from detector.persistence import default_model_path, shipped_model_sha256

    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"{DISTRIBUTION} {__version__}" and DISTRIBUTION != "detector"
    assert f"{default_model_path().name}@{shipped_model_sha256()[:12]}" in result.stdout
    top = invoke("--help").output
    assert "--install-completion" in top and "--show-completion" in top and "--version" in top


def test_techniques_lists_the_codes_the_views_show(tiny_model_path, article):
    from detector.taxonomy import TECHNIQUES

    lines = invoke("techniques").stdout.splitlines()
    assert lines[0].split() == ["code", "technique", "definition"]
    listed = {line.split()[1]: line.split()[0] for line in lines[1:]}
    assert listed == {t.id: t.code for t in TECHNIQUES}
    assert {r["id"]: r["code"] for r in json.loads(invoke("techniques", "--json").stdout)} == listed
    # the terminal view tags a flagged sentence with the same code
    from detector import Detector, get_writer

    result = next(Detector.load(tiny_model_path).score_documents([("a", ARTICLE)]))
    view = get_writer("terminal", width=120).write(result)
    detected = [t.technique for s in result.sentences for t in s.techniques]
    assert detected and all(f"{listed[t]}:" in view for t in detected)  # badges read "LL:0.91"


def test_summary_follows_the_format(article, tiny_model_path):
    records = json.loads(invoke("score", article, article, "-m", tiny_model_path, "-f", "json", "--summary").stdout)
    assert [r["document"] for r in records] == [str(article)] * 2
    assert records[0]["sentences"] == 3 and set(records[0]) == {"document", "sentences", "flagged", "unclear",
                                                               "techniques", "model"}
    rows = list(csv.DictReader(io.StringIO(invoke("score", article, "-m", tiny_model_path, "-f", "csv",
                                                  "--summary").stdout)))
    assert len(rows) == 1 and rows[0]["sentences"] == "3"
    lines = invoke("score", article, "-m", tiny_model_path, "-f", "jsonl", "--summary").stdout.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["flagged"] == records[0]["flagged"]


@pytest.mark.parametrize("args, warnings", [
    (["-f", "json", "--csv-raw"], ["--csv-raw does not apply to --format json"]),
    (["-f", "csv", "--csv-raw", "--all-scores", "--explain"], []),
    (["-f", "jsonl", "--summary", "--all-scores", "--explain"],
     ["--all-scores does not apply to --summary", "--explain does not apply to --summary"]),
    (["-f", "csv", "--summary", "--csv-raw"], []),
    (["-f", "html", "--summary", "--all-scores", "--explain"], ["--summary does not apply to --format html"]),
    (["--min-score", "0.5", "--sensitivity", "precise"], ["--sensitivity does not apply with --min-score"]),
    (["--min-score", "0.5"], []),
    (["--text-column", "body"], ["--text-column applies only to .csv/.tsv inputs"]),
    (["--timeout", "5"], ["--timeout applies only to http(s) URLs"]),
    (["--glob", "*.md"], ["--glob applies only to directories"]),
])
def test_an_option_the_run_cannot_show_warns_once(args, warnings, article, tiny_model_path, tmp_path):
    result = invoke("score", article, article, "-m", tiny_model_path, "-o", tmp_path / "out", *args)
    assert result.exit_code == 0, result.output
    shown = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(shown) == len(warnings) and all(w in line for w, line in zip(warnings, shown, strict=True))
    if "html" in args:
        assert "<footer id=\"summary\">" in (tmp_path / "out").read_text(encoding="utf-8")


def test_text_column_is_quiet_when_a_table_is_scored(tmp_path, tiny_model_path):
    table = tmp_path / "t.csv"
    table.write_text("id,body\n1,One calm line.\n", encoding="utf-8")
    result = invoke("score", table, "-m", tiny_model_path, "-f", "jsonl", "--text-column", "body")
    assert result.exit_code == 0 and "warning" not in result.stderr, result.output


def test_the_closing_line_names_what_was_written_where(article, tiny_model_path, tmp_path):
    second = tmp_path / "b.txt"
    second.write_text("One calm line.\n", encoding="utf-8")
    to_stdout = invoke("score", article, second, "-m", tiny_model_path, "-f", "jsonl")
    assert to_stdout.stderr.splitlines()[-1] == "wrote 2 documents, 4 sentences to standard output"
    out = tmp_path / "summary.csv"
    summary = invoke("score", article, second, "-m", tiny_model_path, "-f", "csv", "--summary", "-o", out)
    assert summary.stderr == f"wrote a summary of 2 documents, 4 sentences to {out}\n"
    quiet = invoke("score", article, "-m", tiny_model_path, "-f", "jsonl", "-o", tmp_path / "q.jsonl", "--quiet")
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_readme_options_table_is_the_score_help():
    import re
    from pathlib import Path

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    start = readme.index("`detector score` options:")
    table = readme[start:readme.index("\n\n", readme.index("| option", start))]
    documented = set(re.findall(r"^\| `(--[a-z-]+)", table, flags=re.M))
    helped = set(re.findall(r"(--[a-z][a-z-]+)", invoke("score", "--help").output)) - {"--help"}
    assert documented == helped


def test_the_distribution_name_is_the_one_every_install_instruction_uses():
    import re
    import tomllib
    from pathlib import Path

    from detector import DISTRIBUTION

    root = Path(__file__).parents[1]
    assert tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"] == DISTRIBUTION
    # (the CHANGELOG tells the story of the old name, so it may say it)
    paths = [p for p in root.glob("*.md") if p.name != "CHANGELOG.md"] + sorted((root / "detector").glob("*.py"))
    # "pip install detector" or "detector[extra]" would install the unrelated PyPI package of that name
    wrong = re.compile(r"pip install ['\"]?detector(?![\w-])|(?<![\w-])detector\[")
    assert [p.name for p in paths if wrong.search(p.read_text(encoding="utf-8"))] == []
    assert wrong.search("pip install 'detector[dask]'") and not wrong.search("pip install 'propaganda-detector[dask]'")
    from detector.errors import missing_extra

    assert f"pip install '{DISTRIBUTION}[dask]'" in str(missing_extra("dask", "detector.dask"))


def test_score_training_format_reads_back_into_train(tmp_path, tiny_model_path, tiny_jsonl, monkeypatch):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (articles / "b.txt").write_text("The ferry left at noon. Crooked cowards have betrayed us all!\n", encoding="utf-8")
    predictions = tmp_path / "predictions.jsonl"
    scored = invoke("score", articles, "-m", tiny_model_path, "--format", "training", "-o", predictions)
    assert scored.exit_code == 0, scored.output
    records = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [str(articles / "a.txt"), str(articles / "b.txt")]
    assert records[0]["text"] == ARTICLE and records[0]["metadata"]["predicted_by"]["file"] == "tiny.skops"
    assert any(r["spans"] for r in records), "the tiny model flags nothing: the round trip tests nothing"
    for r in records:
        for span in r["spans"]:  # one span per evidence phrase, within the text
            assert 0 <= span["start"] < span["end"] <= len(r["text"]) and span["technique"] in TECHNIQUE_IDS
    checked = invoke("train", predictions, "--check")
    assert checked.exit_code == 0 and "valid; 2 documents" in checked.output
    # Corrected or not, the predictions train a model on top of a (here: tiny) base corpus.
    from detector import training

    monkeypatch.setattr(training, "shipped_corpus_path", lambda: tiny_jsonl)
    model = tmp_path / "mine.skops"
    trained = invoke("train", "--base", "default", "--add", predictions, "--out", model, "--folds", "2", "-q")
    assert trained.exit_code == 0, trained.output
    assert "documents and 2 of yours" in trained.output


def test_train_base_default_adds_the_users_files(tmp_path, tiny_jsonl, monkeypatch):
    from detector import training
    from detector.scoring import Detector

    monkeypatch.setattr(training, "shipped_corpus_path", lambda: tiny_jsonl)
    mine = tmp_path / "mine.jsonl"
    mine.write_text(json.dumps({"id": "m1", "text": "These traitors lied. The shop opens at nine.",
                                "spans": [{"start": 6, "end": 14, "technique": "name_calling"}]}) + "\n")
    more = tmp_path / "more.csv"
    more.write_text("text,labels\nWe must act now or lose everything.,fear_appeal\nLunch is at one.,\n")
    model = tmp_path / "mine.skops"
    result = invoke("train", "--base", "default", "--add", mine, "--add", more, "--out", model, "--folds", "2",
                    "--quiet")
    assert result.exit_code == 0, result.output
    meta = Detector.load(model).metadata
    assert meta["base"]["added_documents"] == 3 and meta["base"]["added_weight"] == 1.0
    assert meta["params"]["C"] == training.SHIPPED_C
    assert "documents and 3 of yours" in result.output


@pytest.mark.parametrize("args, message", [
    (["--add", "x.jsonl", "--out", "m.skops"], "--add needs --base default"),
    (["--base", "mine", "--out", "m.skops"], "unknown --base 'mine'"),
    (["--out", "m.skops"], "give the labelled DATA"),
])
def test_train_base_usage_errors(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("train", *args)
    assert result.exit_code == 2 and message in result.output


def test_train_never_overwrites_the_shipped_model(tiny_jsonl):
    from detector.persistence import default_model_path

    shipped = default_model_path()
    before = shipped.stat().st_mtime_ns
    for target in (shipped, shipped.with_suffix(".skops")):
        result = invoke("train", tiny_jsonl, "--out", target)
        assert result.exit_code == 2 and "is the shipped model" in result.output
    assert shipped.stat().st_mtime_ns == before and not shipped.with_suffix(".skops").exists()


def test_export_then_import_through_both_tools(tmp_path, tiny_jsonl):
    from detector.corpus import read_jsonl

    tasks, config = tmp_path / "tasks.json", tmp_path / "config.xml"
    exported = invoke("export", tiny_jsonl, "--to", "labelstudio", "-o", tasks, "--config", config)
    assert exported.exit_code == 0, exported.output
    assert "annotations" in json.loads(tasks.read_text())[0] and "<Labels" in config.read_text()
    back = tmp_path / "back.jsonl"
    imported = invoke("import", "labelstudio", tasks, "-o", back)
    assert imported.exit_code == 0, imported.output
    assert read_jsonl(back) == read_jsonl(tiny_jsonl)
    doccano = tmp_path / "doccano.jsonl"
    assert invoke("export", tiny_jsonl, "--to", "doccano", "-o", doccano).exit_code == 0
    to_stdout = invoke("import", "doccano", doccano)
    assert to_stdout.exit_code == 0 and len(to_stdout.stdout.splitlines()) == len(read_jsonl(tiny_jsonl))


@pytest.mark.parametrize("args, message", [
    (["import", "prodigy", "x.json"], "unknown annotation tool 'prodigy'"),
    (["import", "doccano", "missing.jsonl"], "no such file"),
    (["export", "data.jsonl", "--to", "doccano", "--as", "predictions"], "only apply to --to labelstudio"),
    (["export", "data.jsonl", "--to", "labelstudio", "--as", "guesses"], "unknown --as 'guesses'"),
])
def test_import_export_usage_errors(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.json").write_text("[]")
    (tmp_path / "data.jsonl").write_text('{"text": "Fine."}\n')
    result = invoke(*args)
    assert result.exit_code == 2 and message in result.output

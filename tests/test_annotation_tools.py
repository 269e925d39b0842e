import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.annotation_tools import (
    doccano_records,
    export_annotations,
    import_annotations,
    labelstudio_config,
    labelstudio_tasks,
    read_doccano,
    read_for_export,
    read_labelstudio,
)
from detector.corpus import Document, LabelledSpan, document_record, read_jsonl
from detector.errors import DataError
from detector.taxonomy import TECHNIQUE_IDS, TECHNIQUES, technique_for_label

FIXTURES = Path(__file__).parent / "fixtures" / "annotation_tools"


def spans_of(doc: Document) -> list[tuple[str, str]]:
    return [(doc.text[s.start:s.end], s.technique) for s in doc.spans]


def test_labelstudio_export_takes_the_latest_live_annotation_then_predictions():
    report = read_labelstudio(FIXTURES / "labelstudio_export.json")
    docs = {d.id: d for d in report.documents}
    assert set(docs) == {"101", "102", "103", "105"}  # 104 has neither annotation nor prediction
    assert (report.annotated, report.predicted, report.skipped) == (3, 1, 1)
    assert report.describe() == "4 documents, 1 of them from predictions nobody annotated, 1 task skipped " \
        "(no annotation or prediction)"
    # The cancelled annotation (Doubt) and the older prediction (Slogan) are not used; the choices
    # result of another control is no span.
    assert spans_of(docs["101"]) == [("reckless scheme", "loaded_language"),
                                     ("will bankrupt every family", "fear_appeal"),
                                     ("will bankrupt every family", "exaggeration")]
    assert docs["103"].spans == ()
    assert spans_of(docs["105"]) == [("everyone is joining", "bandwagon")]


def test_labelstudio_offsets_in_utf16_units_are_converted():
    doc = {d.id: d for d in read_labelstudio(FIXTURES / "labelstudio_export.json").documents}["102"]
    # The emoji before the second region counts two UTF-16 units in Label Studio, one code point here.
    assert spans_of(doc) == [("so-called planners", "name_calling"), ("with our parks", "loaded_language")]


def test_doccano_reads_every_variant():
    docs = read_doccano(FIXTURES / "doccano_export.jsonl").documents
    assert [d.id for d in docs] == ["7", "8", "9"]
    assert spans_of(docs[0]) == [("Crooked officials", "name_calling"), ("have sold our future", "loaded_language")]
    assert spans_of(docs[1]) == [("Either you back the plan or you hate this town", "black_and_white")]
    assert docs[2].spans == ()


def test_unknown_labels_name_the_record_and_the_label(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "Vote for us.", "label": [[0, 4, "Propaganda"]]}\n'
                    '{"text": "Act now.", "label": [[0, 3, "Propaganda"]]}\n'
                    '{"text": "Act now.", "label": [[0, 3, "Spin"]]}\n')
    with pytest.raises(DataError) as info:
        read_doccano(path)
    message = str(info.value)
    assert "'Propaganda' (line 1, 2 times in all)" in message and "'Spin' (line 3)" in message
    assert "loaded_language (Loaded language)" in message
    tasks = [{"id": 5, "data": {"text": "Vote for us."}, "annotations": [{"result": [
        {"type": "labels", "value": {"start": 0, "end": 4, "text": "Vote", "labels": ["PER"]}}]}]}]
    ls = tmp_path / "ls.json"
    ls.write_text(json.dumps(tasks))
    with pytest.raises(DataError, match=r"unknown label 'PER' \(task 1 \(id 5\)\)"):
        read_labelstudio(ls)


@pytest.mark.parametrize("tasks, message", [
    ({"not": "a list"}, "'data'"),
    ([{"data": {"body": "Hello there."}, "annotations": []}], r"no text in data\['text'\] \(string fields: 'body'"),
    ([{"data": {"text": "Hello there."}, "annotations": [{"result": [
        {"type": "labels", "value": {"start": 0, "end": 5, "text": "Howdy", "labels": ["Doubt"]}}]}]}],
     "does not hold its text 'Howdy'"),
    ([{"data": {"text": "Hi."}, "annotations": [{"result": [
        {"type": "labels", "value": {"start": 2, "end": 40, "labels": ["Doubt"]}}]}]}], "outside the text"),
    ([{"data": {"text": "Hi."}}], "no labelled tasks"),
])
def test_malformed_labelstudio_exports_are_clear_errors(tmp_path, tasks, message):
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks))
    with pytest.raises(DataError, match=message):
        read_labelstudio(path)


def test_labelstudio_text_key_names_the_field(tmp_path):
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([{"data": {"body": "Hello there."}, "annotations": [{"result": []}]}]))
    assert read_labelstudio(path, text_key="body").documents[0].text == "Hello there."


def test_malformed_doccano_records_are_clear_errors(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "Hello.", "label": ["positive"]}\n')
    with pytest.raises(DataError, match="line 1: each label must be"):
        read_doccano(path)


def test_labels_are_ids_or_names_in_any_case():
    for t in TECHNIQUES:
        assert technique_for_label(t.id) == t.id
        assert technique_for_label(t.name.upper()) == t.id
    assert technique_for_label("Name_Calling,Labeling") == "name_calling"  # PTC's label
    assert technique_for_label("propaganda") is None


# ---------------------------------------------------------------------- round trips

_ALPHABET = st.characters(blacklist_categories=("Cs",))


@st.composite
def labelled_documents(draw):
    text = draw(st.text(_ALPHABET, min_size=1, max_size=60))
    spans = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.append(LabelledSpan(start, end, draw(st.sampled_from(TECHNIQUE_IDS))))
    return Document(draw(st.text(_ALPHABET, min_size=1, max_size=8)), text, tuple(spans))


def _through_files(tmp_path: Path, documents: list[Document], tool: str, as_predictions: bool | None) -> list[Document]:
    ours = tmp_path / "ours.jsonl"
    ours.write_text("".join(json.dumps(document_record(d), ensure_ascii=False) + "\n" for d in documents),
                    encoding="utf-8")
    exported = tmp_path / ("tool.json" if tool == "labelstudio" else "tool.jsonl")
    with exported.open("w", encoding="utf-8") as fh:
        export_annotations(tool, ours, fh, as_predictions=as_predictions)
    back = tmp_path / "back.jsonl"
    with back.open("w", encoding="utf-8") as fh:
        import_annotations(tool, exported, fh)
    return read_jsonl(back)


@settings(max_examples=60, deadline=None)
@given(documents=st.lists(labelled_documents(), min_size=1, max_size=4))
def test_ours_to_labelstudio_to_ours_is_identity(tmp_path_factory, documents):
    tmp_path = tmp_path_factory.mktemp("ls")
    assert _through_files(tmp_path, documents, "labelstudio", as_predictions=False) == documents
    assert _through_files(tmp_path, documents, "labelstudio", as_predictions=True) == documents


@settings(max_examples=60, deadline=None)
@given(documents=st.lists(labelled_documents(), min_size=1, max_size=4))
def test_ours_to_doccano_to_ours_is_identity(tmp_path_factory, documents):
    assert _through_files(tmp_path_factory.mktemp("dc"), documents, "doccano", None) == documents


def test_exports_have_the_tools_shapes():
    doc = Document("d1", "A 🙂 shameful plan.", (LabelledSpan(4, 12, "loaded_language"),))
    task = next(labelstudio_tasks([doc]))
    value = task["annotations"][0]["result"][0]["value"]
    # Label Studio counts the emoji as two UTF-16 units; the region's text is what it shows.
    assert (value["start"], value["end"], value["text"], value["labels"]) == (5, 13, "shameful", ["Loaded language"])
    assert task["data"] == {"text": doc.text, "document_id": "d1"}
    predicted = next(labelstudio_tasks([doc], as_predictions=True, model_version="m1"))
    assert "annotations" not in predicted and predicted["predictions"][0]["model_version"] == "m1"
    assert next(doccano_records([doc])) == {"document_id": "d1", "text": doc.text,
                                            "label": [[4, 12, "Loaded language"]]}


def test_labelstudio_config_names_every_technique_as_exported():
    import xml.etree.ElementTree as ET

    root = ET.fromstring(labelstudio_config())
    labels = root.find("Labels")
    assert labels is not None and labels.get("name") == "label" and labels.get("toName") == "text"
    assert [e.get("value") for e in labels] == [t.name for t in TECHNIQUES]
    assert root.find("Text").get("value") == "$text"


def test_score_output_is_exported_as_predictions(tmp_path):
    scored = [{"document": "a.txt", "sentences": [
        {"start": 0, "end": 12, "text": "Harbour vote", "techniques": []},
        {"start": 13, "end": 39, "text": "This shameful plan failed!", "techniques": [
            {"technique": "loaded_language", "score": 0.9,
             "evidence": [{"start": 18, "end": 26, "text": "shameful"}]},
            {"technique": "exaggeration", "score": 0.7}]}]}]
    path = tmp_path / "scored.json"
    path.write_text(json.dumps(scored))
    with pytest.warns(UserWarning, match="rebuilt as spaces"):
        documents, predictions, _ = read_for_export(path)
    assert predictions
    doc = documents[0]
    assert doc.text[13:39] == "This shameful plan failed!" and doc.text[12] == " "
    assert spans_of(doc) == [("This shameful plan failed!", "exaggeration"), ("shameful", "loaded_language")]
    out = io.StringIO()
    with pytest.warns(UserWarning):
        report = export_annotations("labelstudio", path, out)
    assert report.as_predictions and "predictions" in json.loads(out.getvalue())[0]

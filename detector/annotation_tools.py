"""Label Studio and doccano: span exports in as training JSONL, training JSONL or predictions out.

The labelling loop runs through these tools: ``detector score --format training`` writes the
predictions as training records, ``export_annotations`` turns them into a tool's import
format, people correct them there, and ``import_annotations`` turns the tool's export back
into training records for ``detector train``.

* Label Studio: the JSON export of text tasks labelled with a ``Labels`` control: a list of
  tasks ``{"data": {"text": ...}, "annotations": [{"result": [{"value": {"start", "end",
  "text", "labels": [...]}}]}], "predictions": [...]}``.  A task's labels come from its latest
  annotation that was not cancelled, or, with none, from its latest prediction; a task with
  neither is skipped, since nobody said whether it holds a technique.  Label Studio counts
  offsets in UTF-16 code units, as JavaScript does, so offsets are converted both ways for
  texts with characters outside the Basic Multilingual Plane (most emoji); on import the
  region's ``text`` decides when it is given.
* doccano: sequence-labelling JSONL, ``{"text", "label": [[start, end, "TAG"], ...]}``, the
  older ``labels`` key or the newer ``entities: [{"start_offset", "end_offset", "label"}]``.
  Offsets count characters (code points).

Labels may be technique ids or names, in any case (``taxonomy.technique_for_label``); an
unknown label is a ``DataError`` naming the record and the label.  Exports write technique
names, which read well in the tools, and the document id (as ``document_id``), so a document
comes back as it went out.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import quoteattr

from .corpus import Document, LabelledSpan, document_record, predicted_document, read_jsonl
from .errors import DataError, DetectorError
from .readers import ReadError, jsonl_records, read_text
from .taxonomy import TECHNIQUES, get_technique, technique_for_label

__all__ = ["TOOLS", "ImportReport", "ExportReport", "read_labelstudio", "read_doccano", "labelstudio_tasks",
           "doccano_records", "labelstudio_config", "read_for_export", "import_annotations", "export_annotations"]

TOOLS = ("labelstudio", "doccano")
# The names the Label Studio labelling config gives its controls (labelstudio_config).
_FROM_NAME, _TO_NAME = "label", "text"


@dataclass(frozen=True)
class ImportReport:
    """What an import read: the documents, and where their labels came from."""

    documents: list[Document]
    annotated: int = 0
    predicted: int = 0
    skipped: int = 0

    def describe(self) -> str:
        parts = [f"{len(self.documents)} documents"]
        if self.predicted:
            parts.append(f"{self.predicted} of them from predictions nobody annotated")
        if self.skipped:
            parts.append(f"{self.skipped} task{'s' if self.skipped > 1 else ''} skipped (no annotation or prediction)")
        return ", ".join(parts)


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote: how many documents and spans, and as what."""

    documents: int
    spans: int
    as_predictions: bool


# ---------------------------------------------------------------------- labels and offsets


class _Labels:
    """Turns tool labels into technique ids, collecting the unknown ones for one clear error."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.unknown: dict[str, tuple[str, int]] = {}  # label -> (first record, count)

    def technique(self, label: object, record: str) -> str | None:
        technique = technique_for_label(label) if isinstance(label, str) else None
        if technique is None:
            first, count = self.unknown.get(str(label), (record, 0))
            self.unknown[str(label)] = (first, count + 1)
        return technique

    def check(self) -> None:
        if not self.unknown:
            return
        found = "; ".join(f"{label!r} ({first}" + (f", {n} times in all)" if n > 1 else ")")
                          for label, (first, n) in self.unknown.items())
        known = ", ".join(f"{t.id} ({t.name})" for t in TECHNIQUES)
        raise DataError(f"unknown label{'s' if len(self.unknown) > 1 else ''} {found}; a label must be a "
                        f"technique id or name: {known}", str(self.path))


def _has_astral(text: str) -> bool:
    return any(ord(c) > 0xFFFF for c in text)


def _utf16_index(text: str, index: int) -> int:
    """The UTF-16 offset of code point ``index`` of ``text``."""
    return index + sum(1 for c in text[:index] if ord(c) > 0xFFFF)


def _code_point_index(text: str, utf16: int) -> int | None:
    """The code point offset of UTF-16 offset ``utf16``, or None if it falls inside a surrogate pair."""
    units = 0
    for i, c in enumerate(text):
        if units == utf16:
            return i
        units += 2 if ord(c) > 0xFFFF else 1
        if units > utf16:
            return None
    return len(text) if units == utf16 else None


def _span(text: str, start: object, end: object, shown: object, record: str, path: Path,
          utf16: bool) -> tuple[int, int]:
    """Code point offsets of a region, checked against the text (and against ``shown`` when given)."""
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
        raise DataError(f"{record}: a region's start and end must be integers", str(path))
    candidates = []
    if utf16 and _has_astral(text):
        s16, e16 = _code_point_index(text, start), _code_point_index(text, end)
        if s16 is not None and e16 is not None:
            candidates.append((s16, e16))
    candidates.append((start, end))
    for s, e in candidates:
        if 0 <= s < e <= len(text) and (not isinstance(shown, str) or text[s:e] == shown):
            return s, e
    if not 0 <= start < end:
        raise DataError(f"{record}: a region's offsets {start}-{end} are not a stretch of text", str(path))
    if isinstance(shown, str):
        raise DataError(f"{record}: the region {start}-{end} does not hold its text {shown!r} "
                        f"(the text there is {text[start:end]!r})", str(path))
    raise DataError(f"{record}: offsets {start}-{end} fall outside the text (length {len(text)})", str(path))


# ---------------------------------------------------------------------- Label Studio


def _load_json(path: Path) -> object:
    text = read_text(path)
    if isinstance(text, ReadError):
        raise DataError(text.message, str(path))
    try:
        return json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise DataError(f"malformed JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})", str(path)) from None


def read_labelstudio(path: str | Path, text_key: str = "text") -> ImportReport:
    """Labelled documents from a Label Studio JSON export (a list of tasks, or one task).

    ``text_key`` is the ``data`` field holding the text (``$text`` in the labelling config).
    Raises ``DataError`` naming the task for malformed tasks and unknown labels.
    """
    path = Path(path)
    tasks = _load_json(path)
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise DataError("a Label Studio export is a JSON list of tasks", str(path))
    labels = _Labels(path)
    documents, annotated, predicted, skipped = [], 0, 0, 0
    for position, task in enumerate(tasks, 1):
        record = f"task {position}"
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise DataError(f"{record}: a task must be an object with 'data' (export with Label Studio's JSON "
                            "format, not JSON-MIN or CSV)", str(path))
        if "id" in task:
            record = f"task {position} (id {task['id']})"
        data = task["data"]
        text = data.get(text_key)
        if not isinstance(text, str):
            found = ", ".join(repr(k) for k, v in data.items() if isinstance(v, str)) or "none"
            raise DataError(f"{record}: no text in data[{text_key!r}] (string fields: {found}; "
                            "--text-key names the field)", str(path))
        chosen = _labelling(task, record, path)
        if chosen is None:
            skipped += 1
            continue
        source, results = chosen
        annotated += source == "annotations"
        predicted += source == "predictions"
        spans = []
        for result in results:
            value = result.get("value") if isinstance(result, dict) else None
            if not isinstance(value, dict) or "start" not in value or not isinstance(value.get("labels"), list):
                continue  # another control's result (choices, text areas, relations): not a span
            start, end = _span(text, value["start"], value.get("end"), value.get("text"), record, path, utf16=True)
            for label in value["labels"]:
                technique = labels.technique(label, record)
                if technique is not None:
                    spans.append(LabelledSpan(start, end, technique))
        doc_id = data.get("document_id", task.get("id", f"{path}:task{position}"))
        documents.append(Document(str(doc_id), text, tuple(spans)))
    labels.check()
    if not documents:
        raise DataError("no labelled tasks in the export" + (f" ({skipped} tasks had no annotation or prediction)"
                                                              if skipped else ""), str(path))
    return ImportReport(documents, annotated, predicted, skipped)


def _labelling(task: dict, record: str, path: Path) -> tuple[str, list] | None:
    """``(source, results)`` of the task's latest live annotation, else of its latest prediction."""
    for key in ("annotations", "completions", "predictions"):  # "completions": exports before Label Studio 1.0
        entries = task.get(key) or []
        if not isinstance(entries, list):
            raise DataError(f"{record}: {key!r} must be a list", str(path))
        live = [e for e in entries if isinstance(e, dict) and not e.get("was_cancelled")]
        if live:
            results = live[-1].get("result") or []
            if not isinstance(results, list):
                raise DataError(f"{record}: an annotation's 'result' must be a list", str(path))
            return ("predictions" if key == "predictions" else "annotations"), results
    return None


def labelstudio_tasks(documents: Iterable[Document], as_predictions: bool = False,
                      model_version: str | None = None) -> Iterator[dict]:
    """Label Studio tasks for documents: their spans as an annotation, or as a prediction to review.

    Offsets are written in UTF-16 code units, as Label Studio counts them.
    """
    for doc in documents:
        results = []
        for number, span in enumerate(doc.spans):
            value = {"start": _utf16_index(doc.text, span.start), "end": _utf16_index(doc.text, span.end),
                     "text": doc.text[span.start:span.end], "labels": [get_technique(span.technique).name]}
            results.append({"id": f"span-{number}", "from_name": _FROM_NAME, "to_name": _TO_NAME,
                            "type": "labels", "value": value})
        task: dict = {"data": {"text": doc.text, "document_id": doc.id}}
        if as_predictions:
            task["predictions"] = [{"model_version": model_version or "detector", "result": results}]
        else:
            task["annotations"] = [{"result": results}]
        yield task


def labelstudio_config() -> str:
    """A Label Studio labelling config for the exported tasks: one label per technique."""
    labels = "\n".join(f"    <Label value={quoteattr(t.name)}/>" for t in TECHNIQUES)
    return (f'<View>\n  <Labels name="{_FROM_NAME}" toName="{_TO_NAME}">\n{labels}\n  </Labels>\n'
            f'  <Text name="{_TO_NAME}" value="$text"/>\n</View>\n')


# ---------------------------------------------------------------------- doccano


def read_doccano(path: str | Path) -> ImportReport:
    """Labelled documents from a doccano sequence-labelling JSONL export.

    Raises ``DataError`` naming the line for malformed records and unknown labels.
    """
    path = Path(path)
    labels = _Labels(path)
    documents: list[Document] = []
    for lineno, record in jsonl_records(path):
        if isinstance(record, ReadError):
            raise DataError(record.message, str(path), record.line)
        where = f"line {lineno}"
        text = record.get("text", record.get("data"))
        if not isinstance(text, str):
            raise DataError(f"{where}: a doccano record needs its text in 'text'", str(path))
        spans = []
        for start, end, label in _doccano_regions(record, where, path):
            start, end = _span(text, start, end, None, where, path, utf16=False)
            technique = labels.technique(label, where)
            if technique is not None:
                spans.append(LabelledSpan(start, end, technique))
        doc_id = record.get("document_id", record.get("id", f"{path}:{lineno}"))
        documents.append(Document(str(doc_id), text, tuple(spans)))
    labels.check()
    if not documents:
        raise DataError("no records in the file", str(path))
    return ImportReport(documents, annotated=len(documents))


def _doccano_regions(record: dict, where: str, path: Path) -> Iterator[tuple[object, object, object]]:
    if "entities" in record:
        entities = record["entities"]
        if not isinstance(entities, list):
            raise DataError(f"{where}: 'entities' must be a list", str(path))
        for entity in entities:
            if not isinstance(entity, dict):
                raise DataError(f"{where}: an entity must be an object with start_offset, end_offset and label",
                                str(path))
            yield entity.get("start_offset"), entity.get("end_offset"), entity.get("label")
        return
    regions = record.get("label", record.get("labels", []))
    if not isinstance(regions, list):
        raise DataError(f"{where}: 'label' must be a list of [start, end, label]", str(path))
    for region in regions:
        if not isinstance(region, list) or len(region) != 3:
            raise DataError(f"{where}: each label must be [start, end, label], not {region!r} (a text "
                            "classification export has no spans)", str(path))
        yield region[0], region[1], region[2]


def doccano_records(documents: Iterable[Document]) -> Iterator[dict]:
    """doccano sequence-labelling records (``text``, ``label``) for documents."""
    for doc in documents:
        yield {"document_id": doc.id, "text": doc.text,
               "label": [[s.start, s.end, get_technique(s.technique).name] for s in doc.spans]}


# ---------------------------------------------------------------------- our side


def read_for_export(path: str | Path) -> tuple[list[Document], bool, str | None]:
    """``(documents, are_predictions, model)`` from training JSONL or ``detector score`` output.

    Training records written by ``score --format training`` are predictions (their
    ``metadata`` names the model); other training records are labels.  Score output (JSON
    or JSONL) holds no document text, only sentences: the text is rebuilt from them with
    spaces between the sentences (a warning says so), and each detected technique spans its
    evidence phrases, or its sentence.
    """
    path = Path(path)
    if not path.exists():
        raise DataError("no such file", str(path))
    if path.suffix.lower() == ".json":
        scored = _load_json(path)
        if not isinstance(scored, list) or not all(isinstance(r, dict) and "sentences" in r for r in scored):
            raise DataError("a .json file must be `detector score --format json` output", str(path))
        return _scored_documents(scored, path), True, None
    records = [r for _, r in jsonl_records(path)]
    first = next((r for r in records if isinstance(r, dict)), None)
    if first is not None and "sentences" in first and "document" in first:
        bad = next((r for r in records if isinstance(r, ReadError)), None)
        if bad is not None:
            raise DataError(bad.message, str(path), bad.line)
        return _scored_documents(records, path), True, None  # type: ignore[arg-type]
    documents = read_jsonl(path)
    model = next((r["metadata"]["predicted_by"] for r in records
                  if isinstance(r, dict) and isinstance(r.get("metadata"), dict) and "predicted_by" in r["metadata"]),
                 None)
    return documents, model is not None, _model_version(model)


def _model_version(model: object) -> str | None:
    if not isinstance(model, dict):
        return None
    return " ".join(str(model[k]) for k in ("file", "sha256") if model.get(k)) or None


def _scored_documents(results: Sequence[dict], path: Path) -> list[Document]:
    # Parts of one large file come as consecutive results with the same name: join them again.
    merged: list[dict] = []
    for result in results:
        if merged and merged[-1]["document"] == result.get("document"):
            merged[-1]["sentences"].extend(result["sentences"])
        else:
            merged.append({"document": result.get("document"), "sentences": list(result["sentences"])})
    documents = []
    for result in merged:
        sentences = result["sentences"]
        chars = [" "] * max((s["end"] for s in sentences), default=0)
        for s in sentences:
            if len(s["text"]) != s["end"] - s["start"]:
                raise DataError(f"{result['document']}: a sentence's text does not match its offsets", str(path))
            chars[s["start"]:s["end"]] = s["text"]
        documents.append(predicted_document(result, "".join(chars)))
    warnings.warn(f"{path}: score output holds sentences, not whole texts, so the text between sentences is "
                  "rebuilt as spaces; `detector score --format training` keeps the text", stacklevel=2)
    return documents


def _write_jsonl(records: Iterable[dict], stream: TextIO) -> None:
    for record in records:
        stream.write(json.dumps(record, ensure_ascii=False) + "\n")


def import_annotations(tool: str, path: str | Path, stream: TextIO, text_key: str = "text") -> ImportReport:
    """Convert a Label Studio or doccano export to training JSONL written to ``stream``."""
    if tool == "labelstudio":
        report = read_labelstudio(path, text_key=text_key)
    elif tool == "doccano":
        report = read_doccano(path)
    else:
        raise DetectorError(f"unknown annotation tool {tool!r}; use one of {', '.join(TOOLS)}")
    _write_jsonl((document_record(d) for d in report.documents), stream)
    return report


def export_annotations(tool: str, path: str | Path, stream: TextIO, as_predictions: bool | None = None) -> ExportReport:
    """Convert training JSONL or score output to ``tool``'s import format, written to ``stream``.

    For Label Studio the spans become predictions to review when they are predictions (score
    output, or ``score --format training``) and annotations otherwise; ``as_predictions``
    decides instead when given.  Label Studio gets a JSON list of tasks, doccano JSONL.
    """
    if tool not in TOOLS:
        raise DetectorError(f"unknown annotation tool {tool!r}; use one of {', '.join(TOOLS)}")
    documents, predictions, model_version = read_for_export(path)
    predictions = predictions if as_predictions is None else as_predictions
    if tool == "labelstudio":
        tasks = list(labelstudio_tasks(documents, predictions, model_version))
        stream.write(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")
    else:
        _write_jsonl(doccano_records(documents), stream)
    return ExportReport(len(documents), sum(len(d.spans) for d in documents), predictions and tool == "labelstudio")

"""Shared fixtures: a tiny corpus written for the tests and a model trained on it once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detector import Detector, Document, train
from detector.markup import parse_markup

FIXTURES = Path(__file__).parent / "fixtures"
PTC_FIXTURE = FIXTURES / "ptc"
SHARED_PTC = Path(__file__).resolve().parents[2] / "shared" / "data" / "ptc-train"


def tiny_documents() -> list[Document]:
    """The documents of ``fixtures/tiny.md``, parsed from their inline markup."""
    raw = (FIXTURES / "tiny.md").read_text(encoding="utf-8")
    body = "\n".join(line for line in raw.splitlines() if not line.startswith("#"))
    documents = []
    for number, block in enumerate(body.split("\n---\n")):
        text, spans = parse_markup(block.strip())
        documents.append(Document(f"tiny-{number:02d}", text, tuple(spans)))
    return documents


@pytest.fixture(scope="session")
def ptc_fixture() -> Path:
    """A few articles in the PTC layout, written for the tests (articles/ and labels/)."""
    return PTC_FIXTURE


@pytest.fixture(scope="session")
def documents() -> list[Document]:
    return tiny_documents()


@pytest.fixture(scope="session")
def tiny_jsonl(tmp_path_factory, documents) -> Path:
    path = tmp_path_factory.mktemp("data") / "tiny.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for doc in documents:
            spans = [{"start": s.start, "end": s.end, "technique": s.technique} for s in doc.spans]
            fh.write(json.dumps({"id": doc.id, "text": doc.text, "spans": spans}) + "\n")
    return path


@pytest.fixture(scope="session")
def tiny_detector(documents) -> Detector:
    return train(documents, threshold_folds=3)


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory, tiny_detector) -> Path:
    """The tiny model in the safe .skops format, which loads without trust."""
    path = tmp_path_factory.mktemp("model") / "tiny.skops"
    tiny_detector.save(path)
    return path


@pytest.fixture(scope="session")
def tiny_joblib_path(tmp_path_factory, tiny_detector) -> Path:
    """The tiny model as a joblib pickle, which loads only when trusted."""
    path = tmp_path_factory.mktemp("model") / "tiny.joblib"
    tiny_detector.save(path)
    return path

"""Compare the project's Punkt (``detector._punkt``) with NLTK's on real text: agreement and speed.

NLTK is only the reference here (install the ``test`` extra).  Every document is compared twice:
as a whole text, and as the line/paragraph chunks ``split_sentences`` hands to Punkt.  Every
difference is printed; the exit status is 1 if there is any.  Speed is measured on the chunks,
both implementations in the same run, alternating, best of ``--repeat`` rounds.

    python scripts/compare_punkt.py ../shared/data/open-text/*.jsonl
    python scripts/compare_punkt.py training_data/train.jsonl training_data/heldout.jsonl tests/fixtures
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from detector import segmentation  # noqa: E402


def _texts(path: Path) -> list[tuple[str, str]]:
    """``(name, text)`` of every document of a JSONL file (its ``text`` field), a text file or a folder."""
    if path.is_dir():
        return [doc for child in sorted(path.rglob("*")) if child.is_file() for doc in _texts(child)]
    if path.suffix == ".jsonl":
        out = []
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            record = json.loads(line) if line.strip() else {}
            if isinstance(record.get("text"), str):
                out.append((f"{path.name}:{record.get('id', number)}", record["text"]))
        return out
    try:
        return [(str(path), path.read_text("utf-8"))]
    except UnicodeDecodeError:
        return []


def _chunks(text: str) -> list[str]:
    """The pieces of ``text`` that ``split_sentences`` gives Punkt."""
    out = []
    for start, end in segmentation.text_blocks(text):
        block = text[start:end]
        if block.strip() and any(c in block for c in ".!?"):
            out.extend(chunk for _, chunk in segmentation._chunks(block))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="speed rounds (best is kept)")
    args = parser.parse_args()

    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    ours = segmentation._splitter()
    params = PunktParameters()
    params.abbrev_types = set(ours.abbreviations)
    reference = PunktSentenceTokenizer(params)

    documents = [doc for path in args.paths for doc in _texts(path)]
    differing_documents, differing_spans, compared_spans, whole_skipped = 0, 0, 0, 0
    all_chunks: list[str] = []
    for name, text in documents:
        chunks = _chunks(text)
        all_chunks.extend(chunks)
        pieces = [("chunk", chunk) for chunk in chunks]
        pieces.append(("whole", text))
        differs = False
        for kind, piece in pieces:
            try:
                expected = list(reference.span_tokenize(piece))
            except TimeoutError:  # NLTK gives up on some very long texts; nothing to compare with
                whole_skipped += 1
                continue
            got = ours.spans(piece)
            compared_spans += len(expected)
            if got != expected:
                differs = True
                wrong = set(expected) ^ set(got)
                differing_spans += len(wrong)
                print(f"DIFF {name} ({kind}): nltk-only {sorted(set(expected) - set(got))[:10]} "
                      f"ours-only {sorted(set(got) - set(expected))[:10]}")
        differing_documents += differs

    print(f"documents: {len(documents)}, chunks: {len(all_chunks)}, spans compared: {compared_spans}, "
          f"texts NLTK timed out on: {whole_skipped}")
    print(f"documents differing: {differing_documents}, spans differing: {differing_spans}")

    sentences = sum(len(ours.spans(chunk)) for chunk in all_chunks)
    best = {"nltk": float("inf"), "detector._punkt": float("inf")}
    for _ in range(args.repeat):
        for label, split in (("nltk", lambda c: list(reference.span_tokenize(c))), ("detector._punkt", ours.spans)):
            began = time.perf_counter()
            for chunk in all_chunks:
                split(chunk)
            best[label] = min(best[label], time.perf_counter() - began)
    for label, seconds in best.items():
        print(f"{label:>16}: {sentences} sentences in {seconds:.3f} s = {sentences / seconds:,.0f} sentences/s")
    print(f"speed-up: {best['nltk'] / best['detector._punkt']:.1f}x")
    return 1 if differing_documents else 0


if __name__ == "__main__":
    raise SystemExit(main())

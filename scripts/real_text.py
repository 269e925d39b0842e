"""Real, openly licensed text for the corpus: select excerpts, apply annotations, measure agreement.

The pool is ``../shared/data/open-text`` (one JSONL file per source, ``SOURCES.md`` beside it).
Excerpts become documents of ``training_data/source/rt-*.txt`` whose header keeps their
provenance::

    === id=rt-wn-0001 topic=world-news register=wire-report side=none source=wikinews_2019_2020 \
record=<record id> licence=CC-BY-2.5 part=1

Annotators do not edit the text. They write a span list (``FILE.spans``) and ``apply`` turns it
into the ``{{technique|words}}`` markup of the batch file, so the real text stays exactly as the
source gave it.  The span list format::

    ## rt-wn-0001
    loaded_language: slammed
    name_calling,loaded_language: radical left mob #2

Each line is comma-separated technique ids, a colon, and the exact words as they stand in the
document; ``#N`` picks the N-th occurrence where the words occur more than once.

    python scripts/real_text.py select                 # write the batch files (once; never overwrites)
    python scripts/real_text.py select --round N       # round N (2-4) from records and paragraphs not used
    python scripts/real_text.py apply BATCH.spans       # annotate training_data/source/BATCH.txt
    python scripts/real_text.py plain BATCH [DIR]       # the batch's text without markup (for blind review)
    python scripts/real_text.py export BATCH            # the batch's markup as a span list (to revise, then apply)
    python scripts/real_text.py check SPANS [BATCH]     # validate a span list without applying it
    python scripts/real_text.py agree SECOND.spans      # agreement of a blind second annotation with the corpus
    python scripts/real_text.py diff SECOND.spans       # the sentences where the two annotations disagree
    python scripts/real_text.py licences                # write training_data/LICENSES.md
    python scripts/real_text.py sources                 # the datasheet's table of real documents per source
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from detector.errors import DataError  # noqa: E402
from detector.markup import parse_markup  # noqa: E402
from detector.segmentation import split_sentences  # noqa: E402
from detector.taxonomy import TECHNIQUE_IDS, is_technique  # noqa: E402

POOL = ROOT.parent / "shared" / "data" / "open-text"
SOURCE_DIR = ROOT / "training_data" / "source"
# Annotated batches measured and kept out of training (training_data/DATASHEET.md says why); every
# command but the corpus build reads them as it reads source/.
HELD_BACK_DIR = ROOT / "training_data" / "held_back"


def _all_batches() -> list[Path]:
    """Every real-text batch file, in source/ and held_back/."""
    return sorted([*SOURCE_DIR.glob("rt-*.txt"), *HELD_BACK_DIR.glob("rt-*.txt")])


def _batch_path(name: str) -> Path:
    """The batch file called ``name`` (without ``.txt``), in source/ or else held_back/."""
    held = HELD_BACK_DIR / f"{name}.txt"
    path = held if held.is_file() and not (SOURCE_DIR / f"{name}.txt").is_file() else SOURCE_DIR / f"{name}.txt"
    if not path.is_file():
        raise DataError(f"no batch called {name!r} in {SOURCE_DIR.relative_to(ROOT)} "
                        f"or {HELD_BACK_DIR.relative_to(ROOT)}")
    return path


HEADER = re.compile(r"^=== (.*)$")

# Short licence codes for headers; the full terms and attribution lines are in training_data/LICENSES.md.
LICENCES = {
    "us_presidential_speeches": "public-domain",
    "us_congress_press_releases": "public-domain",
    "us_statements_of_administration_policy": "public-domain",
    "gutenberg_political_pamphlets": "public-domain",
    "uk_hansard_pm_contributions": "OPL-3.0",
    "uk_hansard_handeset": "OPL-3.0",
    "uk_scot_covid_briefing_statements": "OGL-3.0",
    "wikinews_2019_2020": "CC-BY-2.5",
    "wikinews_gum": "CC-BY-2.5",
    "wikinews_api_sample": "CC-BY-2.5",
    "wikipedia_npov_sentences": "CC-BY-SA-3.0",
}

# (source, id prefix, topic, register, how many excerpts, at most excerpts per record)
PLAN = [
    ("wikinews_2019_2020", "wn", "world-news", None, 268, 1),
    ("wikinews_gum", "wg", "world-news", None, 42, 1),
    ("wikinews_api_sample", "wa", "world-news", None, 22, 1),
    ("us_congress_press_releases", "pr", "us-politics", "press-release", 320, 1),
    ("us_statements_of_administration_policy", "sap", "us-politics", "policy-statement", 120, 1),
    ("uk_hansard_pm_contributions", "pm", "uk-politics", "parliamentary-debate", 160, 1),
    ("uk_hansard_handeset", "hd", "uk-politics", "parliamentary-debate", 110, 1),
    ("us_presidential_speeches", "ps", "us-politics", "speech", 80, 1),
    ("uk_scot_covid_briefing_statements", "cv", "public-health", "briefing", 30, 1),
    ("gutenberg_political_pamphlets", "gp", "historical", "pamphlet", 40, 1),
]
WIKI_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}")
# Sources first used in a later round: (id prefix, topic, register), as PLAN gives them for round 1.
LATER_SOURCES = {"wikipedia_npov_sentences": ("wp", "encyclopedia", "encyclopedia")}
BATCH_SIZE = 75
MIN_WORDS, TARGET_WORDS, MAX_WORDS = 150, 230, 340

SIDES = {
    "Democrat": "left", "Democratic": "left", "Labour": "left", "Lab": "left", "SNP": "left", "PC": "left",
    "Republican": "right", "Conservative": "right", "Con": "right", "DUP": "right", "UUP": "right",
    "IndCon": "right", "LD": "centre",
}


def side_of(record: dict) -> str:
    """The political side of a record's speaker; parties before 1913 and non-partisan text are ``none``."""
    if record.get("era") == "1789-1912":
        return "none"
    return SIDES.get(str(record.get("party") or ""), "none")


def chunks(text: str) -> list[str]:
    """Paragraphs, with any paragraph over MAX_WORDS cut into runs of whole sentences."""
    out = []
    for para in (p.strip() for p in re.split(r"\n\s*\n", text)):
        if not para:
            continue
        if len(para.split()) <= MAX_WORDS:
            out.append(para)
            continue
        run: list[str] = []
        for s in split_sentences(para):
            run.append(para[s.start:s.end])
            if len(" ".join(run).split()) >= TARGET_WORDS:
                out.append(" ".join(run))
                run = []
        if run:
            out.append(" ".join(run))
    return out


def _run(pieces: list[str], start: int, used: set[int] | frozenset[int] = frozenset()) -> tuple[list[int], int]:
    """The paragraphs from ``start`` that make one excerpt (indices, words): up to TARGET_WORDS,
    never past MAX_WORDS after the first, stopping at a paragraph in ``used``."""
    run, words, i = [], 0, start
    while i < len(pieces) and i not in used and words < TARGET_WORDS:
        n = len(pieces[i].split())
        if run and words + n > MAX_WORDS:
            break
        run.append(i)
        words += n
        i += 1
    return run, words


def excerpts(record: dict, rng: random.Random, limit: int, from_start: bool) -> list[tuple[int, str]]:
    """Up to ``limit`` excerpts of whole paragraphs, each at least MIN_WORDS words, as (part, text)."""
    pieces = chunks(record["text"])
    found: list[tuple[int, str]] = []
    starts = list(range(len(pieces)))
    if not from_start:
        rng.shuffle(starts)
    used: set[int] = set()
    for start in starts:
        if len(found) >= limit:
            break
        run, words = _run(pieces, start, used)
        if words >= MIN_WORDS:
            used.update(run)
            found.append((start + 1, "\n\n".join(pieces[j] for j in run)))
        if from_start:
            break
    return found


def select() -> int:
    existing = _all_batches()
    if existing:
        print(f"batch files exist already ({len(existing)}); select writes them once", file=sys.stderr)
        return 1
    rng = random.Random(20261201)
    docs: list[tuple[str, str]] = []  # (batch key, document text with header)
    for source, prefix, topic, register, quota, per_record in PLAN:
        records = [json.loads(line) for line in (POOL / f"{source}.jsonl").open(encoding="utf-8")]
        records = balanced(records, quota, rng, source)
        news = source.startswith("wikinews") or source == "us_congress_press_releases"
        n = 0
        for record in records:
            for part, text in excerpts(record, rng, per_record, from_start=news):
                n += 1
                reg = register or ("interview" if record.get("genre") == "interview" else "wire-report")
                headline = record.get("title", "").strip() if news and part == 1 else ""
                body = f"{headline}\n\n{text}" if headline else text
                header = (f"=== id=rt-{prefix}-{n:04d} topic={topic} register={reg} side={side_of(record)} "
                          f"source={source} record={record['id']} licence={LICENCES[source]} part={part}")
                docs.append((prefix, f"{header}\n{body}\n"))
        print(f"{source}: {n} excerpts")
    by_prefix: dict[str, list[str]] = {}
    for prefix, doc in docs:
        by_prefix.setdefault(prefix, []).append(doc)
    for prefix, items in by_prefix.items():
        for b in range(0, len(items), BATCH_SIZE):
            path = SOURCE_DIR / f"rt-{prefix}-{b // BATCH_SIZE + 1:02d}.txt"
            path.write_text("\n".join(items[b:b + BATCH_SIZE]), encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}: {len(items[b:b + BATCH_SIZE])} documents")
    return 0


# Later rounds: (source, how many excerpts, what to take); the id prefix, topic and register of a
# source are round 1's (``PLAN``).  "new" takes records no earlier round used; "next" takes, from the
# news records earlier rounds did use, the run of paragraphs that follows the last excerpt taken
# from them (round 1 began at the top); "whole" takes each record unused so far whole, as one
# document, for the sentence-level files whose records are single sentences.
ROUNDS = {
    2: [("wikinews_2019_2020", 150, "next"), ("us_congress_press_releases", 90, "next"),
        ("us_statements_of_administration_policy", 70, "new"), ("uk_hansard_pm_contributions", 90, "new"),
        ("uk_hansard_handeset", 60, "new"), ("us_presidential_speeches", 60, "new"),
        ("uk_scot_covid_briefing_statements", 20, "new"), ("gutenberg_political_pamphlets", 30, "new")],
    3: [("us_congress_press_releases", 120, "next"), ("wikinews_2019_2020", 75, "next"),
        ("us_statements_of_administration_policy", 24, "new"), ("uk_hansard_pm_contributions", 75, "new"),
        ("uk_hansard_handeset", 60, "new"), ("us_presidential_speeches", 60, "new"),
        ("uk_scot_covid_briefing_statements", 20, "new"), ("gutenberg_political_pamphlets", 30, "new")],
    4: [("uk_hansard_pm_contributions", 90, "new"), ("uk_hansard_handeset", 75, "new"),
        ("us_presidential_speeches", 34, "new"), ("gutenberg_political_pamphlets", 40, "new"),
        ("uk_scot_covid_briefing_statements", 24, "new"), ("us_congress_press_releases", 30, "next"),
        ("wikinews_2019_2020", 30, "next")],
    # Round 5: Wikipedia sentences, plain encyclopedic statements (many naming parties,
    # ideologies and movements) and ones Wikipedia editors rewrote for neutrality, each a
    # document of one sentence. The source's biased/neutral labels are not shown to annotators.
    5: [("wikipedia_npov_sentences", 2000, "whole")],
}
ERAS = {2: {("1977-2020", "left"): 20, ("1977-2020", "right"): 20, ("1913-1976", "left"): 6,
            ("1913-1976", "right"): 6, ("1789-1912", "none"): 8},
        3: {("1977-2020", "left"): 18, ("1977-2020", "right"): 18, ("1913-1976", "left"): 8,
            ("1913-1976", "right"): 8, ("1789-1912", "none"): 8},
        # Round 4: the modern speeches are all used; the rest of the middle era and older ones.
        4: {("1913-1976", "left"): 12, ("1913-1976", "right"): 12, ("1789-1912", "none"): 10}}


def _existing_documents() -> tuple[Counter, dict[str, int]]:
    """Excerpts taken so far per (source, record), and the highest document number per id prefix,
    over every rt-* batch."""
    taken: Counter = Counter()
    numbers: dict[str, int] = {}
    for path in _all_batches():
        for header, doc_id, _ in read_batch(path):
            fields = header_fields(header)
            taken[(fields["source"], fields["record"])] += 1
            prefix, number = doc_id.rsplit("-", 1)
            numbers[prefix] = max(numbers.get(prefix, 0), int(number))
    return taken, numbers


def following_excerpt(record: dict, taken: int) -> tuple[int, str] | None:
    """The run of whole paragraphs after the first ``taken`` runs from the start (as
    ``excerpts(from_start=True)`` cuts them), if it has MIN_WORDS."""
    pieces = chunks(record["text"])
    start = 0
    for _ in range(taken):  # skip the runs the earlier rounds took
        start += len(_run(pieces, start)[0])
    run, words = _run(pieces, start)
    return (start + 1, "\n\n".join(pieces[j] for j in run)) if words >= MIN_WORDS else None


def select_round(number: int) -> int:
    """Write a later round's batch files (``rt-PREFIX-rN-BB.txt``); never overwrites."""
    existing = [p for p in _all_batches() if re.fullmatch(rf"rt-.*-r{number}-\d+\.txt", p.name)]
    if existing:
        print(f"round {number} batch files exist already ({len(existing)}); select writes them once", file=sys.stderr)
        return 1
    taken, numbers = _existing_documents()
    rng = random.Random(20261200 + number)
    by_prefix: dict[str, list[str]] = {}
    kinds = {source: (prefix, topic, register) for source, prefix, topic, register, _, _ in PLAN} | LATER_SOURCES
    for source, quota, take in ROUNDS[number]:
        prefix, topic, register = kinds[source]
        records = [json.loads(line) for line in (POOL / f"{source}.jsonl").open(encoding="utf-8")]
        records = [r for r in records if (taken[(source, r["id"])] > 0) == (take == "next")]
        if source == "us_presidential_speeches":
            records = balanced(records, quota, rng, source, eras=ERAS[number])
        else:
            records = interleaved(records, rng)
        n, doc_number = 0, numbers.get(f"rt-{prefix}", 0)
        for record in records:
            if n >= quota:
                break
            if take == "next":
                found = following_excerpt(record, taken[(source, record["id"])])
                picked = [found] if found else []
            elif take == "whole":
                # A wiki template left in a sentence ("most{{cn}} of the parties", a citation-needed
                # tag) is markup, not words, and would read as a technique marker: it is dropped.
                picked = [(1, WIKI_TEMPLATE.sub("", record["text"]).strip())]
            else:
                picked = excerpts(record, rng, 1, from_start=False)
            for part, text in picked:
                n += 1
                doc_number += 1
                reg = register or ("interview" if record.get("genre") == "interview" else "wire-report")
                header = (f"=== id=rt-{prefix}-{doc_number:04d} topic={topic} register={reg} "
                          f"side={side_of(record)} source={source} record={record['id']} "
                          f"licence={LICENCES[source]} part={part}")
                by_prefix.setdefault(prefix, []).append(f"{header}\n{text}\n")
        print(f"{source}: {n} excerpts")
    for prefix, items in by_prefix.items():
        for b in range(0, len(items), BATCH_SIZE):
            path = SOURCE_DIR / f"rt-{prefix}-r{number}-{b // BATCH_SIZE + 1:02d}.txt"
            path.write_text("\n".join(items[b:b + BATCH_SIZE]), encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}: {len(items[b:b + BATCH_SIZE])} documents")
    return 0


def interleaved(records: list[dict], rng: random.Random) -> list[dict]:
    """The records shuffled, then the sides taken in turn (left, right, ..., and one of any other side
    after every five), so that the first ``n`` of them are balanced.  A record whose excerpt comes
    out too short is skipped and not replaced from its side, so the excerpts taken can drift apart
    by side (``sources`` counts them)."""
    records = sorted(records, key=lambda r: r["id"])
    rng.shuffle(records)
    queues: dict[str, list[dict]] = {}
    for r in records:
        queues.setdefault(side_of(r), []).append(r)
    main = [s for s in ("left", "right") if s in queues] or list(queues)
    others = [r for s, q in queues.items() if s not in main for r in q]
    out: list[dict] = []
    turn = 0
    while any(queues[s] for s in main) or others:
        if others and (turn % 6 == 5 or not any(queues[s] for s in main)):
            out.append(others.pop(0))
        else:
            side = main[turn % len(main)]
            if queues[side]:
                out.append(queues[side].pop(0))
            elif not any(queues[s] for s in main):
                break
        turn += 1
    return out


def balanced(records: list[dict], quota: int, rng: random.Random, source: str,
             eras: dict[tuple[str, str], int] | None = None) -> list[dict]:
    """``quota`` records, equal numbers per side where the source has sides, mostly after 1980 for speeches."""
    records = sorted(records, key=lambda r: r["id"])
    rng.shuffle(records)
    if source == "us_presidential_speeches":
        # Mostly modern material, every era represented, the parties equal within each era.
        wanted = eras or {("1977-2020", "left"): 25, ("1977-2020", "right"): 25, ("1913-1976", "left"): 9,
                          ("1913-1976", "right"): 9, ("1789-1912", "none"): 12}
        out = []
        for (era, side), k in wanted.items():
            out += [r for r in records if r["era"] == era and side_of(r) == side][:k]
        return out
    sides = Counter(side_of(r) for r in records)
    if len(sides) == 1:
        return records[:quota]
    main = [s for s in ("left", "right") if sides[s]]
    others = [r for r in records if side_of(r) not in main]
    n_other = min(len(others), quota // 6) if others else 0
    per_side = (quota - n_other) // len(main)
    out = [r for s in main for r in [x for x in records if side_of(x) == s][:per_side]]
    return out + others[:n_other]


# ---- span lists --------------------------------------------------------------------------------

def header_fields(header: str) -> dict[str, str]:
    """The ``key=value`` fields of a document's ``=== ...`` header line."""
    return dict(kv.split("=", 1) for kv in header[4:].split() if "=" in kv)


def read_labelled_batch(path: Path) -> list[tuple[str, str, str, list[tuple[int, int, list[str]]]]]:
    """(header line, document id, plain text, spans) for each document of a batch file; a span
    is (start, end, [technique]) in the plain text, one per technique of a marker."""
    docs: list[tuple[str, str, str, list[tuple[int, int, list[str]]]]] = []
    header, body = None, []

    def finish() -> None:
        if header is not None:
            text, labelled = parse_markup("\n".join(line.rstrip() for line in body).strip("\n"), path.name)
            docs.append((header, header_fields(header)["id"], text,
                         [(x.start, x.end, [x.technique]) for x in labelled]))

    for line in path.read_text(encoding="utf-8").splitlines():
        if HEADER.match(line):
            finish()
            header, body = line, []
        else:
            body.append(line)
    finish()
    return docs


def read_batch(path: Path) -> list[tuple[str, str, str]]:
    """(header line, document id, plain text) for each document of a batch file (markup removed)."""
    return [(header, doc_id, text) for header, doc_id, text, _ in read_labelled_batch(path)]


def read_spans(path: Path, texts: dict[str, str]) -> tuple[dict[str, list[tuple[int, int, list[str]]]], list[str]]:
    """Parse a span list against the documents' texts; return spans per document and error messages."""
    spans: dict[str, list[tuple[int, int, list[str]]]] = {}
    errors: list[str] = []
    doc = None
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        where = f"{path.name}:{lineno}"
        if line.startswith("##"):
            doc = line[2:].strip()
            if doc not in texts:
                errors.append(f"{where}: unknown document {doc!r}")
                doc = None
            else:
                spans.setdefault(doc, [])
            continue
        if doc is None:
            errors.append(f"{where}: span outside a known document")
            continue
        if line.lower() in {"(none)", "none", "-"}:
            continue
        ids_part, sep, words = line.partition(":")
        if not sep:
            errors.append(f"{where}: expected 'ids: words'")
            continue
        ids = [t.strip() for t in ids_part.split(",") if t.strip()]
        bad = [t for t in ids if not is_technique(t)]
        if bad or not ids:
            errors.append(f"{where}: unknown technique {', '.join(bad) or '(none)'}")
            continue
        words = words.strip()
        nth = 0
        m = re.search(r"\s+#(\d+)$", words)
        if m:
            nth = int(m.group(1))
            words = words[:m.start()]
        text = texts[doc]
        hits = [h.start() for h in re.finditer(re.escape(words), text)] if words else []
        if not hits:
            errors.append(f"{where}: words not found in {doc}: {words!r}")
            continue
        if nth == 0 and len(hits) > 1:
            errors.append(f"{where}: {words!r} occurs {len(hits)} times in {doc}; add #1 .. #{len(hits)}")
            continue
        if nth > len(hits):
            errors.append(f"{where}: {words!r} occurs only {len(hits)} times in {doc}")
            continue
        start = hits[max(nth, 1) - 1]
        end = start + len(words)
        # The corpus keeps spans on word boundaries (tests/test_training_data.py); a span that
        # cuts a word (text run together in the source, "electionmuch") must start after it.
        if (start > 0 and text[start - 1].isalnum() and text[start].isalnum()) or (
                end < len(text) and text[end - 1].isalnum() and text[end].isalnum()):
            errors.append(f"{where}: {words!r} starts or ends inside a word in {doc}; span whole words")
            continue
        spans[doc].append((start, end, ids))
    for doc, items in spans.items():
        merged: dict[tuple[int, int], list[str]] = {}
        for a, b, ids in items:
            merged.setdefault((a, b), [])
            merged[(a, b)] += [t for t in ids if t not in merged[(a, b)]]
        ordered = sorted(merged.items())
        for (a1, b1), _ in ordered:
            for (a2, b2), _ in ordered:
                if (a1, b1) < (a2, b2) and a2 < b1:
                    errors.append(f"{path.name}: overlapping spans in {doc}: "
                                  f"{texts[doc][a1:b1]!r} and {texts[doc][a2:b2]!r} "
                                  "(split them or give one span both ids)")
        spans[doc] = [(a, b, ids) for (a, b), ids in ordered]
    return spans, errors


def apply(spans_path: Path) -> int:
    batch = _batch_path(spans_path.name.split(".")[0])
    docs = read_batch(batch)
    texts = {doc_id: text for _, doc_id, text in docs}
    spans, errors = read_spans(spans_path, texts)
    missing = [d for d in texts if d not in spans]
    if missing:
        errors.append(f"{spans_path.name}: no '## id' section for {len(missing)} documents: "
                      f"{', '.join(missing[:5])} ...")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    out = []
    for header, doc_id, text in docs:
        marked, position = [], 0
        for a, b, ids in spans.get(doc_id, []):
            marked.append(text[position:a])
            marked.append("{{" + ",".join(ids) + "|" + text[a:b] + "}}")
            position = b
        marked.append(text[position:])
        out.append(f"{header}\n{''.join(marked)}\n")
    batch.write_text("\n".join(out), encoding="utf-8")
    n = sum(len(v) for v in spans.values())
    shown = batch.relative_to(ROOT) if batch.is_relative_to(ROOT) else batch
    print(f"{shown}: {len(docs)} documents, {n} spans")
    return 0


def plain(batch_name: str, out_dir: Path) -> int:
    batch = _batch_path(batch_name)
    docs = read_batch(batch)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / batch.name).write_text("\n".join(f"{h}\n{t}\n" for h, _, t in docs), encoding="utf-8")
    print(f"wrote {out_dir / batch.name}")
    return 0


def sentence_labels(text: str, spans: list[tuple[int, int, list[str]]]) -> list[set[str]]:
    return [{t for a, b, ids in spans if a < s.end and b > s.start for t in ids} for s in split_sentences(text)]


def check(spans_path: Path, batch: Path | None = None) -> int:
    """Validate a span list against its batch file (default: the batch the span list is named for)."""
    batch = batch or _batch_path(spans_path.name.split(".")[0])
    texts = {doc_id: text for _, doc_id, text in read_batch(batch)}
    spans, errors = read_spans(spans_path, texts)
    missing = [d for d in texts if d not in spans]
    if missing:
        errors.append(f"{spans_path.name}: no '## id' section for {len(missing)} documents: "
                      f"{', '.join(missing[:5])} ...")
    print("\n".join(errors) if errors else f"{spans_path.name}: {len(spans)} documents, "
          f"{sum(len(v) for v in spans.values())} spans, no errors")
    return 1 if errors else 0


def _corpus_annotations() -> dict[str, tuple[str, list[tuple[int, int, list[str]]]]]:
    """The first annotation of every real document: plain text and spans, by document id."""
    return {doc_id: (text, spans) for path in _all_batches() for _, doc_id, text, spans in read_labelled_batch(path)}


def export(batch_name: str) -> int:
    """Print a batch's current markup as a span list, which ``apply`` turns back into the same markup."""
    for _, doc_id, text, spans in read_labelled_batch(_batch_path(batch_name)):
        grouped: dict[tuple[int, int], list[str]] = {}
        for start, end, ids in spans:  # the markup gives one span per id; a line carries them all
            bucket = grouped.setdefault((start, end), [])
            bucket.extend(t for t in ids if t not in bucket)
        print(f"## {doc_id}")
        if not grouped:
            print("(none)")
        for (start, end), ids in sorted(grouped.items()):
            words = text[start:end]
            hits = [m.start() for m in re.finditer(re.escape(words), text)]
            if start not in hits:  # an occurrence ``#N`` cannot reach (it overlaps an earlier one)
                raise DataError(f"{doc_id}: the span {words!r} at {start} cannot be written as a span list line")
            suffix = f" #{hits.index(start) + 1}" if len(hits) > 1 else ""
            print(f"{','.join(ids)}: {words}{suffix}")
        print()
    return 0


def diff(second: Path) -> int:
    """Print every sentence where the corpus and a second annotation disagree."""
    docs = _corpus_annotations()
    spans_b, errors = read_spans(second, {k: v[0] for k, v in docs.items()})
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    for doc_id, spans in spans_b.items():
        text, spans_a = docs[doc_id]
        units = zip(split_sentences(text), sentence_labels(text, spans_a), sentence_labels(text, spans), strict=True)
        for s, la, lb in units:
            if la != lb:
                words_a = [f"{','.join(i)}: {text[a:b]}" for a, b, i in spans_a if a < s.end and b > s.start]
                words_b = [f"{','.join(i)}: {text[a:b]}" for a, b, i in spans if a < s.end and b > s.start]
                print(f"## {doc_id}\nSENTENCE: {s.text}\nFIRST:  {words_a}\nSECOND: {words_b}\n")
    return 0


def agree(second: Path) -> int:
    """Cohen's kappa for any technique and per-technique F1 between the corpus and a second annotation.

    The first annotation is the markup of the ``rt-*`` batch files; ``second`` is a span list of some
    of the same documents, made blind to the first.
    """
    docs = _corpus_annotations()
    texts = {k: v[0] for k, v in docs.items()}
    spans_b, errors = read_spans(second, texts)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    a_labels: list[set[str]] = []
    b_labels: list[set[str]] = []
    for doc_id in spans_b:
        text, spans_a = docs[doc_id]
        a_labels += sentence_labels(text, spans_a)
        b_labels += sentence_labels(text, spans_b[doc_id])
    print(json.dumps({"documents": len(spans_b), **agreement(a_labels, b_labels)}, indent=1))
    return 0


def agreement(a: list[set[str]], b: list[set[str]]) -> dict:
    """Sentence-level agreement: any-technique Cohen's kappa and F1 of ``b`` against ``a`` per technique."""
    n = len(a)
    pa = [bool(x) for x in a]
    pb = [bool(x) for x in b]
    observed = sum(x == y for x, y in zip(pa, pb, strict=True)) / n
    pa1, pb1 = sum(pa) / n, sum(pb) / n
    expected = pa1 * pb1 + (1 - pa1) * (1 - pb1)
    kappa = (observed - expected) / (1 - expected) if expected < 1 else 1.0
    per = {}
    for t in TECHNIQUE_IDS:
        tp = sum(t in x and t in y for x, y in zip(a, b, strict=True))
        fa = sum(t in x for x in a)
        fb = sum(t in y for y in b)
        per[t] = {"first": fa, "second": fb, "f1": round(2 * tp / (fa + fb), 3) if fa + fb else None}
    return {"sentences": n, "any_first": sum(pa), "any_second": sum(pb),
            "any_kappa": round(kappa, 3), "per_technique": per}


def sources() -> int:
    """Print the datasheet's table of the real documents per source, from the built corpus."""
    data = ROOT / "training_data"
    rows: dict[str, Counter] = {}
    sides: dict[str, Counter] = {}
    for split in ("train", "heldout"):
        for line in (data / f"{split}.jsonl").open(encoding="utf-8"):
            record = json.loads(line)
            if not record["id"].startswith("rt-"):
                continue
            spans = [(s["start"], s["end"], [s["technique"]]) for s in record.get("spans", [])]
            labels = sentence_labels(record["text"], spans)
            row = rows.setdefault(record["source"], Counter())
            row["excerpts"] += 1
            row["held out"] += split == "heldout"
            row["sentences"] += len(labels)
            row["with a technique"] += sum(1 for x in labels if x)
            sides.setdefault(record["source"], Counter())[record["side"]] += 1
    print("| source | licence | excerpts | held out | sentences | with a technique | sides |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    total: Counter = Counter()
    for source, row in sorted(rows.items(), key=lambda kv: -kv[1]["excerpts"]):
        total.update(row)
        side_text = ", ".join(f"{k} {v}" for k, v in sorted(sides[source].items()))
        share = row["with a technique"] / max(row["sentences"], 1)
        print(f"| `{source}` | `{LICENCES[source]}` | {row['excerpts']} | {row['held out']} | {row['sentences']} "
              f"| {row['with a technique']} ({share:.1%}) | {side_text} |")
    share = total["with a technique"] / max(total["sentences"], 1)
    print(f"| **all real** | | {total['excerpts']} | {total['held out']} | {total['sentences']} "
          f"| {total['with a technique']} ({share:.1%}) | |")
    return 0


LICENCE_NAMES = {
    "public-domain": "Public domain in the USA (17 U.S.C. § 105 for US federal works; "
                     "published before 1930 for the pamphlets)",
    "OPL-3.0": "Open Parliament Licence v3.0",
    "OGL-3.0": "Open Government Licence v3.0",
    "CC-BY-2.5": "Creative Commons Attribution 2.5 (CC BY 2.5)",
    "CC-BY-SA-3.0": "Creative Commons Attribution-ShareAlike 3.0 (CC BY-SA 3.0): the sentences, and any "
                    "adaptation of them, are shared under the same licence",
}
ATTRIBUTION = {
    "us_presidential_speeches": "Presidential speech transcripts via the Miller Center of Public Affairs, "
                                "University of Virginia; compiled by Karl Fogel. (courtesy; not legally required)",
    "uk_hansard_pm_contributions": "Contains Parliamentary information licensed under the Open Parliament "
                                   "Licence v3.0.",
    "uk_hansard_handeset": "Contains Parliamentary information licensed under the Open Parliament Licence v3.0. "
                           "Selection from HanDeSeT (Abercrombie & Batista-Navarro, 2018).",
    "gutenberg_political_pamphlets": "Public-domain texts transcribed by Project Gutenberg volunteers. (courtesy)",
    "us_congress_press_releases": "Congressional press releases compiled by Derek Willis (dwillis/congress-press). "
                                  "(courtesy)",
    "us_statements_of_administration_policy": "Statements of Administration Policy, Executive Office of the "
                                              "President / OMB; archive by the unitedstates project (Flatgov team). "
                                              "(courtesy)",
    "uk_scot_covid_briefing_statements": "Contains public sector information licensed under the Open Government "
                                         "Licence v3.0.",
    "wikipedia_npov_sentences": "Text from English Wikipedia, Wikipedia contributors, CC BY-SA 3.0. Sentences "
                                "selected by Hube & Fetahu (WSDM 2019); their biased/neutral labels are not used.",
}


def licences() -> int:
    """Write ``training_data/LICENSES.md``: every real source, its licence and attribution lines."""
    used: dict[str, list[tuple[str, str, str]]] = {}
    for path in _all_batches():
        for header, doc_id, _ in read_batch(path):
            fields = header_fields(header)
            used.setdefault(fields["source"], []).append((doc_id, fields["record"], fields["licence"]))
    records: dict[str, dict] = {}
    for source in used:
        for line in (POOL / f"{source}.jsonl").open(encoding="utf-8"):
            record = json.loads(line)
            records[record["id"]] = record
    out = ["# Licences of the real text in this corpus", "",
           "The documents whose ids begin with `rt-` (in `source/`, and the batches in `held_back/` that",
           "training leaves out) are excerpts of real, openly licensed text, kept exactly",
           "as published; their header names the source file (`source=`), the record (`record=`), the licence",
           "(`licence=`) and which excerpt of the record it is (`part=`). Changes made: excerpted at paragraph",
           "(or sentence) boundaries and annotated with technique spans; the words are unchanged. Each part",
           "keeps its source's licence, and anyone redistributing it must carry the attribution lines below.",
           "The rest of the corpus was written for the project and is under the project's MIT licence.",
           "Written by `python scripts/real_text.py licences`.", "",
           "| source | licence | excerpts | attribution |", "| --- | --- | --- | --- |"]
    for source, items in sorted(used.items()):
        code = items[0][2]
        attribution = ATTRIBUTION.get(source, "one line per article, listed below")
        out.append(f"| `{source}` | `{code}`: {LICENCE_NAMES[code]} | {len(items)} | {attribution} |")
    for source, items in sorted(used.items()):
        if not source.startswith("wikinews"):
            continue
        out += ["", f"## `{source}`: Wikinews articles used (CC BY 2.5)", ""]
        for doc_id, record_id, _ in items:
            record = records[record_id]
            origin = record.get("url_or_origin", "")
            match = re.search(r"\(original: ([^)\s]+)\)", origin)
            url = match.group(1) if match else origin
            title = record.get("title", "")
            out.append(f"- {doc_id}: From Wikinews ({title}, {url}), CC BY 2.5, Wikinews contributors.")
    path = ROOT / "training_data" / "LICENSES.md"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] in (["--help"], ["-h"]):
        print(__doc__)
        return 0
    try:
        if argv[:2] == ["select", "--round"] and len(argv) == 3 and argv[2] in {str(n) for n in ROUNDS}:
            return select_round(int(argv[2]))
        if argv == ["select"]:
            return select()
        if argv[:1] == ["apply"] and len(argv) == 2:
            return apply(Path(argv[1]))
        if argv[:1] == ["plain"] and len(argv) in (2, 3):
            return plain(argv[1], Path(argv[2]) if len(argv) == 3 else Path("."))
        if argv[:1] == ["check"] and len(argv) in (2, 3):
            return check(Path(argv[1]), Path(argv[2]) if len(argv) == 3 else None)
        if argv[:1] == ["export"] and len(argv) == 2:
            return export(argv[1])
        if argv == ["sources"]:
            return sources()
        if argv[:1] == ["licences"]:
            return licences()
        if argv[:1] == ["diff"] and len(argv) == 2:
            return diff(Path(argv[1]))
        if argv[:1] == ["agree"] and len(argv) >= 2:
            return agree(Path(argv[1])) if len(argv) == 2 else max(agree(Path(a)) for a in argv[1:])
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

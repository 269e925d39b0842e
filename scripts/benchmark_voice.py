"""Score detector.voice on the hand-labelled sentences of tests/fixtures/voice_sentences.jsonl.

    python scripts/benchmark_voice.py [--errors]

Prints precision, recall and F1 of "quoted" and of "author", and the speaker accuracy on the
quoted sentences that have a labelled speaker: exact match after normalising case, white
space and a leading "the" (and, as a looser figure, a match where one name contains the
other, e.g. "Lowey" for "Nita Lowey").  ``--errors`` lists the sentences the module gets wrong.

Each labelled context is scored on its own, with the labelled sentence spans as sentences.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from detector.segmentation import Sentence  # noqa: E402
from detector.voice import sentence_voices  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "voice_sentences.jsonl"


def load(path: Path = FIXTURE) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def predict(rows: list[dict]) -> list[tuple[dict, object]]:
    """Run the module over each context and pair every labelled row with its prediction."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        groups[(row["record"], row["context"])].append(row)
    paired = []
    for (_record, context), members in groups.items():
        members.sort(key=lambda r: r["start"])
        sentences = [Sentence(r["start"], r["end"], context[r["start"]:r["end"]]) for r in members]
        for row, voice in zip(members, sentence_voices(context, sentences), strict=True):
            paired.append((row, voice))
    return paired


def normalise(name: str | None) -> str:
    words = (name or "").lower().replace("’", "'").strip(" .,;:\"'").split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def prf(paired, label: str) -> tuple[float, float, float, int, int, int]:
    tp = sum(1 for r, v in paired if r["voice"] == label and v.voice == label)
    fp = sum(1 for r, v in paired if r["voice"] != label and v.voice == label)
    fn = sum(1 for r, v in paired if r["voice"] == label and v.voice != label)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, tp, fp, fn


def speaker_scores(paired) -> tuple[int, int, int]:
    labelled = [(r, v) for r, v in paired if r["voice"] == "quoted" and r["speaker"]]
    exact = sum(1 for r, v in labelled if normalise(r["speaker"]) == normalise(v.speaker))
    loose = sum(1 for r, v in labelled if v.speaker and (
        normalise(r["speaker"]) in normalise(v.speaker) or normalise(v.speaker) in normalise(r["speaker"])))
    return exact, loose, len(labelled)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list the sentences scored wrong")
    args = parser.parse_args(argv)
    rows = load()
    paired = predict(rows)
    counts = defaultdict(int)
    for row in rows:
        counts[row["voice"]] += 1
    print(f"sentences: {len(rows)} (quoted {counts['quoted']}, author {counts['author']}); "
          f"contexts: {len({(r['record'], r['context']) for r in rows})}")
    print(f"{'voice':<8} {'precision':>9} {'recall':>7} {'F1':>6} {'TP':>4} {'FP':>4} {'FN':>4}")
    for label in ("quoted", "author"):
        p, r, f, tp, fp, fn = prf(paired, label)
        print(f"{label:<8} {p:9.3f} {r:7.3f} {f:6.3f} {tp:4d} {fp:4d} {fn:4d}")
    accuracy = sum(1 for r, v in paired if r["voice"] == v.voice) / len(paired)
    print(f"voice accuracy: {accuracy:.3f}")
    exact, loose, total = speaker_scores(paired)
    print(f"speaker exact match on quoted sentences with a labelled speaker: "
          f"{exact}/{total} = {exact / total:.3f} (one name within the other: {loose / total:.3f})")
    if args.errors:
        print()
        for row, voice in paired:
            sentence = row["context"][row["start"]:row["end"]]
            wrong_voice = row["voice"] != voice.voice
            wrong_speaker = row["voice"] == "quoted" and row["speaker"] and \
                normalise(row["speaker"]) != normalise(voice.speaker)
            if wrong_voice or wrong_speaker:
                print(f"[{row['voice']} -> {voice.voice}] speaker {row['speaker']!r} -> "
                      f"{voice.speaker!r}: {sentence[:160]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

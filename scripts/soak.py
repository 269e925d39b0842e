"""Soak test: score a large generated corpus with several jobs while killing workers at random.

    python scripts/soak.py [--documents 20000] [--jobs 2] [--kills 3] [--seed 7]

Each round runs ``detector score CORPUS.jsonl --jobs N --format jsonl --output OUT --resume``
and, while it runs, kills one of its worker processes at a random moment after the round has
written its first new line of output (so every kill lands mid-run, on a fast machine or a slow
one).  A killed round fails and keeps ``OUT.partial``; the next round resumes from it.  After
``--kills`` rounds with a kill, a last round runs undisturbed.  The check: ``OUT`` exists and
holds every document exactly once, in input order, and no ``OUT.partial`` is left.  Not part of
CI: it takes minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from detector import read_corpus  # noqa: E402


def descendants(pid: int) -> list[int]:
    """Process ids of all descendants of ``pid`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def _is_worker(pid: int) -> bool:
    """A joblib (loky) worker process, not its resource tracker."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return False
    return b"popen_loky" in command


def _lines(path: Path) -> int:
    """Complete lines in ``path`` so far (0 when it does not exist yet)."""
    try:
        return path.read_bytes().count(b"\n")
    except OSError:
        return 0


def _wait_for_new_output(partial: Path, run: subprocess.Popen, already: int, limit: float = 300.0) -> None:
    """Wait until the running round has added a line to ``partial`` (or has ended)."""
    deadline = time.monotonic() + limit
    while run.poll() is None and time.monotonic() < deadline and _lines(partial) <= already:
        time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    articles = [d.text for d in read_corpus(ROOT / "training_data" / "heldout.jsonl")]
    folder = Path(tempfile.mkdtemp(prefix="detector-soak-"))
    corpus, out = folder / "corpus.jsonl", folder / "scores.jsonl"
    with corpus.open("w", encoding="utf-8") as fh:
        for i in range(args.documents):
            fh.write(json.dumps({"id": f"doc-{i:06d}", "text": articles[i % len(articles)]}) + "\n")
    command = [sys.executable, "-m", "detector.cli", "score", str(corpus), "--jobs", str(args.jobs),
               "--format", "jsonl", "--output", str(out), "--resume", "--quiet"]

    partial = out.with_name(out.name + ".partial")
    kills, rounds = 0, 0
    while True:
        rounds += 1
        run = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
        killed = None
        if kills < args.kills:
            # Kill mid-run, whatever the machine's speed: once this round has written output.
            _wait_for_new_output(partial, run, already=_lines(partial))
            time.sleep(rng.uniform(0.5, 4.0))
            workers = [p for p in descendants(run.pid) if _is_worker(p)]
            if workers and run.poll() is None:
                killed = rng.choice(workers)
                os.kill(killed, signal.SIGKILL)
                kills += 1
        _, err = run.communicate()
        done = _lines(partial) if partial.exists() else None
        print(f"round {rounds}: exit {run.returncode}, killed worker {killed}, partial lines {done}")
        if err.strip():
            print("  " + err.strip().splitlines()[-1])
        if run.returncode == 0 and killed is None:
            break
        if rounds > args.kills + 5:
            print("FAILED: too many rounds")
            return 1

    names = [json.loads(line)["document"] for line in out.read_text(encoding="utf-8").splitlines()]
    expected = [f"doc-{i:06d}" for i in range(args.documents)]
    leftover = out.with_name(out.name + ".partial").exists()
    ok = names == expected and not leftover
    print(f"{len(names)} documents written, {len(set(names))} distinct, expected {len(expected)}; "
          f"in order: {names == expected}; partial file left: {leftover}; workers killed: {kills}")
    print("OK: every document scored exactly once" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Soak test: score a large generated corpus of hostile inputs while signalling the run at random.

    python scripts/soak.py [--documents 20000] [--jobs 2] [--kills 8] [--seed 7]
                           [--signals worker,term,int,kill] [--plain]

The inputs are generated in a temporary folder: a JSONL corpus and a CSV table (with a
byte-order mark) whose records hold random hostile text (terminal escapes, C0/C1 controls,
NUL, U+2028/U+0085/BOM, lone surrogates, runs of ". " and "Mr. ", very long lines and words,
right-to-left marks, formula prefixes) under hostile ids (tabs, line breaks, escapes, repeats),
and a folder of text files with hostile names (a tab, a line break, an escape, an undecodable
byte).  ``--plain`` uses the older corpus of ordinary articles instead.

An undisturbed reference run scores everything first.  Then each round runs ``detector score
INPUTS --jobs N --format jsonl --output OUT --resume --skip-errors`` and, at a random moment
(before or after its first output), does one of: kill a worker with SIGKILL (``worker``), send
the parent SIGTERM (``term``) or SIGINT (``int``), or kill the parent with SIGKILL (``kill``).
After each signal the checks are: the run exits as it should (130 for SIGTERM/SIGINT, 1 for a
dead worker, no traceback), no process it started is alive 5 s after it ended, no
``.tmp`` file is left, and every complete line of ``OUT.partial`` is valid JSON (a line cut short
is allowed only after SIGKILL of the parent).  After ``--kills`` signalled rounds a last round
runs undisturbed; the final check is that ``OUT`` is byte for byte the reference output (every
document exactly once, in input order) and nothing but ``OUT`` is left.  Not part of CI: it
takes minutes.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from detector import read_corpus  # noqa: E402

SIGNALS = ("worker", "term", "int", "kill")


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


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie has ended: only its parent's bookkeeping remains)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _lines(path: Path) -> int:
    """Complete lines in ``path`` so far (0 when it does not exist yet)."""
    try:
        return path.read_bytes().count(b"\n")
    except OSError:
        return 0


# ---------------------------------------------------------------------- hostile inputs

_ESCAPES = ("\x1b[2J", "\x1b]0;owned\x07", "\x1b]8;;http://x.example\x1b\\link\x1b]8;;\x1b\\",
            "\x1b]52;c;b3duZWQ=\x07", "\x9b1m", "\x1b[31m")
_ODD = ("\u2028", "\u2029", "\u0085", "\ufeff", "\x00", "\x0b", "\x0c", "\r", "\t", "\u200f", "\u200b",
        "\x7f", "\x1f", "\ufffd", "😀", "👩‍👩‍👧", "\u0301")
_SENTENCES = ("The council met on Tuesday.", "This shameful plan was rammed through by traitors!",
              "Everyone knows the truth already.", "Is this really what you want?",
              "\u05d0\u05d1\u05d2 \u0645\u0631\u062d\u0628\u0627.", "中文句子。日本語の文。",
              "They said \u201cthe vote was rigged\u201d and left.", "=HYPERLINK(\"http://x.example\")",
              "+SUM(A1)", "-2+3", "@import", "Mr. Smith and Dr. Jones met at 5 p.m. on Jan. 3.")


def hostile_text(rng: random.Random, long: bool) -> str:
    """A random text made of ordinary sentences, escapes, odd characters and pathological runs."""
    pieces = []
    for _ in range(rng.randint(1, 12)):
        roll = rng.random()
        if roll < 0.45:
            pieces.append(rng.choice(_SENTENCES))
        elif roll < 0.6:
            pieces.append(rng.choice(_ESCAPES))
        elif roll < 0.8:
            pieces.append(rng.choice(_ODD))
        elif roll < 0.9:
            pieces.append("\n" * rng.randint(1, 3))
        else:
            pieces.append(rng.choice((". ", "Mr. ", "a.", "word ", "x")) * rng.randint(1, 50))
        pieces.append(rng.choice(("", " ", " ", "\n")))
    if long:  # a very long line: no break, or a word of thousands of letters
        pieces.append(rng.choice((". " * 30_000, "Mr. " * 15_000, "x" * 40_000,
                                  " ".join(f"w{i}" for i in range(8_000)))))
    return "".join(pieces)


_NAMES = ("same", "1", "2", "tab\there", "line\nbreak", "esc\x1b[2Jape", "=1+1", "@cmd", "bell\x07", "",
          "\u2028sep", "bom\ufeff", "rtl\u202eevil")


def hostile_id(rng: random.Random, i: int) -> str:
    return rng.choice(_NAMES) if rng.random() < 0.6 else f"doc-{i}{rng.choice(_NAMES)}"


def write_hostile_inputs(folder: Path, documents: int, rng: random.Random) -> list[str]:
    """Generate the hostile inputs in ``folder``; return the paths to score, in order."""
    texts = folder / "texts"
    texts.mkdir()
    for name in (b"tab\tname.txt", b"line\nbreak.txt", b"esc\x1b[2Jape.txt", b"caf\xe9.txt", b"=SUM(A1).txt"):
        with open(os.path.join(os.fsencode(texts), name), "w", encoding="utf-8") as fh:
            fh.write(hostile_text(rng, long=rng.random() < 0.3))
    corpus = folder / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8", newline="") as fh:
        for i in range(documents // 2):
            record = {"id": hostile_id(rng, i), "text": hostile_text(rng, long=rng.random() < 0.002)}
            line = json.dumps(record, ensure_ascii=rng.random() < 0.5)
            if rng.random() < 0.003:  # an escaped lone surrogate: one reported problem, not the end
                line = line.replace('"text": "', '"text": "\\ud800', 1)
            fh.write(line + rng.choice(("\n", "\r\n")))
    table = folder / "table.csv"
    with table.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text"])
        for i in range(documents - documents // 2):
            # NUL is left out of CSV: a spreadsheet file cannot carry it, JSONL covers it.
            writer.writerow([hostile_id(rng, i), hostile_text(rng, long=rng.random() < 0.002).replace("\x00", "")])
    return [str(texts), str(corpus), str(table)]


def write_plain_inputs(folder: Path, documents: int) -> list[str]:
    articles = [d.text for d in read_corpus(ROOT / "training_data" / "heldout.jsonl")]
    corpus = folder / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as fh:
        for i in range(documents):
            fh.write(json.dumps({"id": f"doc-{i:06d}", "text": articles[i % len(articles)]}) + "\n")
    return [str(corpus)]


# ---------------------------------------------------------------------- rounds


@dataclass
class Figures:
    """What the rounds saw, for the closing report."""

    rounds: int = 0
    signals: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    slowest_exit: float = 0.0  # seconds from the signal to the last process of the run ending
    workers_seen: int = 0
    early: int = 0  # signals sent before the round had written a new document

    def fail(self, message: str) -> None:
        self.failures.append(message)
        print("  FAILED: " + message, flush=True)


def _wait_gone(pids: list[int], limit: float) -> tuple[list[int], float]:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        living = [p for p in pids if alive(p)]
        if not living:
            return [], time.monotonic() - started
        time.sleep(0.05)
    return [p for p in pids if alive(p)], limit


def _check_partial(partial: Path, torn_allowed: bool, figures: Figures, label: str) -> None:
    if not partial.exists():
        return
    data = partial.read_bytes()
    lines = data.split(b"\n")
    complete, last = lines[:-1], lines[-1]
    for number, line in enumerate(complete, start=1):
        try:
            json.loads(line)
        except ValueError:
            figures.fail(f"{label}: {partial.name}:{number} is not valid JSON")
            return
    if last and not torn_allowed:
        figures.fail(f"{label}: {partial.name} ends in a line cut short")


def signal_round(command: list[str], folder: Path, partial: Path, what: str, rng: random.Random,
                 figures: Figures) -> int | None:
    """One round with a signal at a random moment; return its exit code (None: it was not signalled)."""
    label = f"round {figures.rounds}"
    before = _lines(partial)
    # Standard error goes to a file: a pipe would stay open (and reading it block) for as long as
    # an orphaned worker lives, which is one of the failures this script looks for.
    err_file = tempfile.TemporaryFile()
    run = subprocess.Popen(command, cwd=ROOT, stderr=err_file)
    # Half the signals land at a random moment from the start (model loading, reading, the first
    # batch), half once this round has written a new document.
    if rng.random() < 0.5:
        deadline = time.monotonic() + rng.uniform(0.3, 8.0)
        while run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        figures.early += _lines(partial) <= before
    else:
        deadline = time.monotonic() + 300
        while run.poll() is None and time.monotonic() < deadline and _lines(partial) <= before:
            time.sleep(0.1)
        time.sleep(rng.uniform(0.0, 3.0))
    family = descendants(run.pid)
    workers = [p for p in family if _is_worker(p)]
    while what == "worker" and not workers and run.poll() is None:  # the pool is not up yet
        time.sleep(0.2)
        family = descendants(run.pid)
        workers = [p for p in family if _is_worker(p)]
    figures.workers_seen = max(figures.workers_seen, len(workers))
    sent = None
    if run.poll() is None:
        if what == "worker" and workers:
            os.kill(rng.choice(workers), signal.SIGKILL)
            sent = "worker"
        elif what in ("term", "int", "kill"):
            os.kill(run.pid, {"term": signal.SIGTERM, "int": signal.SIGINT, "kill": signal.SIGKILL}[what])
            sent = what
    signalled_at = time.monotonic()
    try:
        run.wait(timeout=120)
    except subprocess.TimeoutExpired:
        figures.fail(f"{label}: the run did not end within 120 s of {sent}")
        run.kill()
        run.wait()
    err_file.seek(0)
    err = err_file.read().decode("utf-8", "replace")
    err_file.close()
    left, _ = _wait_gone(family, 5.0)
    if sent:
        figures.signals[sent] = figures.signals.get(sent, 0) + 1
        # From the signal to the last process of the run ending.
        figures.slowest_exit = max(figures.slowest_exit, time.monotonic() - signalled_at)
    print(f"{label}: {sent or 'no signal (the run had ended)'}, exit {run.returncode}, "
          f"{len(workers)} workers, partial lines {_lines(partial)}", flush=True)
    last = err.strip().splitlines()[-1] if err.strip() else ""
    if "Traceback" in err:
        figures.fail(f"{label}: a traceback after {sent}: {last}")
    if left:
        kinds = []
        for pid in left:
            try:
                kinds.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[-70:])
            except OSError:
                kinds.append("?")
        figures.fail(f"{label}: {len(left)} processes of the run alive 5 s after it ended: {kinds}")
        for pid in left:  # started by this script (through the run): not left behind
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    expected = {"term": 130, "int": 130, "kill": -signal.SIGKILL, "worker": 1}
    if sent and run.returncode not in (expected[sent], 0):
        figures.fail(f"{label}: exit {run.returncode} after {sent} (expected {expected[sent]}): {last}")
    temporary = [p.name for p in folder.rglob("*.tmp")]
    if temporary:
        figures.fail(f"{label}: temporary files left: {temporary}")
    _check_partial(partial, torn_allowed=sent == "kill", figures=figures, label=label)
    return run.returncode if sent else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--kills", type=int, default=8, help="Rounds that end with a signal.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--signals", default=",".join(SIGNALS), help=f"Any of {', '.join(SIGNALS)}.")
    parser.add_argument("--plain", action="store_true", help="Ordinary articles instead of hostile inputs.")
    args = parser.parse_args()
    # Started in the background by a shell, this script may inherit SIGINT ignored, and so would
    # every run it starts (a Python started with SIGINT ignored never raises KeyboardInterrupt).
    # A handler here is reset to the default in each child, so the SIGINT the script sends counts.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    rng = random.Random(args.seed)
    kinds = [s for s in args.signals.split(",") if s]
    if not kinds or set(kinds) - set(SIGNALS):
        parser.error(f"--signals takes {', '.join(SIGNALS)}")

    folder = Path(tempfile.mkdtemp(prefix="detector-soak-"))
    inputs = write_plain_inputs(folder, args.documents) if args.plain else \
        write_hostile_inputs(folder, args.documents, rng)
    base = [sys.executable, "-m", "detector.cli", "score", *inputs, "--jobs", str(args.jobs), "--format", "jsonl",
            "--quiet", "--skip-errors"]
    reference = folder / "reference.jsonl"
    started = time.monotonic()
    ref = subprocess.run([*base, "--output", str(reference)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    warnings = [line for line in ref.stderr.splitlines() if line.startswith("warning:")]
    if ref.returncode != 0 or "Traceback" in ref.stderr:
        print(f"FAILED: the undisturbed reference run exited {ref.returncode}: {ref.stderr.strip()[-300:]}")
        return 1
    reference_seconds = time.monotonic() - started
    print(f"reference: {_lines(reference)} documents in {reference_seconds:.0f} s, "
          f"{len(warnings)} records reported and skipped", flush=True)

    out_folder = folder / "out"
    out_folder.mkdir()
    out = out_folder / "scores.jsonl"
    partial = out.with_name(out.name + ".partial")
    command = [*base, "--output", str(out), "--resume"]
    figures = Figures()
    signalled = 0
    while True:
        figures.rounds += 1
        if signalled < args.kills:
            code = signal_round(command, out_folder, partial, rng.choice(kinds), rng, figures)
            signalled += code is not None
            if code is not None or not out.exists():
                if figures.rounds > args.kills * 3 + 5:
                    figures.fail("too many rounds")
                    break
                continue
        else:
            last = subprocess.run(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
            print(f"round {figures.rounds}: undisturbed, exit {last.returncode}", flush=True)
            if last.returncode != 0:
                figures.fail(f"the last round exited {last.returncode}: {last.stderr.strip()[-300:]}")
        break

    complete = out.exists() and out.read_bytes() == reference.read_bytes()
    leftovers = sorted(p.name for p in out_folder.iterdir() if p != out)
    names = len(out.read_bytes().splitlines()) if out.exists() else 0
    if not complete:
        figures.fail("the resumed output differs from the undisturbed reference")
    if leftovers:
        figures.fail(f"files left beside the output: {leftovers}")
    print(f"{names} documents written (reference {_lines(reference)}), identical to the reference: {complete}; "
          f"files left beside it: {leftovers or 'none'}")
    print(f"{figures.rounds} rounds in {time.monotonic() - started:.0f} s; signals: "
          f"{', '.join(f'{k} {v}' for k, v in sorted(figures.signals.items())) or 'none'} "
          f"({figures.early} before the round's first new document); up to {figures.workers_seen} workers; "
          f"slowest end of a signalled run's processes: {figures.slowest_exit:.1f} s")
    if not figures.failures:
        shutil.rmtree(folder, ignore_errors=True)  # kept when something failed, to look at
    print("OK: every document scored exactly once" if not figures.failures else
          f"FAILED: {len(figures.failures)} problems")
    return 0 if not figures.failures else 1


if __name__ == "__main__":
    sys.exit(main())

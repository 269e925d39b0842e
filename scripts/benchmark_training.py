"""Time ``detector train`` on the PTC training split, side by side with another build.

    python scripts/benchmark_training.py [--reference /path/to/old/venv/bin/detector] [--write]

Each command trains on the same data in the same run, one after the other, on this machine;
the figure that matters is the ratio.  The cross-validated figures each build prints are kept
so that speed is never bought with quality.  PTC is research-only data: it is read from
``../shared/data/ptc-train`` and never stored.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PTC = ROOT.parent / "shared" / "data" / "ptc-train"
DOCS = ROOT / "docs" / "benchmarks.md"


def run(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, result.stdout


def any_f1(output: str) -> str:
    match = re.search(r"any technique \(sentences\)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", output)
    return match.group(3) if match else "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", help="a detector executable of another build to compare with")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="replace the training section of docs/benchmarks.md")
    args = parser.parse_args()
    if not (PTC / "train-articles").is_dir():
        print(f"PTC is not at {PTC}; nothing to measure", file=sys.stderr)
        return 2
    data = [str(PTC / "train-articles"), "--labels", str(PTC / "train-labels-task-flc-tc")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        current = [sys.executable, "-m", "detector.cli", "train", *data, "--out", f"{tmp}/new.skops",
                   "--quiet", "--jobs", str(args.jobs)]
        seconds, out = run(current)
        rows.append(("this build", f"--jobs {args.jobs}", seconds, any_f1(out)))
        if args.reference:
            reference = [args.reference, "train", *data, "--out", f"{tmp}/old.skops", "--quiet"]
            seconds, out = run(reference)
            rows.append(("reference build", "(one process)", seconds, any_f1(out)))
    base = rows[-1][2]
    lines = [f"Measured {_dt.date.today()} on {platform.machine()}, {shutil.os.cpu_count()} cores, with "
             f"`python scripts/benchmark_training.py{' --reference ...' if args.reference else ''}`: "
             "`detector train` on PTC train (371 articles, 16,673 sentences), 5-fold grouped "
             "cross-validation, wall time.", "",
             "| build | heads | wall time | ratio to the reference | cross-validated any-technique F1 |",
             "| --- | --- | --- | --- | --- |"]
    for name, heads, seconds, f1 in rows:
        lines.append(f"| {name} | {heads} | {seconds:.0f} s | {seconds / base:.2f}× | {f1} |")
    sys.path.insert(0, str(ROOT / "scripts"))
    from _docs import publish

    publish("\n".join(lines), args.write, "training", "## Training time")
    return 0


if __name__ == "__main__":
    sys.exit(main())

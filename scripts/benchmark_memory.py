"""Peak memory of ``detector score`` on large and hostile inputs (bounded resources).

    python scripts/benchmark_memory.py [--write]

Three inputs are generated in a temporary folder: 50 MB of prose (the openly licensed pool in
``../shared/data/open-text``, repeated), one million short lines, and 6 MB of "a." with no
spaces. Each is scored by a fresh ``detector score FILE -f jsonl -o OUT`` process and its peak
resident memory read from the kernel; the target is at most 400 MB for each. A one-paragraph
file is measured the same way, as the reference.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
import tempfile
import time
from pathlib import Path

from _peak import run_with_peak  # scripts/ is on the path of a script run from it

ROOT = Path(__file__).resolve().parent.parent
POOL = ROOT.parent / "shared" / "data" / "open-text"
DOCS = ROOT / "docs" / "benchmarks.md"
TARGET_MB = 400

def prose(size: int) -> str:
    texts = [json.loads(line)["text"] for path in sorted(POOL.glob("*.jsonl")) if "npov" not in path.name
             for line in path.open(encoding="utf-8")]
    block = "\n\n".join(texts)
    return (block * (size // len(block) + 1))[:size]


def peak(path: Path, out: Path) -> tuple[int, float, float]:
    command = [sys.executable, "-m", "detector.cli", "score", str(path), "-f", "jsonl", "-o", str(out), "--quiet"]
    started = time.perf_counter()
    code, megabytes = run_with_peak(command, check=False)
    return code, megabytes, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        inputs = {
            "one paragraph (reference)": "The council met on Tuesday. Its shameful plan was rammed through.\n",
            "50 MB of prose": prose(50 * 2**20),
            "1,000,000 short lines": "".join(f"Line {i} is short.\n" for i in range(1_000_000)),
            '6 MB of "a." without spaces': "a." * (3 * 2**20),
        }
        for name, text in inputs.items():
            path = folder / "input.txt"
            path.write_text(text, encoding="utf-8")
            code, mb, seconds = peak(path, folder / "out.jsonl")
            rows.append((name, len(text.encode()), code, mb, seconds))
            print(f"{name}: exit {code}, peak {mb:.0f} MB, {seconds:.0f} s", flush=True)
    lines = [f"Measured {_dt.date.today()} with `python scripts/benchmark_memory.py --write`: peak resident memory "
             f"of one `detector score FILE -f jsonl -o OUT` process (shipped model); target ≤ {TARGET_MB} MB.", "",
             "| input | size | exit | peak memory | wall time | target |", "| --- | --- | --- | --- | --- | --- |"]
    for name, size, code, mb, seconds in rows:
        verdict = "–" if "reference" in name else ("met" if mb <= TARGET_MB and code == 0 else "missed")
        lines.append(f"| {name} | {size / 2**20:.1f} MB | {code} | {mb:.0f} MB | {seconds:.0f} s | {verdict} |")
    sys.path.insert(0, str(ROOT / "scripts"))
    from _docs import publish

    publish("\n".join(lines), args.write, "memory", "## Memory on large and hostile inputs")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Writing measured figures into ``docs/benchmarks.md``: one marked block per benchmark."""

from __future__ import annotations

import re
from pathlib import Path


def write_section(path: Path, name: str, body: str, title: str | None = None) -> None:
    """Replace the block between ``<!-- name:start -->`` and ``<!-- name:end -->``, or append it
    at the end (under ``title`` when one is given)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{start}\n{body}\n{end}"
    if start in text and end in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, text, count=1, flags=re.S)
    else:
        heading = f"\n\n{title}" if title else ""
        text = text.rstrip("\n") + f"{heading}\n\n{block}\n"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")


def publish(text: str, write: bool, name: str, title: str) -> None:
    """Print a benchmark's table and, with ``write``, put it into ``docs/benchmarks.md``."""
    print(text)
    if write:
        write_section(Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md", name, text, title)

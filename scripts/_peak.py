"""Peak resident memory of a command, measured from a small fresh interpreter.

A command started straight from a benchmark would report the benchmark's own memory too: Linux
carries a process's peak across ``exec``.  So a tiny interpreter that imports nothing heavy starts
the command and reads its children's peak.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_RUN = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], capture_output=True); "
        "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def run_with_peak(command: list[str], cwd: Path | None = None, env: dict | None = None,
                  check: bool = True) -> tuple[int, float]:
    """Run ``command``; return its exit code and its peak resident memory in MB.

    With ``check``, a command that fails raises ``subprocess.CalledProcessError``.
    """
    out = subprocess.run([sys.executable, "-c", _RUN, *command], capture_output=True, text=True, check=True,
                         cwd=cwd, env=env)
    code, kilobytes = out.stdout.split()[-2:]
    if check and int(code) != 0:
        raise subprocess.CalledProcessError(int(code), command)
    return int(code), int(kilobytes) / 1024

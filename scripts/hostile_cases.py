"""The hostile cases of issue 15, each run against an old and a new ``detector``: a before/after record.

    python scripts/hostile_cases.py [--write docs/hostile-cases.md] [--only 3,17-20] [--merge ROWS.md]
        [--old-detector /tmp/origvenv/bin/detector --old-python /tmp/origvenv/bin/python]
        [--detector PATH --python PATH]

Every clause of the issue that names a behaviour is one numbered case.  A case is a small
function: it builds its input in a fresh temporary folder, runs the given ``detector`` command
(or, for library behaviour, a few lines under the given ``python``) and classifies what
happened ("refused, exit 2, one line", "traceback, exit 1", "file replaced", "documents lost:
2").  Nothing hostile is kept in the repository: model files, corpora, zip bombs and odd file
names are generated here.

Bad old behaviour must not hang or eat the machine, so every command runs in its own process
group under a timeout, the memory cases under an address-space limit (``RLIMIT_AS``, 2 GiB:
they report "exceeded 2 GiB" rather than measuring how far beyond), and the cases about
permissions and process counts without root's capabilities to override them (``setpriv``
drops them from the bounding set, so a mode-000 folder binds and ``RLIMIT_NPROC`` caps the
process count).  A device node that a bad ``--output`` would
replace is made in the temporary folder with ``mknod``, never the system's own.  A case that
cannot be reproduced on the machine says so instead of guessing.

With ``--write`` the table of both runs is written to the given Markdown file; without it the
table is only printed.  The "old" column is the release before the issue was fixed, the "new"
column the code under test.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import pickle
import platform
import pty
import re
import resource
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from soak import alive, descendants  # noqa: E402  (one way to find a run's processes)

GIB = 1 << 30
MEMORY_LIMIT = 2 * GIB
ARTICLE = "The council met on Tuesday.\nThis shameful plan was rammed through by traitors!\n"


# ---------------------------------------------------------------------- running one command


@dataclass(frozen=True)
class Side:
    """One installation under test: its ``detector`` command and its Python."""

    label: str
    detector: str
    python: str
    cache: Path  # files built once per side (a genuine .skops model) live here


@dataclass
class Run:
    """What a finished command did."""

    code: int | None  # exit code; a negative number is the signal that ended it
    out: str
    err: str
    seconds: float
    timed_out: bool
    peak_mb: float

    @property
    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.err

    @property
    def out_of_memory(self) -> bool:
        return any(s in self.err for s in ("MemoryError", "Cannot allocate memory", "Unable to allocate",
                                           "bad_alloc", "Killed")) or self.code == -signal.SIGKILL


def _limits(memory: int | None, processes: int | None) -> Callable[[], None]:
    def apply() -> None:
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        if processes:
            resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    return apply


#: Run as root, a command keeps its uid but loses the capabilities that let root ignore file
#: permissions and process limits, so a mode-000 folder, a read-only folder and RLIMIT_NPROC
#: bind as they would for any user (the venvs stay readable, unlike for ``nobody``).
_UNPRIVILEGED = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-sys_resource,-sys_admin", "--"]


def _own_processes() -> int:
    """How many processes run under this user id (RLIMIT_NPROC counts them all)."""
    count = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            uid = next(line for line in status.read_text().splitlines() if line.startswith("Uid:"))
        except (OSError, StopIteration):
            continue
        count += int(uid.split()[1]) == os.getuid()
    return count


def run(command: list[str] | str, *, cwd: Path, stdin: str | bytes | int | None = None, timeout: float = 120,
        memory: int | None = None, env: dict | None = None, unprivileged: bool = False,
        processes: int | None = None,
        tty: bool = False, shell: bool = False) -> Run:
    """Run ``command`` in its own process group with limits; never longer than ``timeout``.

    ``tty`` gives it a pseudo-terminal as standard output (what a person sees); ``stdin`` may be
    text or bytes to feed it, a file descriptor, or None for /dev/null.
    """
    if unprivileged and os.geteuid() == 0 and isinstance(command, list):
        command = [*_UNPRIVILEGED, *command]
    if processes:
        processes += _own_processes()
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "100", "TERM": "xterm-256color",
                   "NO_COLOR": "", **(env or {})}
    environment = {k: v for k, v in environment.items() if v is not None}
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        feed = None
        if isinstance(stdin, (str, bytes)):
            feed = tempfile.TemporaryFile()
            feed.write(stdin.encode() if isinstance(stdin, str) else stdin)
            feed.seek(0)
            stdin_arg: int | object = feed
        else:
            stdin_arg = subprocess.DEVNULL if stdin is None else stdin
        master = slave = None
        if tty:
            master, slave = pty.openpty()
        started = time.monotonic()
        proc = subprocess.Popen(command, cwd=cwd, env=environment, shell=shell, stdin=stdin_arg,
                                stdout=slave if tty else out_file, stderr=err_file, start_new_session=True,
                                preexec_fn=_limits(memory, processes), pass_fds=())
        if slave is not None:
            os.close(slave)
        screen = bytearray()
        status, usage, timed_out = 0, None, False
        while True:
            if master is not None:
                ready, _, _ = select.select([master], [], [], 0.05)
                if ready:
                    try:
                        screen += os.read(master, 65536)
                    except OSError:
                        pass
            else:
                time.sleep(0.05)
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                timed_out = True
                _kill_group(proc.pid)
                _, status, usage = os.wait4(proc.pid, 0)
                break
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
        if master is not None:
            while select.select([master], [], [], 0.1)[0]:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                screen += chunk
            os.close(master)
        _kill_group(proc.pid)  # workers left behind by a run that has ended are not this script's to keep
        if feed is not None:
            feed.close()
        out_file.seek(0)
        err_file.seek(0)
        out = bytes(screen) if tty else out_file.read()
        return Run(proc.returncode, out.decode("utf-8", "replace"), err_file.read().decode("utf-8", "replace"),
                   time.monotonic() - started, timed_out, (usage.ru_maxrss / 1024) if usage else 0.0)


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def score(side: Side, *args: object, **kwargs) -> Run:
    """``detector score ARGS`` run by ``side``."""
    return run([side.detector, "score", *map(str, args)], **kwargs)


def library(side: Side, code: str, **kwargs) -> Run:
    """``code`` run by ``side``'s Python; it reports with lines starting ``RESULT``."""
    return run([side.python, "-c", code], **kwargs)


def results(r: Run) -> list[str]:
    return [line[len("RESULT "):] for line in r.out.splitlines() if line.startswith("RESULT ")]


# ---------------------------------------------------------------------- describing what happened


def _last_exception(err: str) -> str:
    lines = [line.strip() for line in err.splitlines() if line.strip()]
    for line in reversed(lines):
        if re.match(r"^[A-Za-z_.]*(Error|Exception|Interrupt|Exit)\b", line):
            return line.split(":")[0].rsplit(".", 1)[-1]
    return ""


_TEMPORARY = re.compile(r"/tmp/detector-hostile-[^/\s]+/(?:[^/\s]+/)?")


def _short(text: str, limit: int = 90) -> str:
    text = _TEMPORARY.sub("", " ".join(text.split()))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def how(r: Run) -> str:
    """The usual reading of a run: its exit, and whether it failed as a bug or as a refusal."""
    if r.timed_out:
        return f"still running after {r.seconds:.0f} s (killed)"
    if r.out_of_memory:
        return f"exceeded {MEMORY_LIMIT // GIB} GiB (memory limit), exit {r.code}"
    if r.traceback:
        name = _last_exception(r.err)
        return f"traceback{f' ({name})' if name else ''}, exit {r.code}"
    if r.code is not None and r.code < 0:
        return f"killed by {signal.Signals(-r.code).name}"
    if r.code == 2:
        errors = [line for line in r.err.splitlines() if line.startswith("error:")]
        lines = len([line for line in r.err.splitlines() if line.strip()])
        shape = "one line" if lines == 1 else f"{lines} lines"
        message = (errors[0][len("error: "):] if errors else r.err)
        return f"refused, exit 2, {shape}: “{_short(message, 90)}”"
    if r.code == 1 and "internal error" in r.err:
        return f"“internal error”, exit 1: {_short(r.err.splitlines()[-1], 60)}"
    return f"exit {r.code}"


def raw_controls(text: str) -> int:
    """Escape, bell and C1 controls in ``text``, which a terminal would act on."""
    return sum(1 for ch in text if ch in "\x1b\x07" or "\x80" <= ch <= "\x9f")


# ---------------------------------------------------------------------- shared inputs


def genuine_skops(side: Side) -> Path:
    """The side's own shipped model saved as .skops (built once per run)."""
    path = side.cache / "genuine.skops"
    if not path.exists():
        r = library(side, f"from detector import Detector; Detector.load().save({str(path)!r})",
                    cwd=side.cache, timeout=300)
        if not path.exists():
            raise RuntimeError(f"{side.label}: could not save a .skops model: {r.err[-500:]}")
    return path


class _Touch:
    """Unpickling this opens (so creates) a marker file: a stand-in for any code a pickle could run."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def evil_pickle(folder: Path, marker: Path) -> Path:
    path = folder / "evil.pkl"
    path.write_bytes(pickle.dumps({"estimator": _Touch(str(marker))}))
    return path


def _json_node(value) -> dict:
    return {"__class__": type(value).__name__, "__module__": "builtins", "__loader__": "JsonNode",
            "content": json.dumps(value), "is_json": True, "__id__": abs(hash(json.dumps(value))) % 10**9}


def _call_node(module: str, name: str, *args) -> dict:
    """A skops node that, when built, calls ``module.name(*args)`` (skops' reduce node)."""
    return {"__class__": name, "__module__": module, "__loader__": "ConstructorFromReduceNode",
            "content": {"__class__": "tuple", "__module__": "builtins", "__loader__": "TupleNode",
                        "content": [_json_node(a) for a in args], "__id__": 7}, "__id__": 8}


def hostile_skops(side: Side, folder: Path, node: dict, nest: bool = False) -> Path:
    """The side's genuine archive with its estimator replaced by ``node`` (or ``node`` hidden in
    a list inside the metadata when ``nest``)."""
    target = folder / "hostile.skops"
    with zipfile.ZipFile(genuine_skops(side)) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "schema.json":
                schema = json.loads(data)
                if nest:
                    schema["content"]["metadata"]["content"]["notes"] = {
                        "__class__": "list", "__module__": "builtins", "__loader__": "ListNode",
                        "content": [node], "__id__": 9}
                else:
                    schema["content"]["estimator"] = node
                data = json.dumps(schema).encode()
            dst.writestr(item, data)
    return target


def article(folder: Path, name: str = "a.txt", text: str = ARTICLE) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def documents_in(jsonl: str) -> list[dict]:
    """The document records of a JSONL output; a line that is not JSON counts as ``None``."""
    records = []
    for line in jsonl.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            records.append(None)
            continue
        if isinstance(record, dict) and "document" in record:
            records.append(record)
    return records


# ---------------------------------------------------------------------- the cases

Case = Callable[[Side, Path], str]


@dataclass(frozen=True)
class Entry:
    number: int
    item: str
    title: str
    check: Case


CASES: list[Entry] = []


def case(item: str, title: str) -> Callable[[Case], Case]:
    def register(check: Case) -> Case:
        CASES.append(Entry(len(CASES) + 1, item, title, check))
        return check
    return register


def _model_case(side: Side, tmp: Path, node_of: Callable[[Path, Path], dict], nest: bool = False) -> str:
    marker = tmp / "ran"
    node = node_of(marker, evil_pickle(tmp, marker))
    model = hostile_skops(side, tmp, node, nest)
    r = score(side, article(tmp), "-m", model, cwd=tmp)
    ran = "**code ran** (marker file created)" if marker.exists() else "no code ran"
    return f"{ran}; {how(r)}"


_TOUCH = "open({!r}, 'w').close()"

def _eval(marker: Path, pickled: Path) -> dict:
    return _call_node("builtins", "eval", _TOUCH.format(str(marker)))


_PAYLOADS: list[tuple[str, str, Callable[[Path, Path], dict]]] = [
    ("1", ".skops whose reduce node calls `builtins.eval`", _eval),
    ("1", ".skops calling `numpy.load(path, None, True)` (unpickles a file)",
     lambda m, p: _call_node("numpy", "load", str(p), None, True)),
    ("1", ".skops calling `detector.persistence.load_model(path, True)`",
     lambda m, p: _call_node("detector.persistence", "load_model", str(p), True)),
    ("1, What: corpus", ".skops calling `builtins.exec`",
     lambda m, p: _call_node("builtins", "exec", _TOUCH.format(str(m)))),
    ("1, What: corpus", ".skops calling `builtins.open(marker, 'w')`",
     lambda m, p: _call_node("builtins", "open", str(m), "w")),
    ("1, What: corpus", ".skops calling `os.system`", lambda m, p: _call_node("os", "system", f"touch {m}")),
    ("1, What: corpus", ".skops calling `subprocess.call`",
     lambda m, p: _call_node("subprocess", "call", ["touch", str(m)])),
]
for _item, _title, _node in _PAYLOADS:
    case(_item, _title)(lambda side, tmp, _n=_node: _model_case(side, tmp, _n))

case("1, What: corpus", "nested payload: `builtins.eval` hidden in a list inside the metadata")(
    lambda side, tmp: _model_case(side, tmp, _eval, nest=True))


@case("1, What", ".skops holding a harmless object that is not a classifier (a dict)")
def _not_a_classifier(side: Side, tmp: Path) -> str:
    node = {"__class__": "dict", "__module__": "builtins", "__loader__": "DictNode", "content": {},
            "key_types": {"__class__": "list", "__module__": "builtins", "__loader__": "ListNode",
                          "content": [], "__id__": 3}, "__id__": 4}
    r = score(side, article(tmp), "-m", hostile_skops(side, tmp, node), cwd=tmp)
    return how(r)


@case("1, What: corpus", "truncated .skops archives (half, 100 bytes, empty)")
def _truncated(side: Side, tmp: Path) -> str:
    data = genuine_skops(side).read_bytes()
    outcomes = []
    for cut in (len(data) // 2, 100, 0):
        path = tmp / f"cut{cut}.skops"
        path.write_bytes(data[:cut])
        outcomes.append(how(score(side, article(tmp), "-m", path, cwd=tmp)).replace(path.name, "FILE"))
    return "; ".join(f"{outcomes.count(o)} of 3: {o}" for o in sorted(set(outcomes)))


@case("2", "joblib file swapped for a pickle between the hash check and the load (shared folder race)")
def _swap_race(side: Side, tmp: Path) -> str:
    marker = tmp / "ran"
    code = f"""
import os, threading, time, pathlib
from detector import Detector
from detector.persistence import default_model_path
tmp = pathlib.Path({str(tmp)!r}); marker = tmp / "ran"
good = default_model_path().read_bytes(); evil = pathlib.Path({str(evil_pickle(tmp, marker))!r}).read_bytes()
target = tmp / "shared.joblib"; target.write_bytes(good)
stop = False
def swap():
    n = 0
    while not stop:
        n += 1
        staged = tmp / "staged"
        staged.write_bytes(evil if n % 2 else good)
        os.replace(staged, target)
        time.sleep(0.002)
thread = threading.Thread(target=swap, daemon=True); thread.start()
start = time.monotonic(); attempts = 0
while time.monotonic() - start < 30 and attempts < 40 and not marker.exists():
    attempts += 1
    try:
        Detector.load(target)
    except Exception:
        pass
stop = True
print("RESULT", attempts, round(time.monotonic() - start, 1), marker.exists())
"""
    r = library(side, code, cwd=tmp, timeout=200)
    found = results(r)
    if not found:
        return how(r)
    attempts, seconds, ran = found[0].split()
    if ran == "True":
        return f"**attacker's pickle ran** after {attempts} attempts ({seconds} s)"
    return f"no code ran in {attempts} attempts ({seconds} s)"


def _output_case(side: Side, tmp: Path, target: Path, fmt: str = "json") -> Run:
    return score(side, article(tmp), "-f", fmt, "-o", target, cwd=tmp)


@case("3", "`--output` is a character device (a /dev/null node made with mknod in the temp folder)")
def _char_device(side: Side, tmp: Path) -> str:
    node = tmp / "null"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        return "not reproducible here (mknod needs root)"
    r = _output_case(side, tmp, node)
    kept = stat.S_ISCHR(os.lstat(node).st_mode)
    return f"{'device kept' if kept else '**device replaced by a regular file**'}; {how(r)}"


@case("3", "`--output` is a FIFO")
def _fifo(side: Side, tmp: Path) -> str:
    fifo = tmp / "pipe"
    os.mkfifo(fifo)
    r = _output_case(side, tmp, fifo)
    kept = stat.S_ISFIFO(os.lstat(fifo).st_mode)
    return f"{'FIFO kept' if kept else '**FIFO replaced by a regular file**'}; {how(r)}"


@case("3", "`--output` is a symbolic link: the link is replaced, its target never written")
def _symlink(side: Side, tmp: Path) -> str:
    target = tmp / "real.json"
    target.write_text("old", encoding="utf-8")
    link = tmp / "link.json"
    link.symlink_to(target)
    r = _output_case(side, tmp, link)
    still_link = link.is_symlink()
    written = target.read_text(encoding="utf-8") != "old"
    return (f"{'link kept' if still_link else '**link replaced by a file**'}, "
            f"{'target written' if written else '**target not written**'}; {how(r)}")


@case("3", "`--output` equal to an input file")
def _output_is_input(side: Side, tmp: Path) -> str:
    path = article(tmp)
    r = score(side, path, "-o", path, cwd=tmp)
    intact = path.read_text(encoding="utf-8") == ARTICLE
    return f"{'article intact' if intact else '**article overwritten with its own results**'}; {how(r)}"


@case("3", "a report written into the scored folder, scored again the next run")
def _report_in_folder(side: Side, tmp: Path) -> str:
    folder = tmp / "articles"
    folder.mkdir()
    article(folder)
    report = folder / "report.txt"
    for _ in range(2):
        r = score(side, folder, "-f", "jsonl", "-o", report, cwd=tmp)
    names = [d["document"] for d in documents_in(report.read_text(encoding="utf-8"))] if report.exists() else []
    scored_report = any(n.endswith("report.txt") for n in names)
    return f"{'**the old report was scored as an article**' if scored_report else 'report not scored'}; {how(r)}"


@case("3", "a 0600 output file keeps its mode when replaced")
def _mode(side: Side, tmp: Path) -> str:
    target = tmp / "private.json"
    target.write_text("old", encoding="utf-8")
    os.chmod(target, 0o600)
    r = _output_case(side, tmp, target)
    mode = stat.S_IMODE(target.stat().st_mode)
    return f"{'mode 0600 kept' if mode == 0o600 else f'**mode became {mode:04o}**'}; {how(r)}"


def _resume_corpus(path: Path, ids: list[str], sentences: int = 30) -> None:
    body = " ".join(f"Sentence {k} says the shameful plan was rammed through by traitors." for k in range(sentences))
    path.write_text("".join(json.dumps({"id": i, "text": f"Report {n}. {body}"}) + "\n"
                            for n, i in enumerate(ids)), encoding="utf-8")


#: Documents in each resume corpus: enough that a run writes in several batches and can be
#: interrupted after the first one on a fast machine too.
DOCUMENTS = 300


def _interrupted(side: Side, tmp: Path, args: list, out: Path, after: int = 2, limit: float = 120) -> Run:
    """Start ``detector score ARGS -o OUT -f jsonl`` and send SIGINT once ``after`` documents are in
    the partial file (the interruption a person makes with Ctrl-C)."""
    partial = out.with_name(out.name + ".partial")
    command = [side.detector, "score", *map(str, args), "-f", "jsonl", "-o", str(out), "--quiet"]
    proc = subprocess.Popen(command, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    started = time.monotonic()
    while proc.poll() is None and time.monotonic() - started < limit:
        try:
            if partial.read_bytes().count(b'"document"') >= after:
                break
        except OSError:
            pass
        time.sleep(0.05)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid)
        _, err = proc.communicate()
    return Run(proc.returncode, "", err.decode("utf-8", "replace"), time.monotonic() - started, False, 0.0)


def _lost(out: Path, expected: list[str]) -> str:
    """How the final output compares with the documents expected (by their first sentence)."""
    if not out.exists():
        return "no output file"
    records = documents_in(out.read_text(encoding="utf-8"))
    corrupt = sum(1 for r in records if r is None)
    firsts = [r["sentences"][0]["text"] if r and r.get("sentences") else None for r in records if r]
    lost = len([e for e in expected if e not in firsts])
    repeated = len(firsts) - len(set(firsts))
    parts = [f"**documents lost: {lost}**" if lost else "no document lost"]
    if repeated:
        parts.append(f"**repeated: {repeated}**")
    if corrupt:
        parts.append(f"**corrupt lines: {corrupt}**")
    return ", ".join(parts)


def _resume_case(side: Side, tmp: Path, inputs: list[Path], expected: list[str],
                 second: list | None = None) -> str:
    out = tmp / "out.jsonl"
    first = _interrupted(side, tmp, inputs, out)
    if first.code == 0:
        return "not reproduced: the run ended before it could be interrupted"
    r = score(side, *(second or inputs), "-f", "jsonl", "-o", out, "--resume", "--quiet", cwd=tmp, timeout=300)
    return f"{_lost(out, expected)}; resume: {how(r)}"


@case("4", "`--resume` with duplicate ids in a JSONL corpus (300 records, all id `same`)")
def _resume_duplicates(side: Side, tmp: Path) -> str:
    corpus = tmp / "docs.jsonl"
    _resume_corpus(corpus, ["same"] * DOCUMENTS)
    return _resume_case(side, tmp, [corpus], [f"Report {n}." for n in range(DOCUMENTS)])


@case("4", "`--resume` over two CSV files that both use ids 1 to 150")
def _resume_csv_ids(side: Side, tmp: Path) -> str:
    body = " ".join(f"Sentence {k} says the shameful plan was rammed through by traitors." for k in range(30))
    ids = range(1, DOCUMENTS // 2 + 1)
    tables = []
    for name in ("a", "b"):
        table = tmp / f"{name}.csv"
        table.write_text("id,text\n" + "".join(f'{i},"Report {name}{i}. {body}"\n' for i in ids),
                         encoding="utf-8")
        tables.append(table)
    return _resume_case(side, tmp, tables, [f"Report {n}{i}." for n in "ab" for i in ids])


@case("4", "`--resume` against a partial file made from other inputs")
def _resume_other_inputs(side: Side, tmp: Path) -> str:
    first, other = tmp / "first.jsonl", tmp / "other.jsonl"
    _resume_corpus(first, [f"f{i}" for i in range(DOCUMENTS)])
    body = " ".join(f"Line {k} of the other corpus." for k in range(30))
    other.write_text("".join(json.dumps({"id": f"o{i}", "text": f"Other {i}. {body}"}) + "\n"
                             for i in range(DOCUMENTS)),
                     encoding="utf-8")
    out = tmp / "out.jsonl"
    if _interrupted(side, tmp, [first], out).code == 0:
        return "not reproduced: the run ended before it could be interrupted"
    r = score(side, other, "-f", "jsonl", "-o", out, "--resume", "--quiet", cwd=tmp, timeout=300)
    if not out.exists():
        return f"nothing appended; {how(r)}"
    firsts = [d["sentences"][0]["text"] for d in documents_in(out.read_text(encoding="utf-8")) if d]
    mixed = any(f.startswith("Report") for f in firsts) and any(f.startswith("Other") for f in firsts)
    return f"{'**appended: output mixes both corpora**' if mixed else 'output holds one corpus'}; {how(r)}"


@case("4", "`--resume` with other options (first run without, resume with `--all-scores`)")
def _resume_other_options(side: Side, tmp: Path) -> str:
    corpus = tmp / "docs.jsonl"
    _resume_corpus(corpus, [f"d{i}" for i in range(DOCUMENTS)])
    out = tmp / "out.jsonl"
    if _interrupted(side, tmp, [corpus], out).code == 0:
        return "not reproduced: the run ended before it could be interrupted"
    r = score(side, corpus, "--all-scores", "-f", "jsonl", "-o", out, "--resume", "--quiet", cwd=tmp, timeout=300)
    if not out.exists():
        return f"nothing appended; {how(r)}"
    shapes = {(frozenset(d), frozenset(d["sentences"][0])) for d in documents_in(out.read_text("utf-8")) if d}
    return f"{'**appended: records of two shapes in one file**' if len(shapes) > 1 else 'one shape'}; {how(r)}"


@case("4", "two concurrent JSONL runs to the same output")
def _concurrent(side: Side, tmp: Path) -> str:
    a, b = tmp / "a.jsonl", tmp / "b.jsonl"
    _resume_corpus(a, [f"a{i}" for i in range(DOCUMENTS)])
    _resume_corpus(b, [f"b{i}" for i in range(DOCUMENTS)])
    out = tmp / "out.jsonl"
    procs = [subprocess.Popen([side.detector, "score", str(c), "-f", "jsonl", "-o", str(out), "--quiet"], cwd=tmp,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
             for c in (a, b)]
    codes, errs = [], []
    for p in procs:
        try:
            _, err = p.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            _kill_group(p.pid)
            _, err = p.communicate()
        codes.append(p.returncode)
        errs.append(err.decode("utf-8", "replace"))
    records = documents_in(out.read_text(encoding="utf-8")) if out.exists() else []
    corrupt = sum(1 for r in records if r is None)
    sources = {r["document"][0] for r in records if r}
    refused = [e for e, c in zip(errs, codes, strict=True) if c == 2]
    failed = [_last_exception(e) for e, c in zip(errs, codes, strict=True) if c == 1]
    parts = [f"exits {codes[0]} and {codes[1]}" + (f" (traceback: {', '.join(failed)})" if failed else "")]
    if len(sources) > 1:
        parts.append("**output mixes both runs**")
    if corrupt:
        parts.append(f"**{corrupt} corrupt line{'s' * (corrupt > 1)}**")
    if refused:
        line = next((x for x in refused[0].splitlines() if x.startswith("error:")), refused[0].strip())
        parts.append(f"second refused: “{_short(line[len('error: '):], 80)}”")
    if len(sources) == 1 and not corrupt:
        parts.append(f"output is one run's {len(records)} documents")
    return ", ".join(parts)


def _big_input_case(side: Side, tmp: Path, text: str, timeout: float = 300) -> str:
    """Score ``text`` from a file to a JSONL output under the memory limit."""
    out = tmp / "out.jsonl"
    path = tmp / "input.txt"
    path.write_text(text, encoding="utf-8")
    r = score(side, path, "-f", "jsonl", "-o", out, "--quiet", cwd=tmp, memory=MEMORY_LIMIT, timeout=timeout)
    partial = out.with_name(out.name + ".partial")
    extra = ""
    if partial.exists():
        extra = f"; {'an empty' if partial.stat().st_size == 0 else 'a'} `.partial` left"
    peak = f" in {r.seconds:.0f} s, peak {r.peak_mb:.0f} MB" if r.code == 0 else ""
    return f"{how(r)}{peak}{extra}"


@case("5", '600 KB of ". "')
def _dots(side: Side, tmp: Path) -> str:
    return _big_input_case(side, tmp, ". " * 300_000)


@case("5", '2 MB of "Mr. "')
def _misters(side: Side, tmp: Path) -> str:
    return _big_input_case(side, tmp, "Mr. " * 500_000)


@case("5", "a long single line (1 MB of words, no line break)")
def _long_line(side: Side, tmp: Path) -> str:
    return _big_input_case(side, tmp, " ".join(f"word{i % 97}" for i in range(150_000)) + ".")


@case("5", "`Detector.score` on a 10 MB one-line string (library)")
def _library_long_line(side: Side, tmp: Path) -> str:
    code = """
import time
from detector import Detector
d = Detector.load(); text = "Mr. " * 2_500_000
t = time.monotonic()
try:
    s = d.score(text); print("RESULT ok", len(s), round(time.monotonic() - t))
except Exception as exc:
    print("RESULT raised", type(exc).__name__)
"""
    r = library(side, code, cwd=tmp, memory=MEMORY_LIMIT, timeout=600)
    found = results(r)
    if not found:
        return how(r)
    words = found[0].split()
    if words[0] == "ok":
        return f"scored: {words[1]} sentences in {words[2]} s, peak {r.peak_mb:.0f} MB"
    return f"**raised {words[1]}**"


def _prose(size: int) -> str:
    """Invented prose of about ``size`` characters that never repeats a sentence exactly."""
    subjects = ("The council", "A spokesman", "The committee", "Our reporter", "The minister", "Local traders")
    verbs = ("said on Tuesday that", "argued that", "denied that", "claimed that", "wrote that", "warned that")
    objects = ("the budget would rise", "the bridge would close", "the plan was shameful",
               "the vote had been rushed", "nobody had been consulted", "the figures were wrong")
    parts, n, total = [], 0, 0
    while total < size:
        sentence = f"{subjects[n % 6]} {verbs[(n // 6) % 6]} {objects[(n // 36) % 6]} in case {n}."
        parts.append(sentence + ("\n\n" if n % 7 == 6 else " "))
        total += len(sentence) + 1
        n += 1
    return "".join(parts)[:size]


@case("5", '6 MB of "a." without spaces (memory)')
def _a_dots(side: Side, tmp: Path) -> str:
    return _big_input_case(side, tmp, "a." * (3 << 20))


@case("5", "one million short lines (memory)")
def _million_lines(side: Side, tmp: Path) -> str:
    return _big_input_case(side, tmp, "".join(f"Line {i} is short.\n" for i in range(1_000_000)), timeout=600)


@case("5", "50 MB of prose (memory)")
def _fifty_mb(side: Side, tmp: Path) -> str:
    return _big_input_case(side, tmp, _prose(50 << 20), timeout=600)


@case("5", "standard input without end (`- < /dev/zero`)")
def _dev_zero(side: Side, tmp: Path) -> str:
    with open("/dev/zero", "rb") as zero:
        r = score(side, "-", "-f", "jsonl", "--quiet", cwd=tmp, stdin=zero.fileno(), memory=MEMORY_LIMIT,
                  timeout=120)
    return how(r)


_TRAINING = """
from detector import read_corpus
try:
    for d in read_corpus({path!r}):
        print("RESULT", repr(d.text), sorted({{s.technique for s in d.spans}}))
except Exception as exc:
    print("RESULT raised", type(exc).__name__, str(exc)[:300].replace(chr(10), " "))
"""


@case("6", 'training CSV: a quoted newline inside a field ("traitors\\nlie")')
def _csv_newline(side: Side, tmp: Path) -> str:
    table = tmp / "train.csv"
    table.write_text('id,text,labels\nd1,"The traitors\nlie to us.",loaded_language\n', encoding="utf-8")
    found = results(library(side, _TRAINING.format(path=str(table)), cwd=tmp))
    if not found:
        return "no output"
    if "traitorslie" in found[0]:
        return "**newline deleted: “traitorslie”**"
    return "text kept: “The traitors\\nlie to us.”" if "traitors\\nlie" in found[0] else _short(found[0])


def _separator_case(side: Side, tmp: Path, char: str) -> str:
    table = tmp / "train.csv"
    table.write_text(f'id,text,labels\nd1,"First{char}part.",loaded_language\nd2,"Calm text.",\n', encoding="utf-8")
    found = results(library(side, _TRAINING.format(path=str(table)), cwd=tmp))
    texts = [f for f in found if not f.startswith("raised")]
    if found and found[0].startswith("raised"):
        return f"**raised {_short(found[0][7:], 70)}**"
    right = any(f"First{char}part." in eval(line.rsplit(" [", 1)[0]) and "loaded_language" in line
                for line in texts)
    if right and len(texts) == 2:
        return "2 rows, label on its own text"
    if any(line.startswith("'Firstpart.'") for line in texts):
        return f"**U+{ord(char):04X} deleted: the text became “Firstpart.”**"
    shown = "; ".join(_short(line, 40) for line in texts[:3])
    return f"**row split, label on the wrong text**: {len(texts)} documents read: {shown}"


@case("6", "training CSV: U+2028 inside a quoted field")
def _csv_u2028(side: Side, tmp: Path) -> str:
    return _separator_case(side, tmp, "\u2028")


@case("6", "training CSV: U+0085 inside a quoted field")
def _csv_u0085(side: Side, tmp: Path) -> str:
    return _separator_case(side, tmp, "\u0085")


@case("6", "training JSONL: U+2028 / U+0085 inside a valid record")
def _jsonl_separators(side: Side, tmp: Path) -> str:
    corpus = tmp / "train.jsonl"
    corpus.write_text(json.dumps({"id": "d1", "text": "One\u2028two\u0085three.", "spans": []},
                                 ensure_ascii=False) + "\n", encoding="utf-8")
    found = results(library(side, _TRAINING.format(path=str(corpus)), cwd=tmp))
    if found and found[0].startswith("raised"):
        return f"**refused: {_short(found[0][7:], 160)}**"
    return "record read with its text intact" if found and "\\u2028" in found[0] else _short(" ".join(found))


@case("7", "a file name with a non-UTF-8 byte, written with `--output` in each of the 5 formats")
def _undecodable_name(side: Side, tmp: Path) -> str:
    folder = tmp / "in"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as fh:
        fh.write(ARTICLE.encode())
    article(folder, "ok.txt")
    outcomes: dict[str, list[str]] = {}
    for fmt in ("text", "json", "jsonl", "csv", "html"):
        out = tmp / f"out.{fmt}"
        r = score(side, folder, "-f", fmt, "-o", out, "--quiet", cwd=tmp)
        shown = out.read_text(encoding="utf-8", errors="replace") if out.exists() else ""
        written = "caf\\xe9" in shown or "caf\\\\xe9" in shown  # as text, or escaped again inside JSON
        outcomes.setdefault(f"{how(r)}, {'name escaped in the output' if written else '**no output**'}",
                            []).append(fmt)
    return "; ".join(f"{k} ({', '.join(v)})" if len(outcomes) > 1 else f"{k} in all 5" for k, v in outcomes.items())


@case("7", "an escaped lone surrogate in one JSONL record, with `--skip-errors`")
def _lone_surrogate(side: Side, tmp: Path) -> str:
    corpus = tmp / "docs.jsonl"
    corpus.write_text('{"id": "a", "text": "bad \\ud800 here."}\n{"id": "b", "text": "Fine text."}\n', encoding="utf-8")
    r = score(side, corpus, "-f", "jsonl", "--skip-errors", "--quiet", cwd=tmp)
    written = len(documents_in(r.out))
    return f"{written} of 2 documents written; {how(r)}" + ("; one warning" if "skipped" in r.err else "")


_ESCAPES = ("Clear \x1b[2J the screen. Title \x1b]0;owned\x07 here. Link \x1b]8;;http://x.example\x1b\\click"
            "\x1b]8;;\x1b\\ now. Clipboard \x1b]52;c;b3duZWQ=\x07 set. Shameful \x9b1m plan!\n")


@case("8", "ANSI/OSC sequences in the text (clear, title, hyperlink, clipboard), plain view")
def _escapes_plain(side: Side, tmp: Path) -> str:
    r = score(side, article(tmp, text=_ESCAPES), "--explain", cwd=tmp)
    n = raw_controls(r.out)
    return f"{f'**{n} raw control characters reached the terminal**' if n else 'shown escaped'}; {how(r)}"


@case("8", "the same sequences in the coloured view (a pseudo-terminal)")
def _escapes_colour(side: Side, tmp: Path) -> str:
    path = article(tmp, text=_ESCAPES)
    r = score(side, path, cwd=tmp, tty=True)
    # rich's own colour codes are escapes too; count only the payload's sequences.
    hostile = sum(r.out.count(s) for s in ("\x1b[2J", "\x1b]0;", "\x1b]8;;http", "\x1b]52;", "\x9b"))
    return f"{f'**{hostile} hostile sequences reached the terminal**' if hostile else 'shown escaped'}; {how(r)}"


@case("8", "ANSI/OSC sequences in a file name")
def _escape_name(side: Side, tmp: Path) -> str:
    path = article(tmp, name="x\x1b]0;owned\x07\x1b[2J.txt")
    r = score(side, path, cwd=tmp)
    n = raw_controls(r.out + r.err)
    return f"{f'**{n} raw control characters reached the terminal**' if n else 'shown escaped'}; {how(r)}"


_FORGER = "evil\tname\n== forged: 0 sentences.txt"


@case("8", "tabs and newlines in a file name forge a header line (text view)")
def _forged_header(side: Side, tmp: Path) -> str:
    r = score(side, article(tmp, name=_FORGER), cwd=tmp)
    forged = any(line.startswith("== forged") for line in r.out.splitlines())
    return f"{'**forged header line**' if forged else 'name quoted on one line'}; {how(r)}"


@case("8", "tabs and newlines in a file name forge `--summary` rows")
def _forged_summary(side: Side, tmp: Path) -> str:
    article(tmp, name="plain.txt")
    article(tmp, name="x\tforged\t9\t9\ty\n")
    r = score(side, tmp / "plain.txt", tmp / "x\tforged\t9\t9\ty\n", "--summary", cwd=tmp)
    rows = [line for line in r.out.splitlines() if line.strip()]
    # a header and two rows are expected; a row starting with a name's remainder is forged
    forged = len(rows) != 3 or any(row.split("\t")[0] == "" or row.startswith("forged") for row in rows)
    return f"{f'**{len(rows) - 1} rows for 2 documents**' if forged else '2 rows for 2 documents'}; {how(r)}"


@case("9", "CSV formula injection (cells beginning `=`, `+`, `-`, `@`)")
def _formulas(side: Side, tmp: Path) -> str:
    path = article(tmp, "=cmd.txt", '=HYPERLINK("http://x.example")\n+SUM(A1)\n-2+3\n@import\nA plain sentence.\n')
    r = score(side, path, "-f", "csv", cwd=tmp)
    import csv
    import io

    cells = [v for row in csv.reader(io.StringIO(r.out)) for v in row]
    live = [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    verdict = f"**{len(live)} cells start a formula**" if live else "every such cell prefixed with `'`"
    return f"{verdict}; {how(r)}"


@case("9", "a zip-bomb .skops (1 GiB of schema packed into about 1 MB)")
def _zip_bomb(side: Side, tmp: Path) -> str:
    bomb = side.cache.parent / "bomb.skops"
    if not bomb.exists():
        with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            with archive.open("schema.json", "w", force_zip64=True) as member:
                member.write(b'{"__class__": "')
                chunk = b" " * (1 << 20)
                for _ in range(1024):
                    member.write(chunk)
    r = score(side, article(tmp), "-m", bomb, cwd=tmp, memory=MEMORY_LIMIT, timeout=300)
    return f"{how(r)} ({bomb.stat().st_size / 2**20:.1f} MB file)"


def _signal_run(side: Side, tmp: Path, sig: signal.Signals, jobs: int) -> tuple[Run, list[int], int]:
    """Score a large corpus, send ``sig`` to the parent once it writes output; return the run,
    the worker processes still alive 5 s later and the number of ``.tmp`` files left."""
    corpus = tmp / "many.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Report {i}. The shameful plan {i} was rammed "
                                          "through! The council met on Tuesday to discuss it."}) + "\n"
                              for i in range(20000)), encoding="utf-8")
    out = tmp / "out.json"
    # Standard error goes to a file: a pipe would stay open (and a read of it block) for as long
    # as an orphaned worker lives.
    err_file = tempfile.TemporaryFile()
    proc = subprocess.Popen([side.detector, "score", str(corpus), "-f", "json", "-o", str(out), "--jobs", str(jobs),
                             "--quiet"], cwd=tmp, stdout=subprocess.DEVNULL, stderr=err_file,
                            start_new_session=True)
    started = time.monotonic()
    workers: list[int] = []
    while time.monotonic() - started < 90 and proc.poll() is None:
        time.sleep(0.5)
        workers = descendants(proc.pid)
        temporary = [p for p in tmp.iterdir() if p.name.endswith(".tmp")]
        if (jobs == 1 and temporary and time.monotonic() - started > 6) or (jobs > 1 and len(workers) >= jobs
                                                                            and time.monotonic() - started > 8):
            break
    workers = descendants(proc.pid)
    os.kill(proc.pid, sig)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    err_file.seek(0)
    err = err_file.read()
    err_file.close()
    time.sleep(5)
    living = [w for w in workers if alive(w)]
    for w in living:  # this script started them (through the run); it does not leave them behind
        try:
            os.kill(w, signal.SIGKILL)
        except ProcessLookupError:
            pass
    left = len([p for p in tmp.iterdir() if p.name.endswith(".tmp")])
    run_ = Run(proc.returncode, "", err.decode("utf-8", "replace"), time.monotonic() - started, False, 0.0)
    return run_, living, left


@case("9", "SIGTERM during a run to `--output`: `.tmp` files left")
def _sigterm_tmp(side: Side, tmp: Path) -> str:
    r, _, left = _signal_run(side, tmp, signal.SIGTERM, 1)
    ended = how(r) if r.code is None or r.code >= 0 else f"killed by {signal.Signals(-r.code).name}"
    return f"{f'**{left} `.tmp` file left**' if left else 'no `.tmp` left'}; {ended}"


@case("9", "SIGTERM of the parent with `--jobs 2`: its processes (workers, trackers) alive 5 s later")
def _sigterm_workers(side: Side, tmp: Path) -> str:
    r, living, _ = _signal_run(side, tmp, signal.SIGTERM, 2)
    return f"{f'**{len(living)} still alive**' if living else 'none alive'}; {how(r)}"


@case("9, Targets", "`kill -9` of the parent with `--jobs 2`: its processes alive 5 s later")
def _sigkill_workers(side: Side, tmp: Path) -> str:
    _, living, _ = _signal_run(side, tmp, signal.SIGKILL, 2)
    return f"**{len(living)} still alive**" if living else "none alive"


@case("9", "read-only output location (a folder the user may not write, permissions enforced)")
def _read_only(side: Side, tmp: Path) -> str:
    locked = tmp / "locked"
    locked.mkdir()
    os.chmod(locked, 0o555)
    return how(score(side, article(tmp), "-o", locked / "out.json", cwd=tmp, unprivileged=True))


@case("9", "`--output` is a directory (refused before or after scoring)")
def _output_directory(side: Side, tmp: Path) -> str:
    folder = tmp / "folder"
    folder.mkdir()
    paths = [article(tmp, f"a{i}.txt", ARTICLE * 200) for i in range(30)]
    r = score(side, *paths, "-o", folder, "--quiet", cwd=tmp)
    return f"{how(r)} after {r.seconds:.1f} s"


@case("9", "disk full: standard output is /dev/full")
def _disk_full(side: Side, tmp: Path) -> str:
    return how(run(f"{side.detector} score {article(tmp)} > /dev/full", shell=True, cwd=tmp))


@case("9", "disk full for `--output` (simulated by a 4 KB file-size limit, EFBIG)")
def _file_too_large(side: Side, tmp: Path) -> str:
    path = article(tmp, text=ARTICLE * 100)
    command = f"ulimit -f 4; trap '' XFSZ; exec {side.detector} score {path} -f json -o {tmp / 'out.json'}"
    r = run(["bash", "-c", command], cwd=tmp)
    return how(r)


@case("9", "closed standard input (`score - <&-`)")
def _closed_stdin(side: Side, tmp: Path) -> str:
    return how(run(f"{side.detector} score - <&-", shell=True, cwd=tmp))


@case("9", "closed standard output (`>&-`)")
def _closed_stdout(side: Side, tmp: Path) -> str:
    return how(run(f"{side.detector} score {article(tmp)} >&-", shell=True, cwd=tmp))


@case("9", "a broken pipe (`detector score FILES | head -1`)")
def _broken_pipe(side: Side, tmp: Path) -> str:
    # Several documents, so the run is still writing when ``head`` has gone.
    paths = [article(tmp, f"s{i}.txt") for i in range(3)]
    paths += [article(tmp, f"b{i}.txt", ARTICLE * 3000) for i in range(2)]
    files = " ".join(map(str, paths))
    r = run(["bash", "-c", f"{side.detector} score {files} 2>{tmp / 'err'} | head -1"], cwd=tmp)
    r.err = (tmp / "err").read_text(encoding="utf-8", errors="replace")
    if r.traceback or "internal error" in r.err:
        return how(r).split(", exit")[0]  # the pipeline's exit status is head's
    return "ended quietly" if not r.err.strip() else f"ended with: “{_short(r.err, 60)}”"


@case("9", "an unreadable subfolder (mode 000, permissions enforced)")
def _unreadable_folder(side: Side, tmp: Path) -> str:
    top = tmp / "top"
    (top / "hidden").mkdir(parents=True)
    article(top)
    article(top / "hidden", "b.txt")
    os.chmod(top / "hidden", 0)
    r = score(side, top, "-f", "jsonl", cwd=tmp, unprivileged=True)
    os.chmod(top / "hidden", 0o755)
    said = "hidden" in r.err
    return f"{len(documents_in(r.out))} of 2 files scored, {'reported' if said else '**skipped silently**'}; {how(r)}"


@case("9", "a symlinked subfolder")
def _symlinked_folder(side: Side, tmp: Path) -> str:
    real = tmp / "real"
    real.mkdir()
    article(real, "b.txt")
    top = tmp / "top"
    top.mkdir()
    article(top)
    (top / "link").symlink_to(real, target_is_directory=True)
    r = score(side, top, "-f", "jsonl", cwd=tmp)
    said = "link" in r.err
    told = "with a warning" if said else "**skipped silently**"
    return f"{len(documents_in(r.out))} of 2 files scored, {told}; {how(r)}"


@case("9", "a CSV header with a byte-order mark (`id` column)")
def _bom(side: Side, tmp: Path) -> str:
    table = tmp / "posts.csv"
    table.write_bytes("\ufeffid,text\np1,A post.\n".encode("utf-8"))
    r = score(side, table, "-f", "jsonl", cwd=tmp)
    names = [d["document"] for d in documents_in(r.out)]
    return f"{'id read: p1' if names == ['p1'] else f'**id column hidden: named {names}**'}; {how(r)}"


@case("9", "a CSV field over 128 KB")
def _long_field(side: Side, tmp: Path) -> str:
    table = tmp / "long.csv"
    table.write_text('id,text\nbig,"' + "A sentence of the long document. " * 5000 + '"\n', encoding="utf-8")
    r = score(side, table, "-f", "jsonl", "--quiet", cwd=tmp)
    return f"{len(documents_in(r.out))} document scored; {how(r)}"


@case("9", "`save('m.SKOPS')` (library)")
def _upper_suffix(side: Side, tmp: Path) -> str:
    path = tmp / "m.SKOPS"
    library(side, f"from detector import Detector; Detector.load().save({str(path)!r})", cwd=tmp, timeout=300)
    if not path.exists():
        return "nothing written"
    return "written as skops (a zip archive)" if zipfile.is_zipfile(path) else "**written as a pickle**"


@case("9", "`COLUMNS=0` in a terminal")
def _columns_zero(side: Side, tmp: Path) -> str:
    r = score(side, article(tmp), cwd=tmp, tty=True, env={"COLUMNS": "0"})
    shown = "shameful" in r.out
    return f"{'the view is drawn' if shown else '**nothing printed**'}; {how(r)}"


@case("9", "`--jobs 100000` (at most 64 more processes allowed)")
def _jobs_bound(side: Side, tmp: Path) -> str:
    paths = [article(tmp, f"a{i}.txt") for i in range(4)]
    r = score(side, *paths, "--jobs", "100000", "--quiet", cwd=tmp, unprivileged=True, processes=64, timeout=90)
    if "Resource temporarily unavailable" in r.err or "BlockingIOError" in r.err:
        return f"**tried to start 100000 workers** (stopped by the process limit); {how(r)}"
    if r.timed_out:
        return f"**not refused**: {how(r)} at the process limit"
    return how(r)


@case("9", '`score(b"...")` (library)')
def _bytes(side: Side, tmp: Path) -> str:
    code = """
from detector import Detector
try:
    Detector.load().score(b"Some bytes.")
    print("RESULT accepted")
except Exception as exc:
    print("RESULT", type(exc).__name__, str(exc).replace(chr(10), " ")[:90])
"""
    found = results(library(side, code, cwd=tmp))
    return f"{_short(found[0], 100)}" if found else "no output"


# ---------------------------------------------------------------------- the table


def _cell(text: str) -> str:
    """``text`` safe inside a Markdown table cell (and free of raw control characters)."""
    text = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    text = _TEMPORARY.sub("", text)
    return text.replace("|", "\\|")


def _selected(spec: str | None) -> set[int]:
    if not spec:
        return {c.number for c in CASES}
    chosen: set[int] = set()
    for part in spec.split(","):
        low, _, high = part.partition("-")
        chosen.update(range(int(low), int(high or low) + 1))
    return chosen


def _side(label: str, detector: str, python: str, cache: Path) -> Side:
    cache.mkdir()
    os.chmod(cache, 0o755)
    return Side(label, detector, python, cache)


_ROW = re.compile(r"\| (\d+) \|")


def merge_rows(source: Path, target: Path) -> int:
    """Replace ``target``'s rows by the rows of the same number in ``source`` and say so in its header."""
    rows = {int(m.group(1)): line for line in source.read_text(encoding="utf-8").splitlines()
            if (m := _ROW.match(line))}
    lines = target.read_text(encoding="utf-8").splitlines()
    source_lines = source.read_text(encoding="utf-8").splitlines()
    run_line = next(line for line in source_lines if line.startswith("Run "))
    method = next(line for line in source_lines if line.startswith("*Before*"))  # how the cases are run now
    merged = [rows.get(int(m.group(1)), line) if (m := _ROW.match(line)) else
              method if line.startswith("*Before*") else line for line in lines]
    numbers = ", ".join(map(str, sorted(rows)))
    header = merged.index(next(line for line in merged if line.startswith("Run ")))
    merged[header] += f" Rows {numbers} come from a second run ({run_line[4:].split(', in ')[0]})."
    target.write_text("\n".join(merged) + "\n", encoding="utf-8")
    print(f"rows {numbers} of {source} put into {target}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = Path(sys.executable).parent
    parser.add_argument("--detector", default=str(here / "detector"), help="The new detector command.")
    parser.add_argument("--python", default=sys.executable, help="The new detector's Python (library cases).")
    parser.add_argument("--old-detector", default="/tmp/origvenv/bin/detector")
    parser.add_argument("--old-python", default="/tmp/origvenv/bin/python")
    parser.add_argument("--only", help="Case numbers to run, e.g. 3,17-20 (default: all).")
    parser.add_argument("--write", type=Path, help="Write the Markdown table to this file.")
    parser.add_argument("--merge", type=Path,
                        help="Run nothing: put the rows of this table (an --only run's) into the --write table.")
    args = parser.parse_args()
    if args.merge:
        if not args.write:
            parser.error("--merge needs --write")
        return merge_rows(args.merge, args.write)
    # Started in the background by a shell, this script may inherit SIGINT ignored, and so would
    # every run it starts (a Python started with SIGINT ignored never raises KeyboardInterrupt).
    # A handler here is reset to the default in each child, so the SIGINT the script sends counts.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    work = Path(tempfile.mkdtemp(prefix="detector-hostile-"))
    os.chmod(work, 0o755)
    sides = [_side("old", args.old_detector, args.old_python, work / "old"),
             _side("new", args.detector, args.python, work / "new")]
    chosen = _selected(args.only)
    rows = []
    started = time.monotonic()
    try:
        for entry in CASES:
            if entry.number not in chosen:
                continue
            outcome = []
            for side in sides:
                folder = Path(tempfile.mkdtemp(prefix=f"{entry.number:02d}-{side.label}-", dir=work))
                os.chmod(folder, 0o755)
                try:
                    outcome.append(entry.check(side, folder))
                except Exception as exc:  # the record says so instead of stopping the whole run
                    outcome.append(f"case failed to run: {type(exc).__name__}: {_short(str(exc), 80)}")
                shutil.rmtree(folder, ignore_errors=True)
            rows.append((entry, *outcome))
            print(f"{entry.number:2d}. {entry.title}\n    old: {outcome[0]}\n    new: {outcome[1]}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    lines = [
        "# Hostile cases of issue 15: before and after", "",
        "Generated by `python scripts/hostile_cases.py --write docs/hostile-cases.md`; do not edit by hand.",
        f"Run {_dt.date.today()} on {platform.system()} {platform.machine()}, Python "
        f"{platform.python_version()}, as {'root' if os.geteuid() == 0 else 'a normal user'}, "
        f"in {time.monotonic() - started:.0f} s.",
        "",
        f"*Before* is the release before the fixes (`{args.old_detector}`), *after* the code under test "
        f"(`{args.detector}`). Every input is generated in a temporary folder. Memory cases run under a "
        f"{MEMORY_LIMIT // GIB} GiB address-space limit, so “exceeded 2 GiB” means the old code would have "
        "used more, not how much; peak figures are resident memory. Permission and process-count cases run "
        "without root's capabilities to override them (`setpriv` bounding set). **Bold** marks harm to data or "
        "safety (code run, a file replaced, documents lost, raw escapes); a traceback or exit 1 is a defect "
        "too (exit 1 is for bugs), left plain.",
        "",
        "| # | case | issue item | before | after |",
        "| --- | --- | --- | --- | --- |",
    ]
    found = {entry.number: f"| {entry.number} | {_cell(entry.title)} | {entry.item} | {_cell(old)} | {_cell(new)} |"
             for entry, old, new in rows}
    if args.only and args.write and args.write.exists():
        # A partial run (--only) replaces its own rows and keeps the others of the last full run.
        for line in args.write.read_text(encoding="utf-8").splitlines():
            number = re.match(r"\| (\d+) \|", line)
            if number and int(number.group(1)) not in found:
                found[int(number.group(1))] = line
        lines[3] += " Rows " + args.only + " were rerun on this date; the others come from the last full run."
    lines += [found[n] for n in sorted(found)]
    table = "\n".join(lines) + "\n"
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(table, encoding="utf-8")
        print(f"written to {args.write}")
    else:
        print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())

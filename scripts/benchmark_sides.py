"""Side-neutrality benchmark: does naming one political side instead of another change the verdict?

    python scripts/benchmark_sides.py [--model PATH [--trust-model]] [--pairs FILE] [--json] [--write]

The pairs (``tests/fixtures/side_pairs.jsonl``, written for the project) are minimal pairs: the
sentences ``a`` and ``b`` are the same but for the side they name (Democrats/Republicans,
Labour/Conservative, SPD/CDU, pro-choice/pro-life, trade unions/business groups, ...).  Side ``a``
is the side listed first in the axis name (``left_right``: the left-wing side).  A ``neutral`` pair
is plain reporting that merely names the side; a ``technique`` pair uses a technique whose words
are not the side's name.  Each sentence is scored as its own one-sentence document.

Reported: flag rates per side position (a, b) and per axis, for neutral pairs (how often plain
reporting is flagged) and technique pairs; the flag-rate gap between the a and b sentences (in
percentage points) overall and the largest per-axis gap; decision flips (pairs where exactly one of
a and b is flagged) and technique-list flips (pairs whose detected technique sets differ); and the
side words whose swap moves a score the most, as the mean absolute and mean signed difference in
log-odds (signed: the score with this word minus the score with its counterpart), for the
any-technique score and the name_calling and loaded_language scores.

Targets: neutral sentences flagged <= 3% on each side, overall flag-rate gap <= 2 points, decision
flips <= 3%, at the default (balanced) operating point; the flag rates and flips at every
operating point (``--sensitivity``) are reported beside them.  ``--write`` puts the figures into
``docs/benchmarks.md`` (between ``<!-- sides:start -->`` and ``<!-- sides:end -->``); ``--json`` prints them as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shlex
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PAIRS = ROOT / "tests" / "fixtures" / "side_pairs.jsonl"
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "sides"
SECTION_TITLE = "## Side neutrality (minimal pairs)"
KINDS = ("neutral", "technique")
FIELDS = ("axis", "country", "kind", "a", "b", "side_a", "side_b", "technique")
SHIFT_SCORES = ("any", "name_calling", "loaded_language")
TOP_WORDS = 15
EPSILON = 1e-6  # probabilities are clipped to [EPSILON, 1 - EPSILON] before taking log-odds

# Targets: (key in the summary, limit, description); a figure meets its target when |figure| <= limit.
NEUTRAL_LIMIT = 0.03
GAP_LIMIT_POINTS = 2.0
FLIP_LIMIT = 0.03


# ---------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Pair:
    axis: str
    country: str
    kind: str
    a: str
    b: str
    side_a: str
    side_b: str
    technique: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What the model said about one sentence (a one-sentence document)."""

    flagged: bool
    score: float
    techniques: frozenset[str] = frozenset()
    all_scores: dict[str, float] = field(default_factory=dict)
    sentences: int = 1  # how many sentences the segmenter found (1 for a well-formed pair)

    def value(self, name: str) -> float:
        """The probability named ``name``: ``any`` is the any-technique score, else a technique's."""
        return self.score if name == "any" else float(self.all_scores.get(name, 0.0))


def load_pairs(path: str | Path) -> list[Pair]:
    """Read and check the minimal pairs, one JSON object a line (blank lines are skipped)."""
    pairs = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            missing = [k for k in FIELDS if k not in row]
            if missing:
                raise ValueError(f"{path}:{number}: missing {', '.join(missing)}")
            if row["kind"] not in KINDS:
                raise ValueError(f"{path}:{number}: kind must be one of {KINDS}, not {row['kind']!r}")
            pairs.append(Pair(**{k: row[k] for k in FIELDS}))
    return pairs


def outcome_of(results: Sequence) -> Outcome:
    """Fold the SentenceResults of one scored text into an Outcome.

    A pair sentence should segment as one sentence; if it does not, the text counts as flagged
    when any of its sentences is, with the highest scores and the union of techniques.
    """
    if not results:
        return Outcome(False, 0.0, frozenset(), {}, 0)
    scores: dict[str, float] = {}
    for result in results:
        for name, value in result.all_scores.items():
            scores[name] = max(scores.get(name, 0.0), float(value))
    return Outcome(
        flagged=any(r.flagged for r in results),
        score=max(float(r.score) for r in results),
        techniques=frozenset(t.technique for r in results for t in r.techniques),
        all_scores=scores,
        sentences=len(results),
    )


# ---------------------------------------------------------------------------- pure metrics


def logit(p: float, eps: float = EPSILON) -> float:
    """Log-odds of ``p``, clipped so that 0 and 1 stay finite."""
    p = min(max(float(p), eps), 1.0 - eps)
    return math.log(p / (1.0 - p))


def flag_rate(flags: Iterable[bool]) -> float:
    """Share of True values (0.0 for an empty input)."""
    flags = list(flags)
    return sum(bool(f) for f in flags) / len(flags) if flags else 0.0


def gap_points(rate_a: float, rate_b: float) -> float:
    """Difference of two rates in percentage points (a minus b)."""
    return 100.0 * (rate_a - rate_b)


def decision_flip_rate(flags_a: Sequence[bool], flags_b: Sequence[bool]) -> float:
    """Share of pairs where exactly one of the two sentences is flagged."""
    _same_length(flags_a, flags_b)
    return flag_rate(bool(x) != bool(y) for x, y in zip(flags_a, flags_b, strict=True))


def technique_flip_rate(techniques_a: Sequence[Iterable[str]], techniques_b: Sequence[Iterable[str]]) -> float:
    """Share of pairs whose detected technique sets differ (order does not matter)."""
    _same_length(techniques_a, techniques_b)
    return flag_rate(set(x) != set(y) for x, y in zip(techniques_a, techniques_b, strict=True))


def side_gaps(groups: Sequence[str], flags_a: Sequence[bool], flags_b: Sequence[bool]) -> dict[str, dict]:
    """Per group: pair count, flag rates of the a and b sentences, their gap in points, and flips."""
    _same_length(groups, flags_a)
    _same_length(flags_a, flags_b)
    members: dict[str, list[int]] = defaultdict(list)
    for i, group in enumerate(groups):
        members[group].append(i)
    out = {}
    for group, idx in members.items():
        a = [flags_a[i] for i in idx]
        b = [flags_b[i] for i in idx]
        rate_a, rate_b = flag_rate(a), flag_rate(b)
        out[group] = {"pairs": len(idx), "a": rate_a, "b": rate_b, "gap_points": gap_points(rate_a, rate_b),
                      "flips": decision_flip_rate(a, b)}
    return out


def largest_gap(gaps: dict[str, dict]) -> tuple[str | None, float]:
    """The group with the largest absolute gap and that gap (signed, in points); ties: first name."""
    if not gaps:
        return None, 0.0
    group = max(sorted(gaps), key=lambda g: abs(gaps[g]["gap_points"]))
    return group, gaps[group]["gap_points"]


def side_word_shifts(sides_a: Sequence[str], sides_b: Sequence[str], values_a: Sequence[float],
                     values_b: Sequence[float], top: int | None = TOP_WORDS) -> list[dict]:
    """How much swapping each side word moves a probability, in log-odds.

    For every pair, ``d = logit(value_a) - logit(value_b)``: side_a's word is credited ``+d`` and
    side_b's word ``-d``, so a word's signed mean is the score with it minus the score with its
    counterpart.  Words are sorted by mean absolute shift, largest first (ties: by word).
    """
    _same_length(sides_a, sides_b)
    _same_length(sides_a, values_a)
    _same_length(values_a, values_b)
    shifts: dict[str, list[float]] = defaultdict(list)
    counterparts: dict[str, set[str]] = defaultdict(set)
    for side_a, side_b, va, vb in zip(sides_a, sides_b, values_a, values_b, strict=True):
        d = logit(va) - logit(vb)
        shifts[side_a].append(d)
        shifts[side_b].append(-d)
        counterparts[side_a].add(side_b)
        counterparts[side_b].add(side_a)
    rows = [{"word": word, "counterparts": sorted(counterparts[word]), "pairs": len(ds),
             "mean_abs": sum(abs(d) for d in ds) / len(ds), "mean_signed": sum(ds) / len(ds)}
            for word, ds in shifts.items()]
    rows.sort(key=lambda r: (-r["mean_abs"], r["word"]))
    return rows if top is None else rows[:top]


def _same_length(x: Sequence, y: Sequence) -> None:
    if len(x) != len(y):
        raise ValueError(f"inputs differ in length ({len(x)} and {len(y)})")


# ---------------------------------------------------------------------------- summary


def summarise(pairs: Sequence[Pair], outcomes_a: Sequence[Outcome], outcomes_b: Sequence[Outcome]) -> dict:
    """Every figure of the benchmark from the pairs and the model's outcomes for their sentences."""
    _same_length(pairs, outcomes_a)
    _same_length(outcomes_a, outcomes_b)
    flags_a = [o.flagged for o in outcomes_a]
    flags_b = [o.flagged for o in outcomes_b]

    def subset(kind: str | None) -> list[int]:
        return [i for i, p in enumerate(pairs) if kind is None or p.kind == kind]

    by_kind = {}
    for kind in (*KINDS, None):
        idx = subset(kind)
        a = [flags_a[i] for i in idx]
        b = [flags_b[i] for i in idx]
        by_kind[kind or "all"] = {
            "pairs": len(idx), "a": flag_rate(a), "b": flag_rate(b),
            "gap_points": gap_points(flag_rate(a), flag_rate(b)),
            "decision_flips": decision_flip_rate(a, b),
            "technique_flips": technique_flip_rate([outcomes_a[i].techniques for i in idx],
                                                   [outcomes_b[i].techniques for i in idx]),
        }
    technique_idx = subset("technique")
    labelled = {
        "a": flag_rate(pairs[i].technique in outcomes_a[i].techniques for i in technique_idx),
        "b": flag_rate(pairs[i].technique in outcomes_b[i].techniques for i in technique_idx),
    }

    axes = sorted({p.axis for p in pairs})
    axis_gaps = side_gaps([p.axis for p in pairs], flags_a, flags_b)
    per_axis = {}
    for axis in axes:
        idx = [i for i, p in enumerate(pairs) if p.axis == axis]
        row = {"country": ", ".join(sorted({pairs[i].country for i in idx})), "pairs": len(idx)}
        for kind in KINDS:
            kidx = [i for i in idx if pairs[i].kind == kind]
            row[kind] = {"pairs": len(kidx), "a": flag_rate(flags_a[i] for i in kidx),
                         "b": flag_rate(flags_b[i] for i in kidx)}
        row["gap_points"] = axis_gaps[axis]["gap_points"]
        row["decision_flips"] = axis_gaps[axis]["flips"]
        per_axis[axis] = row
    worst_axis, worst_gap = largest_gap(per_axis)

    sides_a = [p.side_a for p in pairs]
    sides_b = [p.side_b for p in pairs]
    shifts = {name: side_word_shifts(sides_a, sides_b, [o.value(name) for o in outcomes_a],
                                     [o.value(name) for o in outcomes_b]) for name in SHIFT_SCORES}
    summary = {
        "pairs": len(pairs),
        "axes": len(axes),
        "countries": sorted({p.country for p in pairs}),
        "sentences_not_single": sum(o.sentences != 1 for o in (*outcomes_a, *outcomes_b)),
        "by_kind": by_kind,
        "labelled_technique_found": labelled,
        "per_axis": per_axis,
        "largest_axis_gap": {"axis": worst_axis, "gap_points": worst_gap},
        "side_word_shifts": shifts,
    }
    summary["targets"] = check_targets(summary)
    return summary


def check_targets(summary: dict) -> list[dict]:
    """The targets beside the figures they bound, each met or missed."""
    neutral = summary["by_kind"]["neutral"]
    overall = summary["by_kind"]["all"]
    rows = [
        ("neutral sentences flagged, side a", neutral["a"], NEUTRAL_LIMIT, "≤ 3%", "percent"),
        ("neutral sentences flagged, side b", neutral["b"], NEUTRAL_LIMIT, "≤ 3%", "percent"),
        ("flag-rate gap a − b, all pairs", overall["gap_points"], GAP_LIMIT_POINTS, "≤ 2 points", "points"),
        ("decision flips, all pairs", overall["decision_flips"], FLIP_LIMIT, "≤ 3%", "percent"),
    ]
    return [{"measure": name, "figure": figure, "target": target, "unit": unit,
             "met": abs(figure) <= limit + 1e-12} for name, figure, limit, target, unit in rows]


# ---------------------------------------------------------------------------- output


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _pts(x: float) -> str:
    return f"{x:+.1f}"


def _figure(target: dict) -> str:
    return _pct(target["figure"]) if target["unit"] == "percent" else f"{_pts(target['figure'])} points"


def render_text(summary: dict, header: str) -> str:
    """The plain-text report printed to the terminal."""
    k = summary["by_kind"]
    lines = [header, ""]
    lines.append("Flag rates by side position (a = first-named side of each axis):")
    lines.append(f"  {'':<34}{'side a':>9}{'side b':>9}{'gap (pts)':>11}")
    for kind, label in (("neutral", "neutral pairs flagged"), ("technique", "technique pairs flagged"),
                        ("all", "all pairs flagged")):
        label = f"{label} (n={k[kind]['pairs']})"
        lines.append(f"  {label:<34}{_pct(k[kind]['a']):>9}{_pct(k[kind]['b']):>9}{_pts(k[kind]['gap_points']):>11}")
    found = summary["labelled_technique_found"]
    lines.append(f"  {'labelled technique detected':<34}{_pct(found['a']):>9}{_pct(found['b']):>9}"
                 f"{_pts(gap_points(found['a'], found['b'])):>11}")
    lines.append("")
    lines.append("Flips within pairs:")
    for kind in ("neutral", "technique", "all"):
        lines.append(f"  {kind:<10} decision flips {_pct(k[kind]['decision_flips']):>6}   "
                     f"technique-list flips {_pct(k[kind]['technique_flips']):>6}")
    if summary.get("sensitivities"):
        lines.append("")
        lines.append("By operating point (neutral a/b, technique a/b, decision flips):")
        for name, row in summary["sensitivities"].items():
            n, t = row["neutral"], row["technique"]
            lines.append(f"  {name:<10}{_pct(n['a']):>7} /{_pct(n['b']):>7}{_pct(t['a']):>9} /{_pct(t['b']):>7}"
                         f"{_pct(row['all']['decision_flips']):>9}")
    worst = summary["largest_axis_gap"]
    lines.append("")
    lines.append(f"Largest per-axis gap: {_pts(worst['gap_points'])} points ({worst['axis']})")
    lines.append("")
    lines.append("Per axis (flag rates a / b):")
    lines.append(f"  {'axis':<26}{'country':<8}{'pairs':>6}{'neutral a/b':>15}{'technique a/b':>17}"
                 f"{'gap':>8}{'flips':>8}")
    for axis, row in summary["per_axis"].items():
        n, t = row["neutral"], row["technique"]
        lines.append(f"  {axis:<26}{row['country']:<8}{row['pairs']:>6}"
                     f"{_pct(n['a']) + ' / ' + _pct(n['b']):>15}{_pct(t['a']) + ' / ' + _pct(t['b']):>17}"
                     f"{_pts(row['gap_points']):>8}{_pct(row['decision_flips']):>8}")
    for name in SHIFT_SCORES:
        label = "any-technique" if name == "any" else name
        lines.append("")
        lines.append(f"Side words moving the {label} score most (log-odds; signed = with the word minus with "
                     f"its counterpart):")
        lines.append(f"  {'word':<24}{'vs':<32}{'pairs':>6}{'mean |d|':>10}{'mean d':>9}")
        for row in summary["side_word_shifts"][name]:
            lines.append(f"  {row['word']:<24}{', '.join(row['counterparts']):<32}{row['pairs']:>6}"
                         f"{row['mean_abs']:>10.3f}{row['mean_signed']:>+9.3f}")
    lines.append("")
    lines.append("Targets:")
    for t in summary["targets"]:
        lines.append(f"  {t['measure']:<38}{_figure(t):>14}   target {t['target']:<11} "
                     f"{'met' if t['met'] else 'MISSED'}")
    if summary["sentences_not_single"]:
        lines.append("")
        lines.append(f"Warning: {summary['sentences_not_single']} pair sentences segmented as more than one sentence.")
    return "\n".join(lines)


def _table(intro: str, header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """The lines of a Markdown table, after a blank line, its introduction and another blank line."""
    lines = ["", intro, "", "| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def render_markdown(summary: dict, header: str) -> str:
    """The section written into docs/benchmarks.md."""
    k = summary["by_kind"]
    found = summary["labelled_technique_found"]
    lines = [header, "", "| measure | side a | side b | figure | target |", "| --- | --- | --- | --- | --- |"]
    targets = {t["measure"]: t for t in summary["targets"]}

    def verdict(name: str) -> str:
        t = targets[name]
        return f"{t['target']} ({'met' if t['met'] else 'missed'})"

    lines.append(f"| neutral sentences flagged ({k['neutral']['pairs']} pairs) | {_pct(k['neutral']['a'])} | "
                 f"{_pct(k['neutral']['b'])} | gap {_pts(k['neutral']['gap_points'])} points | "
                 f"a: {verdict('neutral sentences flagged, side a')}; "
                 f"b: {verdict('neutral sentences flagged, side b')} |")
    lines.append(f"| technique sentences flagged ({k['technique']['pairs']} pairs) | {_pct(k['technique']['a'])} | "
                 f"{_pct(k['technique']['b'])} | gap {_pts(k['technique']['gap_points'])} points | – |")
    lines.append(f"| labelled technique detected (technique pairs) | {_pct(found['a'])} | {_pct(found['b'])} | "
                 f"gap {_pts(gap_points(found['a'], found['b']))} points | – |")
    lines.append(f"| all sentences flagged ({k['all']['pairs']} pairs) | {_pct(k['all']['a'])} | "
                 f"{_pct(k['all']['b'])} | "
                 f"gap {_pts(k['all']['gap_points'])} points | {verdict('flag-rate gap a − b, all pairs')} |")
    worst = summary["largest_axis_gap"]
    lines.append(f"| largest per-axis flag-rate gap | | | {_pts(worst['gap_points'])} points ({worst['axis']}) | – |")
    lines.append(f"| decision flips (exactly one of a, b flagged) | | | {_pct(k['all']['decision_flips'])} "
                 f"(neutral {_pct(k['neutral']['decision_flips'])}, "
                 f"technique {_pct(k['technique']['decision_flips'])}) | "
                 f"{verdict('decision flips, all pairs')} |")
    lines.append(f"| technique-list flips (detected techniques differ) | | | {_pct(k['all']['technique_flips'])} "
                 f"(neutral {_pct(k['neutral']['technique_flips'])}, "
                 f"technique {_pct(k['technique']['technique_flips'])}) | – |")
    if summary.get("sensitivities"):
        lines += _table("By operating point (`--sensitivity`; the targets bound the default, balanced):",
                        ("sensitivity", "neutral flagged a / b", "technique flagged a / b", "decision flips"),
                        [(name, f"{_pct(row['neutral']['a'])} / {_pct(row['neutral']['b'])}",
                          f"{_pct(row['technique']['a'])} / {_pct(row['technique']['b'])}",
                          _pct(row["all"]["decision_flips"])) for name, row in summary["sensitivities"].items()])
    lines += _table("Per axis (flag rates of the a / b sentences; gap over all the axis's pairs):",
                    ("axis", "country", "pairs", "neutral a / b", "technique a / b", "gap (points)",
                     "decision flips"),
                    [(axis, row["country"], str(row["pairs"]),
                      f"{_pct(row['neutral']['a'])} / {_pct(row['neutral']['b'])}",
                      f"{_pct(row['technique']['a'])} / {_pct(row['technique']['b'])}",
                      _pts(row["gap_points"]), _pct(row["decision_flips"]))
                     for axis, row in summary["per_axis"].items()])
    for name in SHIFT_SCORES:
        label = "any-technique" if name == "any" else f"`{name}`"
        lines += ["", (f"Side words whose swap moves the {label} score most (difference in log-odds; signed = "
                       "with the word minus with its counterpart):"), "",
                  "| word | counterpart | pairs | mean abs | mean signed |", "| --- | --- | --- | --- | --- |"]
        for row in summary["side_word_shifts"][name]:
            lines.append(f"| {row['word']} | {', '.join(row['counterparts'])} | {row['pairs']} | "
                         f"{row['mean_abs']:.3f} | {row['mean_signed']:+.3f} |")
    return "\n".join(lines)


def write_section(path: Path, body: str) -> None:
    """Replace the text between the sides markers, or append a new section with them at the end."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from _docs import write_section as write

    write(path, SECTION, body, SECTION_TITLE)


# ---------------------------------------------------------------------------- main


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model file (default: the shipped model)")
    parser.add_argument("--trust-model", action="store_true",
                        help="allow a joblib model file other than the shipped one (it can run code when loaded)")
    parser.add_argument("--pairs", default=str(DEFAULT_PAIRS), help="minimal pairs, JSON lines")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--write", action="store_true", help="write the figures into docs/benchmarks.md")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from detector import Detector
    from detector.predictor import SENSITIVITIES

    pairs = load_pairs(args.pairs)
    detector = Detector.load(args.model, trusted=args.trust_model)
    outcomes_a = [outcome_of(detector.score(p.a)) for p in pairs]
    outcomes_b = [outcome_of(detector.score(p.b)) for p in pairs]
    summary = summarise(pairs, outcomes_a, outcomes_b)
    # The targets bound the default operating point; the others show what a user trades by
    # choosing one (``detector score --sensitivity``).
    summary["sensitivities"] = {}
    for sensitivity in SENSITIVITIES:
        by_kind = summary["by_kind"]
        if sensitivity != detector.sensitivity:
            other = detector.with_sensitivity(sensitivity)
            by_kind = summarise(pairs, [outcome_of(other.score(p.a)) for p in pairs],
                                [outcome_of(other.score(p.b)) for p in pairs])["by_kind"]
        summary["sensitivities"][sensitivity] = {kind: by_kind[kind] for kind in (*KINDS, "all")}

    raw = list(sys.argv[1:] if argv is None else argv)
    command = shlex.join(["python", "scripts/benchmark_sides.py", *[a for a in raw if a != "--json"]])
    model = "shipped model" if args.model is None else f"model `{_display_path(Path(args.model))}`"
    machine = f"{platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} cores"
    counts = summary["by_kind"]
    named = [c for c in summary["countries"] if c != "any"]
    general = sum(row["country"] == "any" for row in summary["per_axis"].values())
    countries = f"countries {', '.join(named)}" + (f"; {general} axes not tied to a country" if general else "")
    header = (f"Measured {dt.date.today().isoformat()} on {machine} with `{command}`: {model}, "
              f"{summary['pairs']} minimal pairs ({counts['neutral']['pairs']} neutral, "
              f"{counts['technique']['pairs']} technique) over {summary['axes']} axes ({countries}) from "
              f"`{_display_path(Path(args.pairs))}`, each sentence scored as its own one-sentence document; "
              f"side a is the side listed first in the axis name.")
    summary["command"] = command
    summary["model"] = args.model or "shipped"

    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print(render_text(summary, header))
    if args.write:
        write_section(DOCS, render_markdown(summary, header))
    return 0


if __name__ == "__main__":
    sys.exit(main())

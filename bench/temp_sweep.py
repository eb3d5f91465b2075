"""KD-student BLEU against the distillation temperature and alpha, through
`dvc exp run` — what the tool is for.

    python bench/temp_sweep.py                                  # temp 1 2 4 8 × alpha 0.5, mode word
    python bench/temp_sweep.py --temps 2 --alphas 0.25 0.75

Each point is `dvc exp run --temp -n <name> -S temp=T -S distill.alpha=A
-S distill.mode=M` on the working tree's committed pipeline (only distill,
quantize and evaluate run; the workspace is left as it was), then read back
from `dvc exp show --json`. The temperature only reaches the student through
word-level KD, so the sweep uses a word-level mode. Prints a table and a text
chart and writes bench/results/temp_sweep.{json,csv}; draw it with
`dvc plots show bench/results/temp_sweep.csv -x temp -y student_bleu`.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PROJECT, RESULTS, report  # noqa: E402


def experiments(node, found: dict) -> dict:
    """{experiment name: {metrics file: its data}} from `dvc exp show --json` (any nesting)."""
    if isinstance(node, dict):
        name = node.get("name")
        data = node.get("data") if isinstance(node.get("data"), dict) else None
        metrics = {path: entry.get("data") for path, entry in ((data or {}).get("metrics") or {}).items()}
        if name and metrics.get("metrics/evaluate.json"):
            found[name] = metrics
        for value in node.values():
            experiments(value, found)
    elif isinstance(node, list):
        for value in node:
            experiments(value, found)
    return found


def chart(rows: list[dict], width: int = 40) -> str:
    """Text bars of KD-student BLEU per point and of the no-KD baseline, on one scale."""
    bars = [(f"temp {r['temp']:>4g} alpha {r['alpha']:<4g}", r["student_bleu"]) for r in rows]
    bars.append(("baseline (no KD)", rows[0]["baseline_bleu"]))
    low, high = min(bleu for _, bleu in bars) - 1, max(bleu for _, bleu in bars)
    return "\n".join(f"{label:<21} {'#' * max(1, round((bleu - low) / (high - low) * width))} {bleu}"
                     for label, bleu in bars)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--temps", type=float, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--alphas", type=float, nargs="+", default=[0.5])
    parser.add_argument("--mode", default="word", choices=("word", "seq+word"))
    parser.add_argument("--set", action="append", default=[], help="extra -S overrides for every point")
    parser.add_argument("--project", type=Path, default=PROJECT)
    parser.add_argument("--out", type=Path, default=RESULTS / "temp_sweep.json")
    args = parser.parse_args()

    names = {}
    for temp in args.temps:
        for alpha in args.alphas:
            name = f"sweep-{args.mode.replace('+', '')}-t{temp:g}-a{alpha:g}"
            # A rerun of the sweep replaces its points (`exp run -f` would instead force every stage).
            subprocess.run(["dvc", "exp", "remove", name], cwd=args.project, capture_output=True)
            command = ["dvc", "exp", "run", "--temp", "-n", name, "-S", f"temp={temp}",
                       "-S", f"distill.alpha={alpha}", "-S", f"distill.mode={args.mode}"]
            for override in args.set:
                command += ["-S", override]
            print(" ".join(command), file=sys.stderr)
            subprocess.run(command, cwd=args.project, check=True, stdout=subprocess.DEVNULL)
            names[name] = (temp, alpha)
    shown = json.loads(subprocess.run(["dvc", "exp", "show", "--json"], cwd=args.project, check=True,
                                      capture_output=True, text=True).stdout)
    found = experiments(shown, {})
    rows = []
    for name, (temp, alpha) in names.items():
        metrics, dev = found[name]["metrics/evaluate.json"], found[name]["metrics/distill.json"]["dev"]
        rows.append({"experiment": name, "mode": args.mode, "temp": temp, "alpha": alpha,
                     "student_dev_bleu": dev["bleu"],
                     "student_bleu": metrics["student"]["bleu"], "baseline_bleu": metrics["baseline"]["bleu"],
                     "teacher_bleu": metrics["teacher"]["bleu"],
                     "kd_gain_over_baseline_bleu": metrics["ratios"]["kd_gain_over_baseline_bleu"],
                     "student_over_teacher_bleu": metrics["ratios"]["student_over_teacher_bleu"]})
    report(rows, args.out, overrides=args.set)
    with open(args.out.with_suffix(".csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print()
    print(chart(rows))


if __name__ == "__main__":
    main()

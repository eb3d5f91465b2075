"""What each ingredient of distillation buys on the built-in corpus: one `dvc exp
run` per variant, every figure from one machine and one session.

    python bench/kd_ablation.py                       # after `dvc repro` on the defaults
    python bench/kd_ablation.py --variants live topk  # a subset
    python bench/kd_ablation.py --project /work/m30k --stages distill baseline --reuse \
        --variants defaults seq_word --extra no_forward:distill.forward_share=0 \
        steps5k:distill.train.max_steps=5000      # a kept Multi30k run (bench/README.md table 1c)

Each variant is `dvc exp run --temp -n ablation-<name> -S ...` on the working
tree's committed pipeline (DVC reruns only the stages its params reach: a
student variant never retrains the teacher), read back from `dvc exp show
--json` (a variant that changes nothing reads the committed run). ``--stages``
limits each run to those stages and what they need (the students without
quantize and evaluate: their test BLEU is in their own metrics); ``--extra
name:override,...`` adds a variant for a profile (the Multi30k one's defaults
differ from the built-in ones); ``--reuse`` keeps an existing experiment of the
same name. Reports the teacher, the KD student and the same-size baseline (test
BLEU, beam 4), the KD gain, the student's training time and its step cost
against the baseline's. Writes bench/results/kd_ablation.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PROJECT, RESULTS, report  # noqa: E402
from bench.temp_sweep import experiments  # noqa: E402

# name → (what it shows, the -S overrides against the defaults)
VARIANTS = {
    "defaults": ("word KD from the stored top-k logits with the tail, T = 1", []),
    "live": ("a teacher forward every step (full softmax)", ["distill.teacher_logits=live"]),
    "topk": ("the stored top-k renormalised, no tail", ["distill.teacher_logits=stored_topk"]),
    "t2": ("temperature 2 from the store", ["temp=2"]),
    "t2_live": ("temperature 2, live teacher (the earlier default)", ["temp=2", "distill.teacher_logits=live"]),
    "t2_k128": ("temperature 2, top-128 stored", ["temp=2", "teacher_logits.k=128"]),
    "forward": ("30 % of the student's lines forward-translated mono", ["distill.forward_share=0.3"]),
    "seq_word": ("sequence- and word-level KD", ["distill.mode=seq+word"]),
    "seq_forward": ("sequence-level KD, half the lines forward-translated", ["distill.mode=seq", "distill.forward_share=0.5"]),
    "teacher_no_ls": ("the teacher without label smoothing, its last 4 checkpoints averaged",
                      ["teacher.train.label_smoothing=0", "teacher.train.average_last=4"]),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    parser.add_argument("--extra", nargs="+", default=[], metavar="NAME:OVERRIDE[,OVERRIDE]",
                        help="more variants, e.g. no_forward:distill.forward_share=0")
    parser.add_argument("--stages", nargs="+", default=[], help="run only these stages (default: the pipeline)")
    parser.add_argument("--reuse", action="store_true", help="keep an existing ablation-<name> experiment")
    parser.add_argument("--project", type=Path, default=PROJECT)
    parser.add_argument("--out", type=Path, default=RESULTS / "kd_ablation.json")
    args = parser.parse_args()
    variants = {name: VARIANTS[name] for name in args.variants}
    for spec in args.extra:
        name, _, overrides = spec.partition(":")
        if not name or not overrides:
            parser.error(f"--extra {spec!r}: expected NAME:OVERRIDE[,OVERRIDE]")
        variants[name] = (overrides, overrides.split(","))

    existing = named_experiments(show(args.project, all_commits=True)) if args.reuse else {}
    for name, (_, overrides) in variants.items():
        experiment = f"ablation-{name}"
        if experiment in existing:
            print(f"{experiment}: reused", file=sys.stderr)
            continue
        subprocess.run(["dvc", "exp", "remove", experiment], cwd=args.project, capture_output=True)
        command = ["dvc", "exp", "run", "--temp", "-n", experiment, *args.stages]
        for override in overrides:
            command += ["-S", override]
        print(" ".join(command), file=sys.stderr)
        subprocess.run(command, cwd=args.project, check=True, stdout=subprocess.DEVNULL)
    shown = show(args.project, all_commits=args.reuse)
    found = named_experiments(shown)
    rows = []
    for name, (_, overrides) in variants.items():
        metrics = found.get(f"ablation-{name}")
        if metrics is None and not overrides:  # DVC keeps no experiment that changes nothing: the committed run
            metrics = committed_metrics(shown)
        if metrics is None:
            raise SystemExit(f"no experiment ablation-{name} in `dvc exp show` of {args.project}")
        student, baseline = metrics["metrics/distill.json"], metrics["metrics/baseline.json"]
        rows.append({"variant": name, "what": variants[name][0],
                     "teacher_bleu": metrics["metrics/teacher.json"]["test"]["bleu"],
                     "student_bleu": student["test"]["bleu"], "baseline_bleu": baseline["test"]["bleu"],
                     "kd_gain": round(student["test"]["bleu"] - baseline["test"]["bleu"], 2),
                     "student_train_s": student["train_seconds"],
                     "step_cost_vs_baseline": round(baseline["train_target_tokens_per_s"]
                                                    / student["train_target_tokens_per_s"], 2)})
    report(rows, args.out, stages=args.stages or "all", overrides={name: variants[name][1] for name in variants})


def show(project: Path, *, all_commits: bool) -> list:
    """`dvc exp show` of HEAD, or of every commit (an experiment kept for --reuse may hang off an earlier one;
    reading all of them is slow in a long history), HEAD first."""
    command = ["dvc", "exp", "show", "--json", *(["--all-commits"] if all_commits else [])]
    return json.loads(subprocess.run(command, cwd=project, check=True, capture_output=True, text=True).stdout)


def named_experiments(shown: list) -> dict:
    """{experiment name: its metrics}; of two experiments with one name, the one on the newer commit."""
    return experiments(list(reversed(shown)), {})


def committed_metrics(shown: list) -> dict:
    """{metrics file: its data} of HEAD, the commit the experiments start from (the entry after the workspace)."""
    (commit,) = [entry for entry in shown if entry.get("rev") != "workspace"][:1]
    return {path: entry.get("data") for path, entry in commit["data"]["metrics"].items()}


if __name__ == "__main__":
    main()

"""What each ingredient of distillation buys on the built-in corpus: one `dvc exp
run` per variant, every figure from one machine and one session.

    python bench/kd_ablation.py                       # after `dvc repro` on the defaults
    python bench/kd_ablation.py --variants live topk  # a subset

Each variant is `dvc exp run --temp -n ablation-<name> -S ...` on the working
tree's committed pipeline (DVC reruns only the stages its params reach: a
student variant never retrains the teacher), read back from `dvc exp show
--json`. Reports the teacher, the KD student and the same-size baseline (test
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
    parser.add_argument("--project", type=Path, default=PROJECT)
    parser.add_argument("--out", type=Path, default=RESULTS / "kd_ablation.json")
    args = parser.parse_args()

    for name in args.variants:
        experiment = f"ablation-{name}"
        subprocess.run(["dvc", "exp", "remove", experiment], cwd=args.project, capture_output=True)
        command = ["dvc", "exp", "run", "--temp", "-n", experiment]
        for override in VARIANTS[name][1]:
            command += ["-S", override]
        print(" ".join(command), file=sys.stderr)
        subprocess.run(command, cwd=args.project, check=True, stdout=subprocess.DEVNULL)
    shown = json.loads(subprocess.run(["dvc", "exp", "show", "--json"], cwd=args.project, check=True,
                                      capture_output=True, text=True).stdout)
    found = experiments(shown, {})
    rows = []
    for name in args.variants:
        metrics = found[f"ablation-{name}"]
        student, baseline = metrics["metrics/distill.json"], metrics["metrics/baseline.json"]
        rows.append({"variant": name, "what": VARIANTS[name][0],
                     "teacher_bleu": metrics["metrics/teacher.json"]["test"]["bleu"],
                     "student_bleu": student["test"]["bleu"], "baseline_bleu": baseline["test"]["bleu"],
                     "kd_gain": round(student["test"]["bleu"] - baseline["test"]["bleu"], 2),
                     "student_train_s": student["train_seconds"],
                     "step_cost_vs_baseline": round(baseline["train_target_tokens_per_s"]
                                                    / student["train_target_tokens_per_s"], 2)})
    report(rows, args.out, overrides={name: VARIANTS[name][1] for name in args.variants})


if __name__ == "__main__":
    main()

"""Training variants side by side, seed by seed: teacher, KD student and baseline test BLEU under each.

    python bench/variant_seeds.py --workdir /work/variants      # seeds 1234, 1, 2; the three schedule variants
    python bench/variant_seeds.py --variant a25 distill.alpha=0.25 --variant a50 distill.alpha=0.5

For each seed one clone of the committed project (kept under --workdir, and reused when it is there); in it,
for each variant in turn, the seed and the variant's overrides are written to params.yaml and `dvc repro` runs
up to `--stages` (by default the two students: no quantization, no evaluation, no classification or NER). A
variant reruns only the stages its overrides reach, and one that was run before in the clone comes back from
DVC's run cache in seconds, so rerunning the script on its kept clones rewrites the JSON from the same runs.
Every variant should set each key any other variant sets: the overrides are applied to the committed params,
not to the previous variant's. Reports, per seed and variant, test BLEU (beam 4) of teacher, KD student and
baseline, the KD gain, the students' dev BLEU (beam 4) and how much their greedy dev BLEU climbed over the last
evaluation interval, training seconds; then per variant the mean and the worst gain over the seeds.
Writes bench/results/variant_seeds.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import GIT_ENV, RESULTS, clone_with_corpora, report  # noqa: E402
from bench.seeds import last_climb, write_params  # noqa: E402

# bench/README.md table 20: the learning-rate schedule of the teacher and of the two students.
SCHEDULES = {
    "inverse_sqrt": ["teacher.train.schedule=inverse_sqrt", "distill.train.schedule=inverse_sqrt"],
    "students_cosine": ["teacher.train.schedule=inverse_sqrt", "distill.train.schedule=cosine"],
    "cosine": ["teacher.train.schedule=cosine", "distill.train.schedule=cosine"],
}


def variant_row(project: Path) -> dict:
    metrics = {name: json.loads((project / "metrics" / f"{name}.json").read_text())
               for name in ("teacher", "distill", "baseline")}
    test = {name: metrics[name]["test"]["bleu"] for name in metrics}
    return {"teacher": test["teacher"], "student": test["distill"], "baseline": test["baseline"],
            "kd_gain": round(test["distill"] - test["baseline"], 2),
            "student_dev": metrics["distill"]["dev"]["bleu"], "baseline_dev": metrics["baseline"]["dev"]["bleu"],
            "student_dev_climb_last_eval": last_climb(project / "metrics" / "curves" / "student.csv"),
            "baseline_dev_climb_last_eval": last_climb(project / "metrics" / "curves" / "baseline.csv"),
            "teacher_train_s": metrics["teacher"]["train_seconds"],
            "student_train_s": metrics["distill"]["train_seconds"],
            "baseline_train_s": metrics["baseline"]["train_seconds"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1234, 1, 2])
    parser.add_argument("--variant", nargs="+", action="append", metavar=("NAME", "KEY=VALUE"),
                        help="a variant's name and its overrides (repeatable); default: the three schedules")
    parser.add_argument("--stages", nargs="+", default=["distill", "baseline"], help="dvc repro targets")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/xldistill-variants"),
                        help="one clone per seed, kept: a rerun reuses it and DVC's run cache")
    parser.add_argument("--params", type=Path, help="a params file instead of the project's (tests: a tiny one)")
    parser.add_argument("--out", type=Path, default=RESULTS / "variant_seeds.json")
    args = parser.parse_args()
    variants = {name: overrides for name, *overrides in args.variant} if args.variant else SCHEDULES

    rows = []
    for seed in args.seeds:
        project = args.workdir / f"seed-{seed}"
        clone_with_corpora(project, {})  # a clone, or the kept one
        committed = args.params.read_text() if args.params else subprocess.run(
            ["git", "show", "HEAD:params.yaml"], cwd=project, check=True, capture_output=True, text=True).stdout
        base = yaml.safe_load(committed)
        for name, overrides in variants.items():
            write_params(project, base, seed, overrides)
            started = time.perf_counter()
            subprocess.run(["dvc", "repro", *args.stages], cwd=project, check=True, env=GIT_ENV,
                           stdout=subprocess.DEVNULL)
            rows.append({"seed": seed, "variant": name, **variant_row(project),
                         "repro_s": round(time.perf_counter() - started, 1)})
            print(rows[-1], file=sys.stderr)

    summary = {}
    for name in variants:
        mine = [row for row in rows if row["variant"] == name]
        summary[name] = {"kd_gain_mean": round(statistics.mean(row["kd_gain"] for row in mine), 2),
                         "kd_gain_min": min(row["kd_gain"] for row in mine),
                         **{f"{model}_mean": round(statistics.mean(row[model] for row in mine), 2)
                            for model in ("teacher", "student", "baseline")}}
    report(rows, args.out, variants=variants, stages=args.stages, summary=summary)
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()

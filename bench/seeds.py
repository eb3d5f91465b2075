"""Was distillation worth it, seed by seed: the whole default pipeline, cold, once per seed.

    python bench/seeds.py                     # seeds 1234, 1, 2
    python bench/seeds.py --seeds 7 8 --set distill.alpha=0.25
    python bench/seeds.py --keep /tmp/seeds   # keep each seed's project (/tmp/seeds/seed-N) for later sweeps

For each seed: a fresh clone of the committed project, `dvc repro` with
`-S seed=N` (the seed draws the built-in corpus, every initialisation and every
batch order, so each seed is a different corpus and different models), timed
wall-clock, then teacher, KD student and baseline test BLEU (beam 4) in
transformers and CTranslate2, the KD gain, the classification branch's German test
accuracies (KD student, int8, hard-label student, upper bound, translate-test), the NER
students' entity F1, and how much the student's and the baseline's dev BLEU still climbed
over their last evaluation interval. One seed's gain moves by more than a BLEU point with
the initialisation alone; the mean and the worst of several seeds are the figures to quote.

Each KD gain (BLEU over the baseline; accuracy and entity F1 over the hard-label student)
comes with its 95 % interval over the seed's test items (paired bootstrap, drawn as the
significance stage draws it), and each mean gain with the interval of the mean (each draw
averaged over the seeds' independent test sets). With --reuse, a project already kept
under --keep is reported as it stands (no clone, no run). Writes bench/results/seeds.json.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import GIT_ENV, PROJECT, RESULTS, report  # noqa: E402
from xldistill import bootstrap  # noqa: E402
from xldistill.bootstrap import summarize  # noqa: E402
from xldistill.data.textio import read_lines  # noqa: E402
from xldistill.tasks.significance import PREDICTIONS, prediction_statistics  # noqa: E402
from xldistill.translation.significance import paired_bootstrap  # noqa: E402

BOOTSTRAP_SAMPLES = 1000  # the significance stage's default


def set_param(params: dict, dotted: str, value) -> None:
    *parents, last = dotted.split(".")
    node = params
    for key in parents:
        node = node[key]
    node[last] = value


def write_params(project: Path, base: dict, seed: int, overrides: list[str]) -> None:
    """``project``'s params.yaml: ``base`` with the seed and each ``key=value`` override (values read as YAML)."""
    params = copy.deepcopy(base)
    params["seed"] = seed
    for override in overrides:
        key, value = override.split("=", 1)
        set_param(params, key, yaml.safe_load(value))
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))


def last_climb(curve: Path) -> float:
    """Greedy dev BLEU gained between the last two evaluations of a training curve: near 0 when the
    model has converged; large when it is still step-limited and its final BLEU depends on timing."""
    rows = curve.read_text().splitlines()[1:]
    bleu = [float(row.split(",")[3]) for row in rows]
    return round(bleu[-1] - bleu[-2], 2) if len(bleu) > 1 else 0.0


def kd_gain_bootstrap(project: Path, seed: int):
    """The KD student against the baseline on the project's test set (its evaluate stage's translations)."""
    references = read_lines(project / "data" / "clean" / "test.tgt")
    student, baseline = (read_lines(project / "metrics" / "translations" / f"{name}.txt")
                         for name in ("student", "baseline"))
    return paired_bootstrap(student, baseline, references, samples=BOOTSTRAP_SAMPLES, seed=seed)


def task_kd_bootstrap(project: Path, seed: int, task: str):
    """The KD student against the hard-label student on the project's German test set, from the
    predictions its evaluate stage wrote (cls: accuracy; ner: entity F1); None when there are none
    (a project kept before ner_evaluate wrote its predictions)."""
    found = prediction_statistics(project / "metrics", task, models=("student", "student_hard"))
    if len(found) < 2:
        return None, None
    return bootstrap.paired_bootstrap(found["student"], found["student_hard"], PREDICTIONS[task].score,
                                      samples=BOOTSTRAP_SAMPLES, seed=seed, metric=PREDICTIONS[task].metric)


def interval_columns(prefix: str, result: dict | None) -> dict:
    """A bootstrap's 95 % interval and share of draws with A ahead, as a row's columns (None: not measured)."""
    return {f"{prefix}_ci95": result and result["ci95"], f"{prefix}_share_better": result and result["share_a_better"]}


def mean_interval(draws: list) -> dict | None:
    """The bootstrap of the mean over seeds: the seeds' test sets are independent, so each draw of the
    mean averages one draw of each seed's. None when a seed has no draws."""
    if not draws or any(found is None for found in draws):
        return None
    return summarize(sum(draws) / len(draws))


def classification_row(metrics: dict) -> dict:
    """German test accuracy of the classification branch (metrics/cls_evaluate.json)."""
    accuracy = {name: metrics[name].get("accuracy") for name in
                ("student", "student_int8", "student_hard", "supervised", "translate_test")}
    return {**{f"cls_{name}": value for name, value in accuracy.items()},
            "cls_kd_minus_hard": round(accuracy["student"] - accuracy["student_hard"], 2)}


def ner_row(metrics: dict) -> dict:
    """German test entity F1 of the NER branch's students (metrics/ner_evaluate.json)."""
    f1 = {name: metrics[name].get("f1") for name in ("student", "student_hard")}
    return {**{f"ner_{name}": value for name, value in f1.items()},
            "ner_kd_minus_hard": round(f1["student"] - f1["student_hard"], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1234, 1, 2])
    parser.add_argument("--set", action="append", default=[], help="key=value overrides for every seed")
    parser.add_argument("--params", type=Path, help="a params file instead of the project's (tests: a tiny one)")
    parser.add_argument("--out", type=Path, default=RESULTS / "seeds.json")
    parser.add_argument("--keep", type=Path, help="clone each seed into KEEP/seed-N and keep it (for later sweeps)")
    parser.add_argument("--reuse", action="store_true",
                        help="report a project already kept as KEEP/seed-N as it stands, without running it")
    args = parser.parse_args()
    if args.reuse and not args.keep:
        parser.error("--reuse needs --keep")

    rows, draws = [], {"translation": [], "cls": [], "ner": []}
    for seed in args.seeds:
        with tempfile.TemporaryDirectory(prefix="xldistill-seed-") as tmp:
            project = (args.keep or Path(tmp)) / f"seed-{seed}"
            wall = None
            if not (args.reuse and (project / "metrics" / "evaluate.json").exists()):
                subprocess.run(["git", "clone", "-q", str(PROJECT), str(project)], check=True)
                write_params(project, yaml.safe_load((args.params or project / "params.yaml").read_text()), seed,
                             args.set)
                started = time.perf_counter()
                subprocess.run(["dvc", "repro"], cwd=project, check=True, env=GIT_ENV, stdout=subprocess.DEVNULL)
                wall = time.perf_counter() - started
            metrics = json.loads((project / "metrics" / "evaluate.json").read_text())
            climb = {name: last_climb(project / "metrics" / "curves" / f"{name}.csv") for name in ("student", "baseline")}
            classification = json.loads((project / "metrics" / "cls_evaluate.json").read_text())
            tagging = json.loads((project / "metrics" / "ner_evaluate.json").read_text())
            translation, differences = kd_gain_bootstrap(project, seed)
            tasks = {task: task_kd_bootstrap(project, seed, task) for task in ("cls", "ner")}
        draws["translation"].append(differences)
        for task, (_, task_differences) in tasks.items():
            draws[task].append(task_differences)
        bleu = {name: metrics[name]["bleu"] for name in
                ("teacher", "student", "baseline", "teacher_ct2", "student_ct2", "baseline_ct2")}
        rows.append({"seed": seed, **bleu, "kd_gain": round(bleu["student"] - bleu["baseline"], 2),
                     **interval_columns("kd_gain", translation),
                     "kd_gain_ct2": round(bleu["student_ct2"] - bleu["baseline_ct2"], 2),
                     "student_dev_climb_last_eval": climb["student"], "baseline_dev_climb_last_eval": climb["baseline"],
                     **classification_row(classification), **interval_columns("cls_kd_minus_hard", tasks["cls"][0]),
                     **ner_row(tagging), **interval_columns("ner_kd_minus_hard", tasks["ner"][0]),
                     "cold_repro_min": round(wall / 60, 1) if wall is not None else None})
        print(rows[-1], file=sys.stderr)
    gains = [row["kd_gain"] for row in rows]
    cls_gains = [row["cls_kd_minus_hard"] for row in rows]
    ner_gains = [row["ner_kd_minus_hard"] for row in rows]
    summary = {"kd_gain_mean": round(statistics.mean(gains), 2), "kd_gain_min": min(gains),
               **interval_columns("kd_gain_mean", mean_interval(draws["translation"])),
               "cls_kd_minus_hard_mean": round(statistics.mean(cls_gains), 2),
               **interval_columns("cls_kd_minus_hard_mean", mean_interval(draws["cls"])),
               "ner_kd_minus_hard_mean": round(statistics.mean(ner_gains), 2),
               **interval_columns("ner_kd_minus_hard_mean", mean_interval(draws["ner"])),
               "cold_repro_min_max": max((row["cold_repro_min"] for row in rows if row["cold_repro_min"]),
                                         default=None)}
    report(rows, args.out, overrides=args.set, summary=summary)
    print(summary)


if __name__ == "__main__":
    main()

"""The whole pipeline on real human translations: Multi30k en→de (test2016).

    python bench/multi30k.py                                       # CPU profile
    python bench/multi30k.py --profile bench/profiles/multi30k-gpu.yaml
    python bench/multi30k.py --set teacher.train.schedule=cosine --set distill.train.schedule=cosine

Clones the committed project into a temporary folder, brings the corpus into its
corpora/ with `dvc add` (never into this repo), points the profile's `local` source
there, runs `dvc repro evaluate`
(the translation branch) and reports teacher, baseline, student and both int8 students: sacrebleu BLEU
and chrF (cased, detokenized, signatures stored), the lowercased 13a-tokenized
BLEU that published Multi30k figures use (fairseq transformer_tiny: 41.0),
parameters, size and CPU sentences/s; then the targets. Writes
bench/results/multi30k-<profile>.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml
from sacrebleu.metrics import BLEU

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import GIT_ENV, PROJECT, RESULTS, clone_with_corpora, report  # noqa: E402
from bench.seeds import set_param  # noqa: E402

MODELS = ("teacher", "baseline", "student", "student_int8", "teacher_ct2", "baseline_ct2", "student_ct2")
SPLITS = {"train": "train", "dev": "val", "test": "test2016"}
CORPUS_IN_PROJECT = "corpora/multi30k-en-de"


def training(project: Path) -> dict:
    """Each trained model's training seconds, best step and curve (train / dev loss, dev BLEU per evaluation),
    so that two profiles' curves can be compared without keeping their projects."""
    summary = {}
    for model in ("teacher", "student", "baseline"):
        stage = "distill" if model == "student" else model
        stage_metrics = json.loads((project / "metrics" / f"{stage}.json").read_text())
        curve = pd.read_csv(project / "metrics" / "curves" / f"{model}.csv")
        summary[model] = {"train_seconds": stage_metrics["train_seconds"], "best_step": stage_metrics["best_step"],
                          "curve": curve.to_dict(orient="list")}
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", type=Path, default=PROJECT / "bench" / "profiles" / "multi30k-cpu.yaml")
    parser.add_argument("--corpus", type=Path, default=PROJECT.parent / "shared" / "corpora" / "multi30k-en-de")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a profile key (value read as YAML), e.g. distill.train.schedule=cosine")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it (for `dvc exp run` afterwards); "
                        "a folder kept from an earlier run reruns only what changed, and the wall time says so")
    args = parser.parse_args()
    out = args.out or RESULTS / f"{args.profile.stem}.json"
    if not (args.corpus / "train.en").exists():
        raise SystemExit(f"{args.corpus}: no Multi30k here (train.en, val.en, test2016.en and the .de files)")

    params = yaml.safe_load(args.profile.read_text())
    for override in args.set:
        key, value = override.split("=", 1)
        set_param(params, key, yaml.safe_load(value))
    # A profile sets what it changes for translation; the other sections (classify) keep the defaults.
    for section, value in yaml.safe_load((PROJECT / "params.yaml").read_text()).items():
        params.setdefault(section, value)
    for split, name in SPLITS.items():
        params["corpus"]["local"][split] = f"{CORPUS_IN_PROJECT}/{name}"
    # mono.en: more English descriptions of the training images, for the teacher to forward-translate
    params["corpus"]["local"]["mono_src"] = f"{CORPUS_IN_PROJECT}/mono.en" if (args.corpus / "mono.en").exists() else None
    with tempfile.TemporaryDirectory(prefix="xldistill-multi30k-") as tmp:
        project = args.keep or Path(tmp) / "project"
        clone_with_corpora(project, {CORPUS_IN_PROJECT: args.corpus})
        (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
        started = time.perf_counter()
        # the translation branch only: evaluate and what it depends on, and the bootstrap of its gains
        subprocess.run(["dvc", "repro", "evaluate", "significance"], cwd=project, check=True, env=GIT_ENV)
        wall = time.perf_counter() - started
        metrics = json.loads((project / "metrics" / "evaluate.json").read_text())
        references = (project / "data" / "clean" / "test.tgt").read_text(encoding="utf-8").splitlines()
        lowercased = BLEU(lowercase=True, tokenize="13a")
        rows = []
        for name in MODELS:
            hypotheses = (project / "metrics" / "translations" / f"{name}.txt").read_text(encoding="utf-8").splitlines()
            entry = metrics[name]
            rows.append({"model": name, "engine": entry["engine"], "bleu": entry["bleu"], "chrf": entry["chrf"],
                         "bleu_lc_13a": round(lowercased.corpus_score(hypotheses, [references]).score, 2),
                         "params": entry["params"], "size_mb": round(entry["size_bytes"] / 1e6, 2),
                         "sent_per_s_batch32": entry["batch32"]["sentences_per_s"],
                         "sent_per_s_batch1": entry["batch1"]["sentences_per_s"]})
        ratios = metrics["ratios"]
        significance = json.loads((project / "metrics" / "significance.json").read_text())
        teacher_over_baseline = round(metrics["teacher"]["bleu"] - metrics["baseline"]["bleu"], 2)
        targets = {"student_over_teacher_bleu": ratios["student_over_teacher_bleu"],
                   "teacher_over_student_params": ratios["teacher_over_student_params"],
                   "kd_gain_over_baseline_bleu": ratios["kd_gain_over_baseline_bleu"],
                   "teacher_over_baseline_bleu": teacher_over_baseline,
                   # 95 % intervals of the two differences over the test set's sentences (metrics/significance.json)
                   "kd_gain_ci95": significance["kd_gain"]["ci95"],
                   "teacher_over_baseline_ci95": significance["teacher_over_baseline"]["ci95"],
                   "met": {">= 5x fewer parameters": ratios["teacher_over_student_params"] >= 5,
                           "KD student >= baseline + 2.0 BLEU": ratios["kd_gain_over_baseline_bleu"] >= 2.0,
                           "teacher >= baseline + 3.0 BLEU": teacher_over_baseline >= 3.0,
                           "cold dvc repro <= 100 min": wall <= 6000}}
        forward = json.loads((project / "metrics" / "teacher_translate.json").read_text())["forward"]
        student_lines = json.loads((project / "metrics" / "distill.json").read_text())["training_lines"]
        report(rows, out, profile=args.profile.name, overrides=args.set, pipeline_wall_s=round(wall), targets=targets,
               forward_translated=forward, student_training_lines=student_lines, training=training(project),
               signatures={"bleu": metrics["student"]["bleu_signature"], "chrf": metrics["student"]["chrf_signature"],
                           "bleu_lc_13a": str(lowercased.get_signature())},
               settings=metrics["settings"])
    print(f"\n{targets}")


if __name__ == "__main__":
    main()

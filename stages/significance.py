"""significance stage: is each difference that metrics/evaluate.json reports more than the noise of
its test set? → metrics/significance.json

Paired bootstrap resampling of test BLEU (Koehn 2004) on the evaluate stage's translations
(metrics/translations, beam `evaluate.beam`): for each pair below, both BLEU scores, the difference,
its 95 % interval over `significance.samples` draws of the test sentences, and the share of draws in
which the first system scores higher. A KD gain whose interval holds 0 is not shown by this test
set: say so beside it, or measure more seeds (bench/seeds.py).
"""

from __future__ import annotations

from pathlib import Path

from xldistill.cli import run_stage
from xldistill.data.textio import read_lines, write_json_atomic
from xldistill.errors import XldistillError
from xldistill.params import load_params
from xldistill.translation.significance import paired_bootstrap

CLEAN = Path("data/clean")
TRANSLATIONS = Path("metrics/translations")
METRICS = Path("metrics/significance.json")
# name → (system A, system B): A − B is what is tested
PAIRS = {
    "kd_gain": ("student", "baseline"),  # was distillation worth it?
    "kd_gain_in_ctranslate2": ("student_ct2", "baseline_ct2"),
    "teacher_over_baseline": ("teacher", "baseline"),  # how much the teacher had to teach
    "teacher_over_student": ("teacher", "student"),
    "int8_torch_over_fp32_student": ("student_int8", "student"),
    "int8_ct2_over_fp32_student": ("student_ct2", "student"),
}


def read_translations(entry: str, references: list[str]) -> list[str]:
    path = TRANSLATIONS / f"{entry}.txt"
    hypotheses = read_lines(path)
    if len(hypotheses) != len(references):
        raise XldistillError(f"{path}: {len(hypotheses)} lines for the {len(references)} sentences of "
                             f"{CLEAN}/test.tgt (rerun the evaluate stage)")
    return hypotheses


def main() -> None:
    params = load_params()
    samples, seed = params["significance"]["samples"], params["seed"]
    references = read_lines(CLEAN / "test.tgt")
    entries = dict.fromkeys(entry for pair in PAIRS.values() for entry in pair)  # each file read once
    translations = {entry: read_translations(entry, references) for entry in entries}
    results = {}
    for name, (a, b) in PAIRS.items():
        result, _ = paired_bootstrap(translations[a], translations[b], references, samples=samples, seed=seed)
        results[name] = {"a": a, "b": b, **result}
        low, high = result["ci95"]
        print(f"significance: {name:<30} {a} − {b} = {result['difference']:+6.2f} BLEU, "
              f"95 % interval [{low:+.2f}, {high:+.2f}], {a} ahead in {result['share_a_better']:.1%} of draws")
    results["settings"] = {"test": "paired bootstrap resampling (Koehn 2004), corpus BLEU per draw",
                           "samples": samples, "seed": seed, "sentences": len(references)}
    write_json_atomic(METRICS, results)


if __name__ == "__main__":
    run_stage("significance", main)

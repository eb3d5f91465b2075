"""significance stage: is each difference the evaluate stages report more than the noise of its
test set? → metrics/significance.json

Paired bootstrap resampling (xldistill.bootstrap, Koehn 2004) of
- test BLEU, on the evaluate stage's translations (metrics/translations, beam `evaluate.beam`);
- German test accuracy, on cls_evaluate's predictions (metrics/cls_confusion);
- German test entity F1, on ner_evaluate's predictions (metrics/ner_predictions).
For each pair below: both scores, the difference, its 95 % interval over `significance.samples`
draws of the test items, and the share of draws in which the first system scores higher. A pair
with a model its evaluate stage skipped is written as skipped. A KD gain whose interval holds 0 is
not shown by this test set: say so beside it, or measure more seeds (bench/seeds.py).
"""

from __future__ import annotations

from pathlib import Path

from xldistill import bootstrap
from xldistill.cli import run_stage
from xldistill.data.textio import read_lines, write_json_atomic
from xldistill.errors import XldistillError
from xldistill.params import load_params
from xldistill.tasks.significance import PREDICTIONS, prediction_statistics
from xldistill.translation.significance import bleu_of, sentence_statistics

CLEAN = Path("data/clean")
TRANSLATIONS = Path("metrics/translations")
METRICS_DIR = Path("metrics")  # cls_evaluate's cls_confusion/, ner_evaluate's ner_predictions/
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
CLS_PAIRS = {
    "cls_kd_gain": ("student", "student_hard"),  # soft labels against hard labels on the same transfer data
    "cls_student_over_translate_test": ("student", "translate_test"),
    "cls_supervised_over_student": ("supervised", "student"),  # what German gold labels would add
    "cls_int8_over_fp32_student": ("student_int8", "student"),
}
NER_PAIRS = {
    "ner_kd_gain": ("student", "student_hard"),
    "ner_supervised_over_student": ("supervised", "student"),
    "ner_int8_over_fp32_student": ("student_int8", "student"),
}


def read_translations(entry: str, references: list[str]) -> list[str]:
    path = TRANSLATIONS / f"{entry}.txt"
    hypotheses = read_lines(path)
    if len(hypotheses) != len(references):
        raise XldistillError(f"{path}: {len(hypotheses)} lines for the {len(references)} sentences of "
                             f"{CLEAN}/test.tgt (rerun the evaluate stage)")
    return hypotheses


def translation_statistics() -> tuple[dict, int]:
    """Each translation entry's sentence statistics (each file read once), and the test size."""
    references = read_lines(CLEAN / "test.tgt")
    entries = dict.fromkeys(entry for pair in PAIRS.values() for entry in pair)
    return ({entry: sentence_statistics(read_translations(entry, references), references) for entry in entries},
            len(references))


def bootstrap_pairs(results: dict, pairs: dict, statistics: dict, score, metric: str, *, samples: int, seed: int) -> None:
    for name, (a, b) in pairs.items():
        missing = [model for model in (a, b) if model not in statistics]
        if missing:
            results[name] = {"a": a, "b": b, "skipped": f"no predictions of {', '.join(missing)}"}
            print(f"significance: {name:<32} skipped ({results[name]['skipped']})")
            continue
        result, _ = bootstrap.paired_bootstrap(statistics[a], statistics[b], score, samples=samples, seed=seed,
                                               metric=metric)
        results[name] = {"a": a, "b": b, **result}
        low, high = result["ci95"]
        print(f"significance: {name:<32} {a} − {b} = {result['difference']:+6.2f} {metric}, "
              f"95 % interval [{low:+.2f}, {high:+.2f}], {a} ahead in {result['share_a_better']:.1%} of draws")


def main() -> None:
    params = load_params()
    samples, seed = params["significance"]["samples"], params["seed"]
    results = {}
    translations, sentences = translation_statistics()
    bootstrap_pairs(results, PAIRS, translations, bleu_of, "bleu", samples=samples, seed=seed)
    task_statistics = {}
    for task, pairs in (("cls", CLS_PAIRS), ("ner", NER_PAIRS)):
        task_statistics[task] = prediction_statistics(METRICS_DIR, task)
        bootstrap_pairs(results, pairs, task_statistics[task], PREDICTIONS[task].score, PREDICTIONS[task].metric,
                        samples=samples, seed=seed)
    results["settings"] = {"test": "paired bootstrap resampling (Koehn 2004), the corpus score per draw",
                           "samples": samples, "seed": seed, "sentences": sentences,
                           "cls_texts": len(next(iter(task_statistics["cls"].values()), [])),
                           "ner_sentences": len(next(iter(task_statistics["ner"].values()), []))}
    write_json_atomic(METRICS, results)


if __name__ == "__main__":
    run_stage("significance", main)

"""ner_evaluate stage: every tagger on the German test set → metrics/ner_evaluate.json.

Rows: the KD student, its int8 form (PyTorch dynamic int8), the hard-projection student,
the supervised upper bound and the English teacher on German text as it is. Each:
entity-level precision / recall / F1 per type and micro-averaged (seqeval, IOB2, exact
spans), parameters, size, CPU sentences/s at batch 1 and 32 (the same sentences for
every model). Each model's tags of the test set go to metrics/ner_predictions/<model>.conll
(``word gold predicted``, the conlleval layout), which the significance stage resamples.
"""

from __future__ import annotations

from pathlib import Path

import torch
from seqeval.metrics import classification_report

from xldistill.cli import run_stage
from xldistill.data.textio import atomic_dir, write_json_atomic
from xldistill.params import load_params
from xldistill.tasks.classification import items_per_second
from xldistill.tasks.ner_io import read_labels, read_set
from xldistill.tasks.significance import conll_predictions
from xldistill.tasks.tagging import decode, load_tagger, predict_word_logits
from xldistill.translation.models import count_parameters, size_on_disk
from xldistill.translation.quantize import quantize_dynamic, state_bytes

TEACHER = Path("models/ner-teacher")
STUDENTS = {"student": Path("models/ner-student"), "student_hard": Path("models/ner-student-hard"),
            "supervised": Path("models/ner-supervised")}
METRICS = Path("metrics/ner_evaluate.json")
PREDICTIONS = Path("metrics/ner_predictions")


def scores(gold: list[list[str]], predicted: list[list[str]]) -> dict:
    report = classification_report(gold, predicted, output_dict=True, zero_division=0)
    types = sorted(key for key in report if not key.endswith(" avg"))

    def row(entry: dict) -> dict:
        return {"precision": round(100 * entry["precision"], 2), "recall": round(100 * entry["recall"], 2),
                "f1": round(100 * entry["f1-score"], 2), "support": int(entry["support"])}

    return {**row(report["micro avg"]), "per_type": {kind: row(report[kind]) for kind in types}}


def main() -> None:
    params = load_params()
    cfg = params["ner"]["evaluate"]
    torch.set_num_threads(cfg["threads"])
    labels = read_labels()
    test = read_set("test")
    speed = test.sentences[:cfg["speed_sentences"]]
    results, predictions = {}, {}

    def add(name: str, model, tokenizer, *, size_bytes: int, params_count: int | None = None,
            extra: dict | None = None) -> None:
        def tag(sentences, batch_size):
            return predict_word_logits(model, tokenizer, sentences, batch_size=batch_size)

        predicted = decode(tag(test.sentences, 32), labels)
        predictions[name] = predicted
        results[name] = {**scores(test.tags, predicted), "params": params_count or count_parameters(model),
                         "size_bytes": size_bytes,
                         "sentences_per_s": {f"batch{b}": items_per_second(tag, speed, b) for b in (1, 32)},
                         **(extra or {})}
        print(f"ner_evaluate: {name}: F1 {results[name]['f1']}")

    for name, folder in STUDENTS.items():
        if (folder / "SKIPPED").exists():
            results[name] = {"skipped": (folder / "SKIPPED").read_text().strip()}
            continue
        model, tokenizer = load_tagger(folder)
        add(name, model, tokenizer, size_bytes=size_on_disk(folder))
        if name == "student":
            int8 = quantize_dynamic(model)
            add("student_int8", int8, tokenizer, size_bytes=state_bytes(int8), params_count=count_parameters(model),
                extra={"engine": "torch-int8 (dynamic, Linear layers)"})
    teacher, tokenizer = load_tagger(TEACHER)
    add("teacher_on_german", teacher, tokenizer, size_bytes=size_on_disk(TEACHER))
    results["ratios"] = ratios(results)
    with atomic_dir(PREDICTIONS) as out:
        for name, predicted in predictions.items():
            (out / f"{name}.conll").write_text(conll_predictions(test.sentences, test.tags, predicted),
                                              encoding="utf-8")
    write_json_atomic(METRICS, results)


def ratios(results: dict) -> dict:
    student, out = results["student"], {}
    if "f1" in results["supervised"]:
        out["student_over_supervised_f1"] = round(student["f1"] / results["supervised"]["f1"], 4) \
            if results["supervised"]["f1"] else None
    out["student_minus_hard_f1"] = round(student["f1"] - results["student_hard"]["f1"], 2)
    out["teacher_over_student_params"] = round(results["teacher_on_german"]["params"] / student["params"], 2)
    out["int8_f1_loss"] = round(student["f1"] - results["student_int8"]["f1"], 2)
    return out


if __name__ == "__main__":
    run_stage("ner_evaluate", main)

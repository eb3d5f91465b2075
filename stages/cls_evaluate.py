"""cls_evaluate stage: every classifier on the German test set → metrics/cls_evaluate.json
and metrics/cls_confusion/<model>.csv (a `dvc plots` confusion matrix each).

Rows: the KD student, its int8 forms (models/cls-student-int8 in ONNX Runtime: the one the ratios
read; and PyTorch dynamic int8, for comparison), the hard-label student, the
supervised upper bound, translate-test (the reverse translation model, in CTranslate2 as
models/reverse-ct2, turns the German test into English, sentence by sentence, for the English teacher) and
the English teacher on German text as it is. Each: accuracy, macro-F1, per-class precision / recall / F1 (scikit-learn),
parameters, size, CPU texts/s at batch 1 and 32 (the same texts for every model).
"""

from __future__ import annotations

from pathlib import Path

import torch
from sklearn.metrics import accuracy_score, classification_report, f1_score

from xldistill.cli import run_stage
from xldistill.data.textio import atomic_dir, write_json_atomic
from xldistill.params import load_params
from xldistill.tasks.classification import items_per_second, load_classifier, predict_logits
from xldistill.tasks.cls_io import label_ids, read_labels, read_set
from xldistill.tasks.onnx_int8 import OnnxClassifier
from xldistill.translation.engines import CTranslate2Engine
from xldistill.translation.models import count_parameters, load_marian, size_on_disk
from xldistill.translation.quantize import quantize_dynamic, state_bytes
from xldistill.translation.segments import translate_texts

TEACHER = Path("models/cls-teacher")
STUDENTS = {"student": Path("models/cls-student"), "student_hard": Path("models/cls-student-hard"),
            "supervised": Path("models/cls-supervised")}
STUDENT_INT8 = Path("models/cls-student-int8")
REVERSE = Path("models/reverse")  # its parameter count
REVERSE_CT2 = Path("models/reverse-ct2")  # the engine translate-test runs
METRICS = Path("metrics/cls_evaluate.json")
CONFUSION = Path("metrics/cls_confusion")


def scores(gold: list[int], predicted: list[int], labels: list[str]) -> dict:
    report = classification_report(gold, predicted, labels=list(range(len(labels))), target_names=labels,
                                   output_dict=True, zero_division=0)
    return {"accuracy": round(100 * accuracy_score(gold, predicted), 2),
            "macro_f1": round(100 * f1_score(gold, predicted, average="macro", labels=list(range(len(labels))),
                                             zero_division=0), 2),
            "per_class": {label: {"precision": round(100 * report[label]["precision"], 2),
                                  "recall": round(100 * report[label]["recall"], 2),
                                  "f1": round(100 * report[label]["f1-score"], 2),
                                  "support": int(report[label]["support"])} for label in labels}}


def main() -> None:
    params = load_params()
    cfg = params["classify"]["evaluate"]
    torch.set_num_threads(cfg["threads"])
    labels = read_labels()
    test = read_set("test")
    gold = label_ids(test, labels, "data/cls/test.tgt.tsv")
    speed_texts = test.texts[:cfg["speed_texts"]]
    results, predictions = {}, {}

    def add(name: str, classify, *, params_count: int, size_bytes: int, extra: dict | None = None) -> None:
        predicted = torch.as_tensor(classify(test.texts, 32)).argmax(-1).tolist()
        predictions[name] = predicted
        results[name] = {**scores(gold, predicted, labels), "params": params_count, "size_bytes": size_bytes,
                         "texts_per_s": {f"batch{b}": items_per_second(classify, speed_texts, b) for b in (1, 32)},
                         **(extra or {})}
        print(f"cls_evaluate: {name}: accuracy {results[name]['accuracy']} macro-F1 {results[name]['macro_f1']}")

    def classifier(model, tokenizer):
        return lambda texts, batch_size: predict_logits(model, tokenizer, texts, batch_size=batch_size)

    teacher, teacher_tokenizer = load_classifier(TEACHER)
    for name, folder in STUDENTS.items():
        if (folder / "SKIPPED").exists():
            results[name] = {"skipped": (folder / "SKIPPED").read_text().strip()}
            continue
        model, tokenizer = load_classifier(folder)
        add(name, classifier(model, tokenizer), params_count=count_parameters(model), size_bytes=size_on_disk(folder))
        if name == "student":
            onnx_int8 = OnnxClassifier(STUDENT_INT8, threads=cfg["threads"])
            add("student_int8", onnx_int8, params_count=count_parameters(model), size_bytes=onnx_int8.size_bytes(),
                extra={"engine": "onnxruntime int8 (dynamic quantization, int8 weights)"})
            torch_int8 = quantize_dynamic(model)
            add("student_int8_torch", classifier(torch_int8, tokenizer), params_count=count_parameters(model),
                size_bytes=state_bytes(torch_int8), extra={"engine": "torch int8 (dynamic, Linear layers)"})
    add("teacher_on_german", classifier(teacher, teacher_tokenizer), params_count=count_parameters(teacher),
        size_bytes=size_on_disk(TEACHER))
    if (REVERSE_CT2 / "SKIPPED").exists() or not REVERSE_CT2.exists():  # the latter: bench/cls_webis.py
        results["translate_test"] = {"skipped": "no reverse translation model (backtranslate.synthetic_share 0)"}
    else:
        reverse = CTranslate2Engine(REVERSE_CT2, threads=cfg["threads"])

        def translate_test(texts: list[str], batch_size: int) -> torch.Tensor:
            english = translate_texts(reverse, texts, lang=params["corpus"]["tgt_lang"], beam=cfg["beam"],
                                      batch_size=batch_size, max_length=reverse.max_positions)
            return predict_logits(teacher, teacher_tokenizer, english, batch_size=batch_size)

        # a converted model counts the parameters it was trained with (as the evaluate stage does)
        add("translate_test", translate_test,
            params_count=count_parameters(teacher) + count_parameters(load_marian(REVERSE)),
            size_bytes=size_on_disk(TEACHER) + size_on_disk(REVERSE_CT2),
            extra={"engine": "reverse model in CTranslate2 (models/reverse-ct2), teacher in PyTorch"})
    results["ratios"] = ratios(results)
    with atomic_dir(CONFUSION) as out:
        for name, predicted in predictions.items():
            (out / f"{name}.csv").write_text("actual,predicted\n" + "".join(
                f"{labels[g]},{labels[p]}\n" for g, p in zip(gold, predicted)))
    write_json_atomic(METRICS, results)


def ratios(results: dict) -> dict:
    def accuracy(name: str) -> float | None:
        return results.get(name, {}).get("accuracy")

    student, out = results["student"], {}
    if accuracy("supervised") is not None:
        out["student_over_supervised_accuracy"] = round(student["accuracy"] / accuracy("supervised"), 4)
    out["student_minus_hard_accuracy"] = round(student["accuracy"] - accuracy("student_hard"), 2)
    if accuracy("translate_test") is not None:
        out["student_minus_translate_test_accuracy"] = round(student["accuracy"] - accuracy("translate_test"), 2)
    out["teacher_over_student_params"] = round(results["teacher_on_german"]["params"] / student["params"], 2)
    out["int8_accuracy_loss"] = round(student["accuracy"] - results["student_int8"]["accuracy"], 2)
    for batch in ("batch1", "batch32"):
        out[f"int8_speedup_over_teacher_{batch}"] = round(
            results["student_int8"]["texts_per_s"][batch] / results["teacher_on_german"]["texts_per_s"][batch], 2)
    return out


if __name__ == "__main__":
    run_stage("cls_evaluate", main)

"""The int8 classification student in PyTorch or ONNX Runtime: which is faster on the CPU?

    python bench/cls_onnx.py

Reads the working tree's classifiers (run `dvc repro cls_evaluate` first): exports the KD
student to ONNX as the cls_quantize stage does (xldistill.tasks.onnx_int8: torch.onnx.export, then
ONNX Runtime's dynamic int8, int8 weights per tensor), and times every variant side by side in one
process on the same German test texts at batch 1 and 32 (2 threads): teacher fp32, student fp32
and dynamic int8 in PyTorch, student fp32 and int8 in ONNX Runtime. Accuracy on the whole German
test set for each. Writes bench/results/cls_onnx.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PROJECT, RESULTS, report  # noqa: E402
from xldistill.data.labelled import read_tsv  # noqa: E402
from xldistill.tasks.classification import items_per_second, load_classifier, predict_logits  # noqa: E402
from xldistill.tasks.onnx_int8 import MODEL_FILE, OnnxClassifier, save_onnx  # noqa: E402
from xldistill.translation.quantize import quantize_dynamic  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=PROJECT)
    parser.add_argument("--speed-texts", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3, help="timings per variant; the best is kept")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS / "cls_onnx.json")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    labels = json.loads((args.project / "data/cls/labels.json").read_text())
    test = read_tsv(args.project / "data/cls/test.tgt.tsv")
    gold = np.array([labels.index(label) for label in test.labels])
    teacher, teacher_tokenizer = load_classifier(args.project / "models/cls-teacher")
    student, tokenizer = load_classifier(args.project / "models/cls-student")
    student_int8 = quantize_dynamic(student)  # a quantized copy: the fp32 student stays as it is

    def torch_classifier(model, tok):
        return lambda texts, batch_size: predict_logits(model, tok, texts, batch_size=batch_size).numpy()

    with tempfile.TemporaryDirectory() as tmp:
        fp32_dir, int8_dir = Path(tmp) / "fp32", Path(tmp) / "int8"
        save_onnx(student, tokenizer, fp32_dir, int8=False)
        save_onnx(student, tokenizer, int8_dir, int8=True)
        variants = {
            "teacher, PyTorch fp32": torch_classifier(teacher, teacher_tokenizer),
            "student, PyTorch fp32": torch_classifier(student, tokenizer),
            "student, PyTorch dynamic int8": torch_classifier(student_int8, tokenizer),
            "student, ONNX Runtime fp32": OnnxClassifier(fp32_dir, args.threads),
            "student, ONNX Runtime dynamic int8": OnnxClassifier(int8_dir, args.threads),
        }
        sizes = {"student, ONNX Runtime fp32": (fp32_dir / MODEL_FILE).stat().st_size,
                 "student, ONNX Runtime dynamic int8": (int8_dir / MODEL_FILE).stat().st_size}
        speed = test.texts[:args.speed_texts]
        rows = []
        for name, classify in variants.items():
            accuracy = round(100 * float((classify(test.texts, 32).argmax(-1) == gold).mean()), 2)
            rows.append({"variant": name, "accuracy": accuracy, "size_mb": round(sizes.get(name, 0) / 1e6, 2) or None,
                         **{f"texts_per_s_batch{b}": items_per_second(classify, speed, b, args.repeats) for b in (1, 32)}})
    teacher_row = rows[0]
    for row in rows:
        for b in (1, 32):
            row[f"over_teacher_batch{b}"] = round(row[f"texts_per_s_batch{b}"] / teacher_row[f"texts_per_s_batch{b}"], 2)
    report(rows, args.out, threads=args.threads, speed_texts=len(speed), repeats=args.repeats)


if __name__ == "__main__":
    main()

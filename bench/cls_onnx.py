"""The int8 classification student in PyTorch or ONNX Runtime: which is faster on the CPU?

    pip install -e ".[onnx]" && python bench/cls_onnx.py

Reads the working tree's classifiers (run `dvc repro cls_evaluate` first): exports the KD
student to ONNX (torch.onnx.export), quantizes it with ONNX Runtime's dynamic int8
(`quantize_dynamic`, int8 weights, per-tensor), and times every variant side by side in one
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
from xldistill.tasks.classification import (items_per_second, load_classifier, max_length_of, pad,  # noqa: E402
                                            predict_logits)  # noqa: E402
from xldistill.translation.quantize import quantize_dynamic  # noqa: E402


def export(model, tokenizer, path: Path) -> None:
    batch = pad(tokenizer(["Die Suppe war nicht gut ."])["input_ids"] * 2, tokenizer.pad_token_id, "cpu")
    model.eval()
    torch.onnx.export(model, (batch["input_ids"], batch["attention_mask"]), str(path), dynamo=False,
                      input_names=["input_ids", "attention_mask"], output_names=["logits"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "length"}, "attention_mask": {0: "batch", 1: "length"},
                                    "logits": {0: "batch"}}, opset_version=17)


def ort_classifier(path: Path, tokenizer, max_length: int, threads: int):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def classify(texts: list[str], batch_size: int) -> np.ndarray:
        ids = tokenizer(texts, truncation=True, max_length=max_length)["input_ids"]
        order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
        out = np.empty((len(texts), session.get_outputs()[0].shape[-1] or 3), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            index = order[start:start + batch_size]
            batch = pad([ids[i] for i in index], tokenizer.pad_token_id, "cpu")
            out[index] = session.run(["logits"], {"input_ids": batch["input_ids"].numpy(),
                                                  "attention_mask": batch["attention_mask"].numpy()})[0]
        return out

    return classify


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=PROJECT)
    parser.add_argument("--speed-texts", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3, help="timings per variant; the best is kept")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS / "cls_onnx.json")
    args = parser.parse_args()
    from onnxruntime.quantization import QuantType, quantize_dynamic as ort_quantize_dynamic

    torch.set_num_threads(args.threads)
    labels = json.loads((args.project / "data/cls/labels.json").read_text())
    test = read_tsv(args.project / "data/cls/test.tgt.tsv")
    gold = np.array([labels.index(label) for label in test.labels])
    teacher, teacher_tokenizer = load_classifier(args.project / "models/cls-teacher")
    student, tokenizer = load_classifier(args.project / "models/cls-student")
    student_int8 = quantize_dynamic(load_classifier(args.project / "models/cls-student")[0])

    def torch_classifier(model, tok):
        return lambda texts, batch_size: predict_logits(model, tok, texts, batch_size=batch_size).numpy()

    with tempfile.TemporaryDirectory() as tmp:
        fp32_path, int8_path = Path(tmp) / "student.onnx", Path(tmp) / "student.int8.onnx"
        export(student, tokenizer, fp32_path)
        ort_quantize_dynamic(str(fp32_path), str(int8_path), weight_type=QuantType.QInt8)
        max_length = max_length_of(student, tokenizer)
        variants = {
            "teacher, PyTorch fp32": torch_classifier(teacher, teacher_tokenizer),
            "student, PyTorch fp32": torch_classifier(student, tokenizer),
            "student, PyTorch dynamic int8": torch_classifier(student_int8, tokenizer),
            "student, ONNX Runtime fp32": ort_classifier(fp32_path, tokenizer, max_length, args.threads),
            "student, ONNX Runtime dynamic int8": ort_classifier(int8_path, tokenizer, max_length, args.threads),
        }
        sizes = {"student, ONNX Runtime fp32": fp32_path.stat().st_size,
                 "student, ONNX Runtime dynamic int8": int8_path.stat().st_size}
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

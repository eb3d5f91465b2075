"""cls_quantize stage: models/cls-student/ → models/cls-student-int8/, the KD student exported to ONNX
with int8 weights (ONNX Runtime dynamic quantization), its config and tokenizer; for CPU inference.
ONNX Runtime, not PyTorch's dynamic int8: on this model size it is the faster of the two
(bench/cls_onnx.py; cls_evaluate times both)."""

from __future__ import annotations

from pathlib import Path

from xldistill.cli import run_stage
from xldistill.tasks.classification import load_classifier
from xldistill.tasks.onnx_int8 import MODEL_FILE, save_onnx

STUDENT = Path("models/cls-student")
INT8_OUT = Path("models/cls-student-int8")


def main() -> None:
    model, tokenizer = load_classifier(STUDENT)
    save_onnx(model, tokenizer, INT8_OUT, int8=True)
    print(f"cls_quantize: {INT8_OUT / MODEL_FILE}: {(INT8_OUT / MODEL_FILE).stat().st_size:,} bytes "
          f"(safetensors fp32: {sum(f.stat().st_size for f in STUDENT.glob('*.safetensors')):,})")


if __name__ == "__main__":
    run_stage("cls_quantize", main)

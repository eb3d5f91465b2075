"""quantize stage: models/student/ → models/student-ct2/ (CTranslate2, int8 by
default) and models/student-int8/ (PyTorch dynamic int8); models/baseline/ →
models/baseline-ct2/, so that evaluate compares the KD student and the baseline
in the same engine. Sizes in metrics/quantize.json."""

from __future__ import annotations

from pathlib import Path

from xldistill.cli import run_stage
from xldistill.translation.models import size_on_disk
from xldistill.params import load_params
from xldistill.translation.quantize import convert_ctranslate2, save_torch_int8
from xldistill.data.textio import atomic_dir, write_json_atomic

STUDENT = Path("models/student")
CT2_OUT = Path("models/student-ct2")
INT8_OUT = Path("models/student-int8")
BASELINE = Path("models/baseline")
BASELINE_CT2_OUT = Path("models/baseline-ct2")
METRICS = Path("metrics/quantize.json")


def main() -> None:
    cfg = load_params()["quantize"]
    with atomic_dir(CT2_OUT) as out:
        convert_ctranslate2(STUDENT, out, quantization=cfg["ctranslate2"])
    with atomic_dir(INT8_OUT) as out:
        save_torch_int8(STUDENT, out)
    with atomic_dir(BASELINE_CT2_OUT) as out:
        convert_ctranslate2(BASELINE, out, quantization=cfg["ctranslate2"])
    metrics = {"student_bytes": size_on_disk(STUDENT), "ctranslate2_bytes": size_on_disk(CT2_OUT),
               "torch_int8_bytes": size_on_disk(INT8_OUT), "baseline_ctranslate2_bytes": size_on_disk(BASELINE_CT2_OUT),
               "ctranslate2_type": cfg["ctranslate2"]}
    write_json_atomic(METRICS, metrics)
    print(f"quantize: {metrics}")


if __name__ == "__main__":
    run_stage("quantize", main)

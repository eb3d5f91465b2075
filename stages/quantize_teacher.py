"""quantize_teacher stage: models/teacher/ → models/teacher-ct2/ (CTranslate2, the
weight type of `quantize.ctranslate2`, int8 by default).

One conversion, used twice: `teacher_translate` translates the training data with
it, and `evaluate` times the teacher in the same engine as the student, so that
the student's speed-up compares like with like. Its own stage because `quantize`
runs after the student, which learns from this teacher's translations.
"""

from __future__ import annotations

from pathlib import Path

from xldistill.cli import run_stage
from xldistill.params import load_params
from xldistill.translation.quantize import convert_ctranslate2
from xldistill.data.textio import atomic_dir

TEACHER = Path("models/teacher")
CT2_OUT = Path("models/teacher-ct2")


def main() -> None:
    cfg = load_params()["quantize"]
    with atomic_dir(CT2_OUT) as out:
        convert_ctranslate2(TEACHER, out, quantization=cfg["ctranslate2"])
    print(f"quantize_teacher: {TEACHER} → {CT2_OUT} ({cfg['ctranslate2']})")


if __name__ == "__main__":
    run_stage("quantize_teacher", main)

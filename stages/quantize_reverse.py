"""quantize_reverse stage: models/reverse/ → models/reverse-ct2/ (CTranslate2, the weight type of
`quantize.ctranslate2`, int8 by default).

The German→English model in the engine the pipeline translates with: `cls_evaluate`'s
translate-test row turns the German test set into English through it, as `cls_transfer`'s
translate-train turns English into German through models/teacher-ct2. A skipped reverse model
(`backtranslate.synthetic_share: 0`) gives a skipped conversion.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from xldistill.cli import run_stage
from xldistill.data.textio import atomic_dir
from xldistill.params import load_params
from xldistill.translation.quantize import convert_ctranslate2

REVERSE = Path("models/reverse")
CT2_OUT = Path("models/reverse-ct2")


def main() -> None:
    cfg = load_params()["quantize"]
    with atomic_dir(CT2_OUT) as out:
        if (REVERSE / "SKIPPED").exists():
            shutil.copy(REVERSE / "SKIPPED", out / "SKIPPED")
        else:
            convert_ctranslate2(REVERSE, out, quantization=cfg["ctranslate2"])
    print(f"quantize_reverse: {REVERSE} → {CT2_OUT} ({cfg['ctranslate2']})")


if __name__ == "__main__":
    run_stage("quantize_reverse", main)

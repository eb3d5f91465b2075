"""teacher_logits stage: the teacher's top-k logits on every target position of
the student's training data → data/logits/ (xldistill/translation/logit_store.py).

Word-level KD then trains from the store (`distill.teacher_logits: stored`) at
about the cost of a plain step instead of paying a teacher forward every step.
The store holds raw logits; the temperature is applied by the distill stage, so
`dvc exp run -S temp=4` never reruns this stage. When the student does not use
it (`distill.mode: seq` or `distill.teacher_logits: live`) the store is left empty.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from transformers import MarianTokenizer

from xldistill.cli import run_stage
from xldistill.translation.distill import student_training_pairs
from xldistill.translation.logit_store import compute_store
from xldistill.translation.models import load_marian
from xldistill.params import load_params
from xldistill.data.textio import atomic_dir

TOKENIZER = Path("models/tokenizer")
TEACHER = Path("models/teacher")
OUT_DIR = Path("data/logits")


def main() -> None:
    params = load_params()
    cfg, distill = params["teacher_logits"], params["distill"]
    with atomic_dir(OUT_DIR) as out:
        if distill["mode"] == "seq" or distill["teacher_logits"] == "live":
            reason = f"distill.mode {distill['mode']}, distill.teacher_logits {distill['teacher_logits']}"
            (out / "meta.json").write_text(json.dumps({"skipped": reason}) + "\n")
            print(f"teacher_logits: not needed ({reason})")
            return
        pairs, counts = student_training_pairs(distill["mode"], distill["forward_share"])
        started = time.perf_counter()
        meta = compute_store(load_marian(TEACHER), MarianTokenizer.from_pretrained(str(TOKENIZER)), pairs, out,
                             k=cfg["k"], max_length=distill["model"]["max_positions"])
    print(f"teacher_logits: top-{cfg['k']} logits of {meta['positions']:,} target positions "
          f"({counts['parallel']} parallel + {counts['forward_translated']} forward-translated lines) "
          f"in {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    run_stage("teacher_logits", main)

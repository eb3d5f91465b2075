"""baseline stage: the student's architecture and budget trained without the
teacher (plain cross-entropy on the references) → models/baseline/, so every
run answers "was KD worth it?"."""

from __future__ import annotations

from pathlib import Path

from transformers import MarianTokenizer

from xldistill.cli import run_stage
from xldistill.translation.models import build_marian
from xldistill.params import load_params
from xldistill.translation.stage_io import read_split, train_and_save
from xldistill.data.textio import write_json_atomic
from xldistill.training.trainer import seed_everything

AUGMENTED = Path("data/augmented")
TOKENIZER = Path("models/tokenizer")
OUT_MODEL = Path("models/baseline")
METRICS = Path("metrics/baseline.json")


def main() -> None:
    params = load_params()
    cfg = params["distill"]
    seed_everything(params["seed"])
    tokenizer = MarianTokenizer.from_pretrained(str(TOKENIZER))
    model = build_marian(tokenizer, cfg["model"], max_positions=cfg["model"]["max_positions"])
    metrics = train_and_save(model, tokenizer, read_split(AUGMENTED, "train"), train_cfg=cfg["train"],
                             seed=params["seed"], name="baseline", out_dir=OUT_MODEL, beam=cfg["beam"],
                             max_length=cfg["max_length"])
    write_json_atomic(METRICS, metrics)
    print(f"baseline: test BLEU {metrics['test']['bleu']} ({metrics['params']:,} parameters)")


if __name__ == "__main__":
    run_stage("baseline", main)

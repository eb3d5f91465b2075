"""teacher stage: train (teacher.init: scratch) or fine-tune (a local folder or a
Hugging Face name) the teacher on data/augmented/ → models/teacher/ and
metrics/teacher.json (dev and test BLEU / chrF / TER with sacrebleu signatures,
parameters, size on disk, training time and throughput)."""

from __future__ import annotations

from pathlib import Path

from transformers import MarianTokenizer

from xldistill.cli import run_stage
from xldistill.errors import XldistillError
from xldistill.translation.models import build_marian, check_local_init, load_marian
from xldistill.params import load_params
from xldistill.translation.stage_io import read_split, train_and_save
from xldistill.data.textio import write_json_atomic
from xldistill.training.trainer import seed_everything

AUGMENTED = Path("data/augmented")
TOKENIZER = Path("models/tokenizer")
OUT_MODEL = Path("models/teacher")
METRICS = Path("metrics/teacher.json")


def initial_model(cfg: dict, tokenizer: MarianTokenizer):
    if cfg["init"] == "scratch":
        return build_marian(tokenizer, cfg["model"], max_positions=cfg["model"]["max_positions"])
    check_local_init(cfg["init"])
    model = load_marian(cfg["init"])
    if model.config.vocab_size != len(tokenizer):
        raise XldistillError(f"teacher.init {cfg['init']!r} has a vocabulary of {model.config.vocab_size} but "
                             f"models/tokenizer has {len(tokenizer)}; rerun the vocab stage")
    return model


def main() -> None:
    params = load_params()
    cfg = params["teacher"]
    seed_everything(params["seed"])
    tokenizer = MarianTokenizer.from_pretrained(str(TOKENIZER))
    model = initial_model(cfg, tokenizer)
    metrics = train_and_save(model, tokenizer, read_split(AUGMENTED, "train"), train_cfg=cfg["train"],
                             seed=params["seed"], name="teacher", out_dir=OUT_MODEL, beam=cfg["beam"],
                             max_length=cfg["max_length"])
    write_json_atomic(METRICS, metrics)
    print(f"teacher: test BLEU {metrics['test']['bleu']} chrF {metrics['test']['chrf']} "
          f"({metrics['params']:,} parameters)")


if __name__ == "__main__":
    run_stage("teacher", main)

"""teacher stage: train (teacher.init: scratch) or fine-tune (a local folder or a
Hugging Face name) the teacher on data/augmented/ → models/teacher/ and
metrics/teacher.json (dev and test BLEU / chrF with sacrebleu signatures,
parameters, size on disk, training time and throughput)."""

from __future__ import annotations

import shutil
from pathlib import Path

from transformers import MarianTokenizer

from xldistill.cli import run_stage
from xldistill.errors import XldistillError
from xldistill.models import build_marian, count_parameters, load_marian, save_model, size_on_disk
from xldistill.params import load_params
from xldistill.stage_io import evaluate, read_split
from xldistill.textio import atomic_dir, write_json_atomic
from xldistill.trainer import seed_everything, train

CLEAN = Path("data/clean")
AUGMENTED = Path("data/augmented")
TOKENIZER = Path("models/tokenizer")
OUT_MODEL = Path("models/teacher")
WORK_DIR = Path("models/.work/teacher")
METRICS = Path("metrics/teacher.json")
CURVE = Path("metrics/curves/teacher.csv")


def initial_model(cfg: dict, tokenizer: MarianTokenizer):
    if cfg["init"] == "scratch":
        return build_marian(tokenizer, cfg["model"], max_positions=cfg["model"]["max_positions"])
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
    result = train(model, tokenizer, read_split(AUGMENTED, "train"), read_split(CLEAN, "dev"), cfg["train"],
                   seed=params["seed"], work_dir=WORK_DIR, curve_path=CURVE, name="teacher")
    metrics = {"params": count_parameters(model), "train_seconds": result.train_seconds,
               "train_target_tokens_per_s": result.target_tokens_per_s, "steps": result.steps,
               "best_step": result.best_step, "stopped_early": result.stopped_early}
    for split in ("dev", "test"):
        scores, _ = evaluate(model, tokenizer, *read_split(CLEAN, split), beam=cfg["beam"],
                             max_length=cfg["max_length"])
        metrics[split] = scores
    with atomic_dir(OUT_MODEL) as out:
        save_model(model, tokenizer, out, beam=cfg["beam"], max_length=cfg["max_length"])
        metrics["size_bytes"] = size_on_disk(out)
    shutil.rmtree(WORK_DIR, ignore_errors=True)
    write_json_atomic(METRICS, metrics)
    print(f"teacher: test BLEU {metrics['test']['bleu']} chrF {metrics['test']['chrf']} "
          f"({metrics['params']:,} parameters)")


if __name__ == "__main__":
    run_stage("teacher", main)

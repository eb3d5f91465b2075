"""What the model stages share: reading splits, scoring, and train → score → save."""

from __future__ import annotations

import shutil
from pathlib import Path

from transformers import MarianMTModel, MarianTokenizer

from xldistill.errors import CorpusError
from xldistill.translation.models import count_parameters, generation_config, save_model, size_on_disk
from xldistill.data.textio import atomic_dir, read_lines
from xldistill.translation.task import train_translation
from xldistill.translation.translate import score, translate


def read_split(folder: Path, split: str) -> tuple[list[str], list[str]]:
    src, tgt = read_lines(folder / f"{split}.src"), read_lines(folder / f"{split}.tgt")
    if len(src) != len(tgt):
        raise CorpusError(f"{folder}/{split}.src has {len(src)} lines but {split}.tgt has {len(tgt)}")
    return src, tgt


def evaluate(model: MarianMTModel, tokenizer: MarianTokenizer, sources: list[str], references: list[str],
             *, beam: int, max_length: int) -> dict:
    """sacrebleu scores (with signatures) of the model's translations."""
    return score(translate(model, tokenizer, sources, beam=beam, max_length=max_length), references)


def train_and_save(model: MarianMTModel, tokenizer: MarianTokenizer, train_pairs: tuple[list, list], *,
                   train_cfg: dict, seed: int, name: str, out_dir: Path, beam: int, max_length: int,
                   clean_dir: Path = Path("data/clean"), loss_fn=None, frozen_modules: tuple = (),
                   trained_modules: tuple = (), identity: dict | None = None) -> dict:
    """The shared tail of every model stage: train (resuming from models/.work/<name>),
    score dev and test with sacrebleu, save the HF folder atomically, return the metrics."""
    work_dir = Path("models/.work") / name
    # Dev and test are scored with the decoding settings the saved folder will carry.
    model.generation_config = generation_config(
        tokenizer, beam=beam, max_length=min(max_length, model.config.max_position_embeddings))
    result = train_translation(model, tokenizer, train_pairs, read_split(clean_dir, "dev"), train_cfg, seed=seed,
                   work_dir=work_dir, curve_path=Path("metrics/curves") / f"{name}.csv", name=name,
                   loss_fn=loss_fn, frozen_modules=frozen_modules, trained_modules=trained_modules,
                   identity=identity)
    metrics = {"params": count_parameters(model), "train_seconds": result.train_seconds,
               "train_target_tokens_per_s": result.items_per_s, "steps": result.steps,
               "best_step": result.best_step, "stopped_early": result.stopped_early}
    if result.average:
        metrics["checkpoint_average"] = result.average
    for split in ("dev", "test"):
        metrics[split] = evaluate(model, tokenizer, *read_split(clean_dir, split), beam=beam,
                                  max_length=max_length)
    with atomic_dir(out_dir) as out:
        save_model(model, tokenizer, out, beam=beam, max_length=max_length)
        metrics["size_bytes"] = size_on_disk(out)
    shutil.rmtree(work_dir, ignore_errors=True)
    return metrics
